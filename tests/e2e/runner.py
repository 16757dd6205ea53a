"""`python -m desktop …` as a real process, the way a user runs it, for the end-to-end tests."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager


def inkling(*args: str, home=None, **env: str) -> subprocess.CompletedProcess:
    """Run the CLI; home: its INKLING_HOME (default: the test's own, set by the inkling_home fixture)."""
    env = {**os.environ, **env}
    if home is not None:
        env["INKLING_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env, timeout=300,
    )


def ask_json(*args: str, home) -> dict:
    done = inkling("ask", "--json", "--temperature", "0", *args, home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextmanager
def another_inkling_holding(folder):
    """Another process holds the data folder's lock (as an open window does) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from desktop.core.paths import DataFolderLock\n"
         "lock = DataFolderLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); sys.stdin.read()",
         str(folder)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.communicate("", timeout=30)
