"""The HTTP side of a remote engine: one httpx client per server, its safety rules, and faults said in words."""

import ipaddress
import json
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource, SSEError

from desktop.core.engine.types import EngineError
from desktop.core.tls import fingerprint, read_certificate, same_fingerprint, tls_context  # noqa: F401  (their home)
from desktop.core.words import translate

# A stall this long with no byte from the server ends the reply (the stream itself, not the whole reply).
DEFAULT_STALL_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 10.0
# Retry-After is honoured once, and only when it asks for at most this long.
MAX_RETRY_AFTER_S = 30.0


class RemoteError(EngineError):
    """A remote server could not be reached, refused the request, or answered something unreadable."""


def unfinished_stream(url: str) -> RemoteError:
    """A stream that closed before the server said the reply was finished (either engine)."""
    return RemoteError(translate(
        "core", "{url} ended the stream without finishing the reply; the reply so far is kept.").format(url=url))


class AuthError(RemoteError):
    """The server refused the API key (401/403)."""


class ContextExceeded(RemoteError):
    """The server refused a prompt longer than its context, and named the context (`n_ctx`)."""

    def __init__(self, message: str, n_ctx: int, prompt_tokens: int | None = None):
        super().__init__(message)
        self.n_ctx = n_ctx
        self.prompt_tokens = prompt_tokens  # the prompt as the server counted it, when it said


# How servers name their context when a prompt does not fit: llama-cpp-python's server and vLLM (OpenAI's words,
# "maximum context length is N tokens"), llama-cpp-python's own ValueError ("exceed context window of N"),
# llama-server ("exceeds the available context size (N tokens)", also as the error's n_ctx field).
CONTEXT_NAMED = (re.compile(r"maximum context length is (\d+) tokens"), re.compile(r"exceed context window of (\d+)"),
                 re.compile(r"available context size \((\d+) tokens\)"))
# ... and the prompt's own size: "(830 in the messages", "(800 in your prompt", "request (830 tokens)", "Requested tokens (830)"
PROMPT_NAMED = (re.compile(r"\((\d+) in (?:the messages|your prompt)"), re.compile(r"request \((\d+) tokens\)"),
                re.compile(r"Requested tokens \((\d+)\)"))


def context_refusal(error, url: str) -> ContextExceeded | None:
    """A server's error object (or message) that says the prompt exceeds its context, as a ContextExceeded."""
    message = error.get("message") if isinstance(error, dict) else error
    message = message if isinstance(message, str) else ""
    n_ctx = error.get("n_ctx") if isinstance(error, dict) and isinstance(error.get("n_ctx"), int) else None
    n_ctx = n_ctx or next((int(m.group(1)) for m in (p.search(message) for p in CONTEXT_NAMED) if m), None)
    if not n_ctx:
        return None
    prompt = error.get("n_prompt_tokens") if isinstance(error, dict) else None
    prompt = prompt if isinstance(prompt, int) else next(
        (int(m.group(1)) for m in (p.search(message) for p in PROMPT_NAMED) if m), None)
    return ContextExceeded(translate("core", "{url} refused the prompt: its context holds {n_ctx} tokens.").format(
        url=url, n_ctx=f"{n_ctx:,}"), n_ctx, prompt)


def check_url(url: str) -> str:
    """The base URL as Inkling keeps it: http(s), a host, no credentials inside, no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(translate("core", "Not a server address: {url} (expected http://host:port or https://host)").format(
            url=repr(url)))
    if parts.username or parts.password:
        raise RemoteError(translate("core", "Put the API key in its own field, not in the address."))
    if parts.query or parts.fragment:
        raise RemoteError(translate("core", "The server address takes no ?query or #fragment."))
    return url.strip().rstrip("/")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warning(url: str) -> str | None:
    """Plain http is allowed, but to another machine it is marked: anyone on the path can read the chat."""
    if urlsplit(url).scheme == "http" and not is_loopback(url):
        return translate("core", "Plain http to another machine: the conversation and the API key cross the network unencrypted.")
    return None


@dataclass(frozen=True)
class ServerAddress:
    """Where a server is and how to authenticate; the key lives only in memory, never in repr or errors."""

    url: str
    api_key: str | None = None
    stall_timeout_s: float = DEFAULT_STALL_TIMEOUT_S
    pinned_certificate: str | None = None  # PEM of a self-signed certificate the user trusted for this server only

    def __repr__(self) -> str:
        return f"ServerAddress({self.url!r}, api_key={'set' if self.api_key else None})"


class ServerClient(httpx.Client):
    """An httpx client whose streamed replies each travel on a connection of their own (`streams`).

    Stop shuts the socket of the reply being stopped, and only that one: a read blocked on it returns at
    once, while a probe, a count or another reply on this client carries on. A streamed reply never
    reuses a pooled connection: before a server sends the headers (llama-server sends none before the
    first token) nothing names the socket of a reused connection, while a new one is named by
    httpcore's trace as it opens. Its connection is not kept after the reply either, so no pool ever
    hands out a socket that Stop shut.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.streams = httpx.Client(**kwargs, limits=httpx.Limits(max_keepalive_connections=0))

    def close(self) -> None:
        self.streams.close()
        super().close()

    def __exit__(self, *exc) -> None:  # httpx's __exit__ closes its own transport only, not through close()
        self.streams.close()
        super().__exit__(*exc)


class StreamSocket:
    """The socket one streamed request travels on, named by httpcore's trace as its connection opens."""

    def __init__(self):
        self.sock: socket.socket | None = None
        self._shut = False
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict) -> None:
        """httpcore's trace (the request's thread): the TCP stream, then the TLS one over it, as each completes."""
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self.sock = sock
            if self._shut:  # Stop came while the connection was opening
                _shut_down(sock)

    def shut(self) -> None:
        """Shut the request's socket down (now, or as soon as it opens): a read blocked on it returns at once."""
        with self._lock:
            self._shut = True
            if self.sock is not None:
                _shut_down(self.sock)


def _shut_down(sock: socket.socket) -> None:
    try:
        # the plain socket's shutdown, also for a TLS socket: ssl.SSLSocket.shutdown would drop its TLS state
        # under the thread still reading it
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the server or by the reader


def open_client(address: ServerAddress) -> ServerClient:
    """A client that verifies TLS, follows redirects only on the same host, and sends the key as a bearer token."""
    base = check_url(address.url)
    headers = {"Authorization": f"Bearer {address.api_key}"} if address.api_key else {}
    host = urlsplit(base).hostname

    def same_host_only(response: httpx.Response) -> None:
        if response.is_redirect:
            target = response.next_request.url.host if response.next_request is not None else None
            if target != host:
                raise RemoteError(translate(
                    "core", "The server redirected to another host ({target}); Inkling does not follow that.").format(target=target))

    return ServerClient(
        base_url=base, headers=headers, verify=tls_context(address.pinned_certificate), follow_redirects=True,
        trust_env=False,
        timeout=httpx.Timeout(address.stall_timeout_s, connect=CONNECT_TIMEOUT_S),
        event_hooks={"response": [same_host_only]},
    )


def fetch_certificate(url: str, timeout: float = CONNECT_TIMEOUT_S) -> str:
    """The certificate an https server shows (PEM), read without trusting it, so the user can decide to."""
    return read_certificate(check_url(url), RemoteError, timeout)


def describe_transport_error(error: httpx.HTTPError, url: str) -> str:
    """One line for a connection-level failure; never the request's headers (they hold the key)."""
    cause = error.__cause__ or error.__context__
    text = str(error)
    if isinstance(error, httpx.ConnectTimeout):
        return translate("core", "{url} did not answer within {seconds} s (timeout).").format(url=url, seconds=f"{CONNECT_TIMEOUT_S:.0f}")
    if isinstance(error, httpx.ReadTimeout):
        return translate("core", "{url} stopped sending (no data for the stall timeout); the reply so far is kept.").format(url=url)
    if isinstance(error, httpx.ConnectError):
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
            return translate("core", "{url}: the TLS certificate is not trusted ({reason}). If the server uses its own "
                             "self-signed certificate, compare its fingerprint and trust it for this server only (Engine → "
                             "Add server…, or inkling engines add … --trust-fingerprint).").format(
                url=url, reason=getattr(cause, "verify_message", "verification failed"))
        if isinstance(cause, ssl.SSLError) or "SSL" in text:
            return translate("core", "{url}: the TLS handshake failed.").format(url=url)
        if isinstance(cause, socket.gaierror) or "Name or service not known" in text or "nodename" in text:
            return translate("core", "{url}: the host name could not be found (DNS).").format(url=url)
        return translate("core", "{url} refused the connection: is the server running, on that port?").format(url=url)
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError)):
        return translate("core", "{url} closed the connection mid-reply; the reply so far is kept.").format(url=url)
    return f"{url}: {type(error).__name__}."


def status_error(response: httpx.Response, url: str) -> RemoteError:
    """A non-2xx answer in words, with the server's own short message when it sent one."""
    code = response.status_code
    error = _server_error(response)
    refused = context_refusal(error, url) if code in (400, 413, 422) else None
    if refused is not None:
        return refused
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    detail = f": {str(message)[:200]}" if message else ""
    if code in (401, 403):
        if "authorization" not in response.request.headers:  # no key was sent: it wants one
            return AuthError(translate("core", "{url} asks for an API key (HTTP {code}){detail}: enter the server's "
                                               "key.").format(url=url, code=code, detail=detail))
        return AuthError(translate("core", "{url} refused the API key (HTTP {code}){detail}.").format(url=url, code=code, detail=detail))
    if code == 404:
        return RemoteError(translate("core", "{url} has no such endpoint or model (HTTP 404){detail}: is it an OpenAI-compatible "
                                             "server?").format(url=url, detail=detail))
    if code in (429, 503):
        return RemoteError(translate("core", "{url} is busy (HTTP {code}){detail}; try again in a moment.").format(
            url=url, code=code, detail=detail))
    return RemoteError(translate("core", "{url} answered HTTP {code}{detail}.").format(url=url, code=code, detail=detail))


def _server_error(response: httpx.Response) -> dict | str | None:
    """The body's "error" (an object or a string), when the server sent one."""
    try:
        response.read()
        body = response.json()
    except (ValueError, httpx.HTTPError):
        return None
    return body.get("error") if isinstance(body, dict) else None


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a 429/503 asks to wait (numeric Retry-After only), if it is short enough to honour."""
    if response.status_code not in (429, 503):
        return None
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_S else None


def request_json(client: httpx.Client, method: str, path: str, url: str, **kwargs) -> dict:
    """One short request (probe, tokenize, props); JSON object back, or a RemoteError in words."""
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise RemoteError(describe_transport_error(error, url)) from None
    if response.status_code >= 400:
        raise status_error(response, url)
    try:
        body = response.json()
    except ValueError:
        raise RemoteError(translate("core", "{url} did not answer JSON: not an OpenAI-compatible server?").format(
            url=f"{url}{path}")) from None
    if not isinstance(body, dict):
        raise RemoteError(translate("core", "{url} answered JSON of an unexpected shape.").format(url=f"{url}{path}"))
    return body


@contextmanager
def open_stream(client: ServerClient, path: str, body: dict, url: str,
                cancel: threading.Event) -> Iterator[httpx.Response]:
    """POST and hold the streamed response; 429/503 with Retry-After is retried once; Stop shuts the socket.

    Stop must end the reply within a second even while the server is still reading the prompt, or serves
    someone else first, and sends nothing: llama-server sends no headers before its first token. So the
    request goes on a connection of its own (ServerClient.streams), and a watcher runs from before it is
    sent and, when `cancel` is set, shuts that connection's socket down, no other: the blocked read (of the
    headers or of the stream) returns at once, and the server drops the request when it next writes to it
    (a queued one right after its first token).
    A request stopped before its answer began raises its httpx error with `cancel` set (callers end the
    reply as cancelled).
    """
    own = StreamSocket()
    done, lock = threading.Event(), threading.Lock()
    watcher = threading.Thread(target=_shut_on_cancel, args=(own, cancel, done, lock), daemon=True,
                               name="inkling-remote-stop")
    watcher.start()
    response = None
    streams = client.streams
    try:
        for attempt in (0, 1):
            try:
                request = streams.build_request("POST", path, json=body, extensions={"trace": own.trace})
                response = streams.send(request, stream=True)
            except httpx.HTTPError as error:
                if cancel.is_set():
                    raise
                raise RemoteError(describe_transport_error(error, url)) from None
            if response.status_code < 400:
                break
            wait = retry_after(response) if attempt == 0 else None
            try:
                if wait is None:
                    raise status_error(response, url)
            finally:
                response.close()
            response = None
            if cancel.wait(wait):
                raise RemoteError(translate("core", "Stopped while waiting for a busy server."))
        yield response
    finally:
        with lock:  # once done, the watcher shuts nothing: a Stop after the end finds the reply over
            done.set()
        if response is not None:
            response.close()


def _shut_on_cancel(own: StreamSocket, cancel: threading.Event, done: threading.Event,
                    lock: threading.Lock) -> None:
    while not done.is_set():
        if cancel.wait(0.05):
            with lock:
                if not done.is_set():
                    own.shut()
            return


def json_events(response: httpx.Response, url: str) -> Iterator[dict]:
    """A stream's JSON objects until `[DONE]`; a malformed event or a server-sent error ends the reply in words.

    httpx-sse does the event framing (multi-line data, comments, CR/LF variants), which hand parsing gets wrong.
    """
    try:
        for event in EventSource(response).iter_sse():
            if not event.data:
                continue
            if event.data.strip() == "[DONE]":
                return
            try:
                chunk = json.loads(event.data)
            except ValueError:
                raise RemoteError(translate("core", "{url} sent malformed data mid-reply; the reply so far is kept.").format(
                    url=url)) from None
            if not isinstance(chunk, dict):
                raise RemoteError(translate("core", "{url} sent an unexpected event mid-reply; the reply so far is kept.").format(
                    url=url))
            if "error" in chunk:
                error = chunk["error"]
                message = error.get("message") if isinstance(error, dict) else error
                raise RemoteError(translate("core", "{url} failed mid-reply: {message}").format(url=url, message=str(message)[:200]))
            yield chunk
    except SSEError:
        raise RemoteError(translate("core", "{url} did not answer with an event stream.").format(url=url)) from None
