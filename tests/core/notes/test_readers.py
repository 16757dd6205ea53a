"""Only regular files are read: a named pipe, a device or a socket is refused at once, never waited on."""

import os
import socket
import threading

import pytest

from desktop.core.notes.readers import UnreadableFile, read_file


def read_in_thread(path, unblock=None):
    """read_file(path) on a thread; (finished, outcome). unblock() frees a thread stuck in open()."""
    outcome = {}

    def read():
        try:
            outcome["text"] = read_file(path).text
        except UnreadableFile as error:
            outcome["error"] = str(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(10)
    finished = not thread.is_alive()
    if not finished and unblock is not None:
        unblock()
        thread.join(10)
    return finished, outcome


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)

    def unblock():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    finished, outcome = read_in_thread(fifo, unblock)
    assert finished, "open() of the pipe blocked"
    assert outcome == {"error": "a named pipe (FIFO), not a regular file: only regular files are read"}


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_before_it_is_read(tmp_path):
    link = tmp_path / "endless.txt"
    link.symlink_to("/dev/zero")  # the name looks like a note; the target never ends
    finished, outcome = read_in_thread(link)
    assert finished
    assert outcome == {"error": "a device, not a regular file: only regular files are read"}


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.md"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(UnreadableFile, match="a socket, not a regular file"):
            read_file(path)
    finally:
        server.close()


def test_regular_files_and_folders_read_as_before(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("# Otters\n\nThey hold hands.\n")
    assert read_file(note).text.startswith("# Otters")
    with pytest.raises(UnreadableFile, match="this is a folder"):
        read_file(tmp_path)
