"""A database that cannot be opened: the window's choices (restore the newest backup, another one, start fresh, quit),
the damaged file always moved aside and never deleted; File > Restore from backup… in a running window."""

import os
import random
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import open_or_recover
from desktop.core.backups import make_backup
from desktop.core.store import open_store
from desktop.ui import conversation_files as conversation_files_module
from desktop.ui.recovery import Recovery, ask_how_to_recover

DAMAGED = random.Random(5).randbytes(32 * 1024)
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on every shown window


@pytest.fixture
def damaged_with_backup(inkling_home):
    """A data folder whose inkling.db is damaged, with yesterday's copy (one conversation) in backups/."""
    inkling_home.mkdir()
    store = open_store(inkling_home / "inkling.db")
    store.create_conversation(title="from the backup")
    store.close()
    backup = make_backup(inkling_home, "inkling.db")
    for side in ("-wal", "-shm"):
        (inkling_home / f"inkling.db{side}").unlink(missing_ok=True)
    (inkling_home / "inkling.db").write_bytes(DAMAGED)
    return backup


def set_aside(home) -> bytes:
    [aside] = home.glob("inkling.db.damaged-*")
    return aside.read_bytes()


def test_restoring_the_newest_backup_moves_the_damaged_file_aside(inkling_home, damaged_with_backup):
    asked = []
    workspace = open_or_recover(lambda error: asked.append(error) or Recovery(damaged_with_backup.path))
    with workspace:
        assert [c.title for c in workspace.store.list_conversations()] == ["from the backup"]
    assert asked[0].path == inkling_home / "inkling.db"
    assert set_aside(inkling_home) == DAMAGED


def test_starting_fresh_keeps_the_damaged_file_aside(inkling_home, damaged_with_backup):
    with open_or_recover(lambda error: Recovery(None)) as workspace:
        assert workspace.store.list_conversations() == []
    assert set_aside(inkling_home) == DAMAGED


def test_quitting_moves_nothing(inkling_home, damaged_with_backup):
    assert open_or_recover(lambda error: None) is None
    assert (inkling_home / "inkling.db").read_bytes() == DAMAGED
    assert not list(inkling_home.glob("inkling.db.damaged-*"))


def click_later(text: str) -> None:
    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, click)
            return
        next(b for b in box.buttons() if b.text().startswith(text)).click()

    QTimer.singleShot(50, click)


def test_the_dialog_offers_the_newest_backup_by_its_date(qtbot, inkling_home, damaged_with_backup):
    from desktop.core.store import DatabaseDamagedError

    error = DatabaseDamagedError(inkling_home / "inkling.db", "file is not a database")
    click_later("Restore inkling.db of")
    assert ask_how_to_recover(error) == Recovery(damaged_with_backup.path)
    click_later("Start fresh")
    assert ask_how_to_recover(error) == Recovery(None)
    click_later("Restore from backup")
    assert ask_how_to_recover(error, pick=lambda parent, folder: folder / "backups" / "x.db") == \
        Recovery(inkling_home / "backups" / "x.db")
    click_later("Quit")
    assert ask_how_to_recover(error) is None


def test_the_file_menu_restores_a_backup_by_closing_the_window(qtbot, make_window, inkling_home, monkeypatch):
    window = make_window()
    window.show()
    window.store.create_conversation(title="kept")
    backup = make_backup(inkling_home, "inkling.db")
    monkeypatch.setattr(conversation_files_module, "pick_backup_file", lambda parent, folder: backup.path)
    monkeypatch.setattr(conversation_files_module, "confirm_restore", lambda parent, path: True)
    with qtbot.waitSignal(window.restoreRequested) as requested:
        window.files.restore_from_backup()
    assert requested.args == [backup.path] and not window.isVisible()


def test_the_file_menu_refuses_a_file_that_is_no_backup(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()
    window.show()
    stranger = tmp_path / "stranger.db"
    stranger.write_bytes(b"not a database" * 100)
    monkeypatch.setattr(conversation_files_module, "pick_backup_file", lambda parent, folder: stranger)
    window.files.restore_from_backup()
    assert window.isVisible() and "is not a usable Inkling backup" in window.errors[0][1]


def test_the_real_window_on_a_damaged_database_shows_the_dialog_then_opens(inkling_home, damaged_with_backup, tmp_path):
    """It used to never appear: the error went to a box behind nothing, or a traceback."""
    driver = os.path.join(os.path.dirname(__file__), "..", "reliability", "damaged_window.py")
    report = tmp_path / "report.txt"
    done = subprocess.run(
        [sys.executable, driver, "Restore inkling.db of", str(report)], capture_output=True, text=True, timeout=180,
        env={**os.environ, "INKLING_HOME": str(inkling_home), "QT_QPA_PLATFORM": "offscreen",
             "PYTHONPATH": os.getcwd()},
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    said = report.read_text()
    assert "dialog:" in said and "is damaged and cannot be opened" in said
    assert "window shown: ['from the backup']" in said
    assert set_aside(inkling_home) == DAMAGED
