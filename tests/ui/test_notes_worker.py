"""The notes indexer reports the one-time keyword re-index of an upgraded notes.db as progress on opening."""

import sqlite3

from sqlite_utils import Database

from desktop.core.notes import NotesLibrary
from desktop.ui.notes_worker import NotesIndexer


def test_opening_an_upgraded_library_shows_the_keyword_reindex_as_progress(tmp_path):
    with NotesLibrary.open(tmp_path) as notes:
        notes.add_text("护照", "护照有效期到2031年3月。")
    db = Database(sqlite3.connect(tmp_path / "notes.db"))
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_cjk_keywords'")  # as a notes.db before it
    db.conn.commit()
    db.close()
    indexer = NotesIndexer(tmp_path, NotesLibrary.open)
    seen, opened = [], []
    indexer.progress.connect(lambda *args: seen.append(args))
    indexer.opened.connect(lambda library, notice: opened.append(library))
    indexer.open()
    try:
        assert seen == [(0, "keyword index", 1, 1)] and opened
        assert [s.title for s in opened[0].search("护照什么时候过期", k=1, mode="keyword")] == ["护照"]
    finally:
        indexer.close()
