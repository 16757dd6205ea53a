"""Watching imported folders when the system runs out of inotify instances: said in words, never a crash."""

import os
import resource

import pytest

from desktop.core.notes.sync import FolderWatcher


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
def test_a_watcher_without_an_inotify_instance_says_why_and_the_notes_still_open(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Every descriptor taken: inotify_init fails with EMFILE, as when the user's 128 instances are in use
    # (other programs hold them); the notes' thread made its watcher then, and died with a traceback.
    # A new descriptor takes the lowest free number, and the limit bounds that number: a limit at the
    # lowest free one leaves none (counting them was not enough once a long test run left holes).
    taken = {int(name) for name in os.listdir("/proc/self/fd")}
    resource.setrlimit(resource.RLIMIT_NOFILE, (next(n for n in range(len(taken) + 2) if n not in taken), hard))
    try:
        watcher = FolderWatcher(lambda root: None)
        problem = watcher.watch(tmp_path)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert problem is not None and problem.startswith(f"cannot watch {tmp_path} for changes")
    assert "picked up at start-up" in problem
    assert watcher.watch(tmp_path) is None  # descriptors free again: it watches
    watcher.stop()
