"""Consistent copies of inkling.db and notes.db in backups/ (SQLite's online backup API), restoring one, migrating safely."""

import itertools
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop.core.dbfiles import BACKUPS_FOLDER, DatabaseDamagedError, check_header, database_file, reraise
from desktop.core.errors import InklingError
from desktop.core.transactions import write_transaction
from desktop.core.words import translate

DATABASES = {"inkling": "inkling.db", "inkling-notes": "notes.db"}  # migration set -> the file it belongs to
KEEP = 3  # regular copies kept per database, besides the newest pre-migration one
DAILY_S = 24 * 3600
CHECK_EVERY_S = 3600  # how often a running window asks whether a daily copy is due
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions: they belong to their database and move with it
_NAME = re.compile(r"^(?P<stem>[a-z]+)-(?P<stamp>\d{8}T\d{12}Z)(?:-before-(?P<before>\w+))?\.db$")
_STAMP = "%Y%m%dT%H%M%S%fZ"


class BackupError(InklingError):
    """A backup cannot be made or put back (a missing file, a copy that is not an Inkling database)."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    database: str  # the file it is a copy of: inkling.db or notes.db
    made_at: datetime
    before: str | None  # the migration it was made before; None for a regular copy

    def describe(self) -> str:
        when = self.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if self.before:
            return translate("core", "{database} of {when} (before the upgrade {before})").format(
                database=self.database, when=when, before=self.before)
        return translate("core", "{database} of {when}").format(database=self.database, when=when)


def backups_folder(data_folder: Path) -> Path:
    return Path(data_folder) / BACKUPS_FOLDER


def _parse(path: Path) -> Backup | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    made_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
    return Backup(path, f"{match['stem']}.db", made_at, match["before"])


def list_backups(data_folder: Path, database: str | None = None) -> list[Backup]:
    """The copies in backups/, newest first (only those of `database`, e.g. "inkling.db", when given)."""
    folder = backups_folder(data_folder)
    found = [_parse(path) for path in folder.glob("*.db")] if folder.is_dir() else []
    backups = [b for b in found if b is not None and (database is None or b.database == database)]
    return sorted(backups, key=lambda b: b.made_at, reverse=True)


def _copy(source: sqlite3.Connection, source_path: Path, target: Path) -> None:
    """A consistent copy of source's database at target: written beside it, checked, synced, then renamed into place.

    A damaged database is refused (naming it), so its copy can never push a sound one out of backups/.
    """
    part = target.with_name(target.name + ".part")
    try:
        copy = sqlite3.connect(part)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DatabaseDamagedError(source_path, translate("core", "SQLite's check of a copy of it failed"))
        finally:
            copy.close()
        with open(part, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, target)
    except sqlite3.Error as error:
        part.unlink(missing_ok=True)
        reraise(error, source_path)
    except DatabaseDamagedError:
        part.unlink(missing_ok=True)
        raise
    except OSError as error:
        part.unlink(missing_ok=True)
        raise BackupError(translate("core", "Cannot write the backup {path}: {reason}").format(path=target, reason=error.strerror)) from error


def make_backup(data_folder: Path, database: str, before: str | None = None,
                source: sqlite3.Connection | None = None, now: datetime | None = None) -> Backup:
    """Copy data_folder/database (or the open connection `source` to it) into backups/, then keep only the newest."""
    folder = backups_folder(data_folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise BackupError(translate("core", "Cannot create the backups folder {path}: {reason}").format(
            path=folder, reason=error.strerror)) from error
    made_at = now or datetime.now(timezone.utc)
    stem = Path(database).stem
    target = folder / (f"{stem}-{made_at:{_STAMP}}" + (f"-before-{before}" if before else "") + ".db")
    if source is not None:
        _copy(source, database_file(source), target)
    else:
        path = Path(data_folder) / database
        if not path.is_file():
            raise BackupError(translate("core", "There is no {path} to back up.").format(path=path))
        check_header(path)
        connection = sqlite3.connect(path, timeout=10)
        try:
            _copy(connection, path, target)
        finally:
            connection.close()
    prune(data_folder, database)
    return _parse(target)


def prune(data_folder: Path, database: str) -> None:
    """Keep the KEEP newest regular copies and the newest pre-migration copy; delete the older ones."""
    backups = list_backups(data_folder, database)
    regular = [b for b in backups if b.before is None]
    before = [b for b in backups if b.before is not None]
    for old in regular[KEEP:] + before[1:]:
        old.path.unlink(missing_ok=True)


def back_up_all(data_folder: Path) -> list[Backup]:
    """A regular copy of each database that exists in the data folder."""
    return [make_backup(data_folder, name) for name in DATABASES.values() if (Path(data_folder) / name).is_file()]


def backup_due(data_folder: Path, database: str, now: datetime | None = None) -> bool:
    regular = [b for b in list_backups(data_folder, database) if b.before is None]
    now = now or datetime.now(timezone.utc)
    return not regular or (now - regular[0].made_at).total_seconds() >= DAILY_S


def move_aside(path: Path, why: str, keep_in_place: bool = False) -> Path:
    """Rename a database (and its -wal/-shm) to PATH.WHY-STAMP beside it, never deleting it; returns the new path.

    keep_in_place: the main file is hard-linked there instead, so PATH stays until the caller renames its
    replacement over it (a crash in between leaves the old database in place, never none at all).
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{why}-{stamp}")
    for n in itertools.count(2):  # twice in one second: never over an earlier one
        if not any(aside.with_name(aside.name + s).exists() for s in ("", *SIDE_FILES)):
            break
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    for suffix in SIDE_FILES:  # companions first: a -wal left beside a new file would be replayed into it
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    if keep_in_place:
        try:
            os.link(path, aside)
            return aside
        except OSError:
            pass  # a file system without hard links: renamed, as below
    os.replace(path, aside)
    return aside


def backup_database(backup: Path) -> str:
    """Which file a backup is a copy of (inkling.db or notes.db), read from its migrations; refuses a bad copy."""
    try:
        check_header(backup)
        connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(translate("core", "{path} is damaged (SQLite's check failed); choose another backup.").format(
                    path=backup))
            sets = {row[0] for row in connection.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
        finally:
            connection.close()
    except (sqlite3.Error, DatabaseDamagedError) as error:
        reason = "it is damaged or not a database" if isinstance(error, DatabaseDamagedError) else str(error)
        raise BackupError(translate("core", "{path} is not a usable Inkling backup ({reason}); choose another one.").format(
            path=backup, reason=reason)) from error
    names = [DATABASES[name] for name in sets if name in DATABASES]
    if len(names) != 1:
        raise BackupError(translate("core", "{path} is not an Inkling backup.").format(path=backup))
    return names[0]


def restore(data_folder: Path, backup: Path) -> tuple[Path, Path | None]:
    """Put a backup in place of the database it copies; the current file is moved aside first, never deleted.

    The caller holds the data folder's lock and has no connection open to that database.
    Returns the restored path and where the replaced file went (None if there was none).
    """
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(translate("core", "There is no backup {path}.").format(path=backup))
    target = Path(data_folder) / backup_database(backup)
    incoming = target.with_name(target.name + ".restoring")
    try:
        with open(backup, "rb") as source, open(incoming, "wb") as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
            copy.flush()
            os.fsync(copy.fileno())
        aside = move_aside(target, "replaced", keep_in_place=True) if target.exists() else None
        os.replace(incoming, target)
    except OSError as error:
        incoming.unlink(missing_ok=True)
        raise BackupError(translate("core", "Cannot restore {path} to {target}: {reason}").format(
            path=backup, target=target, reason=error.strerror)) from error
    return target, aside


def migrate(db: Database, migrations: Migrations) -> None:
    """Apply pending migrations all at once, after a copy of the database as it was; a failure changes nothing.

    A new, empty database has nothing to copy. The copy goes to backups/ beside the database file.
    """
    pending = migrations.pending(db)
    if not pending:
        return
    path = database_file(db.conn)
    if migrations.applied(db):
        make_backup(path.parent, path.name, before=pending[-1].name, source=db.conn)
    try:
        with write_transaction(db):  # one transaction: every migration, or none
            migrations.apply(db)
    except sqlite3.Error as error:
        reraise(error, path)


class DailyBackups:
    """While the window runs: a copy of each database when the newest is a day old, on a background thread."""

    def __init__(self, data_folder: Path, check_every_s: float = CHECK_EVERY_S,
                 on_error: Callable[[InklingError], None] = lambda _error: None):
        self.data_folder = Path(data_folder)
        self.check_every_s = check_every_s
        self.on_error = on_error  # called on the backup thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inkling-daily-backups", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def run_once(self) -> list[Backup]:
        made = []
        for name in DATABASES.values():
            if (self.data_folder / name).is_file() and backup_due(self.data_folder, name):
                made.append(make_backup(self.data_folder, name))
        return made

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except InklingError as error:  # a full disk or a damaged file: said once per check, never fatal
                self.on_error(error)
            self._stop.wait(self.check_every_s)
