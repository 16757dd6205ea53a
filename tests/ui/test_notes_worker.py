"""The notes indexer passes the library's opening progress (a one-time re-index after an upgrade) to the panel."""

from desktop.ui.notes_worker import NotesIndexer


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
