"""open_workspace(): the one way into a data folder — its lock, the store, the notes folder and crash recovery."""

from dataclasses import dataclass
from pathlib import Path

from desktop.core.paths import DATABASE_NAME, DataFolderBusyError, DataFolderLock, ensure_data_dir
from desktop.core.store import Store, open_store


@dataclass
class Workspace:
    """An open data folder; close it (or use it as a context manager) to close the store and free the lock."""

    folder: Path
    store: Store
    lock: DataFolderLock | None  # held: this process owns the folder; None: it shares it with the owner
    recovered: int = 0  # replies a crash left streaming, now marked interrupted (only the owner judges)

    @property
    def owns_folder(self) -> bool:
        return self.lock is not None

    @property
    def notes_folder(self) -> Path:
        return self.folder  # notes.db and chroma/ sit beside inkling.db

    def open_notes(self):
        """The notes library; read-only (search, no changes, no chromadb) unless this process owns the folder."""
        from desktop.core.notes import NotesLibrary  # loads the embedder's and chromadb's modules: only when asked

        return NotesLibrary.open(self.notes_folder, read_only=not self.owns_folder)

    def close(self) -> None:
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
        except BaseException:
            workspace.close()
            raise
    return workspace
