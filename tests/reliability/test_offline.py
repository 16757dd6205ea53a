"""Offline, proven: the window, ask, notes and the self-test open no internet socket and write nothing outside the data folder."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.offline import OFFLINE_ENVIRONMENT

STRACE = shutil.which("strace")
HERE = Path(__file__).resolve().parent
INTERNET = re.compile(r"socket\(AF_INET6?,|connect\(\d+, \{sa_family=AF_INET6?,")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (Debian: apt-get install strace)"),
]


@pytest.fixture
def sandbox(tmp_path):
    """An empty HOME with the data folder inside it, and an environment without the offline switches."""
    home = tmp_path / "home"
    data = home / "inkling-data"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in OFFLINE_ENVIRONMENT}
    env.update(HOME=str(home), INKLING_HOME=str(data), QT_QPA_PLATFORM="offscreen",
               XDG_CACHE_HOME="", XDG_CONFIG_HOME="", XDG_DATA_HOME="")
    note = tmp_path / "otters.md"
    note.write_text("# Otters\n\nSea otters hold hands while they sleep so that they do not drift apart.\n")
    return home, data, env, note


def traced(env, log: Path, *command: str) -> None:
    done = subprocess.run([STRACE, "-f", "-qq", "-o", str(log), "-e", "trace=socket,connect", *command],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def internet_calls(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if INTERNET.search(line)]


def written_outside(home: Path, data: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and data not in p.parents)


def test_every_way_in_stays_offline_and_inside_the_data_folder(sandbox, tmp_path):
    home, data, env, note = sandbox
    python = [sys.executable, "-m", "desktop"]
    runs = {
        "notes add": [*python, "notes", "add", str(note)],
        "notes search": [*python, "notes", "search", "otters"],
        "ask": [*python, "ask", "What do otters do?", "--max-tokens", "8"],
        "self-test": [*python, "--self-test"],
        "window": [sys.executable, str(HERE / "window_session.py")],
    }
    found = {}
    for name, command in runs.items():
        log = tmp_path / f"{name.replace(' ', '-')}.strace"
        traced(env, log, *command)
        found[name] = internet_calls(log)
    assert found == {name: [] for name in runs}
    assert written_outside(home, data) == []

