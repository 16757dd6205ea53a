"""Export a conversation to Markdown or JSON (current branch or all), import the JSON back exactly, archive them all."""

import codecs
import json
import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__
from desktop.core.blobs import damage_reason
from desktop.core.conversation.notebook import NOTEBOOK, page
from desktop.core.conversation.experiment_report import experiment_markdown
from desktop.core.conversation.export_format import FORMAT, VERSION, ExportJson, MessageJson, read_export
from desktop.core.conversation.export_stream import (
    Begin, Finish, Messages, NestingGuard, Part, Restart, read_parts, whole_parts,
)
from desktop.core.errors import DamagedDataError, InklingError
from desktop.core.prompt.record import PromptRecord
from desktop.core.store import Store
from desktop.core.store.experiments import ExperimentDamagedError, list_experiments, load_experiment, save_experiment
from desktop.core.store.store import MESSAGE_FIELDS, UNFINISHED_IMPORTS_KEY
from desktop.core.probability.trace import TokenRecord, TopToken, encode_trace
from desktop.core.transactions import write_transaction
from desktop.core.words import translate

BRANCHES = ("current", "all")
ARCHIVE_FOLDER = "inkling-conversations"


class TransferError(InklingError):
    """A file cannot be imported, or a conversation exported; the message says why in the user's terms."""


# --- JSON ------------------------------------------------------------------------------------------
def export_json(store: Store, conversation_id: int, branches: str = "current") -> dict:
    """Everything about the conversation: messages (numbered 1.. in the export), sampler settings, model,
    stats, sources with scores, token traces with alternatives, each reply's prompt, and the lab's experiments."""
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
            "pinned": conversation.pinned, "kind": conversation.kind,
        },
        "leaf": number.get(conversation.leaf_message_id),
        "messages": [_message_json(store, m, number) for m in messages],
        "experiments": [_experiment_json(store, e.id, number) for e in list_experiments(store, conversation_id, True)],
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
    damaged = list(message.damaged)
    trace = _readable(store.load_trace, message.id, "trace", damaged)
    prompt_ids = _readable(store.load_prompt_tokens, message.id, "prompt tokens", damaged)
    record = _readable(lambda i: _decoded(store.load_prompt_record(i)), message.id, "prompt record", damaged)
    sources = _readable(store.load_sources, message.id, "sources", damaged)
    exported = {
        "id": number[message.id],
        "parent_id": number.get(message.parent_id),
        "role": message.role, "content": message.content, "status": message.status,
        "model": message.model, "sampler": message.sampler, "stats": message.stats,
        "finish_reason": message.finish_reason, "error": message.error,
        "created_at": message.created_at, "updated_at": message.updated_at,
        "branch_of": number.get(message.branch_of), "branch_position": message.branch_position,
        "sources": sources or [],
        "trace": None if trace is None else [_token_json(t) for t in trace],
        "prompt": None if prompt_ids is None and record is None else {
            "token_ids": prompt_ids,
            "record": None if record is None else record.to_json(),
        },
    }
    if message.engine is not None:  # a server wrote it; in-process replies export as before m006
        exported["engine"] = message.engine
    if damaged:  # left out: the export says so rather than carry bytes nothing can read
        exported["damaged"] = damaged
    return exported


def _experiment_json(store: Store, experiment_id: int, number: dict[int, int]) -> dict:
    """An experiment whole, linked to its message by the export's number (null: the message is not exported)."""
    try:
        experiment = load_experiment(store, experiment_id)
    except ExperimentDamagedError:
        experiment, damaged = _experiment_row(store, experiment_id), True
    else:
        damaged = False
    exported = {"kind": experiment.kind, "title": experiment.title, "created_at": experiment.created_at,
                "message_id": number.get(experiment.message_id)}
    if damaged:  # its data cannot be read: the export says so rather than carry what nothing can show
        exported["damaged"] = True
    else:
        exported["data"] = experiment.data
    return exported


def _experiment_row(store: Store, experiment_id: int):
    return next(e for e in list_experiments(store) if e.id == experiment_id)


def _readable(load, message_id: int, part: str, damaged: list[str]):
    """What load returns, or None with the part named in `damaged` when its stored value cannot be read."""
    try:
        return load(message_id)
    except DamagedDataError:
        damaged.append(part)
        return None


def _decoded(blob: bytes | None) -> PromptRecord | None:
    return None if blob is None else PromptRecord.decode(blob)


def _token_json(token: TokenRecord) -> dict:
    return {
        "id": token.id, "text": token.text, "logprob": token.logprob, "sampled_prob": token.sampled_prob,
        "entropy": token.entropy, "eog": token.eog,
        "top": [{"id": t.id, "text": t.text, "logprob": t.logprob, "eog": t.eog} for t in token.top],
    }


def _token(data: dict) -> TokenRecord:
    top = tuple(TopToken(t["id"], t["text"], t["logprob"], t.get("eog", False)) for t in data["top"])
    return TokenRecord(data["id"], data["text"], data["logprob"], data["sampled_prob"], data["entropy"], top,
                       data.get("eog", False))


def import_json(store: Store, data: dict) -> int:
    """Create a new conversation from an export already parsed; returns its id. Nothing is written if it is unusable."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise TransferError(translate("core", "The export cannot be read: {error}").format(error=error)) from None
    writer = ImportWriter(store)
    with write_transaction(store.db):
        for part in whole_parts(_checked(text, translate("core", "The export")), ""):
            writer.write(part)
    return writer.ids[0]


def _checked(data: bytes | str, name: str) -> ExportJson:
    """The whole export checked against its declared shape, before anything is written."""
    try:
        return read_export(data)
    except ValueError as error:
        raise _refused(name, error) from None


def _refused(name: str, error: ValueError) -> TransferError:
    # the check's own words, translated when shown
    return TransferError(translate("core", "{name} {error}; nothing was imported.").format(name=name, error=damage_reason(error)))


@dataclass(frozen=True)
class Encoded:
    """Messages with their traces and prompt records encoded: what is left to write is SQL. The window encodes
    on the import's own thread (a 3,000-token trace takes about 40 ms), so its GUI thread only writes."""

    messages: list[MessageJson]
    traces: list[tuple[int, bytes] | None]  # (positions, encode_trace's bytes) of each message
    records: list[bytes | None]


def encoded(part: Part | Encoded) -> Part | Encoded:
    """A Messages part encoded; any other part as it is."""
    if not isinstance(part, Messages):
        return part
    traces, records = [], []
    for message in part.messages:
        trace, record = message.get("trace"), (message.get("prompt") or {}).get("record")
        traces.append(None if trace is None else (len(trace), encode_trace([_token(t) for t in trace])))
        records.append(None if record is None else PromptRecord.from_json(record).encode())
    return Encoded(part.messages, traces, records)


class ImportWriter:
    """Writes an import's parts in order (desktop.core.conversation.export_stream), each as one short transaction,
    or a savepoint of the caller's; `ids` are the conversations it created, the last one perhaps unfinished."""

    def __init__(self, store: Store):
        self.store = store
        self.ids: list[int] = []
        self._numbers: dict[int, int] = {}  # the export's message number -> the new message's id

    def write(self, part: Part) -> None:
        with write_transaction(self.store.db):
            if isinstance(part, Begin):
                meta = part.conversation
                self.ids.append(self.store.create_conversation(meta["title"], meta["system_prompt"], meta.get("kind", "chat")).id)
                self._numbers = {}
                _mark_unfinished(self.store, add=self.ids[-1])
            elif isinstance(part, Messages | Encoded):
                part = encoded(part)
                for message, trace, record in zip(part.messages, part.traces, part.records):
                    self._message(message, trace, record)
            elif isinstance(part, Restart):
                self._delete(self.ids.pop())
            else:
                self._finish(part)
                _mark_unfinished(self.store, remove=self.ids[-1])

    def discard(self) -> None:
        """Delete every conversation this import created (it was cancelled, or a later file was refused)."""
        while self.ids:
            self._delete(self.ids.pop())

    def _delete(self, conversation_id: int) -> None:
        with write_transaction(self.store.db):
            self.store.delete_conversation(conversation_id)
            _mark_unfinished(self.store, remove=conversation_id)

    def _message(self, message: MessageJson, trace: tuple[int, bytes] | None, record: bytes | None) -> None:
        row = _message_row(message)
        row["conversation_id"] = self.ids[-1]
        number = row.pop("id")
        for link in ("parent_id", "branch_of"):  # checked: every link names a message before it
            row[link] = self._numbers.get(row[link])
        columns = list(row)
        cursor = self.store.db.execute(f"INSERT INTO messages ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                       [row[c] for c in columns])
        message_id = self._numbers[number] = cursor.lastrowid
        if trace is not None:
            self.store.save_encoded_trace(message_id, *trace)
        if message.get("sources"):
            self.store.save_sources(message_id, message["sources"])
        prompt = message.get("prompt") or {}
        if prompt.get("token_ids") is not None:
            self.store.save_prompt_tokens(message_id, prompt["token_ids"])
        if record is not None:
            self.store.save_prompt_record(message_id, record)

    def _finish(self, part: Finish) -> None:
        meta, conversation_id = part.conversation, self.ids[-1]
        for experiment in part.experiments:
            if "data" in experiment:  # absent: it was damaged where it came from
                save_experiment(self.store, experiment["kind"], experiment["title"], experiment["data"], conversation_id,
                                self._numbers.get(experiment.get("message_id")), experiment["created_at"])
        self.store.db.execute(
            "UPDATE conversations SET leaf_message_id = ?, created_at = ?, updated_at = ?, pinned = ? WHERE id = ?",
            [self._numbers.get(part.leaf), meta["created_at"], meta["updated_at"], int(meta.get("pinned", False)),
             conversation_id],
        )


# Conversations an import began and has not finished are not listed. The window writes an import in many
# transactions, so a crash can leave one half-written: the next start deletes it (discard_unfinished_imports).
UNFINISHED_KEY = UNFINISHED_IMPORTS_KEY


def _mark_unfinished(store: Store, add: int | None = None, remove: int | None = None) -> None:
    ids = [i for i in store.get_setting(UNFINISHED_KEY, []) if isinstance(i, int) and i != remove]
    store.set_setting(UNFINISHED_KEY, ids + ([add] if add is not None else []))


def discard_unfinished_imports(store: Store) -> int:
    """Delete the conversations an import left half-written when the app was killed; returns how many.
    Only the folder's owner calls it, at start, when no import can be running."""
    ids = [i for i in store.get_setting(UNFINISHED_KEY, []) if isinstance(i, int) and not isinstance(i, bool)]
    with write_transaction(store.db):
        for conversation_id in ids:
            store.delete_conversation(conversation_id)
        store.set_setting(UNFINISHED_KEY, [])
    return len(ids)


def _message_row(message: dict) -> dict:
    row = {field: message.get(field) for field in MESSAGE_FIELDS}
    for field in ("sampler", "stats", "engine"):
        row[field] = None if row[field] is None else json.dumps(row[field], ensure_ascii=False)
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
    if conversation.kind == NOTEBOOK and branches != "all":
        return "\n".join([*lines, "*A notebook: the document as it stands.*", "", page(messages).text]).rstrip() + "\n"
    if branches == "all":
        children: dict[int | None, list] = {}
        for message in messages:
            children.setdefault(message.parent_id, []).append(message)
        entries = list(_depth_first(children, None))
    else:
        entries = [(message, 0, 1) for message in messages]
    for message, position, count in entries:
        lines += _message_markdown(store, message, position, count)
    return "\n".join(lines + _experiments_markdown(store, conversation_id)).rstrip() + "\n"


def _experiments_markdown(store: Store, conversation_id: int) -> list[str]:
    """The lab's runs kept under the conversation, each a readable table, oldest first."""
    experiments = list_experiments(store, conversation_id, oldest_first=True)
    if not experiments:
        return []
    lines = ["## Experiments", ""]
    for listed in experiments:
        try:
            lines += [experiment_markdown(load_experiment(store, listed.id), level=3)]
        except ExperimentDamagedError:
            lines += [f"### {listed.title}", "", "*(damaged)*", ""]
    return lines


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
    damaged = list(message.damaged)
    sources = _readable(store.load_sources, message.id, "sources", damaged)
    if damaged:
        lines += [f"*({', '.join(damaged)} damaged)*", ""]
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


@dataclass(frozen=True)
class ImportLimits:
    """What an import reads at most, checked against the archive's directory before any byte is inflated.

    A 1 MB zip can inflate to gigabytes; these bound the bytes read. An export as Inkling writes it is read
    a batch of messages at a time (export_stream); one read whole (another layout, or a refusal's reason)
    peaks at about 4 times its size (0.5 GB for the 115 MB of one conversation of 200,000 messages).
    """

    file_bytes: int = 256 * 2**20  # one JSON file, or one entry of an archive, uncompressed
    total_bytes: int = 2 * 2**30  # every JSON entry of an archive together, uncompressed
    entries: int = 10_000  # JSON entries in an archive


@dataclass
class ImportProgress:
    """How far an import has read: bytes of the file (of the archive's entries, inflated) and how many."""

    done: int = 0
    total: int = 0


def import_file(store: Store, path: Path, limits: ImportLimits = ImportLimits()) -> list[int]:
    """Import one exported JSON file, or every conversation of an archive; returns the new ids.

    One transaction: an archive comes in whole or not at all, and a refused file writes nothing.
    """
    writer = ImportWriter(store)
    with write_transaction(store.db):
        for part in import_parts(path, limits):
            writer.write(part)
    return writer.ids


def import_parts(path: Path, limits: ImportLimits = ImportLimits(),
                 progress: ImportProgress | None = None) -> Iterator[Part]:
    """Each conversation of an export file or archive as parts for an ImportWriter, each checked before it is
    yielded; TransferError saying why the file, or one file of the archive, cannot be imported."""
    path, progress = Path(path), progress or ImportProgress()
    archive = None
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would block or never end
            raise TransferError(translate("core", "Cannot import {name}: it is not a regular file.").format(name=path.name))
        if zipfile.is_zipfile(path):
            archive = _open_archive(path)
        elif path.stat().st_size > limits.file_bytes:
            raise TransferError(translate(
                "core", "Cannot import {name}: it is larger than {size}, more than any conversation export."
            ).format(name=path.name, size=_size(limits.file_bytes)))
        else:
            progress.total = path.stat().st_size
    except OSError as error:
        raise _unreadable(path.name, error) from None
    if archive is None:
        yield from _parts(lambda: _Reader(path.name, open(path, "rb"), limits.file_bytes, progress), path.name)
        return
    with archive:
        infos = _entries(archive, limits)
        progress.total = sum(info.file_size for info in infos)
        for info in infos:
            start = progress.done
            yield from _parts(lambda info=info, start=start: _Reader(info.filename, archive.open(info), info.file_size,
                                                                     progress, start, archive=True), info.filename)
            progress.done = start + info.file_size


def _parts(opener, name: str) -> Iterator[Part]:
    try:
        yield from read_parts(opener, name)
    except ValueError as error:
        raise _refused(name, error) from None
    except OSError as error:  # the file went away or the disk failed while it was read
        raise _unreadable(name, error) from None


def _unreadable(name: str, error: OSError) -> TransferError:
    return TransferError(translate("core", "Cannot read {name}: {error}").format(name=name, error=error.strerror or error))


def _open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    # a damaged directory, or one naming a zip version or feature zipfile does not read
    except (zipfile.BadZipFile, NotImplementedError, EOFError) as error:
        raise TransferError(translate("core", "Cannot read {name}: {error}").format(name=path.name, error=error)) from None


def _entries(archive: zipfile.ZipFile, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The JSON entries, in name order; sizes are checked from the directory before any is read."""
    infos = sorted((i for i in archive.infolist() if i.filename.endswith(".json") and not i.is_dir()),
                   key=lambda i: i.filename)
    if len(infos) > limits.entries:
        raise TransferError(translate("core", "The archive holds {count} conversations; an import takes at most {limit}.").format(
            count=f"{len(infos):,}", limit=f"{limits.entries:,}"))
    for info in infos:
        if info.file_size > limits.file_bytes:
            raise TransferError(translate("core", "{name} in the archive inflates to {size}, more than any conversation "
                                                  "export ({limit}); nothing was imported.").format(
                name=info.filename, size=_size(info.file_size), limit=_size(limits.file_bytes)))
    total = sum(i.file_size for i in infos)
    if total > limits.total_bytes:
        raise TransferError(translate("core", "The archive inflates to {size}, more than an import takes ({limit}); nothing was "
                                              "imported.").format(size=_size(total), limit=_size(limits.total_bytes)))
    return infos


# what zipfile and its decompressors raise for damaged, encrypted or unsupported entries
_ENTRY_ERRORS = (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, zlib.error, lzma.LZMAError, OSError)


class _Reader:
    """One export file or archive entry read as a stream: never more than `limit` bytes (an entry longer than its
    directory says fails instead of inflating on), a leading byte-order mark (some editors add one) skipped,
    and how far it got told to `progress`. Each pass over the file opens a new one."""

    def __init__(self, name: str, raw, limit: int, progress: ImportProgress, start: int = 0, archive: bool = False):
        self._name, self._raw, self._archive = name, raw, archive
        self._left, self._read = limit, 0
        self._progress, self._start = progress, start
        self._pending = b""
        self._nesting = NestingGuard()  # ValueError, before ijson builds a deep value's prefixes
        self._pending = self.read(len(codecs.BOM_UTF8)).removeprefix(codecs.BOM_UTF8)

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # what ijson asks first, to tell bytes from text
            return b""
        if size is None or size < 0:  # the rest, a slice at a time: read(limit) would set aside the whole limit at once
            return b"".join(iter(lambda: self.read(2**20), b""))
        pending, self._pending = self._pending, b""
        want = min(max(size - len(pending), 0), self._left)
        try:
            chunk = self._raw.read(want) if want else b""
            self._left -= len(chunk)
            if self._archive and self._left == 0 and self._raw.read(1):
                raise zipfile.BadZipFile("it is longer than the archive's directory says")
        except _ENTRY_ERRORS as error:
            if not self._archive:
                raise
            raise TransferError(translate("core", "Cannot read {name} in the archive: {error}; nothing was imported.").format(
                name=self._name, error=error)) from None
        self._nesting.feed(chunk)
        self._read += len(chunk)
        self._progress.done = max(self._progress.done, self._start + self._read)
        return pending + chunk

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def _slug(title: str) -> str:
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:40] or "conversation"
