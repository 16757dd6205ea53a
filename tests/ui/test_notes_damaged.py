"""A damaged notes.db in the window: the Notes panel is disabled with a notice naming the file, the status bar says it
too (the panel may be hidden), and chat goes on without notes."""

import random

from tests.ui.conftest import send


def test_damaged_notes_are_said_and_chat_goes_on(qtbot, make_window, inkling_home):
    inkling_home.mkdir()
    (inkling_home / "notes.db").write_bytes(random.Random(9).randbytes(32 * 1024))
    window = make_window()
    qtbot.waitUntil(lambda: not window.notes.available, timeout=60000)
    said = window.statusBar().currentMessage()
    assert f"{inkling_home / 'notes.db'} is damaged" in said and "Chat works without them" in said
    assert "inkling restore --notes" in said
    assert not window.notes.panel.isEnabled() and not window.notes.use_notes.isEnabled()
    send(qtbot, window, "Hello")
    reply = window.store.thread(window.conversation_id)[-1]
    assert reply.role == "assistant" and reply.status == "complete"
    assert window.store.load_sources(reply.id) == []
