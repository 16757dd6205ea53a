"""Export a conversation to Markdown or JSON (current branch or all), import the JSON back exactly, archive them all."""

import json
import re
import zipfile
from pathlib import Path

from desktop import __version__
from desktop.core.errors import InklingError
from desktop.core.prompt.record import PromptRecord
from desktop.core.store import Store
from desktop.core.store.store import ROLES, STATUSES
from desktop.core.store.rows import MESSAGE_FIELDS, MessageRows, insert_rows
from desktop.core.probability.trace import TokenRecord, TopToken
from desktop.core.transactions import write_transaction

FORMAT = "inkling.conversation"
VERSION = 1
BRANCHES = ("current", "all")
ARCHIVE_FOLDER = "inkling-conversations"


class TransferError(InklingError):
    """A file cannot be imported, or a conversation exported; the message says why in the user's terms."""


# --- JSON ------------------------------------------------------------------------------------------
def export_json(store: Store, conversation_id: int, branches: str = "current") -> dict:
    """Everything about the conversation: messages (numbered 1.. in the export), sampler settings, model,
    stats, sources with scores, token traces with alternatives, and each reply's prompt."""
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise TransferError(f"There is no conversation {conversation_id}.")
    messages = _messages(store, conversation_id, branches)
    number = {m.id: n for n, m in enumerate(messages, start=1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "inkling_version": __version__,
        "branches": branches,
        "conversation": {
            "title": conversation.title, "system_prompt": conversation.system_prompt,
            "created_at": conversation.created_at, "updated_at": conversation.updated_at,
            "pinned": conversation.pinned,
        },
        "leaf": number.get(conversation.leaf_message_id),
        "messages": [_message_json(store, m, number) for m in messages],
    }


def _messages(store: Store, conversation_id: int, branches: str):
    if branches not in BRANCHES:
        raise TransferError(f"branches must be one of {', '.join(BRANCHES)}")
    if branches == "current":
        return store.thread(conversation_id)
    ids = [row["id"] for row in store.db.query(
        "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", [conversation_id])]
    return [store.get_message(i) for i in ids]  # by id: a parent is always older than its children


def _message_json(store: Store, message, number: dict[int, int]) -> dict:
    trace = store.load_trace(message.id)
    prompt_ids = store.load_prompt_tokens(message.id)
    record = store.load_prompt_record(message.id)
    return {
        "id": number[message.id],
        "parent_id": number.get(message.parent_id),
        "role": message.role, "content": message.content, "status": message.status,
        "model": message.model, "sampler": message.sampler, "stats": message.stats,
        "finish_reason": message.finish_reason, "error": message.error,
        "created_at": message.created_at, "updated_at": message.updated_at,
        "branch_of": number.get(message.branch_of), "branch_position": message.branch_position,
        "sources": store.load_sources(message.id),
        "trace": None if trace is None else [_token_json(t) for t in trace],
        "prompt": None if prompt_ids is None and record is None else {
            "token_ids": prompt_ids,
            "record": None if record is None else PromptRecord.decode(record).to_json(),
        },
    }


def _token_json(token: TokenRecord) -> dict:
    return {
        "id": token.id, "text": token.text, "logprob": token.logprob, "sampled_prob": token.sampled_prob,
        "entropy": token.entropy, "eog": token.eog,
        "top": [{"id": t.id, "text": t.text, "logprob": t.logprob, "eog": t.eog} for t in token.top],
    }


def _token(data: dict) -> TokenRecord:
    top = tuple(TopToken(int(t["id"]), t["text"], float(t["logprob"]), bool(t.get("eog", False))) for t in data["top"])
    return TokenRecord(int(data["id"]), data["text"], float(data["logprob"]), float(data["sampled_prob"]),
                       float(data["entropy"]), top, bool(data.get("eog", False)))


def import_json(store: Store, data: dict) -> int:
    """Create a new conversation from an export; returns its id. Nothing is written if the file is unusable."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError("This is not an Inkling conversation export.")
    if data.get("version") != VERSION:
        raise TransferError(f"This export has format version {data.get('version')}; this Inkling reads version {VERSION}.")
    try:
        meta = data["conversation"]
        rows = MessageRows([_message_row(m) for m in data["messages"]])
        extras = [(m["id"], m.get("trace"), m.get("sources") or [], m.get("prompt")) for m in data["messages"]]
        traces = {n: [_token(t) for t in trace] for n, trace, _, _ in extras if trace is not None}
        records = {n: PromptRecord.from_json(p["record"]) for n, _, _, p in extras if p and p.get("record")}
    except (KeyError, TypeError, ValueError) as error:
        raise TransferError(f"The export is damaged: {error!r}") from error
    with write_transaction(store.db):
        conversation = store.create_conversation(meta["title"], meta["system_prompt"])
        id_map = insert_rows(store, rows, conversation.id)
        for number, _, sources, prompt in extras:
            message_id = id_map[number]
            if number in traces:
                store.save_trace(message_id, traces[number])
            if sources:
                store.save_sources(message_id, sources)
            if prompt and prompt.get("token_ids") is not None:
                store.save_prompt_tokens(message_id, prompt["token_ids"])
            if number in records:
                store.save_prompt_record(message_id, records[number].encode())
        store.db.execute(
            "UPDATE conversations SET leaf_message_id = ?, created_at = ?, updated_at = ?, pinned = ? WHERE id = ?",
            [id_map.get(data.get("leaf")), meta["created_at"], meta["updated_at"], int(bool(meta.get("pinned"))),
             conversation.id],
        )
    return conversation.id


def _message_row(message: dict) -> dict:
    row = {field: message.get(field) for field in MESSAGE_FIELDS}
    for field in ("sampler", "stats"):
        row[field] = None if row[field] is None else json.dumps(row[field], ensure_ascii=False)
    if row["role"] not in ROLES or row["status"] not in STATUSES:
        raise ValueError(f"unknown role or status {row['role']!r}, {row['status']!r}")
    # an import is never still being written: a reply exported mid-stream arrives as interrupted
    if row["status"] == "streaming":
        row["status"] = "interrupted"
    return row


# --- Markdown ----------------------------------------------------------------------------------------
def export_markdown(store: Store, conversation_id: int, branches: str = "current") -> str:
    """A readable transcript; with all branches, depth first, each alternative marked as such."""
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise TransferError(f"There is no conversation {conversation_id}.")
    messages = _messages(store, conversation_id, branches)
    started = conversation.created_at[:16].replace("T", " ")
    lines = [f"# {conversation.title}", "", f"*Exported from Inkling {__version__} · started {started} UTC*", ""]
    if conversation.system_prompt:
        lines += ["**System prompt:**", "", _quote(conversation.system_prompt), ""]
    if branches == "all":
        children: dict[int | None, list] = {}
        for message in messages:
            children.setdefault(message.parent_id, []).append(message)
        entries = list(_depth_first(children, None))
    else:
        entries = [(message, 0, 1) for message in messages]
    for message, position, count in entries:
        lines += _message_markdown(store, message, position, count)
    return "\n".join(lines).rstrip() + "\n"


def _depth_first(children: dict, parent_id):
    siblings = children.get(parent_id, [])
    for position, message in enumerate(siblings):
        yield message, position, len(siblings)
        yield from _depth_first(children, message.id)


def _message_markdown(store: Store, message, position: int, count: int) -> list[str]:
    who = "You" if message.role == "user" else (message.model or "Assistant")
    heading = f"## {who}"
    if count > 1:
        heading += f" (alternative {position + 1} of {count})"
    if message.status != "complete":
        heading += f" — {message.status}"
    lines = [heading, "", message.content or "*(empty)*", ""]
    sources = store.load_sources(message.id)
    if sources:
        lines += ["Sources:", ""] + [
            f"{n}. {s.get('title', '')} (score {s.get('score', 0):.2f})" for n, s in enumerate(sources, start=1)
        ] + [""]
    return lines


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


# --- files ---------------------------------------------------------------------------------------------
def export_text(store: Store, conversation_id: int, fmt: str, branches: str = "current") -> str:
    if fmt == "md":
        return export_markdown(store, conversation_id, branches)
    if fmt == "json":
        return json.dumps(export_json(store, conversation_id, branches), ensure_ascii=False, indent=1) + "\n"
    raise TransferError(f"unknown format {fmt!r} (md or json)")


def export_all(store: Store, path: Path) -> int:
    """Every conversation, all branches, as JSON and Markdown in one zip archive; returns how many."""
    conversations = store.list_conversations("created")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for conversation in reversed(conversations):  # oldest first, so an import keeps their order
            name = f"{ARCHIVE_FOLDER}/{conversation.id:05d}-{_slug(conversation.title)}"
            archive.writestr(f"{name}.json", export_text(store, conversation.id, "json", "all"))
            archive.writestr(f"{name}.md", export_markdown(store, conversation.id, "all"))
    return len(conversations)


def import_file(store: Store, path: Path) -> list[int]:
    """Import one exported JSON file, or every conversation of an archive; returns the new ids."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                texts = [archive.read(n).decode("utf-8") for n in sorted(archive.namelist()) if n.endswith(".json")]
        else:
            texts = [path.read_text(encoding="utf-8")]
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise TransferError(f"Cannot read {path.name}: {error}") from error
    documents = []
    for text in texts:
        try:
            documents.append(json.loads(text))
        except json.JSONDecodeError as error:
            raise TransferError(f"{path.name} is not valid JSON: {error}") from error
    with write_transaction(store.db):  # an archive comes in whole or not at all
        return [import_json(store, document) for document in documents]


def _slug(title: str) -> str:
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:40] or "conversation"
