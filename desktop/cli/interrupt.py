"""Ctrl+C in the CLI: work that can stop keeps what it finished, anything else is abandoned within a second; exit 130."""

import os
import signal
import sys
import threading
from contextlib import contextmanager

EXIT_CODE = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl+C
# How long cancellable work gets to stop and save before the process leaves without it; a kill is
# safe for the databases (WAL, transactions), and an unfinished reply is recovered as interrupted.
GRACE_S = 0.6
MESSAGE = "inkling: interrupted (what was finished is kept)"

_received = threading.Event()
_finished = threading.Event()
_cancels: list[threading.Event] = []  # the cancellable sections now running, innermost last


@contextmanager
def watching():
    """Within this (one CLI command, on the main thread), Ctrl+C stops the command within a second.

    Python runs its signal handlers only between two bytecodes of the main thread, so a main thread
    inside a long C call (llama.cpp loading a model) would not see Ctrl+C until it returned. The
    wakeup fd is written by the C-level handler at once; a watcher thread reads it, cancels what can
    be cancelled, and ends the process itself if the command has not finished within GRACE_S.
    """
    _received.clear()
    _finished.clear()
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    previous_handler = signal.signal(signal.SIGINT, _on_sigint)
    watcher = threading.Thread(target=_watch, args=(read_end,), name="ctrl-c", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        _finished.set()
        signal.signal(signal.SIGINT, previous_handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(write_end)  # the watcher reads the end of the pipe and returns
        watcher.join()
        os.close(read_end)


def leave() -> None:
    """Say so and end the process now: the command has saved what it finished and closed the data folder.

    Python's own exit would then free llama.cpp, chromadb and every module for another second or two.
    """
    sys.stdout.flush()
    print(MESSAGE, file=sys.stderr, flush=True)
    os._exit(EXIT_CODE)


def received() -> bool:
    """Whether Ctrl+C came during the command (it then exits with EXIT_CODE)."""
    return _received.is_set()


@contextmanager
def cancellable():
    """Within this, Ctrl+C sets the yielded event instead of raising KeyboardInterrupt: the work stops itself."""
    cancel = threading.Event()
    if _received.is_set():
        cancel.set()
    _cancels.append(cancel)
    try:
        yield cancel
    finally:
        _cancels.remove(cancel)


def _on_sigint(_signum, _frame) -> None:
    _received.set()
    if _cancels:
        _cancels[-1].set()
    else:
        raise KeyboardInterrupt


def _watch(read_end: int) -> None:
    while True:
        data = os.read(read_end, 64)
        if not data:
            return  # the command ended without Ctrl+C
        if signal.SIGINT in data:
            break
    _received.set()
    for cancel in list(_cancels):
        cancel.set()
    if not _finished.wait(GRACE_S):
        sys.stderr.flush()
        os.write(2, f"\n{MESSAGE}\n".encode())
        os._exit(EXIT_CODE)
