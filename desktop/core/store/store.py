"""Conversations, message trees, token traces and settings over one SQLite database."""

import json
import os
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sqlite_utils import Database

from desktop.core.backups import migrate
from desktop.core.dbfiles import check_header, reraise
from desktop.core.blobs import damage_reason, inflate
from desktop.core.errors import DamagedDataError, InklingError
from desktop.core.store.migrations import migrations
from desktop.core.store.shapes import ENGINE, ENGINE_CHOICE, SAMPLER, SOURCES, STATS, parse_stored
from desktop.core.probability.trace import TRACE_FORMAT_VERSION, TokenRecord, TraceBuilder, TraceTable, encode_trace
from desktop.core.transactions import write_transaction
from desktop.core.words import translate

ROLES = frozenset({"system", "user", "assistant"})
STATUSES = frozenset({"streaming", "complete", "cancelled", "error", "interrupted"})

_CONVERSATION_COLUMNS = "id, title, system_prompt, created_at, updated_at, leaf_message_id, pinned, kind"
# How the conversation list can be sorted; pinned conversations always come first.
CONVERSATION_ORDERS = {
    "updated": "updated_at DESC, id DESC",
    "created": "created_at DESC, id DESC",
    "title": "title COLLATE NOCASE, id DESC",
}
MESSAGE_FIELDS = (
    "id", "conversation_id", "parent_id", "role", "content", "status", "model", "sampler", "stats",
    "finish_reason", "error", "created_at", "updated_at", "branch_of", "branch_position", "engine",
)
_MESSAGE_COLUMNS = ", ".join(MESSAGE_FIELDS)
# Conversations an import has begun and not finished (desktop.core.conversation.transfer.ImportWriter): the window
# writes an import in many transactions, and a half-written one is never listed, exported or opened from the list.
UNFINISHED_IMPORTS_KEY = "unfinished_imports"
_UNFINISHED_IMPORTS = ("SELECT value FROM json_each((SELECT value FROM settings "
                       f"WHERE key = '{UNFINISHED_IMPORTS_KEY}' AND json_valid(value)))")
MAX_PROMPT_TOKENS = 2**24  # more than any context window; a stored blob inflating past it is damaged


class DatabaseTooNewError(InklingError):
    """The database holds migrations from a newer Inkling; opening it could damage it."""

    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        names = ", ".join(f"'{name}'" for name in unknown)
        plural = "s" if len(unknown) > 1 else ""
        super().__init__(
            f"This data was written by a newer version of Inkling (unknown migration{plural} {names}); "
            "update Inkling to open it."
        )


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    title: str
    system_prompt: str
    created_at: str
    updated_at: str
    leaf_message_id: int | None  # last message of the branch currently shown
    pinned: bool = False
    kind: str = "chat"  # "chat", or "notebook": one document a base model continues


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    conversation_id: int
    parent_id: int | None
    role: str
    content: str
    status: str
    model: str | None
    sampler: dict | None
    stats: dict | None
    finish_reason: str | None
    error: str | None
    created_at: str
    updated_at: str
    branch_of: int | None = None  # the reply this one was continued from, with another token
    branch_position: int | None = None  # the token position where the alternative was put
    engine: dict | None = None  # which engine wrote a reply (shapes.EngineJson); None: in-process, or older than m006
    damaged: tuple[str, ...] = ()  # stored values that could not be read ("sampler", "stats"): shown as None


def _now() -> str:
    # A fixed format (always with microseconds and +00:00) so text order is time order.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _json_or_none(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _depth(limit: int | None) -> int:
    # SQLite's integers stop at 2**63-1; "no limit" is a depth no chain reaches.
    return (1 << 62) if limit is None else limit


def _message(row: dict) -> Message:
    values, damaged = dict(row), []
    for column, shape in (("sampler", SAMPLER), ("stats", STATS), ("engine", ENGINE)):
        if values[column] is not None:
            try:
                values[column] = parse_stored(shape, values[column])
            except ValueError:  # a damaged row still shows its text; the part is marked, never guessed
                values[column] = None
                damaged.append(column)
    return Message(**values, damaged=tuple(damaged))


def open_store(path: str | os.PathLike) -> "Store":
    """Open (creating if needed) the database file at path, tuned for one app process."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_header(path)  # a file cut short would otherwise open and fail later, in the middle of some query
    db = Database(path)
    try:
        db.enable_wal()
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        # NORMAL is durable across app crashes in WAL mode; only a power cut can lose the last commits.
        db.execute("PRAGMA synchronous=NORMAL")
        return Store(db)
    except sqlite3.Error as error:
        db.close()
        reraise(error, path)  # a damaged, read-only or full file in words; anything else ("locked") as it is
    except BaseException:
        db.close()
        raise


def _unknown_migrations(db: Database) -> list[str]:
    # Migrations has no public list of its names, but on an empty database every one is pending.
    empty = Database(memory=True, execute_plugins=False)
    try:
        known = {migration.name for migration in migrations.pending(empty)}
    finally:
        empty.close()
    return [m.name for m in migrations.applied(db) if m.name not in known]


class Store:
    """The app's source of truth; every write method commits (or rolls back) as one transaction."""

    def __init__(self, db: Database):
        self.db = db
        # Off by default in SQLite and per connection; the cascades depend on it.
        db.execute("PRAGMA foreign_keys=ON")
        unknown = _unknown_migrations(db)
        if unknown:
            raise DatabaseTooNewError(unknown)
        migrate(db, migrations)  # a copy in backups/ first; all or nothing

    def close(self) -> None:
        self.db.close()

    # Conversations

    def create_conversation(self, title: str = "New chat", system_prompt: str = "", kind: str = "chat") -> Conversation:
        now = _now()
        with write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO conversations (title, system_prompt, created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?)",
                [title, system_prompt, now, now, kind],
            )
        return Conversation(cursor.lastrowid, title, system_prompt, now, now, None, kind=kind)

    def list_conversations(self, order: str = "updated") -> list[Conversation]:
        """Every conversation, pinned ones first, then in `order` (a key of CONVERSATION_ORDERS)."""
        rows = self.db.query(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id NOT IN ({_UNFINISHED_IMPORTS}) "
            f"ORDER BY pinned DESC, {CONVERSATION_ORDERS[order]}"
        )
        return [Conversation(**{**row, "pinned": bool(row["pinned"])}) for row in rows]

    def get_conversation(self, conversation_id: int) -> Conversation | None:
        rows = list(self.db.query(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?", [conversation_id]
        ))
        return Conversation(**{**rows[0], "pinned": bool(rows[0]["pinned"])}) if rows else None

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self._update_conversation(conversation_id, "title", title)

    def set_system_prompt(self, conversation_id: int, text: str) -> None:
        self._update_conversation(conversation_id, "system_prompt", text)

    def set_kind(self, conversation_id: int, kind: str) -> None:
        """Show the conversation as a chat or as a notebook (see desktop.core.conversation.notebook)."""
        self._update_conversation(conversation_id, "kind", kind)

    def conversation_engine(self, conversation_id: int) -> dict | None:
        """The engine the conversation chats with (shapes.EngineChoiceJson); None: not chosen, or unreadable."""
        rows = list(self.db.query("SELECT engine FROM conversations WHERE id = ?", [conversation_id]))
        if not rows or rows[0]["engine"] is None:
            return None
        try:
            return parse_stored(ENGINE_CHOICE, rows[0]["engine"])
        except ValueError:  # a damaged choice is no choice: the window keeps the engine it has
            return None

    def set_conversation_engine(self, conversation_id: int, choice: dict) -> None:
        # Not through _update_conversation: opening a conversation must not reorder the list.
        with write_transaction(self.db):
            self.db.execute("UPDATE conversations SET engine = ? WHERE id = ?", [json.dumps(choice), conversation_id])

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        # Not through _update_conversation: pinning is not an update that should reorder the list.
        with write_transaction(self.db):
            cursor = self.db.execute("UPDATE conversations SET pinned = ? WHERE id = ?", [int(pinned), conversation_id])
        if cursor.rowcount == 0:
            raise KeyError(f"no conversation {conversation_id}")

    def _update_conversation(self, conversation_id: int, column: str, value: Any) -> None:
        with write_transaction(self.db):
            cursor = self.db.execute(
                f"UPDATE conversations SET {column} = ?, updated_at = ? WHERE id = ?",
                [value, _now(), conversation_id],
            )
        if cursor.rowcount == 0:
            raise KeyError(f"no conversation {conversation_id}")

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation with its messages and traces (by cascade); a missing one is ignored."""
        with write_transaction(self.db):
            # Unlinked first: by cascade alone, each message's deletion would delete its child inside it, one
            # trigger level per message, and SQLite stops at 1,000 ("too many levels of trigger recursion").
            self.db.execute("UPDATE messages SET parent_id = NULL WHERE conversation_id = ? AND parent_id IS NOT NULL",
                            [conversation_id])
            self.db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])

    # Messages

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        *,
        parent_id: int | None = None,
        status: str = "complete",
        model: str | None = None,
        sampler: dict | None = None,
        stats: dict | None = None,
        branch_of: int | None = None,
        branch_position: int | None = None,
        engine: dict | None = None,
    ) -> Message:
        """Add a message under parent_id (None: a new root) and make it the conversation's shown leaf."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        now = _now()
        with write_transaction(self.db):
            if self.get_conversation(conversation_id) is None:
                raise KeyError(f"no conversation {conversation_id}")
            if parent_id is not None:
                parent = self.get_message(parent_id)
                if parent is None:
                    raise KeyError(f"no message {parent_id}")
                # A branch crossing conversations would make thread() show another chat's messages.
                if parent.conversation_id != conversation_id:
                    raise ValueError(f"message {parent_id} belongs to another conversation")
            cursor = self.db.execute(
                "INSERT INTO messages (conversation_id, parent_id, role, content, status, model, sampler, stats,"
                " created_at, updated_at, branch_of, branch_position, engine)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [conversation_id, parent_id, role, content, status, model,
                 _json_or_none(sampler), _json_or_none(stats), now, now, branch_of, branch_position,
                 _json_or_none(engine)],
            )
            self.db.execute(
                "UPDATE conversations SET leaf_message_id = ?, updated_at = ? WHERE id = ?",
                [cursor.lastrowid, now, conversation_id],
            )
            # Read back rather than echo the arguments, so the result equals what a later read returns.
            return self.get_message(cursor.lastrowid)

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: str | None = None,
        stats: dict | None = None,
        finish_reason: str | None = None,
        error: str | None = None,
    ) -> None:
        """Change only the fields given (None means unchanged)."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with write_transaction(self.db):
            self._update_message(message_id, content=content, status=status, stats=_json_or_none(stats),
                                 finish_reason=finish_reason, error=error)

    def _update_message(self, message_id: int, **fields: Any) -> None:
        changes = {column: value for column, value in fields.items() if value is not None}
        changes["updated_at"] = _now()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        cursor = self.db.execute(
            f"UPDATE messages SET {assignments} WHERE id = ?", [*changes.values(), message_id]
        )
        if cursor.rowcount == 0:
            raise KeyError(f"no message {message_id}")

    def get_message(self, message_id: int) -> Message | None:
        rows = list(self.db.query(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", [message_id]))
        return _message(rows[0]) if rows else None

    def thread(self, conversation_id: int, limit: int | None = None) -> list[Message]:
        """The branch shown: messages from the root down to the conversation's leaf (`limit`: only the last ones)."""
        rows = self.db.query(
            f"""
            WITH RECURSIVE chain(message_id, depth) AS (
                SELECT leaf_message_id, 0 FROM conversations
                WHERE id = ? AND leaf_message_id IS NOT NULL
                UNION ALL
                SELECT messages.parent_id, chain.depth + 1 FROM messages JOIN chain ON messages.id = chain.message_id
                WHERE messages.parent_id IS NOT NULL AND chain.depth + 1 < ?
            )
            SELECT {_MESSAGE_COLUMNS} FROM chain JOIN messages ON messages.id = chain.message_id
            ORDER BY chain.depth DESC
            """,
            [conversation_id, _depth(limit)],
        )
        return [_message(row) for row in rows]

    def thread_length(self, conversation_id: int) -> int:
        """How many messages the branch shown has (walks ids only: a 200,000-message thread in about 0.3 s)."""
        return self.db.execute(
            """
            WITH RECURSIVE chain(message_id) AS (
                SELECT leaf_message_id FROM conversations WHERE id = ? AND leaf_message_id IS NOT NULL
                UNION ALL
                SELECT messages.parent_id FROM messages JOIN chain ON messages.id = chain.message_id
                WHERE messages.parent_id IS NOT NULL
            )
            SELECT count(*) FROM chain
            """,
            [conversation_id],
        ).fetchone()[0]

    def path(self, message_id: int, limit: int | None = None) -> list[Message]:
        """The message's ancestors and itself, root first (empty when there is no such message; `limit`: the last ones)."""
        rows = self.db.query(
            f"""
            WITH RECURSIVE up(message_id, depth) AS (
                SELECT id, 0 FROM messages WHERE id = ?
                UNION ALL
                SELECT messages.parent_id, up.depth + 1 FROM messages JOIN up ON messages.id = up.message_id
                WHERE messages.parent_id IS NOT NULL AND up.depth + 1 < ?
            )
            SELECT {_MESSAGE_COLUMNS} FROM up JOIN messages ON messages.id = up.message_id ORDER BY up.depth DESC
            """,
            [message_id, _depth(limit)],
        )
        return [_message(row) for row in rows]

    def children(self, message_id: int) -> list[Message]:
        rows = self.db.query(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE parent_id = ? ORDER BY id", [message_id]
        )
        return [_message(row) for row in rows]

    def siblings(self, message_id: int) -> list[Message]:
        """The message and its alternatives: every message with the same parent (roots: of the same conversation)."""
        message = self.get_message(message_id)
        if message is None:
            raise KeyError(f"no message {message_id}")
        if message.parent_id is not None:
            return self.children(message.parent_id)
        rows = self.db.query(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND parent_id IS NULL ORDER BY id",
            [message.conversation_id],
        )
        return [_message(row) for row in rows]

    def branches_from(self, message_id: int) -> list[Message]:
        """Replies continued from an alternative token of this one."""
        rows = self.db.query(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE branch_of = ? ORDER BY id", [message_id]
        )
        return [_message(row) for row in rows]

    def show_branch(self, message_id: int) -> None:
        """Show the branch through this message: the conversation's leaf becomes its newest descendant."""
        message = self.get_message(message_id)
        if message is None:
            raise KeyError(f"no message {message_id}")
        leaf = message.id
        while True:
            rows = list(self.db.query("SELECT MAX(id) AS child FROM messages WHERE parent_id = ?", [leaf]))
            if rows[0]["child"] is None:
                break
            leaf = rows[0]["child"]
        self._update_conversation(message.conversation_id, "leaf_message_id", leaf)

    def recover_interrupted(self) -> int:
        """Mark replies a crash left 'streaming' as 'interrupted'; returns how many. Call once at startup."""
        with write_transaction(self.db):
            cursor = self.db.execute(
                "UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'streaming'",
                [_now()],
            )
        return cursor.rowcount

    # Token traces

    def save_trace(self, message_id: int, tokens: list[TokenRecord]) -> None:
        # encoded before the transaction, to hold the write lock briefly
        self.save_encoded_trace(message_id, len(tokens), encode_trace(tokens))

    def save_encoded_trace(self, message_id: int, n_tokens: int, data: bytes) -> None:
        """A trace encode_trace() made, perhaps on another thread (an import's reader)."""
        with write_transaction(self.db):
            self._upsert_trace(message_id, n_tokens, data)

    def save_partial_reply(self, message_id: int, content: str, tokens: list[TokenRecord] | TraceBuilder) -> None:
        """Save a streaming reply's text and trace together, so they never disagree after a crash."""
        data = tokens.encode() if isinstance(tokens, TraceBuilder) else encode_trace(tokens)
        with write_transaction(self.db):
            self._update_message(message_id, content=content)
            self._upsert_trace(message_id, len(tokens), data)

    def _upsert_trace(self, message_id: int, n_tokens: int, data: bytes) -> None:
        self.db.execute(
            """
            INSERT INTO token_traces (message_id, format, n_tokens, data) VALUES (?, ?, ?, ?)
            ON CONFLICT (message_id) DO UPDATE SET
                format = excluded.format, n_tokens = excluded.n_tokens, data = excluded.data
            """,
            [message_id, TRACE_FORMAT_VERSION, n_tokens, data],
        )

    def load_trace(self, message_id: int) -> list[TokenRecord] | None:
        """The message's trace, or None if it has none; raises TraceFormatError if it cannot be read."""
        table = self.load_trace_table(message_id)
        return None if table is None else table.records()

    def load_trace_table(self, message_id: int) -> TraceTable | None:
        """Like load_trace, as NumPy columns (cheap for thousands of tokens)."""
        rows = list(self.db.query("SELECT data FROM token_traces WHERE message_id = ?", [message_id]))
        return TraceTable.decode(rows[0]["data"]) if rows else None

    # Sources (the notes chunks a reply was grounded on)

    def save_sources(self, message_id: int, sources: list[dict]) -> None:
        """Replace the message's sources: dicts of note_id, title, chunk, score, snippet."""
        with write_transaction(self.db):
            self.db.execute(
                "INSERT INTO message_sources (message_id, data) VALUES (?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET data = excluded.data",
                [message_id, json.dumps(sources, ensure_ascii=False)],
            )

    def load_sources(self, message_id: int) -> list[dict]:
        """The message's sources; DamagedDataError when the stored value is not a list of sources."""
        rows = list(self.db.query("SELECT data FROM message_sources WHERE message_id = ?", [message_id]))
        if not rows:
            return []
        try:
            return parse_stored(SOURCES, rows[0]["data"])
        except ValueError as error:
            raise DamagedDataError(translate("core", "the sources of message {id} are damaged ({reason})").format(
                id=message_id, reason=damage_reason(error))) from None

    def save_prompt_tokens(self, message_id: int, token_ids: list[int]) -> None:
        data = zlib.compress(np.asarray(token_ids, dtype="<i4").tobytes(), 6)
        with write_transaction(self.db):
            self.db.execute(
                "INSERT INTO prompt_tokens (message_id, data) VALUES (?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET data = excluded.data",
                [message_id, data],
            )

    def load_prompt_tokens(self, message_id: int) -> list[int] | None:
        """The prompt token ids the reply was generated from; None for replies saved before they were kept."""
        rows = list(self.db.query("SELECT data FROM prompt_tokens WHERE message_id = ?", [message_id]))
        if not rows:
            return None
        try:
            data = inflate(rows[0]["data"], MAX_PROMPT_TOKENS * 4)
            if len(data) % 4:
                raise ValueError(translate("core", "its length is not a whole number of token ids"))
            return np.frombuffer(data, dtype="<i4").tolist()
        except (zlib.error, TypeError, ValueError) as error:
            raise DamagedDataError(translate("core", "the prompt tokens of message {id} are damaged ({reason})").format(
                id=message_id, reason=damage_reason(error))) from None

    def save_prompt_record(self, message_id: int, data: bytes) -> None:
        """Keep what the reply's prompt looked like (an encoded desktop.core.prompt.record.PromptRecord)."""
        with write_transaction(self.db):
            self.db.execute(
                "INSERT INTO prompt_records (message_id, data) VALUES (?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET data = excluded.data",
                [message_id, data],
            )

    def load_prompt_record(self, message_id: int) -> bytes | None:
        rows = list(self.db.query("SELECT data FROM prompt_records WHERE message_id = ?", [message_id]))
        return rows[0]["data"] if rows else None

    def latest_prompt_record(self, message_ids: list[int]) -> bytes | None:
        """The prompt record of the newest of these messages that has one (a child is always newer), in one query."""
        rows = list(self.db.query(
            "SELECT data FROM prompt_records WHERE message_id IN (SELECT value FROM json_each(?))"
            " ORDER BY message_id DESC LIMIT 1", [json.dumps(message_ids)],
        ))
        return rows[0]["data"] if rows else None

    # Settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = list(self.db.query("SELECT value FROM settings WHERE key = ?", [key]))
        try:
            return json.loads(rows[0]["value"]) if rows else default
        except (TypeError, ValueError, RecursionError):  # a damaged setting falls back, like a missing one
            return default

    def set_setting(self, key: str, value: Any) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )
