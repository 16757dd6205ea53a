"""A full disk, for real (a small tmpfs as the data folder): a reply whose save fails ends as `error` saying so,
the window's controller stays usable, the CLI prints one line, and the next start after space is freed recovers."""

import itertools
import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from desktop.core.conversation.session import DISK_FULL_REPLY, ReplySession
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.engine.types import EngineConfig
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from desktop.core.workspace import open_workspace
from tests.e2e.runner import inkling

SIZE = "6m"


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """The data folder on a 6 MB tmpfs; skipped, with the reason, where mounting is not allowed (needs root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        reason = f"cannot mount a small tmpfs here (root only): {mounted.stderr.strip() or mounted.returncode}"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    monkeypatch.setenv("INKLING_HOME", str(disk / "home"))
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


class Filler:
    """Takes every free byte of the disk, and gives it back."""

    def __init__(self, disk):
        self.path = disk / "filler"

    def fill(self) -> None:
        with open(self.path, "ab", buffering=0) as handle:  # unbuffered: nothing left to fail at close
            for block in (1 << 16, 1 << 12, 1 << 8, 1):
                try:
                    while True:
                        handle.write(b"\0" * block)
                except OSError:
                    continue

    def free(self) -> None:
        self.path.unlink(missing_ok=True)


def integrity(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_a_reply_whose_save_fails_ends_as_error_and_the_next_start_recovers(small_disk, smollm2):
    home = small_disk / "home"
    with open_workspace() as workspace:
        store = workspace.store
        conversation = store.create_conversation()
        request = start_turn(store, conversation.id, "Write a long story about a lighthouse keeper.",
                             SamplerSettings(max_tokens=300, temperature=0.0), "SmolLM2")
        # A clock that moves a second per look: every token is a save, so the one after the disk fills fails.
        session = ReplySession(store, request.message_id, clock=itertools.count().__next__)
        filler = Filler(small_disk)
        ended = None
        for event in generate_reply(smollm2, request, threading.Event()):
            ended = session.apply(event)
            if ended is not None:
                break
            if session.generated == 5 and not filler.path.exists():
                filler.fill()
                kept = store.get_message(request.message_id).content  # saved with the fifth token
        assert ended is not None and ended.status == "error" and ended.error == DISK_FULL_REPLY
        assert session.save_error is not None and str(session.save_error) == DISK_FULL_REPLY
        assert session.text == kept and ended.content == kept  # the views show what the database holds
        assert len(session.table) == 5
        filler.free()
    with open_workspace() as again:  # the next start, with space again
        reply = again.store.get_message(request.message_id)
        assert reply.content == kept and reply.status in {"error", "interrupted"}
        assert len(again.store.load_trace(request.message_id)) == 5
    assert integrity(home / "inkling.db") == "ok"


def test_ending_a_reply_on_a_full_disk_is_an_error_not_an_exception(small_disk):
    store = open_store(small_disk / "inkling.db")
    conversation = store.create_conversation()
    reply = store.add_message(conversation.id, "assistant", "", status="streaming")
    session = ReplySession(store, reply.id)
    session.text = "x" * 200_000  # more than the WAL has room for once the disk is full
    filler = Filler(small_disk)
    filler.fill()
    message = session.abandon()  # the window closing mid-reply
    assert message.status == "error" and message.error == DISK_FULL_REPLY and message.content == ""
    filler.free()
    store.close()


@pytest.mark.parametrize("command", [
    ["ask", "hi", "--max-tokens", "4"], ["notes", "add", "NOTE"], ["backup"], ["import", "EXPORT"],
], ids=" ".join)
def test_the_command_line_on_a_full_disk_prints_one_line(small_disk, tmp_path, command):
    home = small_disk / "home"
    store = open_store(home / "inkling.db")
    conversation = store.create_conversation(title="kept")
    store.add_message(conversation.id, "user", "hello")
    store.close()
    note = tmp_path / "note.txt"
    note.write_text("Lighthouses guide ships. " * 2000)
    exported = inkling("export", "--all", "-o", str(tmp_path / "all.zip"), home=home)
    assert exported.returncode == 0, exported.stderr
    filler = Filler(small_disk)
    filler.fill()
    args = [{"NOTE": str(note), "EXPORT": str(tmp_path / "all.zip")}.get(arg, arg) for arg in command]
    done = inkling(*args, home=home)
    filler.free()
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and lines[-1].startswith("inkling: error: ") and "disk is full" in lines[-1], done.stderr
    assert not list((home / "backups").glob("*")) if (home / "backups").exists() else True  # no half copy
    assert integrity(home / "inkling.db") == "ok"
    assert [c.title for c in open_store(home / "inkling.db").list_conversations()][-1] == "kept"


def test_the_window_controller_ends_the_reply_and_stays_usable(small_disk, smollm2_path, qtbot):
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.ui.reply_controller import ReplyController
    from desktop.ui.worker import EngineController

    store = open_store(small_disk / "home" / "inkling.db")
    engine = EngineController(LlamaEngine)
    try:
        engine.load_model(str(smollm2_path), EngineConfig(n_ctx=1024))
        qtbot.waitUntil(lambda: engine.worker._engine is not None, timeout=60000)
        controller = ReplyController(store, engine, parent=engine)
        notices = []
        controller.notify.connect(lambda text, _ms: notices.append(text))
        filler = Filler(small_disk)
        controller.streamed.connect(lambda session, _text: filler.path.exists() or filler.fill())

        def turn(max_tokens):
            conversation = store.create_conversation()
            return start_turn(store, conversation.id, "Tell me a long story about the sea.",
                              SamplerSettings(max_tokens=max_tokens, temperature=0.0), "SmolLM2",
                              request_id=engine.next_request_id())

        with qtbot.waitSignal(controller.ended, timeout=120000) as ended:
            controller.begin(turn(2000), grounded=True)
        session = ended.args[0]
        assert session.message.status == "error" and session.message.error == DISK_FULL_REPLY
        assert any("the disk is full" in notice for notice in notices)
        assert not controller.busy  # Send and Stop work again
        filler.free()
        controller.streamed.disconnect()
        with qtbot.waitSignal(controller.ended, timeout=120000) as again:
            controller.begin(turn(8), grounded=True)
        assert again.args[0].message.status == "complete" and again.args[0].message.content
    finally:
        engine.shutdown()
        store.close()
    assert integrity(small_disk / "home" / "inkling.db") == "ok"
    assert os.path.exists(small_disk / "home" / "inkling.db")


def test_a_database_closed_on_a_full_disk_opens_again_when_space_is_freed(small_disk):
    """Closing checkpoints: on a full disk page 1 (saying 27 pages) is written but the file cannot grow, and the
    pages stay in the -wal. That file is sound (SQLite reads them from the WAL), not a file cut short."""
    path = small_disk / "inkling.db"
    store = open_store(path)
    conversation = store.create_conversation(title="kept")
    for n in range(30):
        store.add_message(conversation.id, "user", f"message {n} " * 300)
    filler = Filler(small_disk)
    filler.fill()
    store.close()
    filler.free()
    with open(path, "rb") as handle:
        header = handle.read(100)
    claimed = int.from_bytes(header[28:32], "big") * int.from_bytes(header[16:18], "big")
    size = os.path.getsize(path)
    reopened = open_store(path)
    assert [c.title for c in reopened.list_conversations()] == ["kept"]
    assert reopened.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 30
    reopened.close()
    assert integrity(path) == "ok"
    print(f"file {size} bytes, header says {claimed}")
