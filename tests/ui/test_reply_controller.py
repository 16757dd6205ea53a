"""The reply controller on its own (no window): one session per reply, drawn in batches, stopped on request."""


import pytest

from desktop.core.conversation.turns import start_turn
from desktop.core.engine.types import EngineConfig
from desktop.core.paths import database_path
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from desktop.ui.reply_controller import ReplyController
from desktop.ui.worker import EngineController
from tests.fakes import SCRIPT, FakeEngine, slow_fake


@pytest.fixture
def parts(qtbot, inkling_home):
    store = open_store(database_path())
    made = []

    def make(factory=FakeEngine):
        engine = EngineController(factory)
        engine.load_model("fake.gguf", EngineConfig())
        # polled, not waitSignal: the worker emits from its own thread, where pytest-qt's timer would be stopped
        qtbot.waitUntil(lambda: engine.worker._engine is not None, timeout=10000)
        controller = ReplyController(store, engine, parent=engine)  # dies with the engine, on this thread
        made.append(engine)
        return store, engine, controller

    yield make
    for engine in made:
        engine.shutdown()
    store.close()


def turn(store, engine, max_tokens=7):
    conversation = store.create_conversation()
    return start_turn(store, conversation.id, "Hello", SamplerSettings(max_tokens=max_tokens), "fake",
                      request_id=engine.next_request_id())


def test_a_reply_is_streamed_in_batches_and_ends_saved(qtbot, parts):
    store, engine, controller = parts()
    request = turn(store, engine)
    drawn, busy = [], []
    controller.streamed.connect(lambda session, text: drawn.append(text))
    controller.busyChanged.connect(busy.append)
    with qtbot.waitSignal(controller.ended, timeout=10000) as ended:
        controller.begin(request, grounded=True)
    session = ended.args[0]
    assert session.message.status == "complete" and session.message.content == "".join(SCRIPT[:7])
    assert "".join(drawn) == session.message.content  # every piece drawn once, in order
    assert len(session.table) == 7 and busy == [True, False] and not controller.busy


def test_stop_keeps_what_was_written_as_cancelled(qtbot, parts):
    store, engine, controller = parts(slow_fake)
    request = turn(store, engine, max_tokens=200)
    controller.begin(request, grounded=True)
    qtbot.waitUntil(lambda: controller.active is not None and controller.active.generated >= 3, timeout=10000)
    with qtbot.waitSignal(controller.ended, timeout=10000) as ended:
        controller.stop()
    message = ended.args[0].message
    assert message.status == "cancelled" and 3 <= len(ended.args[0].table) < 200
    assert store.get_message(message.id).content == message.content


def test_events_of_another_request_are_ignored(qtbot, parts):
    store, engine, controller = parts()
    request = turn(store, engine)
    controller.begin(request, grounded=True)
    controller.on_failed(request.request_id + 100, "not ours")
    assert controller.busy
    qtbot.waitUntil(lambda: not controller.busy, timeout=10000)
    assert store.get_message(request.message_id).status == "complete"


def test_a_reply_stopped_before_its_first_token_shows_no_speed_and_no_time_to_it():
    """Stopped while a busy server had not started it: before, "0.0 tok/s · TTFT 1760 ms" (the time until Stop)."""
    from desktop.ui.reply_controller import stats_line

    stats = {"tokens_per_s": 0.0, "ttft_ms": 1760.0, "prompt_tokens": 29, "completion_tokens": 0, "n_ctx": 2048}
    assert stats_line(stats) == "no token written · context 29 / 2048"
    assert stats_line({**stats, "completion_tokens": 5, "tokens_per_s": 40.0, "ttft_ms": 90.0}) == \
        "40.0 tok/s · TTFT 90 ms · context 34 / 2048"


def test_a_context_the_server_did_not_name_is_shown_as_assumed():
    """A server that names no context is given 4096 by guess: the status bar says so (before: "context 34 / 4096")."""
    from desktop.ui.reply_controller import stats_line

    stats = {"tokens_per_s": 40.0, "ttft_ms": 90.0, "prompt_tokens": 29, "completion_tokens": 5, "n_ctx": 4096}
    assert stats_line({**stats, "n_ctx_assumed": True}) == "40.0 tok/s · TTFT 90 ms · context 34 / 4096 (assumed)"
    assert stats_line(stats) == "40.0 tok/s · TTFT 90 ms · context 34 / 4096"
