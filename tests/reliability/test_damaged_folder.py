"""Every CLI command with a damaged home — inkling.db random or cut in half, notes.db damaged, the folder read-only:
no traceback reaches stderr, one line names the file and what to do, and the damaged file is left as it was."""

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from desktop.cli import build_parser
from desktop.core.store import open_store
from tests.e2e.runner import inkling

# Arguments that make each command do its real work; a command not listed here runs without any.
SAMPLES = {
    "ask": ["hi", "--max-tokens", "4"],
    "notes add": ["NOTE"], "notes search": ["cats"], "notes remove": ["1"],
    "export": ["1"], "import": ["NOTE"], "show": ["1"],
    "engines add": ["box", "http://127.0.0.1:9", "--no-probe"], "engines remove": ["box"], "engines test": ["box"],
}
EXTRA = [["export", "--all", "-o", "ARCHIVE"], ["backup", "--list"], ["--version"], ["--self-test"]]
# Commands known to open a database: each must name the damaged file. Every other one (--version, restore
# with no backup yet, --self-test in its own temporary folder, a command added later without sample arguments)
# must still never print a traceback.
DATA_COMMANDS = {"ask", "notes", "export", "import", "show", "backup"}


def opens_data(command: list[str]) -> bool:
    return command[0] in DATA_COMMANDS and command != ["backup", "--list"]


def every_command() -> list[list[str]]:
    """Each subcommand the parser knows (so a new one is covered the day it is added), with its sample arguments."""
    found = []

    def walk(parser, prefix):
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subparsers:
            found.append(prefix + SAMPLES.get(" ".join(prefix), []))
        for action in subparsers:
            for name, child in action.choices.items():
                walk(child, prefix + [name])

    walk(build_parser(), [])
    return [c for c in found if c] + EXTRA


COMMANDS = every_command()


def run(command, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Cats sleep a lot.")
    args = [{"NOTE": str(note), "ARCHIVE": str(tmp_path / "all.zip")}.get(arg, arg) for arg in command]
    return inkling(*args)


def assert_one_line(done, *expected: str):
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("inkling: error: "), done.stderr
    for text in expected:
        assert text in lines[0]


def a_chat_database(path) -> None:
    store = open_store(path)
    conversation = store.create_conversation(title="kept")
    for n in range(200):
        store.add_message(conversation.id, "user", f"message {n} " * 40)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def damage(home, how: str) -> bytes:
    """Damage the data folder as a crash, a bad disk or a bad copy would; returns the damaged file's bytes."""
    home.mkdir()
    path = home / "inkling.db"
    if how == "random bytes":
        path.write_bytes(random.Random(7).randbytes(64 * 1024))
    elif how == "cut in half":
        a_chat_database(path)
        os.truncate(path, path.stat().st_size // 2)
    elif how == "damaged inside":  # header and schema intact, every later page garbage: found only by a query
        a_chat_database(path)
        with open(path, "r+b") as handle:
            handle.seek(2 * 4096)
            handle.write(random.Random(3).randbytes(path.stat().st_size - 2 * 4096))
    return path.read_bytes()


@pytest.mark.parametrize("how", ["random bytes", "cut in half", "damaged inside"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_damaged_inkling_db_is_one_line_naming_it(inkling_home, tmp_path, how, command):
    before = damage(inkling_home, how)
    done = run(command, tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    if opens_data(command):
        assert_one_line(done, f"{inkling_home / 'inkling.db'} is damaged", "inkling restore")
    assert (inkling_home / "inkling.db").read_bytes() == before  # left as it was, for the user to move or restore


@pytest.fixture
def damaged_notes(inkling_home):
    inkling_home.mkdir()
    open_store(inkling_home / "inkling.db").close()
    damaged = random.Random(11).randbytes(32 * 1024)
    (inkling_home / "notes.db").write_bytes(damaged)
    return damaged


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] == "notes"], ids=" ".join)
def test_damaged_notes_are_one_line_naming_notes_db(inkling_home, tmp_path, damaged_notes, command):
    done = run(command, tmp_path)
    assert_one_line(done, f"{inkling_home / 'notes.db'} is damaged", "inkling restore --notes")
    assert (inkling_home / "notes.db").read_bytes() == damaged_notes


def test_chat_goes_on_without_damaged_notes_and_leaves_no_empty_reply(inkling_home, damaged_notes):
    done = inkling("ask", "What do cats do?", "--max-tokens", "6", "--temperature", "0")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.strip()
    assert "notes unavailable, answering without them" in done.stderr and "notes.db is damaged" in done.stderr
    connection = sqlite3.connect(inkling_home / "inkling.db")
    replies = connection.execute("SELECT content, status FROM messages WHERE role = 'assistant'").fetchall()
    assert len(replies) == 1 and replies[0][0].strip() and replies[0][1] == "complete"


@pytest.fixture
def read_only_home(inkling_home):
    """The data folder on a read-only mount (as root, chmod alone would not stop a write)."""
    inkling_home.mkdir()
    a_chat_database(inkling_home / "inkling.db")
    mounted = subprocess.run(["mount", "--bind", str(inkling_home), str(inkling_home)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount a read-only folder here (needs root): {mounted.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(inkling_home)], check=True, capture_output=True)
        yield inkling_home
    finally:
        subprocess.run(["umount", str(inkling_home)], check=True)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_read_only_folder_is_one_line_naming_it(read_only_home, tmp_path, command):
    done = run(command, tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    if opens_data(command):
        assert_one_line(done, f"{read_only_home}", "writable")


@pytest.fixture
def public_home():
    """A data folder that the user nobody can reach (pytest's own temporary folders are root's only)."""
    base = Path(tempfile.mkdtemp())
    os.chmod(base, 0o755)
    yield base / "home"
    shutil.rmtree(base)


def test_a_read_only_database_file_is_one_line_naming_it(public_home):
    """A writable folder holding a database the user may not write (run as nobody: root may write anything)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the command as another user")
    public_home.mkdir()
    a_chat_database(public_home / "inkling.db")
    os.chmod(public_home, 0o777)
    os.chmod(public_home / "inkling.db", 0o444)
    for command in (["ask", "hi", "--max-tokens", "2"], ["notes", "list"], ["show", "1"], ["export", "1"]):
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "desktop", *command],
            capture_output=True, text=True, env={**os.environ, "INKLING_HOME": str(public_home)}, timeout=300,
        )
        assert "Traceback" not in done.stderr, (command, done.stderr)
        if done.returncode != 0:
            assert_one_line(done, f"{public_home / 'inkling.db'} cannot be written")
