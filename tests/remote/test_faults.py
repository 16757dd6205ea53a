"""Faults between Inkling and a real llama-server, made by a local proxy: each ends in words, nothing kept is lost."""

import threading
import time

import pytest

from desktop.core.conversation.session import ReplySession
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.engine.remote.http import AuthError, RemoteError, ServerAddress, open_client
from desktop.core.engine.remote.probe import probe
from desktop.core.engine.types import EngineError
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from tests.remote.conftest import connect
from tests.remote.proxy import Fault
from tests.remote.server import free_port

LONG = SamplerSettings(temperature=0.0, max_tokens=60, repeat_penalty=1.0, seed=1)


@pytest.fixture
def through(proxy):
    """An engine connected through the proxy (probed before any fault is set), closed after the test."""
    opened = []

    def make(stall_timeout_s: float = 60.0):
        opened.append(connect(proxy.url, stall_timeout_s))
        return opened[-1]

    yield make
    for engine in opened:
        engine.close()
    

def reply_through(engine, store: Store, text: str = "Tell me about the sea."):
    """A reply as the window makes one; a failure is saved like the worker does (session.fail)."""
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, text, LONG, engine.info.name)
    session = ReplySession(store, request.message_id)
    try:
        for event in generate_reply(engine, request, threading.Event()):
            session.apply(event)
    except EngineError as error:
        session.fail(error)
    return store.get_message(request.message_id), store.load_trace(request.message_id)


def test_server_dying_mid_stream_keeps_the_partial_reply(proxy, through, store):
    engine = through()
    proxy.fault = Fault(drop_after=5)
    message, trace = reply_through(engine, store)
    assert message.status == "error" and "closed the connection mid-reply" in message.error
    assert len(trace) == 5 and message.content  # the five tokens that arrived are kept, text and trace


def test_a_stall_mid_stream_times_out_and_keeps_the_reply(proxy, through, store):
    # 8 s: the stall timeout also bounds the wait for the first token, which took 4.8 s on the loaded 2-core machine
    engine = through(stall_timeout_s=8.0)
    proxy.fault = Fault(stall_after=3)
    started = time.perf_counter()
    message, trace = reply_through(engine, store)
    assert time.perf_counter() - started < 30
    assert message.status == "error" and "stopped sending" in message.error and len(trace) == 3


def test_malformed_event_data_ends_in_words(proxy, through, store):
    engine = through()
    proxy.fault = Fault(corrupt_after=4)
    message, trace = reply_through(engine, store)
    assert message.status == "error" and "malformed data" in message.error and len(trace) == 4


def test_401_says_the_key_was_refused_and_never_shows_it(proxy):
    proxy.fault = Fault(status=401)
    address = ServerAddress(proxy.url, api_key="sk-secret-123")
    with open_client(address) as client, pytest.raises(AuthError) as raised:
        probe(client, address)
    assert "refused the API key (HTTP 401)" in str(raised.value) and "sk-secret" not in str(raised.value)
    assert "sk-secret" not in repr(address)


def test_503_with_retry_after_is_retried_once(proxy, through, store):
    engine = through()
    proxy.fault = Fault(status=503, retry_after="0.2", times=1, path="/completion")
    message, trace = reply_through(engine, store)
    assert message.status == "complete" and trace
    assert proxy.requests.count("POST /completion") == 2


def test_503_twice_is_reported_as_busy(proxy, through, store):
    engine = through()
    proxy.fault = Fault(status=503, retry_after="0.1", times=2, path="/completion")
    message, _ = reply_through(engine, store)
    assert message.status == "error" and "is busy (HTTP 503)" in message.error


def test_a_refused_connection_is_said_in_words():
    address = ServerAddress(f"http://127.0.0.1:{free_port()}")
    with open_client(address) as client, pytest.raises(RemoteError, match="refused the connection"):
        probe(client, address)


def test_a_cross_host_redirect_is_not_followed(proxy):
    # the proxy answers 302 to another host: the client must not go there (and take the key along)
    proxy.fault = Fault(status=302, location="http://example.invalid/v1/models")
    address = ServerAddress(proxy.url, api_key="sk-secret-123")
    with open_client(address) as client, pytest.raises(RemoteError, match="redirected to another host"):
        probe(client, address)
