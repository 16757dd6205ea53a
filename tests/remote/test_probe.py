"""The probe's plain-language line for servers without llama-server's endpoints (a scripted OpenAI-compatible fake)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop.core.engine.remote.chat import ChatServerEngine
from desktop.core.engine.remote.engine import RemoteEngine
from desktop.core.engine.remote.target import RemoteTarget, connect
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.engine.remote.http import RemoteError, ServerAddress, check_url, open_client, plain_http_warning
from desktop.core.engine.remote.probe import NONE, TEXT, ServerProfile, probe
from desktop.core.engine.remote.servers import KeyStore
from desktop.core.engine.types import ASSUMED, DEFAULT_CONTEXT, KNOWN


def fake_openai(logprobs: dict | None, owner: str | None = None, native: dict | None = None):
    """/v1/models and a one-token chat completion whose logprobs are `logprobs` (None: `logprobs: null`).

    `owner`: the models' owned_by (vLLM says "vllm"; None: Ollama's shape). The streamed requests' bodies are
    kept in the server's `bodies`. `native`: the server's own API, path -> JSON answered to a GET.
    """
    model = {"id": "llama3.2:1b", "object": "model"} | ({"owned_by": owner} if owner else {})

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/v1/models":
                self._json(200, {"object": "list", "data": [model]})
            elif self.path in (native or {}):
                self._json(200, native[self.path])
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            if self.path != "/v1/chat/completions":
                self._json(404, {"error": "not found"})
            elif body.get("stream"):
                self.server.bodies.append(body)
                self._stream(body)
            else:
                self._json(200, {"choices": [{"message": {"role": "assistant", "content": "Hi"}, "logprobs": logprobs}]})

        def _stream(self, body: dict) -> None:
            """A scripted reply as Ollama streams one: a token a chunk, alternatives by text, then [DONE]."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for token in ("Hi", " there", "!"):
                entry = {"token": token, "logprob": -0.25,
                         "top_logprobs": [{"token": token, "logprob": -0.25}, {"token": " yo", "logprob": -1.6}]}
                chunk = {"choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None,
                                      "logprobs": {"content": [entry]} if body.get("logprobs") and logprobs else None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b'data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n')

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.bodies = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(("logprobs", "kind", "top", "line"), [
    ({"content": [{"token": "Hi", "logprob": -0.1, "top_logprobs": [{"token": "Hi", "logprob": -0.1}] * 20}]},
     TEXT, 20, "Probabilities: top 20, no token ids; no branching: the server does not report its chat template"
               " · context not reported: 4,096 tokens assumed until the server refuses a longer prompt"),
    (None, NONE, 0, "No probabilities: the probability view stays empty for this server's replies"
                    " · context not reported: 4,096 tokens assumed until the server refuses a longer prompt"),
])
def test_a_server_without_ids_is_described_honestly(logprobs, kind, top, line):
    server = fake_openai(logprobs)
    try:
        address = ServerAddress(f"http://127.0.0.1:{server.server_address[1]}")
        with open_client(address) as client:
            profile = probe(client, address)
        assert (profile.kind, profile.probabilities, profile.top_k) == ("openai-compatible", kind, top)
        assert profile.capability_line == line and profile.models == ("llama3.2:1b",)
        assert ServerProfile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile
        with pytest.raises(RemoteError, match="without llama-server's token endpoints"):
            RemoteEngine(address, profile)
        engine = connect(RemoteTarget(address, "ollama"))  # chats through /v1/chat/completions instead
        try:
            assert isinstance(engine, ChatServerEngine) and not engine.counts_exactly
            events = list(engine.stream_messages([{"role": "user", "content": "Hi"}], SamplerSettings(temperature=0.0)))
            tokens, finished = events[:-1], events[-1]
            assert "".join(t.delta for t in tokens) == "Hi there!" and finished.finish_reason == "stop"
            if kind == TEXT:
                assert [t.record.text for t in tokens] == ["Hi", " there", "!"]
                assert [a.text for a in tokens[1].record.top] == [" there", " yo"]
                assert tokens[0].record.entropy > 0 and engine.describe()["entropy"] == "estimated from the top 20"
            else:
                assert all(t.record is None for t in tokens) and engine.describe()["entropy"] == "none"
            assert engine.describe()["branching"].startswith("none")
        finally:
            engine.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("owner", "ignored"), [(None, ("top_k", "min_p", "repeat_penalty")), ("vllm", ())])
def test_samplers_a_server_ignores_are_named_and_never_sent(owner, ignored):
    """Ollama's (and OpenAI's) API takes OpenAI's samplers only; vLLM takes top-k, min-p and the repeat penalty too."""
    server = fake_openai({"content": [{"token": "Hi", "logprob": -0.1, "top_logprobs": [{"token": "Hi", "logprob": -0.1}]}]},
                         owner)
    try:
        engine = connect(RemoteTarget(ServerAddress(f"http://127.0.0.1:{server.server_address[1]}"), "box"))
        try:
            assert engine.profile.ignored_samplers == ignored and engine.info.ignored_samplers == ignored
            assert ServerProfile.from_dict(json.loads(json.dumps(engine.profile.to_dict()))) == engine.profile
            settings = SamplerSettings(temperature=0.8, top_k=5, min_p=0.3, repeat_penalty=1.3, seed=1)
            tokens = list(engine.stream_messages([{"role": "user", "content": "Hi"}], settings))[:-1]
            body = server.bodies[-1]
            sent = {name: body[name] for name in ("top_k", "min_p", "repeat_penalty") if name in body}
            assert sent == ({} if ignored else {"top_k": 5, "min_p": 0.3, "repeat_penalty": 1.3})
            assert body["temperature"] == 0.8 and body["top_p"] == 0.9 and body["seed"] == 1
            # the drawn probability is the one the server really sampled with: at 0.8 over the top 2, not the
            # min-p 0.3 cut that would leave the drawn token alone (1.0)
            assert tokens[1].record.sampled_prob < 1.0 if ignored else tokens[1].record.sampled_prob == 1.0
        finally:
            engine.close()
    finally:
        server.shutdown()
        server.server_close()


def test_addresses_are_checked_and_plain_http_to_another_machine_marked():
    assert check_url(" http://127.0.0.1:8080/ ") == "http://127.0.0.1:8080"
    for bad in ("ftp://host", "127.0.0.1:8080", "http://u:p@host", "http://host/?x=1"):
        with pytest.raises(RemoteError):
            check_url(bad)
    assert plain_http_warning("http://localhost:1") is None and plain_http_warning("http://[::1]:1") is None
    assert plain_http_warning("https://gpu.example") is None
    assert "unencrypted" in plain_http_warning("http://192.168.1.5:8080")


def test_without_a_keyring_keys_go_to_a_0600_file(tmp_path, monkeypatch):
    monkeypatch.setattr("desktop.core.secrets._usable_keyring", lambda: None)
    keys = KeyStore(tmp_path)
    assert keys.where == "file" and "mode 0600" in keys.note
    assert keys.put("gpu", "sk-1") == "file" and keys.get("gpu") == "sk-1"
    assert (tmp_path / "remote-keys.json").stat().st_mode & 0o777 == 0o600
    keys.delete("gpu")
    assert keys.get("gpu") is None


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")  # offscreen, a shown dialog
def test_the_add_server_dialog_grows_with_the_probes_answer_instead_of_squeezing_its_fields(qtbot, tmp_path):
    from desktop.ui.server_dialog import AddServerDialog
    from tests.remote.server import free_port

    dialog = AddServerDialog(KeyStore(tmp_path), set())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("down")
    dialog.url.setText(f"http://127.0.0.1:{free_port()}")
    dialog.on_probe()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("Probe failed"), timeout=15000)
    qtbot.wait(50)  # the layout settles
    for field in (dialog.name, dialog.url, dialog.key):  # before: 14 of their 22 pixels, the text cut
        assert field.height() >= field.sizeHint().height()


def test_inkling_ask_through_a_server_that_ignores_samplers_says_so_and_records_what_it_ran_with(inkling_home):
    from tests.e2e.runner import inkling

    server = fake_openai({"content": [{"token": "Hi", "logprob": -0.1, "top_logprobs": [{"token": "Hi", "logprob": -0.1}]}]})
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert inkling("engines", "add", "ollama", url, home=inkling_home).returncode == 0
        asked = inkling("ask", "--engine", "ollama", "--json", "--min-p", "0.3", "--no-notes", "Hi", home=inkling_home)
        assert asked.returncode == 0, asked.stderr
        assert "ollama takes OpenAI's samplers only: top_k, min_p not sent" in asked.stderr
        assert "min_p" not in server.bodies[-1] and "top_k" not in server.bodies[-1]
        shown = inkling("show", str(json.loads(asked.stdout)["message_id"]), "--json", home=inkling_home)
        assert shown.returncode == 0, shown.stderr
        sampler = json.loads(shown.stdout)["sampler"]
        assert (sampler["min_p"], sampler["top_k"]) == (0.0, 0)  # before: 0.3 and 40, which the server never used
    finally:
        server.shutdown()
        server.server_close()


def test_branching_by_text_is_promised_only_where_the_server_reports_its_chat_template():
    """ChatServerEngine continues by text only with the server's template; the line says the same."""
    reported = ServerProfile(kind="openai-compatible", models=("m",), n_ctx=8192, probabilities=TEXT, top_k=20,
                             chat_template="{{ messages }}")
    assert reported.capability_line == ("Probabilities: top 20, no token ids: branching by text (may re-tokenize) · "
                                        "context 8,192 tokens")
    unreported = ServerProfile(kind="openai-compatible", models=("m",), n_ctx=None, probabilities=TEXT, top_k=20)
    assert "no branching" in unreported.capability_line


LOADED = {"id": "llama3.2:1b", "object": "model", "state": "loaded", "max_context_length": 131072}


@pytest.mark.parametrize(("native", "n_ctx"), [
    ({"/api/v0/models": {"data": [LOADED | {"loaded_context_length": 8192}]}}, 8192),  # LM Studio, as loaded
    ({"/api/ps": {"models": [{"name": "llama3.2:1b", "model": "llama3.2:1b", "context_length": 2048}]}}, 2048),  # Ollama
    # the model's maximum is not the context it runs with (LM Studio loads it smaller): still assumed, and said so
    ({"/api/v0/models": {"data": [LOADED]}}, None),
])
def test_the_context_a_servers_own_api_names_for_the_loaded_model_is_read(native, n_ctx):
    server = fake_openai(None, native=native)
    try:
        engine = connect(RemoteTarget(ServerAddress(f"http://127.0.0.1:{server.server_address[1]}"), "box"))
        try:
            assert engine.profile.n_ctx == n_ctx
            assert (engine.info.n_ctx, engine.info.n_ctx_source) == ((n_ctx, KNOWN) if n_ctx else (DEFAULT_CONTEXT, ASSUMED))
            assert engine.profile.capability_line.endswith(f"context {n_ctx:,} tokens" if n_ctx else "a longer prompt")
        finally:
            engine.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_clients_own_client_for_streamed_replies_closes_with_it():
    """Streamed replies go through a client of their own (no pooled connection for Stop to shut); it closes too."""
    with open_client(ServerAddress("http://127.0.0.1:9")) as client:
        assert not client.streams.is_closed
    assert client.streams.is_closed
