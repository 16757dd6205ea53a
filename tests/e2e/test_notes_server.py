"""`inkling notes server …` end to end: real processes, a real `chroma run` on 127.0.0.1, a token through a proxy."""

import json
import os
import subprocess
import sys

from desktop.core.notes.chroma_server import ChromaConnection, ChromaServer
from desktop.core.notes.index import InklingMiniLM
from desktop.core.tls import fingerprint
from tests.core.notes.chroma_run import BearerProxy, chroma_server, own_chroma_server  # noqa: F401  (the fixtures)
from tests.core.notes.test_chroma_server import server_count
from tests.e2e.runner import another_inkling_holding, ask_json, inkling
from tests.remote.certificates import self_signed
from tests.remote.server import free_port

CAT = "The lighthouse keeper has a cat. The cat is named Biscuit and sleeps on the stairs of the lamp room."
BUDGET = "Project INK-4471 has a budget of 12,500 euros for the third quarter."


def run(*args, home):
    done = inkling("notes", *args, home=home)
    assert done.returncode == 0, done.stderr
    return done.stdout


def collection_of(out: str) -> str:
    return out.split("collection ")[1].split(":")[0].rstrip(".")


def test_notes_move_to_a_chroma_server_and_back(inkling_home, tmp_path, chroma_server):
    for name, text in (("cat.md", CAT), ("budget.txt", BUDGET)):
        (tmp_path / name).write_text(text)
    run("add", str(tmp_path / "cat.md"), str(tmp_path / "budget.txt"), home=inkling_home)
    before = json.loads(run("search", "what is the cat called", "--json", home=inkling_home))
    assert "data folder" in run("server", home=inkling_home)

    refused = inkling("notes", "server", f"http://127.0.0.1:{free_port()}", home=inkling_home)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "refused the connection" in refused.stderr
    assert "data folder" in run("server", home=inkling_home)  # nothing changed

    out = run("server", chroma_server.url, home=inkling_home)
    assert "2 chunks pushed from notes.db" in out
    collection = collection_of(out)
    assert server_count(chroma_server.url, collection) == 2
    assert chroma_server.url in run("server", home=inkling_home)
    assert json.loads(run("search", "what is the cat called", "--json", home=inkling_home)) == before

    # A note added and a re-index while on the server: the server collection follows notes.db.
    (tmp_path / "ferry.txt").write_text("The ferry to the island leaves every hour from pier 4.")
    run("add", str(tmp_path / "ferry.txt"), home=inkling_home)
    assert server_count(chroma_server.url, collection) == 3
    run("reindex", home=inkling_home)
    assert server_count(chroma_server.url, collection) == 3

    assert "data folder again (3 chunks" in run("server", "--local", home=inkling_home)
    assert "data folder" in run("server", home=inkling_home)
    assert json.loads(run("search", "what is the cat called", "--json", home=inkling_home))[0]["title"] == "cat.md"


def test_a_token_is_read_from_stdin_and_never_stored_in_the_database(inkling_home, tmp_path, chroma_server):
    (tmp_path / "cat.md").write_text(CAT)
    run("add", str(tmp_path / "cat.md"), home=inkling_home)
    proxy = BearerProxy(chroma_server.url, token="tok-e2e-secret")
    try:
        command = [sys.executable, "-m", "desktop", "notes", "server", proxy.url, "--token-stdin"]
        wrong = subprocess.run(command, input="not-the-token\n", capture_output=True, text=True, timeout=120,
                               env={**os.environ, "INKLING_HOME": str(inkling_home)})
        assert wrong.returncode == 2 and "refused the token (HTTP 401)" in wrong.stderr
        assert "not-the-token" not in wrong.stderr + wrong.stdout
        done = subprocess.run(command, input="tok-e2e-secret\n", capture_output=True, text=True, timeout=120,
                              env={**os.environ, "INKLING_HOME": str(inkling_home)})
        assert done.returncode == 0, done.stderr
        assert "1 chunk pushed" in done.stdout and "tok-e2e-secret" not in done.stdout + done.stderr
        hits = json.loads(run("search", "what is the cat called", "--json", home=inkling_home))
        assert hits[0]["title"] == "cat.md"
        assert "a token in" in run("server", home=inkling_home)
        for path in inkling_home.rglob("*.db*"):
            assert b"tok-e2e-secret" not in path.read_bytes(), path
    finally:
        proxy.close()


def test_a_server_with_its_own_certificate_is_trusted_by_its_fingerprint(inkling_home, tmp_path, chroma_server):
    pem, tls = self_signed(tmp_path / "tls", "chroma.lan")
    proxy = BearerProxy(chroma_server.url, token="tok-e2e", tls=tls)
    try:
        (tmp_path / "cat.md").write_text(CAT)
        run("add", str(tmp_path / "cat.md"), home=inkling_home)
        command = [sys.executable, "-m", "desktop", "notes", "server", proxy.url, "--token-stdin"]
        environ = {**os.environ, "INKLING_HOME": str(inkling_home)}
        refused = subprocess.run(command, input="tok-e2e\n", capture_output=True, text=True, timeout=120, env=environ)
        assert refused.returncode == 2 and "not trusted" in refused.stderr and "--trust-fingerprint" in refused.stderr
        done = subprocess.run([*command, "--trust-fingerprint", fingerprint(pem)], input="tok-e2e\n", capture_output=True,
                              text=True, timeout=120, env=environ)
        assert done.returncode == 0, done.stderr
        assert "1 chunk pushed" in done.stdout and fingerprint(pem) in done.stdout
        assert json.loads(run("search", "what is the cat called", "--json", home=inkling_home))[0]["title"] == "cat.md"
        assert proxy.seen_authorization and set(proxy.seen_authorization) == {"Bearer tok-e2e"}
    finally:
        proxy.close()


def test_a_cli_beside_the_window_searches_the_chroma_server_or_says_why_not(inkling_home, tmp_path, own_chroma_server,
                                                                          embedder):
    """`notes search` and `ask` while the window holds the data folder: the server answers, notes.db when it is away."""
    for name, text in (("cat.md", CAT), ("budget.txt", BUDGET)):
        (tmp_path / name).write_text(text)
    run("add", str(tmp_path / "cat.md"), str(tmp_path / "budget.txt"), home=inkling_home)
    collection = collection_of(run("server", own_chroma_server.url, home=inkling_home))
    budget = next(n for n in json.loads(run("list", "--json", home=inkling_home)) if n["title"] == "budget.txt")
    question = "what is the cat called"
    # Only the server holds this: the budget's vector is the question's own (similarity 1; in notes.db it is far).
    with ChromaConnection(ChromaServer(own_chroma_server.url, collection)) as connection:
        connection.client.get_collection(collection, embedding_function=InklingMiniLM(embedder)).update(
            ids=[f"{budget['id']}:0"], embeddings=embedder.embed([question]))
    search = ("search", question, "--mode", "vector", "-k", "1", "--json")
    with another_inkling_holding(inkling_home):
        hits = json.loads(run(*search, home=inkling_home))
        assert (hits[0]["title"], round(hits[0]["score"], 2)) == ("budget.txt", 1.0)
        scores = {s["title"]: s["score"] for s in ask_json(question, "--max-tokens", "2", home=inkling_home)["sources"]}
        assert round(scores.get("budget.txt", 0.0), 2) == 1.0
        own_chroma_server.stop()
        away = inkling("notes", *search, home=inkling_home)
        assert away.returncode == 0 and json.loads(away.stdout)[0]["title"] == "cat.md"  # notes.db's own vectors
        assert away.stderr.count("\n") == 1 and "copy in notes.db" in away.stderr and "refused the connection" in away.stderr
        asked = inkling("ask", "--json", "--temperature", "0", question, "--max-tokens", "2", home=inkling_home)
        assert asked.returncode == 0 and "copy in notes.db" in asked.stderr
        assert json.loads(asked.stdout)["sources"][0]["title"] == "cat.md"
    # With the window closed, `ask` owns the folder: the same notice (it used to fall back silently).
    asked = inkling("ask", "--json", "--temperature", "0", question, "--max-tokens", "2", home=inkling_home)
    assert asked.returncode == 0 and "copy in notes.db" in asked.stderr and "refused the connection" in asked.stderr
    assert json.loads(asked.stdout)["sources"][0]["title"] == "cat.md"
