"""The data folder: INKLING_HOME, and one process per folder."""

import subprocess
import sys

import pytest

from desktop.core.paths import DataFolderBusyError, DataFolderLock, data_dir, ensure_data_dir


def test_inkling_home_overrides_the_platform_folder(inkling_home):
    assert data_dir() == inkling_home
    assert ensure_data_dir().is_dir()


def test_a_second_lock_on_the_same_folder_is_refused_with_a_clear_message(inkling_home):
    folder = ensure_data_dir()
    first = DataFolderLock(folder)
    first.acquire()
    try:
        with pytest.raises(DataFolderBusyError, match="already running"):
            DataFolderLock(folder).acquire()
        other_process = subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from desktop.core.paths import DataFolderLock, DataFolderBusyError\n"
             "try:\n    DataFolderLock(Path(sys.argv[1])).acquire()\nexcept DataFolderBusyError:\n    sys.exit(3)",
             str(folder)],
        )
        assert other_process.returncode == 3
    finally:
        first.release()
    again = DataFolderLock(folder)
    again.acquire()  # released locks can be taken again
    again.release()
