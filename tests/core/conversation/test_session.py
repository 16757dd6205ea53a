"""ReplySession: one owner of a reply's text and trace, saved on the first token and then at least once a second."""

import threading

import numpy as np

from desktop.core.conversation.branching import generate_branch, start_branch
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.types import TokenEvent
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from tests.core.conversation.test_turns import ManualClock
from tests.fakes import SCRIPT, FakeEngine


def turn(store, text="Hello"):
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, text, SamplerSettings(), "m")
    return request, list(generate_reply(FakeEngine("fake.gguf"), request, threading.Event()))


def test_the_first_token_is_saved_at_once_then_at_most_once_a_second(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    request, events = turn(store)
    tokens = [e for e in events if isinstance(e, TokenEvent)]
    clock = ManualClock()
    session = ReplySession(store, request.message_id, clock=clock)
    session.apply(events[0])  # the prompt
    session.apply(tokens[0])
    assert store.get_message(request.message_id).content == SCRIPT[0]  # a kill now loses nothing on screen
    clock.now = 0.5
    session.apply(tokens[1])
    assert store.get_message(request.message_id).content == SCRIPT[0]  # not yet a second since
    clock.now = 1.0
    session.apply(tokens[2])
    assert store.get_message(request.message_id).content == "".join(SCRIPT[:3])
    assert len(store.load_trace(request.message_id)) == 3


def test_finish_saves_everything_and_the_table_in_memory_is_what_was_saved(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    request, events = turn(store)
    session = ReplySession(store, request.message_id)
    results = [session.apply(event) for event in events]
    message = results[-1]
    assert results[:-1] == [None] * (len(events) - 1)
    assert message is session.message and session.ended
    assert message.status == "complete" and message.finish_reason == "stop"
    assert message.content == "".join(SCRIPT[:7]) == session.text
    stored = store.load_trace_table(message.id)
    assert np.array_equal(session.table.ids, stored.ids)
    assert np.array_equal(session.table.scalars, stored.scalars)
    assert session.table.token_texts() == stored.token_texts()
    assert store.load_prompt_tokens(message.id) == list(events[0].token_ids)


def test_fail_keeps_what_arrived_with_the_reason(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    request, events = turn(store)
    session = ReplySession(store, request.message_id)
    session.apply(events[1])
    message = session.fail("llama.cpp failed while generating: out of memory")
    assert message.status == "error" and message.content == SCRIPT[0]
    assert "out of memory" in message.error


def test_abandon_keeps_the_partial_reply_marked_stopped(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    request, events = turn(store)
    session = ReplySession(store, request.message_id, clock=ManualClock())
    for event in events[:4]:
        session.apply(event)
    message = session.abandon()
    assert message.status == "cancelled" and message.finish_reason == "cancelled"
    assert message.content == "".join(SCRIPT[:3])
    assert len(store.load_trace(message.id)) == 3


def test_a_branch_session_starts_from_its_prefix_tokens_and_text(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    request, events = turn(store)
    source = ReplySession(store, request.message_id)
    for event in events:
        source.apply(event)
    table = source.table
    branch, records = start_branch(store, request.message_id, 2, int(table.top(2)[1].id), "m")
    session = ReplySession(store, branch.message_id, records)
    for event in generate_branch(FakeEngine("fake.gguf"), branch, threading.Event()):
        session.apply(event)
    assert session.ended and session.message.content.startswith("".join(SCRIPT[:2]))
    assert np.array_equal(session.table.ids[:2], table.ids[:2])
    assert session.table.ids[2] == table.top(2)[1].id
