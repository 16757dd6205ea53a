"""A second real OpenAI-compatible server: llama-cpp-python's own (`python -m llama_cpp.server`), no token ids.

It streams chat with top-k log-probabilities as texts (no ids, `bytes: null`), lists its model in /v1/models
(owned_by "me"), counts tokens at /extras/tokenize, has no /props, /tokenize or chat template to read, and
publishes its request schema at /openapi.json, where top_k, min_p and repeat_penalty default to 40, 0.05, 1.1.
Its log-probabilities cost about a second a token here (a Python sort of the 49k vocabulary): replies stay short.
"""

import dataclasses
import json
import math
import threading

import httpx
import pytest

from desktop.core.conversation.provenance import made_with
from desktop.core.engine.remote.chat import ChatServerEngine
from desktop.core.engine.remote.http import ServerAddress, open_client
from desktop.core.engine.remote.probe import TEXT, probe
from desktop.core.engine.remote.target import RemoteTarget, connect
from desktop.core.engine.types import Finished, TokenEvent
from tests.e2e.runner import inkling
from tests.remote.server import PYTHON_SERVER_MISSING, llama_cpp_python_server, python_server_installed
from tests.remote.test_chat_engine import GREEDY, MESSAGES, collect, reply
from tests.remote.test_remote_engine import LONG_REPLY, stop_after_five

# (before: "branching by text", which every reply then refused: the server reports no chat template)
LINE = ("Probabilities: top 20, no token ids; no branching: the server does not report its chat template · "
        "context not reported: 4,096 tokens assumed until the server refuses a longer prompt")
SHORT = dataclasses.replace(GREEDY, max_tokens=6)
# A greedy reply the server's default repeat penalty (1.1) changes: with it off the word comes again and again.
REPEAT = [{"role": "user", "content": "Write the word apple five times."}]


@pytest.fixture(scope="module")
def python_server(smollm2_path, tmp_path_factory):
    # the server extra is in the test extra: missing, the set-up is broken, and that is a failure, not a skip
    assert python_server_installed(), PYTHON_SERVER_MISSING
    with llama_cpp_python_server(smollm2_path, tmp_path_factory.mktemp("llama-cpp-python") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def engine(python_server):
    opened = connect(RemoteTarget(ServerAddress(python_server), "py"))
    yield opened
    opened.close()


def test_the_probe_says_what_it_can_do(python_server):
    address = ServerAddress(python_server)
    with open_client(address) as client:
        profile = probe(client, address)
    assert profile.kind == "openai-compatible" and profile.probabilities == TEXT and profile.top_k == 20
    assert profile.capability_line == LINE and profile.chat_template is None and profile.n_ctx is None
    # its schema takes llama.cpp's samplers and turns them on when left out (before: taken for OpenAI's only)
    assert profile.ignored_samplers == () and set(profile.on_by_default) == {"top_k", "min_p", "repeat_penalty"}


def test_engines_add_then_ask_through_it(python_server, inkling_home):
    added = inkling("engines", "add", "py", python_server, home=inkling_home)
    assert added.returncode == 0, added.stderr
    assert LINE in added.stdout and "openai-compatible" in added.stdout
    asked = inkling("ask", "--engine", "py", "--json", "--temperature", "0", "--max-tokens", "4", "--top-k", "5",
                    "--no-notes", "Name a colour.", home=inkling_home)
    assert asked.returncode == 0, asked.stderr
    assert "not sent" not in asked.stderr  # the server takes top_k (before: "takes OpenAI's samplers only")
    answer = json.loads(asked.stdout)
    assert answer["engine"]["kind"] == "openai-compatible" and answer["engine"]["token_ids"] is False
    assert answer["tokens"] and answer["tokens"][0]["top"]


def own_answer(url: str, top: int = 10) -> list[dict]:
    """The server's own log-probabilities of the short greedy reply `reply` asks for, without streaming."""
    answer = httpx.post(f"{url}/v1/chat/completions", timeout=120, json={
        "messages": [{"role": "user", "content": "Name three fruits."}], "max_tokens": SHORT.max_tokens,
        "temperature": 0, "top_k": 0, "min_p": 0, "repeat_penalty": 1.0, "logprobs": True, "top_logprobs": top}).json()
    return answer["choices"][0]["logprobs"]["content"]


def test_a_streamed_reply_carries_the_servers_own_log_probabilities_labelled_estimated(engine, store, python_server):
    """Exactly the server's numbers; the entropy (from the top 20) and branching are said for what they are.

    The server's numbers depend on its prompt cache: a prompt read whole gave -1.7191 for the first token, the
    same prompt read again from its cache (only the last token re-read) -1.6757. So both answers compared here
    come after the prompt was read once.
    """
    assert isinstance(engine, ChatServerEngine)
    own_answer(python_server)  # the prompt in the server's cache
    message = reply(engine, store, settings=SHORT)
    trace = store.load_trace(message.id)
    own = own_answer(python_server)
    assert message.status == "complete" and message.content and len(trace) == SHORT.max_tokens
    assert message.engine["token_ids"] is False and message.engine["entropy"] == "estimated from the top 20"
    assert message.engine["branching"].startswith("none: the server does not say how it renders a chat")
    assert [r.text for r in trace] == [e["token"] for e in own]
    for record, entry in zip(trace, own):
        assert record.logprob == pytest.approx(entry["logprob"], abs=1e-5)
        assert [t.text for t in record.top] == [t["token"] for t in entry["top_logprobs"]]
        assert [t.logprob for t in record.top] == pytest.approx([t["logprob"] for t in entry["top_logprobs"]], abs=1e-2)
        # the entropy in nats of the 10 the server sent plus the rest as one outcome: a lower bound, labelled so
        probs = [math.exp(t["logprob"]) for t in entry["top_logprobs"]]
        rest = 1.0 - sum(probs)
        bound = -sum(p * math.log(p) for p in probs) - (rest * math.log(rest) if rest > 1e-12 else 0.0)
        assert record.entropy == pytest.approx(bound, abs=1e-4)


def test_the_samplers_inkling_records_are_the_ones_the_server_ran(engine, python_server):
    """Left out, the server samples with top_k 40, min_p 0.05 and repeat penalty 1.1 (before: Inkling left them out
    and recorded them off); now sent, the greedy reply is the server's own with them off."""
    tokens, end = collect(engine.stream_messages(REPEAT, dataclasses.replace(GREEDY, max_tokens=24), top_logprobs=0))
    answer = httpx.post(f"{python_server}/v1/chat/completions", timeout=120, json={
        "messages": REPEAT, "max_tokens": 24, "temperature": 0, "seed": 7,
        "top_k": 0, "min_p": 0, "repeat_penalty": 1.0}).json()
    assert isinstance(end, Finished)
    assert "".join(t.delta for t in tokens) == answer["choices"][0]["message"]["content"]


def test_the_prompt_is_counted_by_the_servers_tokenizer(engine, python_server):
    """/extras/tokenize counts exactly (before: /tokenize only, so the meter showed an estimate)."""
    text = engine.render(MESSAGES)
    count = httpx.post(f"{python_server}/extras/tokenize/count", json={"input": text}).json()["count"]
    assert engine.counts_exactly and len(engine.tokenize(text)) == count


def test_stop_ends_the_stream_within_a_second_and_the_server_serves_the_next(engine):
    """Closing the stream stops the server's reply too (it checks for a gone client after each chunk)."""
    cancel = threading.Event()
    finished, after = stop_after_five(engine.stream_messages(MESSAGES, LONG_REPLY, top_logprobs=0, cancel=cancel), cancel)
    assert isinstance(finished, Finished) and finished.finish_reason == "cancelled" and after < 1.0
    tokens, end = collect(engine.stream_messages(MESSAGES, dataclasses.replace(GREEDY, max_tokens=4), top_logprobs=0))
    assert end.finish_reason in ("stop", "length") and tokens and isinstance(tokens[0], TokenEvent)


def test_characters_the_server_leaves_out_are_said_on_the_reply(engine, store):
    # With log-probabilities on, this server sends each byte token of a character split over tokens as "" with no
    # bytes, and leaves the character out of the text too. (before: the reply just lacked them, silently)
    chinese = dataclasses.replace(GREEDY, max_tokens=12)
    message = reply(engine, store, "Repeat exactly: 京都之行", settings=chinese)
    trace = store.load_trace(message.id)
    textless = sum(1 for record in trace if not record.text)
    assert message.status == "complete" and textless > 0 and "京" not in message.content
    assert message.stats["textless_tokens"] == textless
    short, full = made_with(message)
    assert f"characters missing: {textless} tokens came without their text" in short
    assert "llama-cpp-python" in full
