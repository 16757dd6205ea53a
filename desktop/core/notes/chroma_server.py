"""The notes index on a Chroma server (chromadb's HttpClient): faults in words, and notes.db's vectors while it is away."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np

from desktop.core.errors import InklingError
from desktop.core.notes.db import blob_vectors
from desktop.core.notes.retrieval import StoredVectors
from desktop.core.tls import read_certificate, tls_context
from desktop.core.words import Words, translate

API = "/api/v2"
PORT = 8000  # what chromadb's settings need; unused, since the address always names its scheme (and port, if any)
CONNECT_TIMEOUT_S = 5.0
REQUEST_TIMEOUT_S = 30.0  # a push of 512 vectors to a busy server; a stalled server is said to be one after this
RETRY_AFTER_S = 30.0  # while the server is away, it is asked again at most this often
STALE_MARKER = "chroma-server.stale"  # in the data folder: changes the server has not seen yet (a rebuild clears it)
# Progress(what, done, total), as in desktop.core.notes.library
Progress = Callable[[str, int, int], None]


class ChromaServerError(InklingError):
    """The Chroma server could not be reached, refused the token, is not a Chroma 1.x server, or failed a request."""


@dataclass(frozen=True)
class ChromaServer:
    """Where the index lives: the server, the token sent as a bearer header, this library's own collection."""

    url: str
    collection: str
    token: str | None = None
    timeout_s: float = REQUEST_TIMEOUT_S
    certificate: str | None = None  # PEM of its self-signed certificate, trusted for this server only

    def __repr__(self) -> str:  # the token never reaches a log or an error message
        return f"ChromaServer({self.url!r}, {self.collection!r}, token={'set' if self.token else None})"


def check_url(url: str) -> str:
    """The server address as kept: http(s), a host, no credentials, no query; a path is a reverse proxy's prefix."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChromaServerError(translate(
            "core", "Not a Chroma server address: {url} (expected http://host:8000 or https://host).").format(url=repr(url)))
    if parts.username or parts.password:
        raise ChromaServerError(translate("core", "Put the token in its own field, not in the address."))
    if parts.query or parts.fragment:
        raise ChromaServerError(translate("core", "The Chroma server address takes no ?query or #fragment."))
    return url.strip().rstrip("/")


def _headers(server: ChromaServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"} if server.token else {}


def _transport_words(error: httpx.HTTPError, url: str) -> Words:
    """A connection-level failure in one sentence; never the request's headers (they hold the token)."""
    text = str(error)
    if isinstance(error, httpx.ConnectTimeout):
        return translate("core", "The Chroma server at {url} did not answer within {seconds} s (timeout).").format(
            url=url, seconds=f"{CONNECT_TIMEOUT_S:.0f}")
    if isinstance(error, httpx.TimeoutException):
        return translate("core", "The Chroma server at {url} stopped answering (timeout).").format(url=url)
    if isinstance(error, httpx.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return translate("core", "The Chroma server at {url} has a TLS certificate that is not trusted. If it uses its "
                                     "own self-signed certificate, compare its fingerprint and trust it for this server "
                                     "only (Notes → Use a Chroma server…, or inkling notes server … --trust-fingerprint)."
                             ).format(url=url)
        if "SSL" in text:
            return translate("core", "The TLS handshake with the Chroma server at {url} failed.").format(url=url)
        if "Name or service not known" in text or "nodename" in text or "Temporary failure in name resolution" in text:
            return translate("core", "The host name of the Chroma server {url} could not be found (DNS).").format(url=url)
        return translate("core", "The Chroma server at {url} refused the connection (is `chroma run` running there, "
                                 "on that port?).").format(url=url)
    return translate("core", "The connection to the Chroma server at {url} failed ({error}).").format(
        url=url, error=type(error).__name__)


def _status_words(response: httpx.Response, url: str, token: bool) -> Words | None:
    code = response.status_code
    if code in (401, 403):
        if token:
            return translate("core", "The Chroma server at {url} refused the token (HTTP {code}).").format(url=url, code=code)
        return translate("core", "The Chroma server at {url} asks for a token (HTTP {code}): give the one its proxy "
                                 "checks.").format(url=url, code=code)
    if code == 404:
        return translate("core", "{url} has no /api/v2 API: it is not a Chroma 1.x server (an older Chroma, or another "
                                 "program).").format(url=url)
    if code >= 400:
        return translate("core", "The Chroma server at {url} answered HTTP {code}.").format(url=url, code=code)
    return None


def probe(server: ChromaServer) -> str:
    """Ask the server who it is before chromadb's client does (that one has no timeout): its API version.

    Raises ChromaServerError saying why: refused, timeout, DNS, TLS, a refused token, not Chroma 1.x.
    """
    url = server.url
    timeout = httpx.Timeout(server.timeout_s, connect=min(CONNECT_TIMEOUT_S, server.timeout_s))
    # trust_env=False: no proxy from the environment; redirects are not followed (never to another host).
    with httpx.Client(base_url=url + API, headers=_headers(server), timeout=timeout, trust_env=False,
                      verify=tls_context(server.certificate)) as client:
        try:
            response = client.get("/version")
        except httpx.HTTPError as error:
            raise ChromaServerError(_transport_words(error, url)) from None
        problem = _status_words(response, url, bool(server.token))
        if problem:
            raise ChromaServerError(problem)
        try:
            version = response.json()
        except ValueError:
            version = None
    if not isinstance(version, str):
        raise ChromaServerError(translate(
            "core", "{url} answered /api/v2/version with something other than a version: not a Chroma server?").format(url=url))
    if version.split(".")[0] != "1":
        raise ChromaServerError(translate(
            "core", "The Chroma server at {url} speaks API {version}; Inkling needs a Chroma 1.x server.").format(
            url=url, version=version))
    return version


def server_certificate(url: str) -> str:
    """The certificate an https Chroma server (or its proxy) shows, read without trusting it: the user compares it."""
    return read_certificate(check_url(url), ChromaServerError, CONNECT_TIMEOUT_S)


def _chroma_error_words(error: Exception, server: ChromaServer) -> Words:
    """chromadb raises httpx errors, its ChromaErrors, and a bare Exception(body) for a non-JSON error answer.

    Its client's set-up wraps the httpx error in a ValueError: the one underneath says what happened.
    """
    cause = error
    while cause is not None and not isinstance(cause, (httpx.HTTPError, _HTTPStatus)):
        cause = cause.__cause__ or cause.__context__
    error = cause if cause is not None else error
    if isinstance(error, httpx.HTTPError):
        return _transport_words(error, server.url)
    if isinstance(error, _HTTPStatus):
        return error.args[0]
    message = " ".join(str(error).split())[:200]
    return translate("core", "The Chroma server at {url} failed the request ({error}).").format(
        url=server.url, error=f"{type(error).__name__}: {message}")


class _HTTPStatus(Exception):
    """Raised from the response hook, so a proxy's 401 page is said as such and not as chromadb's bare Exception."""


class ChromadbChangedError(RuntimeError):
    """The installed chromadb no longer has the one internal Inkling relies on (a bug to fix here, not the user's)."""


def _settings(server: ChromaServer):
    """What chromadb.HttpClient is given, through chromadb's public settings; every field that matters is set
    here, since pydantic-settings would otherwise take CHROMA_* variables or a .env file from the environment.

    TLS is verified (the system's trust store), or by the certificate the user pinned for this server alone;
    the token goes to the proxy as a header on every request.
    """
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, chroma_api_impl="chromadb.api.fastapi.FastAPI",
                        chroma_server_host=server.url, chroma_server_http_port=PORT,
                        chroma_server_ssl_enabled=False,  # the scheme is the address's own (https behind a proxy)
                        chroma_server_ssl_verify=True, chroma_server_headers=_headers(server),
                        chroma_client_auth_provider=None)
    if server.certificate is not None:
        # chromadb hands this setting unchanged to httpx.Client(verify=...). Its annotation says bool | str (a CA
        # file), but httpx deprecates the str form and would then check the host name, which a self-signed
        # certificate rarely names; the SSLContext httpx asks for instead trusts this certificate alone. Assigned
        # after validation, as chromadb.HttpClient assigns its own fields.
        settings.chroma_server_ssl_verify = tls_context(server.certificate)
    return settings


def _bounded_client(server: ChromaServer, opened: list[httpx.Client]):
    """chromadb's Client as chromadb.HttpClient makes it, with each httpx client under it bounded before its first
    request; `opened` receives those httpx clients, so they are closed even when this fails halfway.

    The one place that reaches into chromadb (1.5) below its public API, because that API can neither bound
    nor close its connections: its FastAPI client makes `self._session = httpx.Client(timeout=None)` (a stalled
    server would hang Inkling for good) and its close() leaves that session open. Client.__init__ sends its
    requests from get_user_identity() (on its own FastAPI) and from _validate_tenant_database() (on the admin
    client it has just made: a second System with a second FastAPI); both are bounded just before.
    tests/core/notes/test_chroma_server.py::test_chromadb_still_has_the_internal_inkling_bounds fails loudly
    when a chromadb release changes this.
    """
    from chromadb.api.client import Client
    from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT

    def bound(api_client) -> None:
        session = getattr(getattr(api_client, "_server", None), "_session", None)
        if not isinstance(session, httpx.Client):
            raise ChromadbChangedError(
                f"chromadb {_chromadb_version()} keeps no httpx.Client at _server._session: Inkling cannot bound or "
                "close its connections to a Chroma server (desktop/core/notes/chroma_server.py, _bounded_client)")
        _harden(session, server)
        opened.append(session)

    class BoundedClient(Client):
        def get_user_identity(self):
            bound(self)
            return super().get_user_identity()

        def _validate_tenant_database(self, tenant, database):
            bound(self._admin_client)
            return super()._validate_tenant_database(tenant, database)

    client = BoundedClient(tenant=DEFAULT_TENANT, database=DEFAULT_DATABASE, settings=_settings(server))
    if len(opened) != 2:
        client.close()
        raise ChromadbChangedError(
            f"chromadb {_chromadb_version()} made its Client without get_user_identity() and "
            "_validate_tenant_database(): its requests were not bounded (desktop/core/notes/chroma_server.py)")
    return client


def _chromadb_version() -> str:
    import chromadb

    return chromadb.__version__


def _harden(session: httpx.Client, server: ChromaServer) -> None:
    """A timeout on every request, and an HTTP error status named in words: chromadb turns a non-JSON error
    answer (a proxy's 401 page) into a bare Exception."""
    session.timeout = httpx.Timeout(server.timeout_s, connect=min(CONNECT_TIMEOUT_S, server.timeout_s))

    def say_status(response: httpx.Response) -> None:
        if response.status_code in (401, 403, 404) or response.status_code >= 500:
            response.read()
            if response.status_code == 404 and "application/json" in response.headers.get("content-type", ""):
                return  # chromadb's own NotFoundError (a missing collection), which it handles
            raise _HTTPStatus(_status_words(response, server.url, bool(server.token)))

    session.event_hooks["response"] = [say_status]


class ChromaConnection:
    """chromadb's client for one Chroma server, and the httpx clients under it, which its own close() leaves open."""

    def __init__(self, server: ChromaServer):
        """Probe the server, then connect; raises ChromaServerError in words (refused, timeout, TLS, token…)."""
        probe(server)
        self._sessions: list[httpx.Client] = []
        try:
            self.client = _bounded_client(server, self._sessions)
        except ChromadbChangedError:
            self._close_sessions()
            raise
        except Exception as error:  # see _chroma_error_words: chromadb's errors have no common type
            self._close_sessions()
            raise ChromaServerError(_chroma_error_words(error, server)) from None

    def _close_sessions(self) -> None:
        for session in self._sessions:
            session.close()

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            self._close_sessions()

    def __enter__(self) -> "ChromaConnection":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _open(server: ChromaServer, embedding_function, create: bool = True):
    """A connection and this library's collection (created if missing, when `create`); every request has a
    timeout. Without `create`, a missing collection raises chromadb's NotFoundError."""
    from chromadb.errors import NotFoundError

    connection = ChromaConnection(server)
    try:
        if create:
            collection = connection.client.get_or_create_collection(
                server.collection, embedding_function=embedding_function, configuration={"hnsw": {"space": "cosine"}}
            )
        else:
            collection = connection.client.get_collection(server.collection, embedding_function=embedding_function)
    except Exception as error:  # see _chroma_error_words: chromadb's errors have no common type
        connection.close()
        if isinstance(error, NotFoundError):
            raise
        raise ChromaServerError(_chroma_error_words(error, server)) from None
    return connection, collection


def rows_to_batch(rows) -> tuple[list[tuple[int, int]], np.ndarray]:
    return [(note_id, chunk) for note_id, chunk, _ in rows], blob_vectors([blob for _, _, blob in rows])


class _NotInStep(ChromaServerError):
    """A reader found the server's collection missing or not in step with notes.db (it does not rebuild it)."""

    def __init__(self, indexed: int, stored: int):
        super().__init__(f"{indexed} of {stored} chunks")
        self.indexed, self.stored = indexed, stored


class ServerIndex:
    """This library's collection on a Chroma server, with the same methods as the embedded VectorIndex.

    While the server is away (refused, timeout, a refused token) searches read the vectors kept in notes.db,
    changes go to notes.db only and a marker file records that the server missed some; the next time the
    server answers, the collection is rebuilt from notes.db (no embedding). `notice` says so in words.

    read_only: a process beside the one that owns the data folder (`inkling notes search` while the window
    runs). A server is shared by design, so it searches there too, but it never changes the collection or
    the marker: when the collection is missing or not in step with notes.db (the marker, or another count),
    notes.db's vectors answer instead, said in `notice`; the owner brings the server up to date.
    """

    def __init__(self, server: ChromaServer, embedding_function, db_for_thread, data_folder: Path,
                 strict: bool = False, progress: Progress | None = None, read_only: bool = False):
        self.server = server
        self.read_only = read_only
        self.notice: str | None = None
        self._embedding_function = embedding_function
        self._db_for_thread = db_for_thread
        self._stored = StoredVectors(db_for_thread)
        self._marker = Path(data_folder) / STALE_MARKER
        self._connection: ChromaConnection | None = None
        self._collection = None
        self._retry_at = 0.0
        if strict:  # the user is choosing this server now: a failure is theirs to see, nothing changes
            self._connect(progress, force_rebuild=True)  # what it holds may predate changes made meanwhile
        elif not read_only:  # a reader connects at its first search: listing notes needs no server
            self._try_connect(progress)

    @property
    def online(self) -> bool:
        return self._collection is not None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
                self._collection = None

    # --- connecting ---------------------------------------------------------------------------------
    def _connect(self, progress: Progress | None, force_rebuild: bool = False) -> None:
        """Open the collection and catch up: rebuilt when asked, when changes were missed, or when counts differ."""
        if self.read_only:
            return self._connect_reader()
        self._connection, self._collection = _open(self.server, self._embedding_function)
        try:
            stored = self._db_for_thread().chunk_count()
            if force_rebuild or self._marker.exists() or self._call(self._collection.count) != stored:
                self._push_all(progress)
        except ChromaServerError:
            self.close()
            raise

    def _connect_reader(self) -> None:
        """Open the collection as it is; one the owner has not brought in step with notes.db is not searched."""
        from chromadb.errors import NotFoundError

        try:
            self._connection, self._collection = _open(self.server, self._embedding_function, create=False)
        except NotFoundError:
            raise _NotInStep(0, self._db_for_thread().chunk_count()) from None
        try:
            indexed, stored = self._call(self._collection.count), self._db_for_thread().chunk_count()
            if self._marker.exists() or indexed != stored:
                raise _NotInStep(indexed, stored)
        except ChromaServerError:
            self.close()
            raise

    def _try_connect(self, progress: Progress | None = None) -> bool:
        """Connect (and catch up) unless the last try was too recent; True when the server is in use."""
        if self.online:
            return True
        if time.monotonic() < self._retry_at:
            return False
        was_away = self.notice is not None
        try:
            self._connect(progress)
        except _NotInStep as behind:
            self._went_away(notice=translate(
                "core", "Notes search is using the copy in notes.db: the index on the Chroma server at {url} is not up "
                        "to date with your notes ({indexed} of {stored} chunks, or changes it missed). The Inkling "
                        "that has this data folder open brings it up to date.").format(
                url=self.server.url, indexed=behind.indexed, stored=behind.stored))
            return False
        except ChromaServerError as error:
            self._went_away(error.args[0])
            return False
        if self.read_only:  # nothing was caught up here: the owner does that
            self.notice = None
        else:
            self.notice = translate("core", "The Chroma server at {url} answers again; its index was brought up to "
                                            "date from your notes.").format(url=self.server.url) if was_away else None
        return True

    def _went_away(self, reason=None, notice: str | None = None) -> None:
        """Search notes.db's vectors for a while, and say why: `reason` (the server failed) or a whole `notice`."""
        self.close()
        self._retry_at = time.monotonic() + RETRY_AFTER_S
        self.notice = notice or translate(
            "core", "Notes search is using the copy in notes.db: {reason} Nothing is lost; the server's index is "
                    "rebuilt from your notes when it answers again.").format(reason=reason)

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except ChromaServerError:
            raise
        except Exception as error:  # see _chroma_error_words: chromadb's errors have no common type
            raise ChromaServerError(_chroma_error_words(error, self.server)) from None

    def _change(self, method, *args, **kwargs) -> None:
        """A change the server must see; when it cannot, notes.db (already written) keeps it and the marker says so."""
        if self.read_only:  # the library refuses changes first; a reader must never touch the shared collection
            raise RuntimeError("a read-only notes library tried to change the Chroma server's collection")
        if self._try_connect():
            try:
                self._call(method(), *args, **kwargs)
                return
            except ChromaServerError as error:
                self._went_away(error.args[0])
        self._marker.touch()

    def _push_all(self, progress: Progress | None) -> int:
        """Replace the collection by the vectors kept in notes.db (nothing is embedded); the marker stays until done."""
        from chromadb.errors import NotFoundError

        self._marker.touch()
        try:
            self._connection.client.delete_collection(self.server.collection)
        except NotFoundError:
            pass  # a new server, or a collection someone deleted: created below
        except Exception as error:  # see _chroma_error_words
            raise ChromaServerError(_chroma_error_words(error, self.server)) from None
        self._collection = self._call(
            self._connection.client.create_collection, self.server.collection, embedding_function=self._embedding_function,
            configuration={"hnsw": {"space": "cosine"}},
        )
        notes_db = self._db_for_thread()
        total, done = notes_db.chunk_count(), 0
        for rows in notes_db.iter_all_chunks():
            self._upsert(*rows_to_batch(rows))
            done += len(rows)
            if progress is not None:
                progress("search index", done, total)
        self._marker.unlink(missing_ok=True)
        return done

    # --- the index's methods (the library calls them holding its index lock) ---------------------------
    def rebuild(self, progress: Progress | None = None) -> int:
        """Replace the collection by the vectors in notes.db; raises ChromaServerError (said in words) if it fails."""
        try:
            if not self.online:
                self._connection, self._collection = _open(self.server, self._embedding_function)
            done = self._push_all(progress)
        except ChromaServerError as error:
            self._went_away(error.args[0])
            raise
        self.notice = None
        return done

    def count(self) -> int:
        if self._try_connect():
            try:
                return self._call(self._collection.count)
            except ChromaServerError as error:
                self._went_away(error.args[0])
        return self._db_for_thread().chunk_count()

    def upsert(self, keys: list[tuple[int, int]], vectors: np.ndarray) -> None:
        if keys:
            self._change(lambda: self._upsert, keys, vectors)

    def _upsert(self, keys: list[tuple[int, int]], vectors: np.ndarray) -> None:
        self._call(
            self._collection.upsert, ids=[f"{n}:{c}" for n, c in keys],
            embeddings=np.asarray(vectors, dtype=np.float32), metadatas=[{"note_id": n, "chunk": c} for n, c in keys],
        )

    def delete_note(self, note_id: int) -> None:
        self._change(lambda: self._collection.delete, where={"note_id": note_id})

    def delete_keys(self, keys: list[tuple[int, int]]) -> None:
        if keys:
            self._change(lambda: self._collection.delete, ids=[f"{n}:{c}" for n, c in keys])

    def query(self, vector: np.ndarray, limit: int) -> list[tuple[tuple[int, int], float]]:
        """((note_id, chunk), cosine similarity) best first; from notes.db's vectors while the server is away."""
        if self._try_connect():
            try:
                result = self._call(
                    self._collection.query, query_embeddings=np.asarray(vector, dtype=np.float32)[None, :],
                    n_results=limit, include=["distances"],
                )
            except ChromaServerError as error:
                self._went_away(error.args[0])
            else:
                return [(_key(i), 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]
        return self._stored.query(vector, limit)


def _key(chroma_id: str) -> tuple[int, int]:
    note_id, chunk = chroma_id.split(":")
    return int(note_id), int(chunk)
