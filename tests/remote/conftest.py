"""A real llama-server on the bundled SmolLM2 for the remote tests (skipped, with the reason, when not built)."""

import threading

import pytest
from sqlite_utils import Database

from desktop.core.conversation.session import ReplySession
from desktop.core.conversation.turns import generate_reply
from desktop.core.engine.remote.engine import RemoteEngine
from desktop.core.engine.remote.http import ServerAddress, open_client
from desktop.core.engine.remote.probe import probe
from desktop.core.engine.types import EngineError
from desktop.core.store import Store
from tests.remote.proxy import FaultProxy
from tests.remote.server import BINARY, MISSING, llama_server
from tests.ui.conftest import make_window  # noqa: F401  (the window fixture, for the Engine menu tests)

N_CTX = 2048  # the same context as the in-process smollm2 fixture


@pytest.fixture(scope="session")
def server_url(smollm2_path, tmp_path_factory):
    if not BINARY.exists():
        pytest.skip(MISSING)
    with llama_server(smollm2_path, tmp_path_factory.mktemp("llama-server") / "server.log", n_ctx=N_CTX) as url:
        yield url


def connect(url: str, stall_timeout_s: float = 60.0) -> RemoteEngine:
    address = ServerAddress(url, stall_timeout_s=stall_timeout_s)
    with open_client(address) as client:
        profile = probe(client, address)
    return RemoteEngine(address, profile, label="test")


@pytest.fixture(scope="session")
def remote(server_url):
    engine = connect(server_url)
    yield engine
    engine.close()


@pytest.fixture
def proxy(server_url):
    running = FaultProxy(server_url)
    yield running
    running.close()


@pytest.fixture
def store():
    """A store in memory, for replies through a server."""
    s = Store(Database(memory=True))
    yield s
    s.close()


def run_reply(engine, store: Store, request) -> ReplySession:
    """A started turn's reply as the window makes one; a failure is saved as the worker saves it (session.fail)."""
    session = ReplySession(store, request.message_id)
    try:
        for event in generate_reply(engine, request, threading.Event()):
            session.apply(event)
    except EngineError as error:
        session.fail(error)
    return session
