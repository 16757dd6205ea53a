"""File → Import conversations… reads on its own thread: the window keeps turning, and Cancel takes everything back."""

import json

from PySide6.QtCore import Qt, QTimer

from tests.core.conversation.big_exports import big_export, write_big_export
from tests.ui.conftest import make_window  # noqa: F401 (a fixture)

TABLES = ("conversations", "messages", "token_traces")


def _counts(store) -> dict[str, int]:
    return {table: store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def _ticking(window) -> list[int]:
    """A timer that fires on every turn of the event loop; [turns so far]."""
    turns = [0]
    timer = QTimer(window)
    timer.setInterval(0)
    timer.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    timer.start()
    return turns


def test_the_event_loop_keeps_turning_while_a_large_export_imports(qtbot, make_window, tmp_path):
    path = write_big_export(tmp_path / "long.json", 4_000)  # 40 parts of 100 messages
    window = make_window()
    before = _counts(window.store)
    turns, finished_at = _ticking(window), []
    refresh = window.refresh_conversations
    window.refresh_conversations = lambda select_first=False: (finished_at.append(turns[0]), refresh(select_first))
    window.files.ask_open_path = lambda title, filters: path
    parts = []
    window.files.importer.reader.part.connect(lambda _request, part, _done, _total: parts.append(type(part).__name__))
    window.files.import_conversations()
    qtbot.waitUntil(lambda: bool(finished_at), timeout=120_000)
    # traces come encoded from the reader's thread: the GUI thread only writes rows
    assert parts == ["Begin"] + ["Encoded"] * 40 + ["Finish"]
    # Before, the window parsed, checked and wrote the whole file inside this one call: no turn at all. How many
    # turns there are depends on the machine (parts the reader sent meanwhile are written in one turn): 17 to 40+.
    assert finished_at[0] >= 1, finished_at
    after = _counts(window.store)
    assert after["messages"] - before["messages"] == 4_000 and after["token_traces"] - before["token_traces"] == 2_000
    assert window.store.get_conversation(window.conversation_id).title == "Long chat"
    assert window.errors == [] and not window.files.importer.status.isVisibleTo(window)


def test_cancel_leaves_the_database_as_it_was(qtbot, make_window, tmp_path):
    path = write_big_export(tmp_path / "long.json", 6_000)
    window = make_window()
    before = _counts(window.store)
    window.files.ask_open_path = lambda title, filters: path
    window.files.import_conversations()
    assert window.files.importer.status.isVisibleTo(window)
    qtbot.waitUntil(lambda: _counts(window.store)["messages"] > before["messages"] + 400, timeout=120_000)
    notices = []
    window.statusBar().messageChanged.connect(notices.append)
    qtbot.mouseClick(window.files.importer.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.files.importer.busy and not window.files.importer.status.isVisibleTo(window)
    assert _counts(window.store) == before
    assert notices == ["Import cancelled: nothing was added."]
    qtbot.wait(200)  # parts the reader had sent already are dropped, never written
    assert _counts(window.store) == before and window.errors == []


def test_a_refusal_found_late_is_said_in_words_and_takes_back_what_was_written(qtbot, make_window, tmp_path):
    data = big_export(3_000)
    data["messages"][-1]["status"] = "exploded"
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data))
    window = make_window()
    before = _counts(window.store)
    window.files.ask_open_path = lambda title, filters: path
    window.files.import_conversations()
    qtbot.waitUntil(lambda: bool(window.errors), timeout=120_000)
    title, text = window.errors[0]
    assert title == "Cannot import" and text.startswith("late.json is damaged: messages[2999].status")
    assert text.endswith("nothing was imported.") and "Traceback" not in text
    assert _counts(window.store) == before and not window.files.importer.busy

