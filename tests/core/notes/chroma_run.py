"""A real `chroma run` server on 127.0.0.1 (stop and start it again: an outage), and a bearer-token proxy in front."""

import os
import signal
import subprocess
import sys
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from desktop.core.offline import OFFLINE_ENVIRONMENT
from tests.remote.server import free_port

CHROMA = Path(sys.prefix) / "bin" / "chroma"  # the CLI the installed chromadb provides
STALL_S = 20.0
HOP_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive", "host"}


class ChromaRun:
    """`chroma run --path PATH --host 127.0.0.1 --port N`; the same path and port after stop() and start()."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log = path, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, prefix: tuple[str, ...] = ()) -> None:
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [*prefix, str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **OFFLINE_ENVIRONMENT},
                start_new_session=True,  # its own process group: stop() ends a prefix (strace) and the server together
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code, self.process = self.process.returncode, None
                raise RuntimeError(f"chroma run exited ({code}): {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("chroma run did not answer within 60 s")

    def stop(self) -> None:
        """SIGTERM to the whole group (strace alone would detach and leave the server running), then SIGKILL."""
        if self.process is None:
            return
        process, self.process = self.process, None
        group = process.pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _group_alive(group):
                process.poll()  # reaps the leader
                time.sleep(0.05)
            if not _group_alive(group):
                break
        process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class ProxyFault:
    """What the proxy does instead of forwarding; the tests change it between requests."""

    stall: bool = False  # accept the request and answer nothing until released
    stall_after_probe: bool = False  # answer /api/v2/version, then stall every other request
    version: str | None = None  # answer /api/v2/version with this (an older Chroma)
    stall_path: str | None = None  # stall requests whose path ends so, then (at most STALL_S later) drop them


class BearerProxy:
    """What the README's reverse proxy does: forward to Chroma only with `Authorization: Bearer TOKEN`, else 401."""

    def __init__(self, upstream: str, token: str, tls: ssl.SSLContext | None = None):
        """`tls`: serve https with this (server-side) context, as a proxy with its own self-signed certificate."""
        self.upstream, self.token = upstream, token
        self.fault = ProxyFault()
        self.seen_authorization: list[str] = []
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def do_GET(self):
                proxy._handle(self)

            do_POST = do_PUT = do_DELETE = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("content-length") or 0))
        authorization = handler.headers.get("authorization") or ""
        self.seen_authorization.append(authorization)
        if self.fault.stall or (self.fault.stall_after_probe and not handler.path.endswith("/version")):
            self.release.wait()
            return
        if self.fault.stall_path and handler.path.endswith(self.fault.stall_path):
            self.release.wait(STALL_S)  # bounded: a client that does not time out fails its test, it does not hang it
            handler.close_connection = True  # dropped unanswered
            return
        if authorization != f"Bearer {self.token}":
            return _answer(handler, 401, b"401 Unauthorized", "text/plain")
        if self.fault.version is not None and handler.path.endswith("/version"):
            return _answer(handler, 200, f'"{self.fault.version}"'.encode(), "application/json")
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS | {"authorization"}}
        response = httpx.request(handler.command, self.upstream + handler.path, content=body, headers=headers, timeout=60)
        _answer(handler, response.status_code, response.content, response.headers.get("content-type", "application/json"))


def _answer(handler: BaseHTTPRequestHandler, status: int, payload: bytes, content_type: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def require_chroma_cli() -> None:
    """chromadb, a dependency, installs `chroma`: without it the set-up is broken, and the test says so."""
    assert CHROMA.exists(), f"the installed chromadb has no `chroma` CLI at {CHROMA}: run `make setup` again"


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One `chroma run` for the session: each library on it has its own collection, as on a shared server."""
    require_chroma_cli()
    folder = tmp_path_factory.mktemp("chroma-server")
    server = ChromaRun(folder / "db", folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_chroma_server(tmp_path):
    """A `chroma run` this test may stop and start again (an outage)."""
    require_chroma_cli()
    server = ChromaRun(tmp_path / "chroma-db", tmp_path / "chroma.log")
    server.start()
    yield server
    server.stop()
