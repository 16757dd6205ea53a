"""Faults between Inkling and a real llama-server, made by a local proxy: each ends in words, nothing kept is lost."""

import threading
import time

import pytest

from desktop.core.conversation.turns import start_turn
from desktop.core.engine.remote.http import AuthError, RemoteError, ServerAddress, open_client
from desktop.core.engine.remote.probe import probe
from desktop.core.engine.types import EngineError, Finished, TokenEvent
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from tests.remote.conftest import connect, run_reply
from tests.remote.proxy import Fault
from tests.remote.server import free_port
from tests.remote.test_remote_engine import MESSAGES

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
    run_reply(engine, store, request)
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


def test_401_without_a_key_asks_for_one(proxy):
    # (before: "refused the API key" when none had been given)
    proxy.fault = Fault(status=401)
    address = ServerAddress(proxy.url)
    with open_client(address) as client, pytest.raises(AuthError, match=r"asks for an API key \(HTTP 401\)"):
        probe(client, address)


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


def test_stop_shuts_only_the_stopped_streams_connection(proxy, through):
    """Another reply in flight on the same engine's client carries on after Stop (before: Stop shut every socket
    the client had opened, and that reply ended 'closed the connection mid-reply')."""
    engine = through()
    prompt = engine.tokenize(engine.render(MESSAGES))
    proxy.fault = Fault(pause_after=2)  # both streams wait in the proxy after two tokens, until released
    other: dict = {"tokens": 0}
    two_in = threading.Event()

    def read_other():
        try:
            for event in engine.stream(prompt, LONG, top_logprobs=5):
                if isinstance(event, TokenEvent):
                    other["tokens"] += 1
                    if other["tokens"] == 2:
                        two_in.set()
                else:
                    other["end"] = event
        except EngineError as error:
            other["error"] = str(error)
        two_in.set()

    reader = threading.Thread(target=read_other)
    reader.start()
    assert two_in.wait(60) and "error" not in other
    cancel, seen, events, stopped_at = threading.Event(), 0, [], []
    stop = threading.Timer(0.3, lambda: (stopped_at.append(time.perf_counter()), cancel.set()))
    for event in engine.stream(prompt, LONG, top_logprobs=5, cancel=cancel):
        events.append(event)
        if isinstance(event, TokenEvent):
            seen += 1
            if seen == 2:
                stop.start()  # Stop, as the window's thread says it, while this one waits for the next token
    stop.join()
    assert time.perf_counter() - stopped_at[0] < 1.0
    assert isinstance(events[-1], Finished) and events[-1].finish_reason == "cancelled"
    proxy.release.set()  # the other reply goes on
    reader.join(60)
    assert "error" not in other, other["error"]
    assert other["end"].finish_reason in ("stop", "length") and other["tokens"] > 2
    # no pool hands out the connection Stop shut: the next count and reply go through
    proxy.fault = Fault()
    assert engine.tokenize("Hello") and isinstance(list(engine.stream(prompt, LONG, top_logprobs=0))[-1], Finished)
