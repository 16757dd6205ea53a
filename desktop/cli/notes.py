"""`inkling notes add|list|search|remove|reindex|server`, and the notes that ground `inkling ask`."""

import getpass
import json
import sys
from pathlib import Path

from desktop.cli import interrupt
from desktop.core.errors import InklingError
from desktop.core.conversation.grounding import attach_sources, retrieval_settings
from desktop.core.paths import DataFolderBusyError
from desktop.core.workspace import Workspace, open_workspace


class NotesUsageError(InklingError):
    """Bad arguments for a notes command: one line, exit code 2."""


PROGRESS_FROM = 1_000_000  # characters: smaller files are done before a progress line would help
CHANGES = ("add", "remove", "reindex", "server")


def add_ask_options(ask) -> None:
    ask.add_argument("--no-notes", action="store_true", help="do not ground the answer on your notes")


def add_commands(commands) -> None:
    notes = commands.add_parser("notes", help="add, list, search and remove the notes that ground answers")
    actions = notes.add_subparsers(dest="notes_command", required=True, parser_class=type(notes))
    add = actions.add_parser("add", help="import files or folders (folders are kept in sync)")
    add.add_argument("paths", nargs="+", type=Path)
    add.add_argument("--types", default=".txt,.md,.pdf,.html",
                     help="file types taken from folders, comma-separated (default: .txt,.md,.pdf,.html)")
    listing = actions.add_parser("list", help="every note with its status")
    listing.add_argument("--json", action="store_true")
    search = actions.add_parser("search", help="the best chunks for a query")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")
    search.add_argument("-k", "--top-k", type=int, default=5)
    search.add_argument("--min-score", type=float, default=0.0)
    search.add_argument("--mode", choices=("hybrid", "vector", "keyword"), default="hybrid")
    remove = actions.add_parser("remove", help="delete notes by id (or stop syncing a folder with --folder)")
    remove.add_argument("ids", nargs="*", type=int)
    remove.add_argument("--folder", type=Path, help="an imported folder: remove it and its notes")
    actions.add_parser("reindex", help="retry failed notes, re-read changed files, rebuild the search index")
    server = actions.add_parser("server", help="keep the search index on a Chroma server (`chroma run`), or back here")
    where = server.add_mutually_exclusive_group()
    where.add_argument("url", nargs="?", help="e.g. http://127.0.0.1:8000 or https://chroma.example/ (behind a proxy)")
    where.add_argument("--local", action="store_true", help="keep the index in this computer's data folder again")
    server.add_argument("--token-stdin", action="store_true",
                        help="read a token (sent as a bearer header, for the proxy in front of Chroma) from standard input")
    server.add_argument("--trust-fingerprint", metavar="SHA256",
                        help="trust the https server's own self-signed certificate, if its SHA-256 fingerprint is this "
                             "(compare it with `openssl x509 -noout -fingerprint -sha256` on the server)")


def _open_workspace(change: bool) -> Workspace:
    """A change needs the folder to itself (chromadb is one process's); a read may share it with the window."""
    try:
        return open_workspace(share_if_busy=not change)
    except DataFolderBusyError:
        raise NotesUsageError(
            "Inkling is running with this data folder: change notes in its window, or close it first."
        ) from None


def run(args) -> int:
    handlers = {"add": _add, "list": _list, "search": _search, "remove": _remove, "reindex": _reindex}
    with _open_workspace(args.notes_command in CHANGES) as workspace, workspace.open_notes() as library:
        if library.notice:
            print(f"inkling: {library.notice}", file=sys.stderr)
        if args.notes_command == "server":
            return _server(workspace, library, args)
        return handlers[args.notes_command](library, args)


def _with_cancel(work):
    """Run work(cancel, progress) with Ctrl+C setting cancel (finished notes are kept) and progress on stderr."""
    shown = {"what": None}

    def progress(what: str, done: int, total: int) -> None:
        if total >= PROGRESS_FROM and sys.stderr.isatty():  # only large files are worth a progress line
            print(f"\rindexing {what}: {100 * done // total}%", end="", file=sys.stderr, flush=True)
            shown["what"] = what

    try:
        with interrupt.cancellable() as cancel:
            return work(cancel, progress)
    finally:
        if shown["what"]:
            print(file=sys.stderr)


def _print_report(report) -> None:
    print(report.summary())
    for path, reason in report.errors:
        print(f"  {path}: {reason}")


def _add(library, args) -> int:
    from desktop.core.notes import SyncReport

    missing = [str(p) for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise NotesUsageError(f"no such file or folder: {', '.join(missing)}")
    types = tuple(t.strip() for t in args.types.split(",") if t.strip())
    total = SyncReport()

    def work(cancel, progress):
        for path in args.paths:
            total.merge(library.add_path(path, types, cancel, progress))
            if cancel.is_set():
                total.cancelled = True
                break

    _with_cancel(work)
    _print_report(total)
    return 0


def _note_json(note) -> dict:
    return {"id": note.id, "title": note.title, "source": note.source, "status": note.status,
            "chunks": note.n_chunks, "indexed_at": note.indexed_at, "error": note.error, "warning": note.warning}


def _list(library, args) -> int:
    notes = library.list_notes()
    if args.json:
        print(json.dumps([_note_json(n) for n in notes], ensure_ascii=False))
        return 0
    for note in notes:
        detail = note.error or note.warning or note.source or "typed note"
        print(f"{note.id:>5}  {note.status:<9} {note.n_chunks:>5} {_chunks(note.n_chunks):<6}  {note.title}  ({detail})")
    if not notes:
        print("No notes yet: `inkling notes add PATH` imports files or folders.")
    return 0


def search(library, query: str, k: int, min_score: float, mode: str = "hybrid", said: str | None = None) -> list:
    """library.search, and on stderr what the window would show about it when new (not `said` already):
    a Chroma server away or behind, so notes.db's vectors answered."""
    sources = library.search(query, k, min_score, mode)
    notice = library.index_notice
    if notice and notice != said:
        print(f"inkling: {notice}", file=sys.stderr)
    return sources


def _search(library, args) -> int:
    if not 1 <= args.top_k <= 100:
        raise NotesUsageError("-k must be between 1 and 100")
    sources = search(library, args.query, args.top_k, args.min_score, args.mode, said=library.notice)
    if args.json:
        print(json.dumps([s.to_search_json() for s in sources], ensure_ascii=False))
        return 0
    for n, source in enumerate(sources, start=1):
        print(f"[{n}] {source.score:.3f}  {source.title}  (note {source.note_id}, chunk {source.chunk})")
        print(f"    {source.snippet}")
    if not sources:
        print("No matching notes.")
    return 0


def _remove(library, args) -> int:
    if not args.ids and args.folder is None:
        raise NotesUsageError("give note ids, or --folder PATH")
    if args.folder is not None:
        wanted = str(args.folder.absolute())
        folder = next((f for f in library.list_folders() if f.path == wanted), None)
        if folder is None:
            raise NotesUsageError(f"{wanted} is not an imported folder")
        library.remove_folder(folder.id)
        print(f"Removed the folder {wanted} and its notes (the files themselves are untouched).")
    for note_id in args.ids:
        note = library.get_note(note_id)
        if note is None:
            raise NotesUsageError(f"no note with id {note_id}")
        if note.folder_id is not None:
            raise NotesUsageError(
                f"note {note_id} is a file of an imported folder: delete the file, or remove the folder with --folder"
            )
        library.remove(note_id)
        print(f"Removed note {note_id} ({note.title}).")
    return 0


def _reindex(library, args) -> int:
    report = _with_cancel(lambda cancel, progress: library.reindex(cancel, progress))
    _print_report(report)
    return 0


def _server(workspace: Workspace, library, args) -> int:
    """Show where the index is, or move it to a Chroma server or back; notes.db is never touched."""
    from desktop.core.notes.server_setting import describe, new_server, save_server, trusted_certificate
    from desktop.core.tls import fingerprint

    store = workspace.store
    if (args.token_stdin or args.trust_fingerprint) and not args.url:
        raise NotesUsageError("--token-stdin and --trust-fingerprint go with a server address")
    if not args.url and not args.local:
        print(describe(store))
        if library.index_notice:
            print(library.index_notice)
        return 0
    if args.local:
        count = _with_cancel(lambda _cancel, progress: library.use_index(None, progress))
        save_server(store, workspace.folder, None)
        print(f"The notes' search index is in this computer's data folder again ({count} {_chunks(count)}, rebuilt from notes.db).")
        return 0
    token = None
    if args.token_stdin:
        token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        if not token:
            raise NotesUsageError("No token was given.")
    certificate = trusted_certificate(args.url, args.trust_fingerprint) if args.trust_fingerprint else None
    server = new_server(store, args.url, token, certificate)
    count = _with_cancel(lambda _cancel, progress: library.use_index(server, progress))
    note = save_server(store, workspace.folder, server)
    print(f"The notes' search index is now on {server.url}, collection {server.collection}: "
          f"{count} {_chunks(count)} pushed from notes.db (nothing re-embedded).")
    if certificate:
        print(f"trusted {server.url}'s certificate {fingerprint(certificate)} for this server only")
    if note:
        print(note, file=sys.stderr)
    return 0


def ground(workspace: Workspace, request, args):
    """Retrieve the notes for `ask` before generation and save them with the reply (unless --no-notes).

    When the window owns the data folder, and with it chromadb, the library opens read-only and the
    search reads the vectors kept in SQLite instead, or the Chroma server the notes are kept on.
    """
    from desktop.core.notes import has_notes

    if args.no_notes:
        return request
    try:
        if not has_notes(workspace.notes_folder):
            return request
        settings = retrieval_settings(workspace.store, request.conversation_id, notes_exist=True)
        if not settings.use_notes:
            return request
        library = workspace.open_notes()
    except InklingError as error:  # damaged or unreadable notes: the chat goes on without them, said once
        print(f"inkling: notes unavailable, answering without them: {error}", file=sys.stderr)
        return request
    with library:
        sources = search(library, request.history[-1].content, settings.top_k, settings.min_score)
    return attach_sources(workspace.store, request, sources)


def _chunks(count: int) -> str:
    return "chunk" if count == 1 else "chunks"
