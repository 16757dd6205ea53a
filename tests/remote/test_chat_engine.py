"""ChatServerEngine (a server without token ids) against a real llama-server's OpenAI-compatible endpoints."""

import dataclasses
import threading

import pytest

from desktop.core.conversation.branching import BranchError, generate_branch, start_branch, start_resume
from desktop.core.conversation.grounding import attach_sources
from desktop.core.conversation.session import ReplySession
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.engine import Engine
from desktop.core.engine.remote.chat import BY_TEXT, TEXT_SERVER, ChatServerEngine, text_id
from desktop.core.engine.remote.http import ServerAddress, open_client
from desktop.core.engine.remote.probe import TEXT, probe
from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.notes.retrieval import Source
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.budget import BudgetRequest, measure_budget
from desktop.core.prompt.build import ChatMessage
from desktop.core.prompt.record import PromptRecord
from desktop.core.store import Store
from tests.core.test_engine_protocol import MEMBERS, shape
from tests.remote.conftest import run_reply
from tests.remote.proxy import Fault
from tests.remote.test_remote_engine import LONG_REPLY, stop_after_five

GREEDY = SamplerSettings(temperature=0.0, max_tokens=40, repeat_penalty=1.0, seed=7)
MESSAGES = [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Name three fruits and say why people like them."}]


def profile_of(url: str, ollama_like: bool = False):
    """The server's probe; `ollama_like`: as a server that reports no template and no ids would answer it."""
    address = ServerAddress(url)
    with open_client(address) as client:
        profile = probe(client, address)
    if ollama_like:
        profile = dataclasses.replace(profile, kind="openai-compatible", probabilities=TEXT, chat_template=None)
    return profile


def open_chat(url: str, ollama_like: bool = False, stall_timeout_s: float = 60.0) -> ChatServerEngine:
    return ChatServerEngine(ServerAddress(url, stall_timeout_s=stall_timeout_s), profile_of(url, ollama_like), label="chat")


@pytest.fixture(scope="module")
def chat(server_url):
    engine = open_chat(server_url)
    yield engine
    engine.close()


def collect(events):
    tokens, finished = [], None
    for event in events:
        if isinstance(event, TokenEvent):
            tokens.append(event)
        else:
            finished = event
    return tokens, finished


def reply(engine, store: Store, text: str = "Name three fruits.", settings: SamplerSettings = GREEDY):
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, text, settings, engine.info.name, engine=engine.describe())
    run_reply(engine, store, request)
    return store.get_message(request.message_id)


@pytest.mark.parametrize("member", MEMBERS)
def test_chat_engine_has_the_protocols_signatures(member):
    assert shape(getattr(ChatServerEngine, member)) == shape(getattr(Engine, member))


def test_same_reply_and_probabilities_as_by_token_ids(chat, remote):
    """The same greedy reply as llama-server's own endpoint gives, each token's text and log-probability the same."""
    assert isinstance(chat, Engine) and chat.capabilities == TEXT_SERVER
    by_ids, _ = collect(remote.stream(remote.tokenize(remote.render(MESSAGES)), GREEDY, top_logprobs=10))
    by_text, end = collect(chat.stream_messages(MESSAGES, GREEDY, top_logprobs=10))
    assert end.finish_reason in ("stop", "length") and end.stats.prompt_tokens > 0
    assert "".join(t.delta for t in by_text) == "".join(t.delta for t in by_ids)
    assert [t.record.text for t in by_text] == [t.record.text for t in by_ids]
    for text, ids in zip(by_text, by_ids):
        assert text.record.logprob == pytest.approx(ids.record.logprob, abs=1e-4)
        assert [a.text for a in text.record.top] == [a.text for a in ids.record.top]
        assert text.record.entropy == pytest.approx(ids.record.entropy, abs=1e-4)  # both from the top 10: a lower bound
        assert text.token_id == text_id(chat.token_piece(text.token_id))  # a stable id from the text


def test_a_reply_is_kept_with_its_honest_description(chat, store):
    message = reply(chat, store)
    trace = store.load_trace(message.id)
    assert message.status == "complete" and message.content and len(trace) > 3
    assert message.engine["token_ids"] is False and message.engine["entropy"] == "estimated from the top 20"
    assert message.engine["branching"] == BY_TEXT
    assert len(trace[0].top) == 10 and "".join(r.text for r in trace).strip() == message.content.strip()
    assert store.load_prompt_tokens(message.id) in (None, [])  # no ids: nothing to pretend is the exact prompt


def test_the_prompt_is_counted_by_the_servers_tokenizer(chat, remote):
    text = chat.render(MESSAGES)
    assert chat.counts_exactly and len(chat.tokenize(text)) == len(remote.tokenize(text))


def test_without_a_tokenizer_the_count_is_an_estimate_and_the_meter_says_so(server_url, chat):
    engine = open_chat(server_url, ollama_like=True)
    engine.counts_exactly = False  # as a server without /tokenize (Ollama)
    request = BudgetRequest(1, "Be brief.", (ChatMessage("user", "Hi"), ChatMessage("assistant", "Hello!")), "Why?", 64)
    try:
        assert engine.tokenize("x" * 400) == [0] * 100
        assert measure_budget(engine, engine.info.n_ctx, request).estimated
        assert not measure_budget(chat, chat.info.n_ctx, request).estimated
    finally:
        engine.close()


def test_branch_by_text_puts_that_token_there(chat, store):
    source = reply(chat, store)
    trace = store.load_trace(source.id)
    position = 2
    alternative = trace[position].top[1]
    request, records = start_branch(store, source.id, position, alternative.id, chat.info.name)
    assert request.prefix_text == "".join(r.text for r in trace[:position]) + alternative.text
    session = ReplySession(store, request.message_id, records)
    for event in generate_branch(chat, request, threading.Event()):
        session.apply(event)
    branch = store.get_message(request.message_id)
    branched = store.load_trace(branch.id)
    assert branch.status == "complete" and branch.content.startswith(request.prefix_text)
    assert branched[position].text == alternative.text and len(branched) > position + 1


def test_a_branch_by_text_keeps_the_notes_its_reply_was_grounded_on(chat, store, monkeypatch):
    """The branch reads the reply's own prompt, notes and all, and lists the same sources (before: neither)."""
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, "What colour is my boat?", GREEDY, chat.info.name, engine=chat.describe())
    note = Source(note_id=1, title="Boat", source=None, chunk=0, score=0.8, snippet="My boat is teal.",
                  text="My boat is teal, with one white stripe along the hull.")
    request = attach_sources(store, request, [note])
    session = ReplySession(store, request.message_id)
    for event in generate_reply(chat, request, threading.Event()):
        session.apply(event)
    source = store.get_message(request.message_id)
    assert source.status == "complete" and store.load_sources(source.id)[0]["title"] == "Boat"
    sent = []
    generate = ChatServerEngine._generate
    monkeypatch.setattr(ChatServerEngine, "_generate",
                        lambda engine, path, body, *rest: (sent.append(body), generate(engine, path, body, *rest))[1])
    alternative = store.load_trace(source.id)[1].top[1]
    branch_request, records = start_branch(store, source.id, 1, alternative.id, chat.info.name)
    branch_session = ReplySession(store, branch_request.message_id, records)
    for event in generate_branch(chat, branch_request, threading.Event()):
        branch_session.apply(event)
    branch = store.get_message(branch_request.message_id)
    assert branch.status == "complete" and sent[-1]["prompt"].endswith(branch_request.prefix_text)
    assert note.text in sent[-1]["prompt"] and "What colour is my boat?" in sent[-1]["prompt"]
    assert store.load_sources(branch.id) == store.load_sources(source.id)
    assert note.text in PromptRecord.decode(store.load_prompt_record(branch.id)).text  # the inspector shows it


def test_without_the_servers_template_branching_is_refused_with_the_reason(server_url, store):
    engine = open_chat(server_url, ollama_like=True)
    try:
        source = reply(engine, store)
        assert source.status == "complete" and source.engine["branching"].startswith("none")
        alternative = store.load_trace(source.id)[1].top[1]
        with pytest.raises(BranchError, match="does not say how it renders a chat"):
            start_branch(store, source.id, 1, alternative.id, engine.info.name)
    finally:
        engine.close()


def test_stop_ends_the_stream_within_a_second(chat):
    cancel = threading.Event()
    finished, after = stop_after_five(chat.stream_messages(MESSAGES, LONG_REPLY, top_logprobs=20, cancel=cancel), cancel)
    assert isinstance(finished, Finished) and finished.finish_reason == "cancelled" and after < 1.0


def test_a_dropped_stream_keeps_the_reply_and_continue_resumes_it_by_text(proxy, store):
    engine = open_chat(proxy.url)
    try:
        proxy.fault = Fault(drop_after=6)
        failed = reply(engine, store, settings=dataclasses.replace(GREEDY, max_tokens=60))
        kept = store.load_trace(failed.id)
        assert failed.status == "error" and "closed the connection mid-reply" in failed.error and len(kept) == 5
        proxy.fault = Fault()
        request, records = start_resume(store, failed.id, engine.info.name)
        session = ReplySession(store, request.message_id, records)
        for event in generate_branch(engine, request, threading.Event()):
            session.apply(event)
        resumed = store.get_message(request.message_id)
        trace = store.load_trace(resumed.id)
        assert resumed.status == "complete" and resumed.branch_of == failed.id
        assert resumed.content.startswith(failed.content) and len(resumed.content) > len(failed.content)
        assert [r.text for r in trace[:5]] == [r.text for r in kept]
    finally:
        engine.close()
