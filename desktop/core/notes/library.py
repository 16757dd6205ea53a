"""The notes of one data folder: SQLite rows (the truth) kept in step with the derived chromadb index."""

import hashlib
import itertools
import threading
from collections.abc import Callable
from pathlib import Path

from desktop.core.errors import InklingError
from desktop.core.notes.chroma_server import STALE_MARKER, ChromaServer
from desktop.core.notes.chunking import iter_chunks
from desktop.core.notes.db import Folder, Note, NotesDB, blob_vectors, connect, now, vector_blob
from desktop.core.notes.embedding import MiniLMEmbedder, shared_embedder
from desktop.core.notes.readers import SUPPORTED_EXTENSIONS, UnreadableFile, read_file
from desktop.core.notes.retrieval import Source, StoredVectors, search
from desktop.core.notes.sync import SyncReport, normalise_extensions, walk
from desktop.core.words import translate

BATCH_CHUNKS = 64  # chunks embedded and committed together: the unit of progress and of cancelling
# Its own file, not the chat's inkling.db: indexing a large file writes for minutes, and the chat's
# transactions (deferred, read-then-write) would fail with SQLITE_BUSY whenever a notes write lands first.
DATABASE_NAME = "notes.db"
INDEX_FOLDER = "chroma"

# progress(what, done, total): how far a job is, e.g. ("big.txt", characters indexed, characters in all)
Progress = Callable[[str, int, int], None]


class NotesReadOnlyError(InklingError):
    """Another Inkling process owns the data folder, so these notes can be searched but not changed."""


def _no_progress(_what: str, _done: int, _total: int) -> None:
    return None


def _text_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


class NotesLibrary:
    """Notes of one data folder: add, import, sync, search. Safe to share between threads.

    The stable entry point (`inkling --self-test` uses it too):

        with NotesLibrary.open(data_folder) as notes:   # data_folder/notes.db and data_folder/chroma/
            notes.add_text("Title", "Text, markdown allowed.")
            sources = notes.search("a question", k=5)     # list[Source], best first

    Each thread gets its own SQLite connection; changes are serialised by one lock. The chromadb
    collection is checked against SQLite on opening and rebuilt (without re-embedding) if it is
    broken or disagrees; `notice` then says so in words for the user. With `server`, the collection
    is on a Chroma server (notes.db stays the truth); while that server is away, searches read the
    vectors in notes.db and `index_notice` says so.
    """

    def __init__(self, folder: Path, embedder: MiniLMEmbedder | None = None, read_only: bool = False,
                 progress: Progress = _no_progress, server: ChromaServer | None = None):
        self.folder = Path(folder)
        self.server = server
        self.folder.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or shared_embedder()
        self.read_only = read_only
        self.notice: str | None = None
        self._local = threading.local()
        self._closed = False
        self._connections: list[NotesDB] = []
        # Lock order: _lock (changes), then _index_lock (the chromadb object); searches take only the latter.
        self._lock = threading.RLock()
        self._index_lock = threading.Lock()
        self._connections_lock = threading.Lock()
        if read_only:
            # The embedded chromadb is not safe to share between processes: search the vectors kept in SQLite
            # instead. A Chroma server is shared by design: search it (it falls back to SQLite by itself).
            if server is not None:
                self.index = self._server_index(server, strict=False, progress=progress, read_only=True)
            else:
                self.index = StoredVectors(lambda: self.db)
            return
        from desktop.core.notes.index import IndexUnavailable, VectorIndex, wipe

        self._wipe = wipe
        self._VectorIndex = VectorIndex
        self.db.mark_interrupted()
        if self.db.keyword_index_stale():  # once, after the upgrade to CJK-aware keywords (notes.db m002)
            self.db.refill_keyword_index(lambda done, total: progress("keyword index", done, total))
        self._index_path = self.folder / INDEX_FOLDER
        if server is not None:
            self.index = self._server_index(server, strict=False, progress=progress)
            self.notice = self.index.notice
            return
        try:
            self.index = VectorIndex(self._index_path, self.embedder)
        except IndexUnavailable as error:
            self.index = None
            self.notice = translate(
                "core", "The notes search index could not be opened ({error}); it was rebuilt from your notes.").format(error=error)
        else:
            indexed, stored = self.index.count(), self.db.chunk_count()
            if indexed != stored:
                self.notice = translate("core", "The notes search index did not match your notes ({indexed} vs {stored} "
                                                "chunks); it was rebuilt from your notes.").format(indexed=indexed, stored=stored)
        if self.notice:
            self.rebuild_index()

    @classmethod
    def open(cls, folder: Path, embedder: MiniLMEmbedder | None = None, read_only: bool = False,
             progress: Progress = _no_progress, server: ChromaServer | None = None) -> "NotesLibrary":
        """Open (creating if needed) the notes of the data folder `folder` (its notes.db and chroma/).

        read_only: for a process that does not hold the data folder's lock; search works, changes raise.
        progress: told of work done on opening (a one-time re-index after an upgrade).
        server: keep the vector index on this Chroma server instead of in chroma/. Read-only, searches go to
        that server too (notes.db's vectors while it is away or behind); without it, to notes.db's vectors.
        """
        return cls(folder, embedder, read_only, progress, server)

    def __enter__(self) -> "NotesLibrary":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def db(self) -> NotesDB:
        """This thread's connection (sqlite3 connections may not cross threads)."""
        notes_db = getattr(self._local, "db", None)
        if notes_db is None:
            if self._closed:
                raise RuntimeError("the notes library is closed")
            notes_db = NotesDB(connect(self.folder / DATABASE_NAME))
            self._local.db = notes_db
            with self._connections_lock:  # never self._lock: a search must not wait for an import
                self._connections.append(notes_db)
        return notes_db

    def close(self) -> None:
        with self._lock, self._index_lock:
            if self.index is not None:
                self.index.close()
                self.index = None
            for notes_db in self._connections:
                notes_db.close()
            self._connections.clear()
            self._local = threading.local()
            self._closed = True

    # --- reading --------------------------------------------------------------------------------
    def list_notes(self) -> list[Note]:
        return self.db.list_notes()

    def get_note(self, note_id: int) -> Note | None:
        return self.db.get_note(note_id)

    def note_text(self, note_id: int) -> str:
        return self.db.body(note_id)

    def chunk_span(self, note_id: int, chunk: int) -> tuple[int, int] | None:
        """Where chunk `chunk` lies in the note's text, to open the note at it."""
        found = self.db.chunk_hashes(note_id).get(chunk)
        return (found[1], found[2]) if found else None

    def list_folders(self) -> list[Folder]:
        return self.db.list_folders()

    @property
    def index_notice(self) -> str | None:
        """What the user should know about the vector index now (a Chroma server that is away), or None."""
        return self.index.notice if self.index is not None else None

    def search(self, query: str, k: int = 5, min_score: float = 0.0, mode: str = "hybrid") -> list[Source]:
        """The k best chunks for query (hybrid vector + keyword search), best first."""
        notes_db = self.db
        with self._index_lock:
            return search(notes_db, self.index, self.embedder, query, k, min_score, mode)

    # --- typed notes ------------------------------------------------------------------------------
    def add_text(self, title: str, text: str) -> Note:
        """Add a typed note (markdown allowed) and index it now; returns it with its status."""
        self._check_writable()
        title = title.strip() or _title_from(text)
        with self._lock:
            note_id = self.db.add_note(title, body=text)
            return self._index_text(note_id, title, text, _text_hash(title, text), None, _no_progress)

    def update_text(self, note_id: int, title: str, text: str) -> Note:
        """Change a typed note; only chunks whose text changed are embedded again."""
        self._check_writable()
        title = title.strip() or _title_from(text)
        with self._lock:
            note = self._require(note_id)
            if note.source is not None:
                raise ValueError("an imported file is changed on disk, not in Inkling")
            self.db.update_note(note_id, title=title, body=text)
            return self._index_text(note_id, title, text, _text_hash(title, text), None, _no_progress)

    def remove(self, note_id: int) -> None:
        """Delete a note with its chunks from SQLite and the index; a missing one is ignored."""
        self._check_writable()
        with self._lock:
            self.db.delete_note(note_id)
            with self._index_lock:
                self.index.delete_note(note_id)

    # --- files and folders --------------------------------------------------------------------------
    def add_path(self, path: Path, extensions=SUPPORTED_EXTENSIONS, cancel: threading.Event | None = None,
                 progress: Progress = _no_progress) -> SyncReport:
        """Import a file, or a folder (recursively, the given file types) that is then kept in sync."""
        self._check_writable()
        path = Path(path).absolute()
        if path.is_dir():
            with self._lock:
                folder_id = self.db.add_folder(str(path), normalise_extensions(extensions))
                folder = next(f for f in self.db.list_folders() if f.id == folder_id)
            return self.sync_folder(folder, cancel, progress)
        report = SyncReport()
        existing = self.db.note_by_source(str(path))
        note = self.import_file(path, None, cancel, progress)
        if note.status == "error":
            report.errors.append((str(path), note.error))
        elif existing is None:
            report.added += 1
        else:
            report.updated += 1
        return report

    def remove_folder(self, folder_id: int) -> None:
        self._check_writable()
        with self._lock:
            for note in self.db.list_notes(folder_id):
                self.remove(note.id)
            self.db.delete_folder(folder_id)

    def import_file(self, path: Path, folder_id: int | None = None, cancel: threading.Event | None = None,
                    progress: Progress = _no_progress) -> Note:
        """(Re)import one file; unreadable ones are kept as notes with status `error` and the reason."""
        self._check_writable()
        path = Path(path).absolute()
        with self._lock:
            existing = self.db.note_by_source(str(path))
            note_id = existing.id if existing else self.db.add_note(path.name, str(path), folder_id)
            try:
                content = read_file(path)
            except UnreadableFile as error:
                return self._mark_error(note_id, str(error))
            if existing and existing.status == "indexed" and existing.content_hash == content.content_hash:
                self.db.update_note(note_id, file_size=content.size, file_mtime_ns=content.mtime_ns, warning=content.warning)
                return self.db.get_note(note_id)
            self.db.update_note(note_id, body=content.text, file_size=content.size,
                                file_mtime_ns=content.mtime_ns, warning=content.warning)
            return self._index_text(note_id, path.name, content.text, content.content_hash, cancel, progress)

    def sync_folder(self, folder: Folder, cancel: threading.Event | None = None,
                    progress: Progress = _no_progress) -> SyncReport:
        """Bring one imported folder's notes in line with the disk; unchanged files are only stat()ed."""
        self._check_writable()
        report = SyncReport()
        root = Path(folder.path)
        if not root.is_dir():
            report.errors.append((folder.path, "the folder is missing or not readable; its notes are kept"))
            return report
        known = {note.source: note for note in self.db.list_notes(folder.id)}
        seen: set[str] = set()
        for found in walk(root, folder.extensions):
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                return report  # an incomplete walk must not remove anything
            source = str(found.path)
            seen.add(source)
            note = known.get(source)
            if found.error is not None:
                with self._lock:
                    note_id = note.id if note else self.db.add_note(found.path.name, source, folder.id)
                    self._mark_error(note_id, found.error)
                report.errors.append((source, found.error))
            elif note and note.status in ("indexed", "error") and (note.file_size, note.file_mtime_ns) == (found.size, found.mtime_ns):
                report.unchanged += 1
            else:
                result = self.import_file(found.path, folder.id, cancel, progress)
                if result.status == "error":
                    report.errors.append((source, result.error))
                elif result.status == "cancelled":
                    report.cancelled = True
                    return report
                elif note is None:
                    report.added += 1
                else:
                    report.updated += 1
        for source, note in known.items():
            if source not in seen:
                self.remove(note.id)
                report.removed += 1
        return report

    def sync_all(self, cancel: threading.Event | None = None, progress: Progress = _no_progress) -> SyncReport:
        """The start-up rescan: every imported folder, every single imported file, every unfinished note."""
        report = SyncReport()
        for folder in self.db.list_folders():
            report.merge(self.sync_folder(folder, cancel, progress))
            if report.cancelled:
                return report
        for note in self.db.list_notes():
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            if note.folder_id is None and note.source is not None:
                report.merge(self._resync_file(note, cancel, progress))
            elif note.source is None and note.status == "pending":
                text = self.db.body(note.id)
                with self._lock:
                    self._index_text(note.id, note.title, text, _text_hash(note.title, text), cancel, progress)
        return report

    def _resync_file(self, note: Note, cancel, progress) -> SyncReport:
        report = SyncReport()
        path = Path(note.source)
        try:
            stat = path.stat()
        except OSError:
            with self._lock:
                self.db.update_note(note.id, warning=translate("core", "the file was deleted or moved; its last text is kept"))
            report.errors.append((note.source, "the file was deleted or moved"))
            return report
        if note.status == "indexed" and (note.file_size, note.file_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            report.unchanged += 1
            return report
        result = self.import_file(path, None, cancel, progress)
        if result.status == "error":
            report.errors.append((note.source, result.error))
        else:
            report.updated += 1
        return report

    def reindex(self, cancel: threading.Event | None = None, progress: Progress = _no_progress) -> SyncReport:
        """Retry failed and unfinished notes, re-read changed files, and rebuild the vector index."""
        with self._lock:
            for note in self.db.list_notes():
                if note.status in ("error", "cancelled", "pending"):
                    self.db.update_note(note.id, status="pending", file_size=None, file_mtime_ns=None)
        report = self.sync_all(cancel, progress)
        if not report.cancelled:
            self.rebuild_index(progress)
        return report

    # --- the vector index -------------------------------------------------------------------------------
    def rebuild_index(self, progress: Progress = _no_progress) -> int:
        """Recreate the chromadb collection (embedded, or on the Chroma server) from the vectors kept in SQLite.

        Nothing is embedded; returns the chunks added. A Chroma server that fails raises ChromaServerError.
        """
        self._check_writable()
        with self._lock, self._index_lock:
            if self.server is not None:
                return self.index.rebuild(progress)
            return self._rebuild_local(progress)

    def use_index(self, server: ChromaServer | None, progress: Progress = _no_progress) -> int:
        """Move the vector index to a Chroma server (None: back into the data folder), built from notes.db.

        Returns the chunks pushed. If the server fails (refused, timeout, token, version: ChromaServerError
        in words), the index in use stays as it was and nothing in notes.db changes.
        """
        self._check_writable()
        with self._lock, self._index_lock:
            if server is not None:
                new = self._server_index(server, strict=True, progress=progress)
                old, self.index, self.server = self.index, new, server
                if old is not None:
                    old.close()
                return self.db.chunk_count()
            if self.index is not None:
                self.index.close()
            self.server = None
            (self.folder / STALE_MARKER).unlink(missing_ok=True)  # that server is no longer kept in step
            return self._rebuild_local(progress)

    def _server_index(self, server: ChromaServer, strict: bool, progress: Progress, read_only: bool = False):
        from desktop.core.notes.chroma_server import ServerIndex
        from desktop.core.notes.index import InklingMiniLM

        return ServerIndex(server, InklingMiniLM(self.embedder), lambda: self.db, self.folder, strict, progress,
                           read_only)

    def _rebuild_local(self, progress: Progress) -> int:
        if self.index is not None:
            self.index.close()
        self._wipe(self._index_path)
        self.index = self._VectorIndex(self._index_path, self.embedder)
        total, done = self.db.chunk_count(), 0
        for rows in self.db.iter_all_chunks():
            self.index.upsert([(n, c) for n, c, _ in rows], blob_vectors([blob for _, _, blob in rows]))
            done += len(rows)
            progress("search index", done, total)
        return done

    # --- indexing ---------------------------------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise NotesReadOnlyError(translate(
                "core", "Inkling is running with this data folder: change notes in its window, or close it first."))

    def _require(self, note_id: int) -> Note:
        note = self.db.get_note(note_id)
        if note is None:
            raise KeyError(f"no note {note_id}")
        return note

    def _mark_error(self, note_id: int, reason: str) -> Note:
        self.db.update_note(note_id, status="error", error=reason, warning=None, n_chunks=0)
        self.db.delete_chunks_from(note_id, 0)
        with self._index_lock:
            self.index.delete_note(note_id)
        return self.db.get_note(note_id)

    def _index_text(self, note_id: int, title: str, text: str, digest: str,
                    cancel: threading.Event | None, progress: Progress) -> Note:
        """Chunk and embed text; chunks whose text is unchanged keep their vectors (no embedding).

        Progress is reported in characters of the text, batch by batch; a cancel keeps the batches done.
        """
        self.db.update_note(note_id, status="indexing", error=None)
        old = self.db.chunk_hashes(note_id)
        chunks = iter_chunks(text, self.embedder.count_tokens)
        count = 0
        while batch := [(c, _text_hash(title, c.text)) for c in itertools.islice(chunks, BATCH_CHUNKS)]:
            if cancel is not None and cancel.is_set():
                return self._cancelled(note_id, count, batch[0][0].start, len(text))
            changed = [(c, h) for c, h in batch if old.get(c.index) != (h, c.start, c.end)]
            known = self.db.embeddings_for_hashes([h for _, h in changed])
            missing = [(c, h) for c, h in changed if h not in known]
            vectors = self.embedder.embed([f"{title}\n{c.text}" for c, _ in missing])
            known.update({h: vector_blob(v) for (_, h), v in zip(missing, vectors)})
            rows = [(c.index, c.start, c.end, c.text, h, known[h]) for c, h in changed]
            self.db.write_chunks(note_id, title, rows)
            with self._index_lock:
                self.index.upsert([(note_id, c.index) for c, _ in changed], blob_vectors([known[h] for _, h in changed]))
            count += len(batch)
            progress(title, batch[-1][0].end, len(text))
        if count == 0:
            return self._mark_error(note_id, translate("core", "the note has no text in it"))
        self._drop_chunks_from(note_id, count)
        self.db.update_note(note_id, status="indexed", content_hash=digest, n_chunks=count,
                            indexed_at=now(), error=None)
        return self.db.get_note(note_id)

    def _cancelled(self, note_id: int, done: int, position: int, length: int) -> Note:
        self._drop_chunks_from(note_id, done)
        self.db.update_note(note_id, status="cancelled", n_chunks=done, content_hash=None, error=translate(
            "core", "indexing was cancelled after {done} chunks ({percent}% of the text); reindex to finish it").format(
            done=done, percent=100 * position // max(length, 1)))
        return self.db.get_note(note_id)

    def _drop_chunks_from(self, note_id: int, first: int) -> None:
        dropped = self.db.delete_chunks_from(note_id, first)
        with self._index_lock:
            self.index.delete_keys([(note_id, chunk) for chunk in dropped])


def has_notes(folder: Path) -> bool:
    """Whether the data folder holds any indexed chunk; cheap (SQLite only: no model, no chromadb)."""
    notes_db = NotesDB(connect(Path(folder) / DATABASE_NAME))
    try:
        return notes_db.chunk_count() > 0
    finally:
        notes_db.close()


def _title_from(text: str) -> str:
    line = next((line.strip(" #\t") for line in text.splitlines() if line.strip()), "")
    return (line[:60] + "…") if len(line) > 60 else (line or "Untitled note")
