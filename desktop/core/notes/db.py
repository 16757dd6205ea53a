"""The notes' SQLite database (notes.db, its own append-only migrations) and the queries on it."""

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop.core.backups import migrate
from desktop.core.dbfiles import check_header, reraise
from desktop.core.errors import InklingError
from desktop.core.notes.embedding import DIMENSIONS
from desktop.core.notes.keywords import keyword_text
from desktop.core.transactions import write_transaction
from desktop.core.words import translate

migrations = Migrations("inkling-notes")
NOTE_STATUSES = frozenset({"pending", "indexing", "indexed", "error", "cancelled"})
_NOTE_COLUMNS = (
    "id, title, source, folder_id, content_hash, file_size, file_mtime_ns, status, error, warning,"
    " n_chunks, indexed_at, created_at, updated_at"
)


@migrations()
def m001_notes(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE note_folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            extensions TEXT NOT NULL,
            added_at TEXT NOT NULL
        )
        """
    )
    # body holds the note's text (extracted, for files): SQLite is the source of truth and the
    # chromadb collection can always be rebuilt from it.
    db.execute(
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            source TEXT NULL UNIQUE,
            folder_id INTEGER NULL REFERENCES note_folders(id),
            body TEXT NOT NULL DEFAULT '',
            content_hash TEXT NULL,
            file_size INTEGER NULL,
            file_mtime_ns INTEGER NULL,
            status TEXT NOT NULL,
            error TEXT NULL,
            warning TEXT NULL,
            n_chunks INTEGER NOT NULL DEFAULT 0,
            indexed_at TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_notes_folder_id ON notes(folder_id)")
    # An INTEGER PRIMARY KEY, because FTS rows point at it and VACUUM may renumber implicit rowids.
    # The embedding is kept here too: a rebuild of the vector index then costs no embedding at all.
    db.execute(
        """
        CREATE TABLE note_chunks (
            id INTEGER PRIMARY KEY,
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            chunk INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            embedding BLOB NOT NULL,
            UNIQUE (note_id, chunk)
        )
        """
    )
    db.execute("CREATE INDEX idx_note_chunks_text_hash ON note_chunks(text_hash)")
    db.execute(
        "CREATE VIRTUAL TABLE note_chunks_fts USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')"
    )


@migrations()
def m002_cjk_keywords(db: Database) -> None:
    # The keyword index now stores runs of Chinese/Japanese/Korean characters as bigrams (notes.keywords):
    # unicode61 saw a whole run as one word, so a Chinese question almost never matched. Emptied here;
    # NotesLibrary refills it from note_chunks (no embedding) with progress, as keyword_index_stale() says.
    db.execute("DELETE FROM note_chunks_fts")


class NotesTooNewError(InklingError):
    """The notes tables were written by a newer Inkling."""


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    title: str
    source: str | None  # the file path, or None for a typed note
    folder_id: int | None
    content_hash: str | None
    file_size: int | None
    file_mtime_ns: int | None
    status: str  # pending | indexing | indexed | error | cancelled
    error: str | None
    warning: str | None
    n_chunks: int
    indexed_at: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Folder:
    id: int
    path: str
    extensions: tuple[str, ...]
    added_at: str


@dataclass(frozen=True, slots=True)
class ChunkRow:
    id: int
    note_id: int
    chunk: int
    start: int
    end: int
    text: str
    text_hash: str


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def connect(path: Path) -> Database:
    """One connection (sqlite3 objects belong to the thread that made them), migrated and tuned."""
    # Each thread uses its own connection; check_same_thread is off only so close() can run at shutdown.
    check_header(path)
    db = Database(sqlite3.connect(str(path), timeout=10, check_same_thread=False))
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        known = {m.name for m in migrations.pending(Database(memory=True))}
        unknown = [m.name for m in migrations.applied(db) if m.name not in known]
        if unknown:
            raise NotesTooNewError(translate(
                "core", "The notes were written by a newer version of Inkling ({migrations}); update Inkling to open them."
            ).format(migrations=", ".join(unknown)))
        migrate(db, migrations)  # a copy in backups/ first; all or nothing
    except sqlite3.Error as error:
        db.close()
        reraise(error, path)
    except BaseException:
        db.close()
        raise
    return db


def vector_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def blob_vectors(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), DIMENSIONS)


class NotesDB:
    """Queries on the notes tables over one connection; write methods commit as one transaction."""

    def __init__(self, db: Database):
        self.db = db

    def close(self) -> None:
        self.db.close()

    # Notes

    def add_note(self, title: str, source: str | None = None, folder_id: int | None = None, body: str = "",
                 status: str = "pending", error: str | None = None) -> int:
        stamp = now()
        with write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO notes (title, source, folder_id, body, status, error, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [title, source, folder_id, body, status, error, stamp, stamp],
            )
        return cursor.lastrowid

    def update_note(self, note_id: int, **fields) -> None:
        if "status" in fields and fields["status"] not in NOTE_STATUSES:
            raise ValueError(f"unknown note status {fields['status']!r}")
        fields["updated_at"] = now()
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with write_transaction(self.db):
            cursor = self.db.execute(f"UPDATE notes SET {assignments} WHERE id = ?", [*fields.values(), note_id])
        if cursor.rowcount == 0:
            raise KeyError(f"no note {note_id}")

    def get_note(self, note_id: int) -> Note | None:
        rows = list(self.db.query(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", [note_id]))
        return Note(**rows[0]) if rows else None

    def notes_by_ids(self, ids: list[int]) -> dict[int, Note]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id IN ({marks})", ids)
        columns = [d[0] for d in rows.description]
        return {row[0]: Note(**dict(zip(columns, row))) for row in rows.fetchall()}

    def note_by_source(self, source: str) -> Note | None:
        rows = list(self.db.query(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE source = ?", [source]))
        return Note(**rows[0]) if rows else None

    def list_notes(self, folder_id: int | None = None) -> list[Note]:
        where, params = ("WHERE folder_id = ?", [folder_id]) if folder_id is not None else ("", [])
        rows = self.db.query(f"SELECT {_NOTE_COLUMNS} FROM notes {where} ORDER BY id", params)
        return [Note(**row) for row in rows]

    def body(self, note_id: int) -> str:
        rows = list(self.db.query("SELECT body FROM notes WHERE id = ?", [note_id]))
        if not rows:
            raise KeyError(f"no note {note_id}")
        return rows[0]["body"]

    def delete_note(self, note_id: int) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "DELETE FROM note_chunks_fts WHERE rowid IN (SELECT id FROM note_chunks WHERE note_id = ?)", [note_id]
            )
            self.db.execute("DELETE FROM note_chunks WHERE note_id = ?", [note_id])
            self.db.execute("DELETE FROM notes WHERE id = ?", [note_id])

    def mark_interrupted(self) -> int:
        """Notes left 'indexing' by a killed process go back to 'pending', so they are finished later."""
        with write_transaction(self.db):
            cursor = self.db.execute("UPDATE notes SET status = 'pending' WHERE status = 'indexing'")
        return cursor.rowcount

    # Chunks

    def chunk_hashes(self, note_id: int) -> dict[int, tuple[str, int, int]]:
        rows = self.db.execute(
            "SELECT chunk, text_hash, start, end FROM note_chunks WHERE note_id = ?", [note_id]
        ).fetchall()
        return {chunk: (text_hash, start, end) for chunk, text_hash, start, end in rows}

    def embeddings_for_hashes(self, hashes: list[str]) -> dict[str, bytes]:
        if not hashes:
            return {}
        marks = ",".join("?" * len(hashes))
        rows = self.db.execute(
            f"SELECT text_hash, embedding FROM note_chunks WHERE text_hash IN ({marks})", hashes
        ).fetchall()
        return dict(rows)

    def write_chunks(self, note_id: int, title: str, rows: list[tuple[int, int, int, str, str, bytes]]) -> None:
        """Insert or replace (chunk, start, end, text, text_hash, embedding) rows of one note, FTS included."""
        with write_transaction(self.db):
            for chunk, start, end, text, text_hash, embedding in rows:
                old = self.db.execute(
                    "SELECT id FROM note_chunks WHERE note_id = ? AND chunk = ?", [note_id, chunk]
                ).fetchone()
                if old is not None:
                    self._delete_chunk_row(old[0])
                cursor = self.db.execute(
                    "INSERT INTO note_chunks (note_id, chunk, start, end, text, text_hash, embedding)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [note_id, chunk, start, end, text, text_hash, embedding],
                )
                self.db.execute(
                    "INSERT INTO note_chunks_fts (rowid, title, text) VALUES (?, ?, ?)",
                    [cursor.lastrowid, keyword_text(title), keyword_text(text)],
                )

    def delete_chunks_from(self, note_id: int, first_chunk: int) -> list[int]:
        """Delete the note's chunks numbered first_chunk and up; returns their numbers."""
        with write_transaction(self.db):
            rows = self.db.execute(
                "SELECT id, chunk FROM note_chunks WHERE note_id = ? AND chunk >= ?", [note_id, first_chunk]
            ).fetchall()
            for row_id, _chunk in rows:
                self._delete_chunk_row(row_id)
        return [chunk for _id, chunk in rows]

    def _delete_chunk_row(self, row_id: int) -> None:
        self.db.execute("DELETE FROM note_chunks_fts WHERE rowid = ?", [row_id])
        self.db.execute("DELETE FROM note_chunks WHERE id = ?", [row_id])

    def chunk_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM note_chunks").fetchone()[0]

    def chunks_by_ids(self, ids: list[int]) -> dict[int, ChunkRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, note_id, chunk, start, end, text, text_hash FROM note_chunks WHERE id IN ({marks})", ids
        ).fetchall()
        return {row[0]: ChunkRow(*row) for row in rows}

    def chunk_ids_for(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
        """Row ids for (note_id, chunk) pairs."""
        if not keys:
            return {}
        values = ",".join("(?, ?)" for _ in keys)
        rows = self.db.execute(
            f"SELECT note_id, chunk, id FROM note_chunks WHERE (note_id, chunk) IN (VALUES {values})",
            [number for key in keys for number in key],
        ).fetchall()
        return {(note_id, chunk): row_id for note_id, chunk, row_id in rows}

    def embeddings_by_ids(self, ids: list[int]) -> dict[int, np.ndarray]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, embedding FROM note_chunks WHERE id IN ({marks})", ids).fetchall()
        vectors = blob_vectors([blob for _id, blob in rows])
        return {row_id: vectors[i] for i, (row_id, _blob) in enumerate(rows)}

    def iter_all_chunks(self, batch: int = 512):
        """(note_id, chunk, embedding bytes) for every chunk, in batches: what a rebuild re-adds."""
        cursor = self.db.execute("SELECT note_id, chunk, embedding FROM note_chunks ORDER BY id")
        while rows := cursor.fetchmany(batch):
            yield rows

    def keyword_index_stale(self) -> bool:
        """Whether some chunk is missing from the keyword index (it was emptied by migration m002)."""
        indexed = self.db.execute("SELECT count(*) FROM note_chunks_fts").fetchone()[0]
        return indexed != self.chunk_count()

    def refill_keyword_index(self, progress, batch: int = 500) -> int:
        """Index every chunk's keyword text again, in one transaction; progress(done, total) per batch."""
        total, done = self.chunk_count(), 0
        with write_transaction(self.db):
            self.db.execute("DELETE FROM note_chunks_fts")
            cursor = self.db.execute(
                "SELECT note_chunks.id, notes.title, note_chunks.text FROM note_chunks"
                " JOIN notes ON notes.id = note_chunks.note_id ORDER BY note_chunks.id"
            )
            while rows := cursor.fetchmany(batch):
                self.db.conn.executemany(
                    "INSERT INTO note_chunks_fts (rowid, title, text) VALUES (?, ?, ?)",
                    [(row_id, keyword_text(title), keyword_text(text)) for row_id, title, text in rows],
                )
                done += len(rows)
                progress(done, total)
        return done

    def keyword_search(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(chunk row id, bm25 rank) best first; the title column weighs twice the text."""
        return self.db.execute(
            "SELECT rowid, bm25(note_chunks_fts, 2.0, 1.0) AS score FROM note_chunks_fts"
            " WHERE note_chunks_fts MATCH ? ORDER BY score LIMIT ?",
            [match, limit],
        ).fetchall()

    # Folders

    def add_folder(self, path: str, extensions: tuple[str, ...]) -> int:
        with write_transaction(self.db):
            existing = self.db.execute("SELECT id FROM note_folders WHERE path = ?", [path]).fetchone()
            if existing is not None:
                self.db.execute("UPDATE note_folders SET extensions = ? WHERE id = ?", [json.dumps(extensions), existing[0]])
                return existing[0]
            return self.db.execute(
                "INSERT INTO note_folders (path, extensions, added_at) VALUES (?, ?, ?)",
                [path, json.dumps(list(extensions)), now()],
            ).lastrowid

    def list_folders(self) -> list[Folder]:
        rows = self.db.query("SELECT id, path, extensions, added_at FROM note_folders ORDER BY id")
        return [Folder(row["id"], row["path"], tuple(json.loads(row["extensions"])), row["added_at"]) for row in rows]

    def delete_folder(self, folder_id: int) -> None:
        with write_transaction(self.db):
            self.db.execute("DELETE FROM note_folders WHERE id = ?", [folder_id])
