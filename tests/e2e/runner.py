"""`python -m desktop …` as a real process, the way a user runs it, for the end-to-end tests."""

import json
import os
import subprocess
import sys


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
