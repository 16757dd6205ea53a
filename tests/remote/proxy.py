"""A small HTTP proxy in front of a real server that drops, stalls or corrupts the stream, or answers 401/503."""

import socket
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive"}


@dataclass
class Fault:
    """What the proxy does to the next requests; the tests change it between requests."""

    status: int | None = None  # answer this status instead of forwarding
    retry_after: str | None = None  # with `status`: the Retry-After header
    location: str | None = None  # with `status`: the Location header (a redirect)
    times: int = 1_000_000  # how many requests get `status`; later ones are forwarded
    path: str = "/"  # `status` only for requests whose path starts with this
    drop_after: int | None = None  # forward this many events of a stream, then cut the connection
    stall_after: int | None = None  # forward this many events, then send nothing (the connection stays open)
    corrupt_after: int | None = None  # forward this many events, then one that is not JSON
    pause_after: int | None = None  # forward this many events, wait for `release`, then forward the rest


class FaultProxy:
    """ThreadingHTTPServer on 127.0.0.1; `url` goes through it to `upstream`. Streams are re-framed chunk by chunk."""

    def __init__(self, upstream: str, tls: ssl.SSLContext | None = None):
        self.upstream = upstream
        self.fault = Fault()
        self.requests: list[str] = []
        self.release = threading.Event()  # ends every stall
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def do_GET(self):
                proxy._handle(self)

            def do_POST(self):
                proxy._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:  # an https server in front (its certificate made by the test)
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append(f"{handler.command} {handler.path}")
        body = handler.rfile.read(int(handler.headers.get("content-length") or 0))
        fault = self.fault
        if fault.status is not None and fault.times > 0 and handler.path.startswith(fault.path):
            fault.times -= 1
            payload = b'{"error": {"message": "proxy says no"}}'
            handler.send_response(fault.status)
            if fault.retry_after is not None:
                handler.send_header("Retry-After", fault.retry_after)
            if fault.location is not None:
                handler.send_header("Location", fault.location)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
        with httpx.Client(timeout=None) as client, client.stream(
            handler.command, self.upstream + handler.path, content=body, headers=headers,
        ) as response:
            handler.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in HOP_HEADERS:
                    handler.send_header(key, value)
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            try:
                self._forward(handler, response, fault)
            except OSError:
                handler.close_connection = True  # the client went away (Stop shut its socket)

    def _forward(self, handler: BaseHTTPRequestHandler, response: httpx.Response, fault: Fault) -> None:
        events = 0
        for line in response.iter_lines():
            if line.startswith("data:"):
                if fault.drop_after is not None and events >= fault.drop_after:
                    handler.connection.shutdown(socket.SHUT_RDWR)  # mid-body: no closing chunk
                    handler.close_connection = True
                    return
                if fault.stall_after is not None and events >= fault.stall_after:
                    self.release.wait()
                    return
                if fault.pause_after is not None and events == fault.pause_after:
                    self.release.wait()
                if fault.corrupt_after is not None and events >= fault.corrupt_after:
                    line = "data: {not json"
                events += 1
            _chunk(handler, (line + "\n").encode())
        _chunk(handler, b"")


def _chunk(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    handler.wfile.flush()
