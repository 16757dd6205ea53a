"""Where user data lives (platformdirs, or INKLING_HOME) and the one-process-per-data-folder lock."""

import fcntl
import os
from pathlib import Path

import platformdirs

from desktop.core.errors import InklingError
from desktop.core.words import translate

APP_NAME = "Inkling"
DATABASE_NAME = "inkling.db"


class DataFolderBusyError(InklingError):
    """Another Inkling process already owns this data folder."""


class DataFolderError(InklingError):
    """The data folder cannot be created or written."""


def data_dir() -> Path:
    override = os.environ.get("INKLING_HOME")
    return Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_data_dir() -> Path:
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFolderError(translate("core", "Cannot create the data folder {path}: {reason}").format(
            path=path, reason=error.strerror)) from error
    if not os.access(path, os.W_OK):
        raise DataFolderError(translate("core", "The data folder {path} is not writable.").format(path=path))
    return path


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


class DataFolderLock:
    """An advisory lock file; the OS releases it if the process dies, so a crash never leaves it stuck."""

    def __init__(self, folder: Path):
        self.path = folder / "inkling.lock"
        self._handle = None

    def acquire(self) -> None:
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataFolderBusyError(translate(
                "core", "Inkling is already running with the data folder {path}. Switch to that window, or close it first."
            ).format(path=self.path.parent)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
