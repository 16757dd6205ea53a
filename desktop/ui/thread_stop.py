"""Quit always quits: a worker thread still busy after a bound is abandoned, and the process leaves without it."""

import os
import sys

from PySide6.QtCore import QThread

# What a worker gets to finish its step after being asked to stop: a token, an embedding batch,
# a template render (bounded at 1 s). A model load or a huge PDF can take minutes, and is left.
STOP_WAIT_MS = 2000

_abandoned: list[QThread] = []  # kept referenced: a QThread destroyed while it runs aborts the process


def stop_thread(thread: QThread, wait_ms: int = STOP_WAIT_MS) -> bool:
    """Wait for a thread already asked to stop; False (and the thread kept aside) if it is still busy."""
    if not thread.isRunning() or thread.wait(wait_ms):
        return True
    _abandoned.append(thread)
    return False


def leave_if_abandoned(code: int) -> None:
    """After the window and the data folder are closed: end the process now if a worker is still busy.

    The databases are as safe as after a kill (WAL, transactions), and Python's own exit would
    wait for, or crash on, the running thread.
    """
    if _abandoned:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
