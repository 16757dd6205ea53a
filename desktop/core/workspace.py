"""open_workspace(): the one way into a data folder — its lock, the store, the notes folder and crash recovery."""

from dataclasses import dataclass
from pathlib import Path

from desktop.core.backups import BackupError, DailyBackups, backup_database, move_aside, restore
from desktop.core.conversation.transfer import discard_unfinished_imports
from desktop.core.paths import DATABASE_NAME, DataFolderBusyError, DataFolderLock, ensure_data_dir
from desktop.core.store import Store, open_store
from desktop.core.words import translate


@dataclass
class Workspace:
    """An open data folder; close it (or use it as a context manager) to close the store and free the lock."""

    folder: Path
    store: Store
    lock: DataFolderLock | None  # held: this process owns the folder; None: it shares it with the owner
    recovered: int = 0  # replies a crash left streaming, now marked interrupted (only the owner judges)
    backups: DailyBackups | None = None

    @property
    def owns_folder(self) -> bool:
        return self.lock is not None

    @property
    def notes_folder(self) -> Path:
        return self.folder  # notes.db and chroma/ sit beside inkling.db

    def open_notes(self):
        """The notes library; read-only (search, no changes) unless this process owns the folder.

        Its vector index is on the Chroma server the settings name, if any (desktop.core.notes.server_setting);
        a read-only library searches that server too (a server is shared, unlike the data folder's chromadb).
        """
        from desktop.core.notes import NotesLibrary  # loads the embedder's and chromadb's modules: only when asked
        from desktop.core.notes.server_setting import load_server

        server = load_server(self.store, self.folder)
        return NotesLibrary.open(self.notes_folder, read_only=not self.owns_folder, server=server)

    def start_daily_backups(self, on_error=lambda _error: None) -> None:
        """While the window runs: a copy of each database in backups/ once a day, on a background thread."""
        if self.owns_folder and self.backups is None:
            self.backups = DailyBackups(self.folder, on_error=on_error)
            self.backups.start()

    def close(self) -> None:
        if self.backups is not None:
            self.backups.stop()
            self.backups = None
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def open_workspace(write: bool = True, share_if_busy: bool = False) -> Workspace:
    """Open the data folder (INKLING_HOME or the platform's), creating it and its database if needed.

    write: own the folder — take its lock (DataFolderBusyError if another Inkling has it) and mark the
    replies a crash left streaming as interrupted; only the owner may, since only it knows nothing streams.
    share_if_busy: with write, use a folder another Inkling owns instead of failing (SQLite in WAL mode lets
    both write), without the lock and without recovery. write=False never takes the lock: a read beside
    the window.
    """
    folder = ensure_data_dir()
    lock = None
    if write:
        lock = DataFolderLock(folder)
        try:
            lock.acquire()
        except DataFolderBusyError:
            if not share_if_busy:
                raise
            lock = None
    try:
        workspace = Workspace(folder, open_store(folder / DATABASE_NAME), lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is not None:
        try:
            workspace.recovered = workspace.store.recover_interrupted()
            discard_unfinished_imports(workspace.store)  # a crash during the window's import: never half a conversation
        except BaseException:
            workspace.close()
            raise
    return workspace


def _holding_the_folder(work):
    """Run work(folder) holding the folder's lock: no Inkling may have the database open while its file is swapped."""
    folder = ensure_data_dir()
    lock = DataFolderLock(folder)
    try:
        lock.acquire()
    except DataFolderBusyError:
        raise BackupError(translate(
            "core", "Inkling is running with the data folder {path}: close it before restoring a backup."
        ).format(path=folder)) from None
    try:
        return work(folder)
    finally:
        lock.release()


def restore_backup(backup: Path) -> tuple[Path, Path | None]:
    """Put a backup from backups/ in place; the file it replaces is moved aside. Returns (restored, aside)."""
    return _holding_the_folder(lambda folder: restore(folder, backup))


def set_aside_damaged(damaged: Path, backup: Path | None = None, lock_held: bool = False) -> Path:
    """Move a damaged database aside (never deleting it), then put `backup` in its place or let Inkling start afresh.

    lock_held: this process owns the folder already (the window repairing its notes while its chats stay
    open, with nothing open on notes.db); otherwise the lock is taken for the move.
    """

    def work(folder: Path) -> Path:
        if backup is not None and backup_database(backup) != damaged.name:  # a bad copy is refused before anything moves
            raise BackupError(translate("core", "{path} is not a backup of {name}; choose one named {stem}-….db.").format(
                path=backup, name=damaged.name, stem=damaged.stem))
        aside = move_aside(damaged, "damaged")
        if backup is not None:
            restore(folder, backup)
        return aside

    return work(damaged.parent) if lock_held else _holding_the_folder(work)
