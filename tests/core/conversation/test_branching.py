"""Continue from an alternative: exact token ids fed to the real model, the branch's trace and text, bad requests."""

import threading

import pytest
from sqlite_utils import Database

from desktop.core.conversation.branching import BranchError, generate_branch, start_branch
from desktop.core.conversation.grounding import attach_sources
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, TokenEvent
from desktop.core.notes.retrieval import Source
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from desktop.core.probability.trace import TokenRecord, TopToken
from tests.fakes import EOG_ID, FakeEngine

GREEDY = SamplerSettings(temperature=0.0, max_tokens=12, repeat_penalty=1.0)


def branch_from(store: Store, engine, message_id: int, position: int, token_id: int):
    request, records = start_branch(store, message_id, position, token_id, store.get_message(message_id).model)
    session = ReplySession(store, request.message_id, records)
    for event in generate_branch(engine, request, threading.Event()):
        session.apply(event)
    return store.get_message(request.message_id)


@pytest.fixture(scope="module")
def engines(smollm2_path, gemma_path):
    """Engines of this module's own: a KV cache left by a branch must not change other tests' replies."""
    own = {"smollm2": LlamaEngine(smollm2_path, EngineConfig(n_ctx=2048)),
           "gemma": LlamaEngine(gemma_path, EngineConfig(n_ctx=1024))}
    yield own
    for engine in own.values():
        engine.close()


@pytest.fixture
def store():
    s = Store(Database(memory=True))
    yield s
    s.close()


def greedy_reply(store: Store, engine, text: str, model: str = "SmolLM2"):
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, text, GREEDY, model)
    session = ReplySession(store, request.message_id)
    for event in generate_reply(engine, request, threading.Event()):
        session.apply(event)
    return store.get_message(request.message_id)


def test_branch_feeds_the_exact_ids_and_continues_like_the_model(store, engines):
    smollm2 = engines["smollm2"]
    source = greedy_reply(store, smollm2, "Name three fruits.")
    trace = store.load_trace(source.id)
    prompt = store.load_prompt_tokens(source.id)
    assert prompt and len(trace) >= 5
    alternative = trace[2].top[1]
    fed = []
    original_stream = smollm2.stream

    def spy(prompt_tokens, settings, **kwargs):
        fed.append(list(prompt_tokens))
        return original_stream(prompt_tokens, settings, **kwargs)

    smollm2.stream = spy
    try:
        branch = branch_from(store, smollm2, source.id, 2, alternative.id)
    finally:
        del smollm2.stream
    assert fed == [prompt + [t.id for t in trace[:2]] + [alternative.id]]
    assert (branch.branch_of, branch.branch_position, branch.status) == (source.id, 2, "complete")
    assert branch.sampler == source.sampler and branch.parent_id == source.parent_id
    branched = store.load_trace(branch.id)
    assert [t.id for t in branched[:2]] == [t.id for t in trace[:2]] and branched[2].id == alternative.id
    assert branched[2].top == trace[2].top and branched[2].logprob == pytest.approx(alternative.logprob, abs=1e-2)
    assert len(branched) <= GREEDY.max_tokens  # the budget counts the prefix
    assert branch.content.startswith(trace[0].text + trace[1].text + alternative.text)
    assert store.load_prompt_tokens(branch.id) == prompt

    # the first generated token is what the model itself gives after exactly those ids
    direct = next(e for e in smollm2.stream(fed[0], GREEDY, top_logprobs=10) if isinstance(e, TokenEvent)).record
    assert branched[3].id == direct.id and branched[3].logprob == pytest.approx(direct.logprob, abs=1e-5)


def test_branch_on_the_base_model_in_completion_mode(store, engines):
    gemma = engines["gemma"]
    source = greedy_reply(store, gemma, "The three primary colours are", model="Gemma")
    trace = store.load_trace(source.id)
    alternative = next(alt for alt in trace[0].top[1:] if not alt.eog)
    branch = branch_from(store, gemma, source.id, 0, alternative.id)
    branched = store.load_trace(branch.id)
    assert branched[0].id == alternative.id and len(branched) > 1
    assert branch.content.startswith(alternative.text)


def fake_source(store: Store, eog_alternative: bool = False):
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, "user", "Capital?")
    reply = store.add_message(conversation.id, "assistant", "The capital", parent_id=user.id, model="fake",
                              sampler=GREEDY.to_dict())
    top = (TopToken(0, "The", -0.1), TopToken(EOG_ID, "<end>", -2.5, eog=eog_alternative), TopToken(1008, "A", -3.0))
    store.save_trace(reply.id, [TokenRecord(0, "The", -0.1, 1.0, 0.5, top),
                                TokenRecord(1, " capital", -0.2, 1.0, 0.5, top)])
    return reply


def test_an_end_of_text_alternative_ends_the_branch_at_once(store):
    source = fake_source(store, eog_alternative=True)
    branch = branch_from(store, FakeEngine("fake.gguf"), source.id, 1, EOG_ID)
    assert branch.status == "complete" and branch.finish_reason == "stop"
    assert branch.content == "The" and [t.id for t in store.load_trace(branch.id)] == [0, EOG_ID]
    assert store.load_trace(branch.id)[1].eog


def test_bad_branch_requests_say_why(store):
    source = fake_source(store)
    with pytest.raises(BranchError, match="open that model"):
        start_branch(store, source.id, 1, EOG_ID, "another model")
    with pytest.raises(BranchError, match="already has"):
        start_branch(store, source.id, 0, 0, "fake")
    with pytest.raises(BranchError, match="not among"):
        start_branch(store, source.id, 0, 99, "fake")
    with pytest.raises(BranchError, match="no token data"):
        start_branch(store, source.id, 5, EOG_ID, "fake")
    with pytest.raises(BranchError, match="reply of the model"):
        start_branch(store, source.parent_id, 0, EOG_ID, "fake")
    store.db.execute("UPDATE token_traces SET data = ? WHERE message_id = ?", [b"\x09", source.id])
    with pytest.raises(BranchError, match="cannot be read"):
        start_branch(store, source.id, 0, EOG_ID, "fake")
    assert [m.id for m in store.siblings(source.id)] == [source.id]  # nothing was saved


def test_a_branch_lists_the_notes_its_source_was_grounded_on(store):
    """Its prompt is the source's (exact ids), notes included, so its Sources row is the source's (before: none)."""
    engine = FakeEngine("fake.gguf")
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, "What colour is my boat?", GREEDY, "fake")
    note = Source(note_id=1, title="Boat", source=None, chunk=0, score=0.8, snippet="teal", text="My boat is teal.")
    request = attach_sources(store, request, [note])
    session = ReplySession(store, request.message_id)
    for event in generate_reply(engine, request, threading.Event()):
        session.apply(event)
    source = store.get_message(request.message_id)
    trace = store.load_trace(source.id)
    assert store.load_sources(source.id) and trace[1].top
    alternative = next(t for t in trace[1].top if t.id != trace[1].id)
    branch = branch_from(store, engine, source.id, 1, alternative.id)
    assert branch.status == "complete" and store.load_sources(branch.id) == store.load_sources(source.id)
