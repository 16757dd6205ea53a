"""Quit always quits: a worker still busy is abandoned within a bound; a note that cannot be read never holds the window."""

import os
import threading
import time

import pytest

from desktop.core.notes import NotesLibrary
from desktop.ui import thread_stop
from tests.fakes import FakeEngine

# Quit waits STOP_WAIT_MS per thread; a hang is minutes. Generous for a machine shared by nine agents.
QUIT_BOUND_S = 15


@pytest.fixture
def abandoned():
    """The threads a test abandoned, finished and forgotten afterwards (they would end the test process)."""
    yield thread_stop._abandoned
    for thread in thread_stop._abandoned:
        thread.wait(30000)
    thread_stop._abandoned.clear()


def test_quit_while_the_model_is_still_loading_quits(make_window, abandoned):
    release = threading.Event()

    def stuck_load(path, config):  # llama.cpp loading a big model: minutes, and no way to interrupt it
        release.wait(120)
        return FakeEngine(path, config)

    window = make_window(stuck_load, wait_for_model=False)
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    release.set()
    assert took < QUIT_BOUND_S, f"Quit took {took:.1f} s"
    # the engine's thread is left running (the notes' may be too, still opening): the app then leaves with os._exit
    assert "engine-worker" in [thread.objectName() for thread in abandoned]


def test_quit_after_a_normal_session_waits_for_every_thread(make_window, abandoned):
    window = make_window()
    window.close()
    assert abandoned == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pending_note_on_a_named_pipe_neither_blocks_the_start_up_sync_nor_quit(
        make_window, abandoned, inkling_home, tmp_path, embedder, qtbot):
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)
    inkling_home.mkdir(parents=True, exist_ok=True)
    with NotesLibrary.open(inkling_home, embedder) as library:
        note = library.db.add_note("notes.md", str(fifo))  # a crash before it was read: still pending
    try:
        window = make_window()
        # the start-up sync ended: it is submitted once the notes have opened (on their thread; before they have,
        # no job is running yet either, and a slow open let the test go on before the sync began)
        qtbot.waitUntil(lambda: window.notes.library is not None and window.notes.threads.jobs == {}, timeout=60000)
        started = time.monotonic()
        window.close()
        assert time.monotonic() - started < QUIT_BOUND_S
        assert abandoned == []
        with NotesLibrary.open(inkling_home, embedder) as library:
            assert library.get_note(note).status == "error"
            assert "named pipe" in library.get_note(note).error
    finally:
        try:  # frees a reader stuck in open() (the behaviour before), so the test ends instead of hanging
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # no reader waiting
