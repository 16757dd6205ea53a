"""The notes indexer passes the library's opening progress (a one-time re-index after an upgrade) to the panel, and
opens only when asked, so a damaged notes.db is heard by whoever connected after the threads were made."""

import time

from desktop.core.dbfiles import DatabaseDamagedError
from desktop.ui.notes_worker import NotesIndexer, NotesThreads


class OpeningLibrary:
    """Stands for NotesLibrary.open: reports the keyword re-index it does on opening an upgraded notes.db.

    The re-index itself is tested on a real notes.db in tests/core/notes/test_cjk_retrieval.py.
    """

    notice = None

    def __init__(self, folder, progress):
        self.folder = folder
        progress("keyword index", 1, 1)

    def close(self) -> None:
        pass


def test_opening_an_upgraded_library_shows_the_keyword_reindex_as_progress(tmp_path):
    indexer = NotesIndexer(tmp_path, OpeningLibrary)
    seen, opened = [], []
    indexer.progress.connect(lambda *args: seen.append(args))
    indexer.opened.connect(lambda library, notice: opened.append(library))
    indexer.open()
    try:
        assert seen == [(0, "keyword index", 1, 1)] and isinstance(opened[0], OpeningLibrary)
    finally:
        indexer._watcher.stop()  # not close(): that also ends the thread it runs in, here the test's own


def damaged_library(folder, progress):
    raise DatabaseDamagedError(folder / "notes.db", "file is not a database")


def test_the_library_opens_when_asked_so_a_damaged_file_is_heard_by_listeners_connected_first(qtbot, tmp_path):
    threads = NotesThreads(tmp_path, damaged_library)
    try:
        time.sleep(0.3)  # an open started on construction would fail here, with nobody listening yet
        heard = []
        threads.indexer.damaged.connect(lambda error: heard.append(error.path))
        threads.indexer.openFailed.connect(lambda text: heard.append(text))
        threads.open()
        qtbot.waitUntil(lambda: len(heard) == 2, timeout=10000)
        assert heard[0] == tmp_path / "notes.db" and "is damaged" in heard[1]
    finally:
        threads.shutdown()
