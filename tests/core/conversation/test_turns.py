"""One turn through the core pipeline: saved before generation, flushed while streaming, recovered after a crash."""

import threading

import pytest

from desktop.core.conversation.turns import PromptReady, generate_reply, start_turn
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.types import Finished
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from tests.fakes import SCRIPT, FakeEngine


class ManualClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "inkling.db"


@pytest.fixture
def store(db_path):
    store = open_store(db_path)
    yield store
    store.close()


def events_of(engine, request):
    return list(generate_reply(engine, request, threading.Event()))


def test_start_turn_saves_user_message_and_streaming_reply_before_generation(store):
    conversation = store.create_conversation(system_prompt="Be brief.")
    request = start_turn(store, conversation.id, "What is the capital of France?", SamplerSettings(), "SmolLM2")
    thread = store.thread(conversation.id)
    assert [(m.role, m.status) for m in thread] == [("user", "complete"), ("assistant", "streaming")]
    assert thread[1].id == request.message_id and thread[1].model == "SmolLM2"
    assert thread[1].sampler == SamplerSettings().to_dict()
    assert store.get_conversation(conversation.id).title == "What is the capital of France?"
    assert request.system_prompt == "Be brief."
    assert [m.content for m in request.history] == ["What is the capital of France?"]


def test_history_sent_skips_failed_and_empty_replies(store):
    conversation = store.create_conversation()
    first = start_turn(store, conversation.id, "one", SamplerSettings(), "m")
    store.update_message(first.message_id, status="error", error="boom")
    second = start_turn(store, conversation.id, "two", SamplerSettings(), "m")
    store.update_message(second.message_id, content="reply two", status="cancelled")
    third = start_turn(store, conversation.id, "three", SamplerSettings(), "m")
    assert [(m.role, m.content) for m in third.history] == [
        ("user", "one"), ("user", "two"), ("assistant", "reply two"), ("user", "three"),
    ]


def test_generate_reply_reports_the_prompt_first_and_sends_system_and_history(store):
    conversation = store.create_conversation(system_prompt="Be brief.")
    request = start_turn(store, conversation.id, "Hello", SamplerSettings(temperature=0.7), "m")
    engine = FakeEngine("fake.gguf")
    events = events_of(engine, request)
    assert isinstance(events[0], PromptReady) and events[0].dropped_messages == 0
    assert isinstance(events[-1], Finished)
    assert engine.rendered[-1] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]
    assert engine.settings[-1].temperature == 0.7


def test_a_crash_mid_reply_keeps_the_flushed_part_and_marks_it_interrupted(db_path):
    store = open_store(db_path)
    conversation = store.create_conversation()
    request = start_turn(store, conversation.id, "Hello", SamplerSettings(), "m")
    clock = ManualClock()
    session = ReplySession(store, request.message_id, clock=clock)
    for event in events_of(FakeEngine("fake.gguf"), request)[1:4]:
        clock.now += 1.0
        session.apply(event)
    store.close()  # the process dies here: no finish(), no fail()

    reopened = open_store(db_path)
    try:
        assert reopened.get_message(request.message_id).status == "streaming"
        assert reopened.recover_interrupted() == 1
        message = reopened.get_message(request.message_id)
        assert message.status == "interrupted"
        assert message.content == "".join(SCRIPT[:3])
        assert len(reopened.load_trace(message.id)) == 3
        # an interrupted reply is history: the next turn sends it
        follow_up = start_turn(reopened, conversation.id, "Go on", SamplerSettings(), "m")
        assert [m.content for m in follow_up.history] == ["Hello", "".join(SCRIPT[:3]), "Go on"]
    finally:
        reopened.close()
