"""Inkling's SQLite files in trouble — damaged, read-only, on a full disk — said in words that name the file."""

import os
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import NoReturn

from desktop.core.errors import InklingError
from desktop.core.words import translate

HEADER = b"SQLite format 3\x00"
BACKUPS_FOLDER = "backups"  # in the data folder; desktop.core.backups writes it
# SQLite's own words for what it found, said in the window's language too (said() looks the template up)
SQLITE_SAYS = {
    "file is not a database": translate("core", "file is not a database"),
    "database disk image is malformed": translate("core", "database disk image is malformed"),
    "disk I/O error": translate("core", "disk I/O error"),
    "attempt to write a readonly database": translate("core", "attempt to write a readonly database"),
    "unable to open database file": translate("core", "unable to open database file"),
}
NOTES_NAME = "notes.db"
NEARLY_FULL = 1 << 20  # bytes free under which a failed write is taken for a full disk


class DatabaseDamagedError(InklingError):
    """The file is not SQLite, is cut short, or SQLite finds it corrupt; Inkling cannot repair it in place."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        backups = self.path.parent / BACKUPS_FOLDER
        command = "inkling restore" + (" --notes" if self.path.name == NOTES_NAME else "")
        super().__init__(translate(
            "core", "{path} is damaged or not an Inkling database ({reason}); move it aside (Inkling then starts "
                    "a new, empty one) or put back a backup (`{command}` puts back the newest from {backups}).").format(
            path=self.path, reason=reason, command=command, backups=backups))


class DiskFullError(InklingError):
    """A write did not fit on the disk; what was committed before it is intact."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(translate(
            "core", "the disk is full ({folder}); free some space and try again — nothing saved was lost.").format(
            folder=self.path.parent))


class DatabaseIOError(InklingError):
    """The disk failed a read or a write that was not for lack of room."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        super().__init__(translate("core", "{path} could not be read or written ({reason}); check the disk, then try again.")
                         .format(path=self.path, reason=reason))


class DatabaseReadOnlyError(InklingError):
    """The database (or its folder) cannot be written: permissions or a read-only disk."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        super().__init__(translate(
            "core", "{path} cannot be written ({reason}); make it and its folder writable, or point INKLING_HOME "
                    "at a writable folder.").format(path=self.path, reason=reason))


def explain(error: sqlite3.Error, path: Path) -> InklingError | None:
    """The InklingError for what the environment did to the file at path, or None for anything else (a bug)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    said = SQLITE_SAYS.get(str(error), str(error))
    if name == "SQLITE_NOTADB" or name.startswith("SQLITE_CORRUPT"):
        return DatabaseDamagedError(path, said)
    if name == "SQLITE_FULL":
        return DiskFullError(path)
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN"):
        return DatabaseReadOnlyError(path, said)
    if name == "SQLITE_IOERR_SHORT_READ":  # a page past the end of a file cut short
        return DatabaseDamagedError(path, translate("core", "the file is cut short"))
    if name.startswith("SQLITE_IOERR"):
        # SQLite says "disk I/O error" for a write that found no room (the backup API, say): ask the disk.
        return DiskFullError(path) if _nearly_full(Path(path)) else DatabaseIOError(path, said)
    return None


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL
    except OSError:
        return False


def reraise(error: sqlite3.Error, path: Path) -> NoReturn:
    """Raise what explain() makes of error (caused by it), or error itself when it is not the environment's doing."""
    explained = explain(error, path)
    if explained is None:
        raise error
    raise explained from error


def database_file(conn: sqlite3.Connection) -> Path:
    """The file behind a connection's main database (asked only when an error must name it)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file)
    raise ValueError("the connection has no main database")


# (device, inode) -> a descriptor of a database file this process keeps open for its whole life: see _read_start
_HELD: dict[tuple[int, int], int] = {}
_HELD_LOCK = threading.Lock()


def _read_start(path: Path) -> tuple[bytes, int]:
    """The file's first 100 bytes and its size, read through a descriptor this process never closes.

    POSIX drops every fcntl lock a process holds on a file as soon as it closes any descriptor of it. SQLite
    keeps its own descriptors open for that reason; an open()/close() here while this process has the database
    open (the window's daily backup, a notes connection opened on another thread) would drop the window's
    SQLite locks, and the next other process to close the database (an `inkling` command) would then delete
    the -wal the window still writes to: every later change lost. A held descriptor also pins its inode, so
    (device, inode) names one file for as long as it is held.
    """
    if not hasattr(os, "pread"):  # Windows: its file locks are not POSIX's, and a held handle would block a rename
        with open(path, "rb") as handle:
            return handle.read(100), handle.seek(0, 2)
    with _HELD_LOCK:
        stat = os.stat(path)
        fd = _HELD.get((stat.st_dev, stat.st_ino))
        if fd is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            opened = os.fstat(fd)
            _HELD[(opened.st_dev, opened.st_ino)] = fd
        return os.pread(fd, 100, 0), os.fstat(fd).st_size


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite or is shorter than its own header says, before SQLite reads a page of it.

    SQLite only notices a truncated file when a query reaches a missing page; this costs one 100-byte read.
    """
    try:
        header, size = _read_start(path)
    except FileNotFoundError:
        return
    if not header:
        return  # an empty file is a database SQLite will create
    if len(header) < 100 or not header.startswith(HEADER):
        raise DatabaseDamagedError(path, SQLITE_SAYS["file is not a database"])
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The header's page count is only valid when its change counter matches "version valid for". Pages past
    # the end may still be in the -wal (a checkpoint that found the disk full wrote page 1 but could not grow
    # the file): SQLite reads them from there, so only a file without a WAL is judged by its size.
    wal = path.with_name(path.name + "-wal")
    in_wal = wal.exists() and wal.stat().st_size > 0
    if header[24:28] == header[92:96] and pages and size < pages * page_size and not in_wal:
        raise DatabaseDamagedError(path, translate("core", "the file is cut short: {size} of {expected} bytes").format(
            size=size, expected=pages * page_size))
