"""Every data command, run on a data folder whose inkling.db is random bytes: one line saying what to do, exit 2."""

import random

import pytest

from tests.e2e.runner import inkling

COMMANDS = [
    ["ask", "hi", "--max-tokens", "4"],
    ["notes", "add", "NOTE"],
    ["notes", "list"],
    ["notes", "search", "cats"],
    ["notes", "remove", "1"],
    ["notes", "reindex"],
    ["export", "1"],
    ["export", "--all", "-o", "ARCHIVE"],
    ["import", "NOTE"],
    ["show", "1"],
]


@pytest.fixture
def damaged_home(inkling_home):
    inkling_home.mkdir()
    (inkling_home / "inkling.db").write_bytes(random.Random(7).randbytes(64 * 1024))
    return inkling_home


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_damaged_database_is_one_line_and_exit_code_2(damaged_home, tmp_path, command):
    note = tmp_path / "note.txt"
    note.write_text("Cats sleep a lot.")
    args = [{"NOTE": str(note), "ARCHIVE": str(tmp_path / "all.zip")}.get(arg, arg) for arg in command]
    done = inkling(*args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"inkling: error: {damaged_home / 'inkling.db'} is damaged or not an Inkling database "
        "(file is not a database); move it aside (Inkling then starts a new, empty one) "
        f"or put back a backup (`inkling restore` puts back the newest from {damaged_home / 'backups'})."
    ]
    assert (damaged_home / "inkling.db").read_bytes() == random.Random(7).randbytes(64 * 1024)  # left as it was
