"""A damaged notes.db in the window: the Notes panel is disabled with a notice naming the file, the status bar says it
too (the panel may be hidden), chat goes on without notes, and Notes > Repair damaged notes… restores a backup of them
or starts afresh, keeping the damaged file."""

import random

from desktop.core.backups import make_backup
from desktop.core.notes import NotesLibrary
from desktop.core.store import open_store
from desktop.ui.recovery import Recovery
from tests.ui.conftest import send


def test_damaged_notes_are_said_and_chat_goes_on(qtbot, make_window, inkling_home):
    inkling_home.mkdir()
    (inkling_home / "notes.db").write_bytes(random.Random(9).randbytes(32 * 1024))
    window = make_window()
    qtbot.waitUntil(lambda: not window.notes.available, timeout=60000)
    said = window.statusBar().currentMessage()
    assert f"{inkling_home / 'notes.db'} is damaged" in said and "Chat works without them" in said
    assert "inkling restore --notes" in said and "Notes → Repair damaged notes…" in said
    assert not window.notes.panel.isEnabled() and not window.notes.use_notes.isEnabled()
    send(qtbot, window, "Hello")
    reply = window.store.thread(window.conversation_id)[-1]
    assert reply.role == "assistant" and reply.status == "complete"
    assert window.store.load_sources(reply.id) == []


def test_repairing_damaged_notes_restores_a_backup_and_keeps_the_damaged_file(qtbot, make_window, inkling_home, embedder):
    with NotesLibrary.open(inkling_home, embedder) as library:
        library.add_text("Otters", "Otters hold hands while they sleep.")
    backup = make_backup(inkling_home, "notes.db")
    for side in ("-wal", "-shm"):
        (inkling_home / f"notes.db{side}").unlink(missing_ok=True)
    damaged = random.Random(4).randbytes(32 * 1024)
    (inkling_home / "notes.db").write_bytes(damaged)
    window = make_window()
    qtbot.waitUntil(lambda: window.notes.repair_action.isEnabled(), timeout=60000)
    asked = []
    window.notes.ask_recovery = lambda error, cancel: asked.append(error.path) or Recovery(backup.path)
    window.notes.repair_action.trigger()
    qtbot.waitUntil(lambda: window.notes.library is not None, timeout=60000)
    assert asked == [inkling_home / "notes.db"]
    assert [note.title for note in window.notes.library.list_notes()] == ["Otters"]
    assert window.notes.available and window.notes.panel.isEnabled() and not window.notes.repair_action.isEnabled()
    [aside] = inkling_home.glob("notes.db.damaged-*")
    assert aside.read_bytes() == damaged


def test_an_inkling_backup_is_refused_for_damaged_notes(qtbot, make_window, inkling_home):
    inkling_home.mkdir()
    open_store(inkling_home / "inkling.db").close()
    chats = make_backup(inkling_home, "inkling.db")
    (inkling_home / "notes.db").write_bytes(random.Random(9).randbytes(32 * 1024))
    window = make_window()
    qtbot.waitUntil(lambda: window.notes.repair_action.isEnabled(), timeout=60000)
    window.notes.ask_recovery = lambda error, cancel: Recovery(chats.path)
    window.notes.repair_action.trigger()
    assert "is not a backup of notes.db" in window.statusBar().currentMessage()
    assert not list(inkling_home.glob("notes.db.damaged-*"))  # nothing moved
