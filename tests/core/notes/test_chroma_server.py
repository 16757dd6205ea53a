"""Notes indexed on a real `chroma run` on 127.0.0.1: search, switching, rebuild, faults in words, an outage, secrets."""

import os
import time
import uuid
from pathlib import Path

import pytest

from desktop.core.notes import NotesLibrary, NotesReadOnlyError
from desktop.core.notes.chroma_server import STALE_MARKER, ChromaConnection, ChromaServer, ChromaServerError, probe
from desktop.core.notes.server_setting import load_server, new_server, save_server, token_store, trusted_certificate
from desktop.core.tls import fingerprint
from desktop.core.workspace import open_workspace
from tests.core.notes.chroma_run import BearerProxy, chroma_server, own_chroma_server  # noqa: F401  (fixtures)
from tests.remote.certificates import self_signed

CAT = "The lighthouse keeper has a cat. The cat is named Biscuit and sleeps on the stairs of the lamp room."
BUDGET = "Project INK-4471 has a budget of 12,500 euros for the third quarter, approved by Margaret Oyelaran."
TRAINS = "The night train from Vienna to Rome leaves at 19:40 and arrives the next morning at ten."
QUESTIONS = ("What is the keeper's pet called?", "INK-4471", "when does the train leave", "budget approval")


def target(url: str, **kwargs) -> ChromaServer:
    return ChromaServer(url, f"inkling-notes-test-{uuid.uuid4().hex[:8]}", **kwargs)


def server_count(url: str, collection: str) -> int:
    with ChromaConnection(ChromaServer(url, collection)) as connection:
        return connection.client.get_collection(collection).count()


def fill(library: NotesLibrary) -> None:
    for title, text in (("Lighthouse", CAT), ("Budget", BUDGET), ("Trains", TRAINS)):
        assert library.add_text(title, text).status == "indexed"


def shown(sources) -> list[tuple[str, int, float]]:
    return [(s.title, s.chunk, round(s.score, 4)) for s in sources]


def test_notes_are_indexed_and_searched_on_the_server_like_locally(tmp_path, embedder, chroma_server):
    server = target(chroma_server.url)
    with NotesLibrary.open(tmp_path / "remote", embedder, server=server) as remote, \
            NotesLibrary.open(tmp_path / "local", embedder) as local:
        fill(remote)
        fill(local)
        assert remote.index.online and remote.index_notice is None
        assert server_count(chroma_server.url, server.collection) == remote.db.chunk_count() == 3
        assert not (tmp_path / "remote" / "chroma").exists()  # no embedded index beside a server one
        for question in QUESTIONS:
            for mode in ("hybrid", "vector"):
                assert shown(remote.search(question, k=3, mode=mode)) == shown(local.search(question, k=3, mode=mode))
        remote.remove(remote.search("INK-4471", k=1)[0].note_id)
        assert server_count(chroma_server.url, server.collection) == 2


def test_two_libraries_share_one_server_without_touching_each_other(tmp_path, embedder, chroma_server):
    first, second = target(chroma_server.url), target(chroma_server.url)
    with NotesLibrary.open(tmp_path / "a", embedder, server=first) as a, \
            NotesLibrary.open(tmp_path / "b", embedder, server=second) as b:
        fill(a)
        b.add_text("Only here", TRAINS)
        b.rebuild_index()
        assert server_count(chroma_server.url, first.collection) == 3
        assert server_count(chroma_server.url, second.collection) == 1


def test_switching_to_a_server_and_back_keeps_every_note(tmp_path, embedder, chroma_server):
    server = target(chroma_server.url)
    with NotesLibrary.open(tmp_path / "data", embedder) as library:
        fill(library)
        assert library.use_index(server) == 3 and library.server == server
        assert server_count(chroma_server.url, server.collection) == 3
        library.add_text("Ferry", "The ferry to the island leaves every hour from pier 4.")
        assert library.search("ferry to the island", k=1, mode="vector")[0].title == "Ferry"
        assert library.use_index(None) == 4 and library.server is None
        assert library.index.count() == 4  # the embedded index caught up with what was added on the server
        assert library.search("ferry to the island", k=1, mode="vector")[0].title == "Ferry"


def test_a_rebuild_pushes_the_stored_vectors_without_embedding(tmp_path, embedder, chroma_server, monkeypatch):
    server = target(chroma_server.url)
    with NotesLibrary.open(tmp_path / "data", embedder, server=server) as library:
        fill(library)
        with ChromaConnection(server) as connection:
            connection.client.delete_collection(server.collection)  # someone wiped it on the server
        monkeypatch.setattr(embedder, "embed", lambda texts: pytest.fail("a rebuild must not embed"))
        assert library.rebuild_index() == 3
        assert server_count(chroma_server.url, server.collection) == 3
    # Reopening finds the collection in step (no rebuild), and one out of step is rebuilt.
    with NotesLibrary.open(tmp_path / "data", embedder, server=server) as library:
        assert library.notice is None and library.index.online
        library.index._collection.delete(ids=["1:0"])
    with NotesLibrary.open(tmp_path / "data", embedder, server=server) as library:
        assert server_count(chroma_server.url, server.collection) == 3


@pytest.mark.parametrize("case", ["refused", "not chroma", "older chroma", "no token", "wrong token", "timeout",
                                  "stall after probe"])
def test_a_server_that_fails_is_said_in_words_and_changes_nothing(tmp_path, embedder, chroma_server, case):
    from tests.remote.server import free_port

    proxy = BearerProxy(chroma_server.url, token="s3cret-token")
    url, token = {
        "refused": (f"http://127.0.0.1:{free_port()}", None),
        "not chroma": (chroma_server.url + "/not-chroma", None),
        "older chroma": (proxy.url, "s3cret-token"),
        "no token": (proxy.url, None),
        "wrong token": (proxy.url, "wrong-token-123"),
        "timeout": (proxy.url, "s3cret-token"),
        "stall after probe": (proxy.url, "s3cret-token"),  # chromadb's own set-up requests must time out too
    }[case]
    proxy.fault.version = "0.6.3" if case == "older chroma" else None
    proxy.fault.stall = case == "timeout"
    proxy.fault.stall_after_probe = case == "stall after probe"
    expected = {"refused": "refused the connection", "not chroma": "not a Chroma 1.x server",
                "older chroma": "speaks API 0.6.3; Inkling needs a Chroma 1.x server", "no token": "asks for a token",
                "wrong token": "refused the token (HTTP 401)", "timeout": "(timeout)",
                "stall after probe": "stopped answering (timeout)"}[case]
    try:
        with NotesLibrary.open(tmp_path / "data", embedder) as library:
            fill(library)
            started = time.monotonic()
            with pytest.raises(ChromaServerError, match=expected.replace("(", r"\(").replace(")", r"\)")) as raised:
                library.use_index(target(url, token=token, timeout_s=1.0))
            assert time.monotonic() - started < 10
            assert "wrong-token" not in str(raised.value) and "s3cret" not in str(raised.value)
            assert library.server is None and library.index.count() == 3  # the local index is still in use
            assert library.search("What is the keeper's pet called?", k=1)[0].title == "Lighthouse"
    finally:
        proxy.close()


def test_the_token_goes_as_a_bearer_header_through_a_checking_proxy(tmp_path, embedder, chroma_server):
    proxy = BearerProxy(chroma_server.url, token="s3cret-token")
    try:
        server = target(proxy.url, token="s3cret-token")
        assert "s3cret" not in repr(server)
        with NotesLibrary.open(tmp_path / "data", embedder, server=server) as library:
            fill(library)
            assert library.index.online and library.search("INK-4471", k=1)[0].title == "Budget"
        assert set(proxy.seen_authorization) == {"Bearer s3cret-token"}
    finally:
        proxy.close()


def test_a_token_refused_later_is_said_and_searches_go_on_from_notes_db(tmp_path, embedder, chroma_server):
    proxy = BearerProxy(chroma_server.url, token="s3cret-token")
    try:
        with NotesLibrary.open(tmp_path / "data", embedder, server=target(proxy.url, token="s3cret-token")) as library:
            fill(library)
            proxy.token = "rotated-token"  # the proxy's token changed while Inkling runs
            assert library.search("What is the keeper's pet called?", k=1)[0].title == "Lighthouse"
            assert not library.index.online
            assert "refused the token (HTTP 401)" in library.index_notice and "s3cret" not in library.index_notice
    finally:
        proxy.close()


def test_an_outage_falls_back_to_notes_db_and_the_server_catches_up(tmp_path, embedder, own_chroma_server, monkeypatch):
    server = target(own_chroma_server.url, timeout_s=3.0)
    folder = tmp_path / "data"
    with NotesLibrary.open(folder, embedder, server=server) as library:
        fill(library)
        own_chroma_server.stop()
        assert library.search("What is the keeper's pet called?", k=1)[0].title == "Lighthouse"
        assert "copy in notes.db" in library.index_notice and "refused the connection" in library.index_notice
        ferry = library.add_text("Ferry", "The ferry to the island leaves every hour from pier 4.")
        assert ferry.status == "indexed" and (folder / STALE_MARKER).exists()  # kept in notes.db, marked
        with pytest.raises(ChromaServerError, match="refused the connection"):
            library.rebuild_index()  # asked for explicitly: said, not swallowed
    # Restarted while the server is still away: the notes open, with the notice.
    with NotesLibrary.open(folder, embedder, server=server) as library:
        assert "copy in notes.db" in library.notice
        assert library.search("ferry to the island", k=1)[0].title == "Ferry"
        own_chroma_server.start()
        monkeypatch.setattr(library.index, "_retry_at", 0.0)  # instead of waiting RETRY_AFTER_S
        assert library.search("ferry to the island", k=1, mode="vector")[0].title == "Ferry"
        assert library.index.online and "answers again" in library.index_notice
        assert not (folder / STALE_MARKER).exists()
        assert server_count(own_chroma_server.url, server.collection) == 4


def test_the_token_is_kept_in_the_secret_store_never_in_the_database(tmp_path, monkeypatch, chroma_server):
    monkeypatch.setattr("desktop.core.secrets._usable_keyring", lambda: None)
    with open_workspace() as workspace:
        chosen = new_server(workspace.store, chroma_server.url + "/", "tok-very-secret-42")
        assert chosen.url == chroma_server.url and chosen.collection.startswith("inkling-notes-")
        assert "mode 0600" in save_server(workspace.store, workspace.folder, chosen)
        again = load_server(workspace.store, workspace.folder)
        assert again == chosen  # the same collection every time, the token back from the store
        tokens = token_store(workspace.folder)
        assert tokens.file.stat().st_mode & 0o777 == 0o600
        for path in workspace.folder.glob("*.db*"):
            assert b"tok-very-secret-42" not in path.read_bytes(), path
        save_server(workspace.store, workspace.folder, None)
        assert load_server(workspace.store, workspace.folder) is None and tokens.get("notes") is None


def test_a_server_with_its_own_certificate_is_used_once_its_fingerprint_is_trusted(tmp_path, embedder, chroma_server,
                                                                                  monkeypatch):
    """An https proxy with a self-signed certificate: refused (with how to trust it), then pinned for this server only."""
    monkeypatch.setattr("desktop.core.secrets._usable_keyring", lambda: None)
    pem, tls = self_signed(tmp_path / "tls", "chroma.lan")
    other, _ = self_signed(tmp_path / "other", "chroma.lan")
    proxy = BearerProxy(chroma_server.url, token="s3cret-token", tls=tls)
    try:
        with pytest.raises(ChromaServerError, match="not trusted.*trust it for this server only"):
            probe(target(proxy.url, token="s3cret-token"))
        with pytest.raises(ChromaServerError, match="not trusted"):
            trusted_certificate(proxy.url, fingerprint(other))
        with pytest.raises(ChromaServerError, match="not trusted"):  # another certificate pinned: refused before the token goes
            probe(target(proxy.url, token="s3cret-token", certificate=other))
        assert proxy.seen_authorization == []  # no request reached it: the token was never sent
        pinned = trusted_certificate(proxy.url, fingerprint(pem).lower().replace(":", ""))
        server = target(proxy.url, token="s3cret-token", certificate=pinned)
        with NotesLibrary.open(tmp_path / "data", embedder, server=server) as library:
            fill(library)
            assert library.index.online and library.search("INK-4471", k=1)[0].title == "Budget"
        assert set(proxy.seen_authorization) == {"Bearer s3cret-token"}
        with open_workspace() as workspace:  # kept with the choice (a certificate is public), the token elsewhere
            save_server(workspace.store, workspace.folder, new_server(workspace.store, proxy.url, "s3cret-token", pinned))
            assert load_server(workspace.store, workspace.folder).certificate == pinned
    finally:
        proxy.close()


def only_the_server_says(library: NotesLibrary, embedder, title: str, question: str) -> None:
    """On the server, the note `title`'s vector becomes the question's own: a search that finds it first, with a
    similarity of 1, read the server (notes.db still holds the real vector, far from the question)."""
    note = next(n for n in library.list_notes() if n.title == title)
    library.index._collection.update(ids=[f"{note.id}:0"], embeddings=embedder.embed([question]))


def test_a_reader_beside_the_owner_searches_the_server_and_changes_nothing_there(tmp_path, embedder, chroma_server):
    server, folder, question = target(chroma_server.url), tmp_path / "data", "What is the keeper's pet called?"
    with NotesLibrary.open(folder, embedder, server=server) as owner:
        fill(owner)
        only_the_server_says(owner, embedder, "Budget", question)
        assert owner.search(question, k=1, mode="vector")[0].title == "Budget"
        with NotesLibrary.open(folder, embedder, read_only=True, server=server) as reader:
            best = reader.search(question, k=1, mode="vector")[0]
            assert (best.title, round(best.score, 2)) == ("Budget", 1.0)
            assert reader.index.online and reader.index_notice is None
            with pytest.raises(NotesReadOnlyError):
                reader.add_text("Ferry", "The ferry to the island leaves every hour from pier 4.")
        assert server_count(chroma_server.url, server.collection) == 3 and not (folder / STALE_MARKER).exists()
        assert owner.search(question, k=1, mode="vector")[0].title == "Budget"  # the owner's client still works


@pytest.mark.parametrize("case", ["changes missed", "another count", "no collection"])
def test_a_reader_searches_notes_db_while_the_server_is_behind_and_says_so(tmp_path, embedder, chroma_server, case):
    server, folder, question = target(chroma_server.url), tmp_path / "data", "What is the keeper's pet called?"
    with NotesLibrary.open(folder, embedder, server=server) as owner:
        fill(owner)
        only_the_server_says(owner, embedder, "Budget", question)
        if case == "changes missed":
            (folder / STALE_MARKER).touch()  # the owner could not reach the server for a change
        elif case == "another count":
            owner.index._collection.delete(ids=["3:0"])
        else:
            owner.index._connection.client.delete_collection(server.collection)
        with NotesLibrary.open(folder, embedder, read_only=True, server=server) as reader:
            assert reader.search(question, k=1, mode="vector")[0].title == "Lighthouse"  # notes.db's vectors
            assert not reader.index.online
            assert "copy in notes.db" in reader.index_notice and "not up to date with your notes" in reader.index_notice
        if case == "no collection":  # the reader created nothing
            with pytest.raises(Exception, match="does not exist"):
                server_count(chroma_server.url, server.collection)
        else:
            assert server_count(chroma_server.url, server.collection) == (2 if case == "another count" else 3)
        assert (folder / STALE_MARKER).exists() == (case == "changes missed")


def test_a_reader_whose_server_is_away_searches_notes_db_with_the_windows_notice(tmp_path, embedder, own_chroma_server):
    server, folder = target(own_chroma_server.url, timeout_s=3.0), tmp_path / "data"
    with NotesLibrary.open(folder, embedder, server=server) as owner:
        fill(owner)
    own_chroma_server.stop()
    with NotesLibrary.open(folder, embedder, server=server) as owner, \
            NotesLibrary.open(folder, embedder, read_only=True, server=server) as reader:
        assert reader.search("What is the keeper's pet called?", k=1)[0].title == "Lighthouse"
        assert not reader.index.online and reader.index_notice == owner.index_notice
        assert "copy in notes.db" in reader.index_notice and "refused the connection" in reader.index_notice


def connections_to(port: int) -> int:
    """This process's established TCP connections to 127.0.0.1:port (read from /proc: no package for it)."""
    sockets = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:  # closed since the listing
            continue
        if link.startswith("socket:["):
            sockets.add(link[len("socket:["):-1])
    count = 0
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            remote_port, state, inode = int(fields[2].rsplit(":", 1)[1], 16), fields[3], fields[9]
            count += remote_port == port and state == "01" and inode in sockets
    return count


def test_the_library_closes_its_connections_to_the_server(tmp_path, embedder, chroma_server):
    """chromadb's own close() leaves its httpx clients (two: its own and its admin client's) connected."""
    proxy = BearerProxy(chroma_server.url, token="s3cret-token")
    port = int(proxy.url.rsplit(":", 1)[1])
    try:
        with NotesLibrary.open(tmp_path / "data", embedder, server=target(proxy.url, token="s3cret-token")) as library:
            fill(library)
            assert library.search("INK-4471", k=1)[0].title == "Budget"
            assert connections_to(port) >= 1  # kept alive between requests, as they should be
        assert connections_to(port) == 0
    finally:
        proxy.close()


def test_chromadb_still_has_the_internal_inkling_bounds(tmp_path, embedder, chroma_server):
    """_bounded_client reaches into chromadb for the httpx clients it makes with no timeout. If a chromadb
    release moves them, this fails: a search on a server that stalls must fall back to notes.db by the timeout
    (not hang; the proxy drops the stalled request after STALL_S, and that is no timeout)."""
    proxy = BearerProxy(chroma_server.url, token="s3cret-token")
    try:
        with NotesLibrary.open(tmp_path / "data", embedder,
                               server=target(proxy.url, token="s3cret-token", timeout_s=1.0)) as library:
            sessions = library.index._connection._sessions
            assert len(sessions) == 2 and all(s.timeout.read == 1.0 for s in sessions)
            fill(library)
            proxy.fault.stall_path = "/query"
            assert library.search("What is the keeper's pet called?", k=1)[0].title == "Lighthouse"
            assert "stopped answering (timeout)" in library.index_notice and not library.index.online
    finally:
        proxy.close()


@pytest.mark.parametrize("pinned", [None, "another", "its own"])
def test_chromadbs_own_client_verifies_tls_as_the_probe_does(tmp_path, chroma_server, monkeypatch, pinned):
    """The probe is not the only guard: with it out of the way, chromadb's client still refuses a certificate it
    was not told to trust (whatever CHROMA_* variables say), and takes the one pinned for this server alone."""
    monkeypatch.setattr("desktop.core.notes.chroma_server.probe", lambda server: "1.0.0")
    monkeypatch.setenv("CHROMA_SERVER_SSL_VERIFY", "false")  # chromadb's settings read the environment
    pem, tls = self_signed(tmp_path / "tls", "chroma.lan")
    other, _ = self_signed(tmp_path / "other", "chroma.lan")
    proxy = BearerProxy(chroma_server.url, token="s3cret-token", tls=tls)
    try:
        server = target(proxy.url, token="s3cret-token", certificate={"another": other, "its own": pem}.get(pinned))
        if pinned == "its own":
            with ChromaConnection(server) as connection:
                assert connection.client.heartbeat() > 0
            assert proxy.seen_authorization and set(proxy.seen_authorization) == {"Bearer s3cret-token"}
        else:
            with pytest.raises(ChromaServerError, match="not trusted"):
                ChromaConnection(server)
            assert proxy.seen_authorization == []  # refused in the handshake: the token never left
    finally:
        proxy.close()
