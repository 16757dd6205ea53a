"""Messages as raw rows with everything that hangs off them: delete a subtree and put it back, copy a path."""

from dataclasses import dataclass, field

from desktop.core.store.store import MESSAGE_FIELDS, Conversation, Store
from desktop.core.transactions import write_transaction


@dataclass
class MessageRows:
    """Message rows (parents before children) and, per table that references messages, its rows for them."""

    messages: list[dict]
    dependents: dict[str, list[dict]] = field(default_factory=dict)


@dataclass(frozen=True)
class Deleted:
    """What delete_subtree removed, enough to put it back."""

    conversation_id: int
    rows: MessageRows
    leaf_before: int | None


def dependent_tables(store: Store) -> list[tuple[str, str]]:
    """(table, column) of every table with a foreign key to messages, besides messages and conversations.

    Found from the schema, so rows added by later features (traces, sources, prompts…) travel too.
    """
    found = []
    tables = [row["name"] for row in store.db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('messages', 'conversations')"
    )]
    for table in tables:
        for key in store.db.execute(f"PRAGMA foreign_key_list([{table}])").fetchall():
            if key[2] == "messages":  # (id, seq, table, from, to, …)
                found.append((table, key[3]))
    return found


def subtree_ids(store: Store, message_id: int) -> list[int]:
    """The message and all its descendants, parents first."""
    rows = store.db.query(
        """
        WITH RECURSIVE below(id, depth) AS (
            SELECT id, 0 FROM messages WHERE id = ?
            UNION ALL
            SELECT messages.id, below.depth + 1 FROM messages JOIN below ON messages.parent_id = below.id
        )
        SELECT id FROM below ORDER BY depth, id
        """,
        [message_id],
    )
    return [row["id"] for row in rows]


def read_rows(store: Store, ids: list[int]) -> MessageRows:
    """The rows of these messages, in the order given, and of every dependent table."""
    order = {message_id: index for index, message_id in enumerate(ids)}
    rows = MessageRows([])
    dependents = dependent_tables(store)
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows.messages += [dict(r) for r in store.db.query(
            f"SELECT {', '.join(MESSAGE_FIELDS)} FROM messages WHERE id IN ({marks})", chunk
        )]
        for table, column in dependents:
            rows.dependents.setdefault(table, []).extend(
                dict(r) for r in store.db.query(f"SELECT * FROM [{table}] WHERE [{column}] IN ({marks})", chunk)
            )
    rows.messages.sort(key=lambda row: order[row["id"]])
    return rows


def insert_rows(store: Store, rows: MessageRows, conversation_id: int, keep_ids: bool = False) -> dict[int, int]:
    """Insert the rows into a conversation; returns old id -> new id. Call inside a transaction.

    With keep_ids the original ids are reused where free (an undo); otherwise every message gets a
    new id. Parents and branch sources outside the rows must already exist in the conversation,
    or the link is dropped (a copied path has no siblings to branch from).
    """
    id_map: dict[int, int] = {}
    for row in rows.messages:
        values = dict(row, conversation_id=conversation_id)
        old = values.pop("id")
        values["parent_id"] = _link(store, id_map, values["parent_id"], conversation_id)
        values["branch_of"] = _link(store, id_map, values["branch_of"], conversation_id)
        if keep_ids and store.get_message(old) is None:
            values["id"] = old
        columns = list(values)
        cursor = store.db.execute(
            f"INSERT INTO messages ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [values[c] for c in columns],
        )
        id_map[old] = cursor.lastrowid
    tables = dict(dependent_tables(store))
    for table, table_rows in rows.dependents.items():
        column = tables.get(table)
        if column is None:
            continue  # a table this version does not have (rows exported by a newer Inkling)
        for row in table_rows:
            if row[column] not in id_map:
                continue
            values = dict(row, **{column: id_map[row[column]]})
            columns = list(values)
            store.db.execute(
                f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
                [values[c] for c in columns],
            )
    return id_map


def _link(store: Store, id_map: dict[int, int], old: int | None, conversation_id: int) -> int | None:
    if old is None:
        return None
    if old in id_map:
        return id_map[old]
    target = store.get_message(old)
    return old if target is not None and target.conversation_id == conversation_id else None


def delete_subtree(store: Store, message_id: int) -> Deleted:
    """Delete a message and everything below it; the shown branch moves to a sibling, or to the parent."""
    message = store.get_message(message_id)
    if message is None:
        raise KeyError(f"no message {message_id}")
    conversation = store.get_conversation(message.conversation_id)
    ids = subtree_ids(store, message_id)
    rows = read_rows(store, ids)
    with write_transaction(store.db):
        # children first, so no cascade runs behind the rows we saved
        for chunk in _chunks(ids[::-1]):
            store.db.execute(f"DELETE FROM messages WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        if conversation.leaf_message_id in ids or conversation.leaf_message_id is None:
            _show_after_delete(store, message)
    return Deleted(message.conversation_id, rows, conversation.leaf_message_id)


def _show_after_delete(store: Store, removed) -> None:
    siblings = list(store.db.query(
        "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id DESC LIMIT 1",
        [removed.conversation_id, removed.parent_id],
    ))
    target = siblings[0]["id"] if siblings else removed.parent_id
    if target is None:
        store._update_conversation(removed.conversation_id, "leaf_message_id", None)
    else:
        store.show_branch(target)


def restore(store: Store, deleted: Deleted) -> dict[int, int]:
    """Undo delete_subtree: the rows come back (with their ids when free) and the branch shown before."""
    if store.get_conversation(deleted.conversation_id) is None:
        raise KeyError(f"conversation {deleted.conversation_id} was deleted")
    with write_transaction(store.db):
        id_map = insert_rows(store, deleted.rows, deleted.conversation_id, keep_ids=True)
        leaf = id_map.get(deleted.leaf_before, deleted.leaf_before)
        if leaf is not None and store.get_message(leaf) is not None:
            store._update_conversation(deleted.conversation_id, "leaf_message_id", leaf)
    return id_map


@dataclass(frozen=True)
class DeletedConversation:
    """What delete_conversation removed: the conversation's row, its messages, and rows that reference it."""

    conversation: dict
    rows: MessageRows
    referencing: dict[str, list[dict]] = field(default_factory=dict)


def _conversation_tables(store: Store) -> list[tuple[str, str]]:
    """(table, column) of every table besides messages with a foreign key to conversations."""
    found = []
    for row in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('messages', 'conversations')"):
        for key in store.db.execute(f"PRAGMA foreign_key_list([{row['name']}])").fetchall():
            if key[2] == "conversations":
                found.append((row["name"], key[3]))
    return found


def delete_conversation(store: Store, conversation_id: int) -> DeletedConversation:
    """Delete a conversation with everything in it, keeping what restore_conversation needs to put it back."""
    found = list(store.db.query("SELECT * FROM conversations WHERE id = ?", [conversation_id]))
    if not found:
        raise KeyError(f"no conversation {conversation_id}")
    # ids grow with time and a parent (or a branch's source) is always older: id order is parents first
    ids = [r["id"] for r in store.db.query("SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", [conversation_id])]
    rows = read_rows(store, ids)
    referencing = {
        table: [dict(r) for r in store.db.query(f"SELECT * FROM [{table}] WHERE [{column}] = ?", [conversation_id])]
        for table, column in _conversation_tables(store)
    }
    store.delete_conversation(conversation_id)
    return DeletedConversation(dict(found[0]), rows, referencing)


def restore_conversation(store: Store, deleted: DeletedConversation) -> int:
    """Undo delete_conversation: the same id (when free), its messages with their ids, the branch shown."""
    values = dict(deleted.conversation, leaf_message_id=None)
    if store.get_conversation(values["id"]) is not None:
        del values["id"]
    with write_transaction(store.db):
        columns = list(values)
        cursor = store.db.execute(
            f"INSERT INTO conversations ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [values[c] for c in columns],
        )
        conversation_id = cursor.lastrowid
        id_map = insert_rows(store, deleted.rows, conversation_id, keep_ids=True)
        leaf = deleted.conversation["leaf_message_id"]
        store.db.execute("UPDATE conversations SET leaf_message_id = ? WHERE id = ?",
                         [id_map.get(leaf), conversation_id])
        tables = dict(_conversation_tables(store))
        for table, table_rows in deleted.referencing.items():
            for row in table_rows:
                row = dict(row, **{tables[table]: conversation_id})
                row_columns = list(row)
                store.db.execute(
                    f"INSERT OR IGNORE INTO [{table}] ({', '.join(f'[{c}]' for c in row_columns)}) "
                    f"VALUES ({', '.join('?' * len(row_columns))})",
                    [row[c] for c in row_columns],
                )
    return conversation_id


def duplicate_path(store: Store, message_id: int, title: str | None = None) -> Conversation:
    """A new conversation holding the branch from the root down to this message (with traces, sources, prompts)."""
    message = store.get_message(message_id)
    if message is None:
        raise KeyError(f"no message {message_id}")
    source = store.get_conversation(message.conversation_id)
    rows = read_rows(store, [m.id for m in store.path(message_id)])
    copy = store.create_conversation(title or f"{source.title} (copy)", source.system_prompt, source.kind)
    with write_transaction(store.db):
        id_map = insert_rows(store, rows, copy.id)
        store.db.execute(
            "UPDATE conversations SET leaf_message_id = ? WHERE id = ?", [id_map[message_id], copy.id]
        )
    return store.get_conversation(copy.id)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    # SQLite limits the number of bound parameters per statement
    return [ids[i:i + size] for i in range(0, len(ids), size)]
