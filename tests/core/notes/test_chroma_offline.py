"""Notes on a Chroma server send nothing anywhere but to that server: `chroma run` and `inkling notes` under strace."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.core.notes.chroma_run import ChromaRun, require_chroma_cli

TRACE = ("-f", "-qq", "-e", "trace=connect,sendto,sendmsg,accept,accept4")  # accept: proof that it traced
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
CAT = "The lighthouse keeper has a cat. The cat is named Biscuit and sleeps on the stairs of the lamp room."


def destinations(log: str) -> set[str]:
    """Every internet address a traced process connected or sent to (unix sockets and netlink are local).

    A name lookup (port 53) counts as going out whatever the resolver's address: it asks for a host elsewhere.
    """
    found = {"a DNS lookup"} if "htons(53)" in log else set()
    found |= set(re.findall(r'sin_addr=inet_addr\("([^"]+)"\)', log))
    found |= set(re.findall(r'inet_pton\(AF_INET6, "([^"]+)"', log))
    return found


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_server_and_inkling_talk_only_to_127_0_0_1(tmp_path, inkling_home):
    require_chroma_cli()
    server_log, client_log = tmp_path / "server.strace", tmp_path / "client.strace"
    server = ChromaRun(tmp_path / "db", tmp_path / "server.log")
    server.start(prefix=("strace", *TRACE, "-o", str(server_log)))
    try:
        note = tmp_path / "cat.md"
        note.write_text(CAT)
        for args in (("notes", "add", str(note)), ("notes", "server", server.url), ("notes", "search", "the cat")):
            done = subprocess.run(["strace", *TRACE, "-o", str(client_log), sys.executable, "-m", "desktop", *args],
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            client = client_log.read_text()
            assert destinations(client) <= LOOPBACK, (args, destinations(client))
        assert "Biscuit" in done.stdout
        assert f"htons({server.port})" in client  # it did go to the server
    finally:
        server.stop()
    served = server_log.read_text()
    assert "accept" in served and destinations(served) <= LOOPBACK, destinations(served)
