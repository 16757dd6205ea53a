"""A server that names no context size (llama-cpp-python's, here with a 512-token context): the size Inkling assumes
is shown as assumed, and the real one, named when the server refuses a longer prompt, is used and kept from then on.

llama-cpp-python's server starts a stream (200) before it reads the prompt, so a prompt longer than its context ends
the stream without a word; asked the same without streaming it answers 400, "This model's maximum context length is
512 tokens…". Before, the reply failed with "ended the stream without finishing the reply" and the next one again.
"""

import dataclasses
import json
import threading

import pytest

from desktop.app import open_engine
from desktop.core.conversation.turns import start_turn
from desktop.core.engine.remote.http import ContextExceeded, ServerAddress, open_stream
from desktop.core.engine.remote.servers import load_entries
from desktop.core.engine.remote.target import RemoteTarget, connect
from desktop.core.engine.types import ASSUMED, DEFAULT_CONTEXT, LEARNED
from desktop.core.prompt.budget import BudgetRequest, measure_budget
from desktop.core.prompt.build import ChatMessage
from desktop.ui.server_dialog import AddServerDialog
from tests.e2e.runner import inkling
from tests.remote.conftest import N_CTX, run_reply
from tests.remote.server import PYTHON_SERVER_MISSING, llama_cpp_python_server, python_server_installed
from tests.remote.test_chat_engine import GREEDY
from tests.remote.test_engine_menu import REPLY_MS, _filled, _menu_action
from tests.ui.conftest import send

SMALL_CONTEXT = 512
SHORT = dataclasses.replace(GREEDY, max_tokens=6)
PARAGRAPH = " ".join(["The quick brown fox jumps over the lazy dog."] * 12)  # about 130 tokens
LONG_MESSAGE = " ".join([PARAGRAPH] * 6)  # about 780 tokens in one message: too long for 512, not for 4,096
QUESTION = "Which turn came last?"
ASSUMED_LINE = "context not reported: 4,096 tokens assumed until the server refuses a longer prompt"


@pytest.fixture(scope="module")
def small_server(smollm2_path, tmp_path_factory):
    assert python_server_installed(), PYTHON_SERVER_MISSING
    log = tmp_path_factory.mktemp("llama-cpp-python-512") / "server.log"
    with llama_cpp_python_server(smollm2_path, log, n_ctx=SMALL_CONTEXT) as url:
        yield url


def long_conversation(store) -> int:
    """Five turns of about 140 tokens each: more than the server's 512, well under the 4,096 assumed."""
    conversation = store.create_conversation()
    parent = None
    for turn in range(5):
        asked = store.add_message(conversation.id, "user", f"Turn {turn}: {PARAGRAPH}", parent_id=parent)
        parent = store.add_message(conversation.id, "assistant", f"Noted, turn {turn}.", parent_id=asked.id).id
    return conversation.id


def reply(engine, store, conversation_id: int):
    """A reply as the window makes one; a failure is saved as the worker saves it (session.fail)."""
    request = start_turn(store, conversation_id, QUESTION, SHORT, engine.info.name, top_logprobs=0)
    session = run_reply(engine, store, request)
    return store.get_message(request.message_id), session


def test_a_context_the_server_does_not_name_is_shown_as_assumed(small_server, store):
    engine = connect(RemoteTarget(ServerAddress(small_server), "small"))
    try:
        assert (engine.info.n_ctx, engine.info.n_ctx_source) == (DEFAULT_CONTEXT, ASSUMED)
        assert ASSUMED_LINE in engine.profile.capability_line
        history = tuple(ChatMessage(m.role, m.content) for m in store.thread(long_conversation(store)))
        split = measure_budget(engine, engine.info.n_ctx, BudgetRequest(1, "", history, QUESTION, 6))
        assert split.n_ctx == DEFAULT_CONTEXT and split.context_assumed and not split.dropped_messages
    finally:
        engine.close()


def test_a_history_longer_than_the_servers_context_is_refused_in_words_and_the_real_context_used_after(
        small_server, store):
    engine = connect(RemoteTarget(ServerAddress(small_server), "small"))
    try:
        conversation_id = long_conversation(store)
        history = tuple(ChatMessage(m.role, m.content) for m in store.thread(conversation_id))
        failed, _ = reply(engine, store, conversation_id)
        assert failed.status == "error" and "ended the stream" not in failed.error
        assert "holds 512 tokens of context" in failed.error and "send again" in failed.error
        # nothing written is lost: every turn and the question are still there, in order
        kept = store.thread(conversation_id)
        assert [m.content for m in kept[:10]] == [m.content for m in history] and kept[10].content == QUESTION
        # the budget meter and the trimming use the server's own size from now on, no longer marked assumed
        assert (engine.info.n_ctx, engine.info.n_ctx_source) == (SMALL_CONTEXT, LEARNED)
        split = measure_budget(engine, engine.info.n_ctx, BudgetRequest(2, "", history, QUESTION, 6))
        assert split.n_ctx == SMALL_CONTEXT and not split.context_assumed and split.dropped_messages > 0

        answered, session = reply(engine, store, conversation_id)
        assert answered.status == "complete" and answered.content
        assert session.prompt.dropped_messages > 0 and session.prompt.n_ctx == SMALL_CONTEXT
        assert answered.stats["n_ctx"] == SMALL_CONTEXT and "n_ctx_assumed" not in answered.stats
    finally:
        engine.close()


def test_the_context_the_server_named_is_kept_with_it_after_a_restart(small_server, inkling_home):
    """`inkling ask` learns it; `engines list` shows it and the next process chats within it."""
    added = inkling("engines", "add", "small", small_server, home=inkling_home)
    assert added.returncode == 0, added.stderr
    assert ASSUMED_LINE in added.stdout  # before: no word on the context, while 4,096 was used as if known
    refused = inkling("ask", "--engine", "small", "--max-tokens", "4", "--no-notes", LONG_MESSAGE, home=inkling_home)
    assert refused.returncode == 1 and "holds 512 tokens of context" in refused.stderr

    listed = json.loads(inkling("engines", "list", "--json", home=inkling_home).stdout)
    assert (listed[0]["n_ctx"], listed[0]["n_ctx_source"]) == (SMALL_CONTEXT, LEARNED)
    assert "context 512 tokens (named by the server when it refused a longer prompt)" in listed[0]["capabilities"]
    asked = inkling("ask", "--engine", "small", "--json", "--temperature", "0", "--max-tokens", "4", "--top-logprobs",
                    "0", "--no-notes", "Name a colour.", home=inkling_home)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["stats"]["n_ctx"] == SMALL_CONTEXT
    # probed again, the server still names no context: what it named when it refused stays
    tested = inkling("engines", "test", "small", "--json", home=inkling_home)
    assert tested.returncode == 0, tested.stderr
    assert json.loads(tested.stdout)["n_ctx"] == SMALL_CONTEXT


def test_the_window_keeps_the_size_the_server_named_and_its_meter_stops_calling_it_assumed(
        qtbot, make_window, small_server, smollm2_path, monkeypatch):
    window = make_window(open_engine, smollm2_path)
    window.sampling.max_tokens.setValue(6)
    monkeypatch.setattr(AddServerDialog, "exec", lambda dialog: _filled(qtbot, dialog, small_server, "small"))
    window.engine_menu.on_add()
    _menu_action(window, "small").trigger()
    qtbot.waitUntil(lambda: window.models.engine_description is not None, timeout=30000)
    meter = window.tools.meter
    window.composer.setPlainText("Hi")
    qtbot.waitUntil(lambda: "4,096 (assumed)" in meter.total.text(), timeout=30000)
    assert "is a guess until it refuses a longer prompt" in meter.total.toolTip()
    send(qtbot, window, LONG_MESSAGE, timeout=REPLY_MS)
    failed = window.store.thread(window.conversation_id)[-1]
    assert failed.status == "error" and "holds 512 tokens of context" in failed.error
    # kept with the server's entry, so a restart keeps it; the menu, the meter and the trimming use it
    profile = load_entries(window.store)[0].server_profile
    assert profile.context_of(profile.models[0]) == (SMALL_CONTEXT, LEARNED)
    assert "context 512 tokens" in _menu_action(window, "small").toolTip()
    window.composer.setPlainText("Hi again")
    qtbot.waitUntil(lambda: "/ 512" in meter.total.text(), timeout=30000)
    assert "assumed" not in meter.total.text() and "leave out the 1 oldest turn" in meter.warning.full_text
    send(qtbot, window, "Hi again", timeout=REPLY_MS)
    assert window.store.thread(window.conversation_id)[-1].status == "complete"


def test_llama_servers_refusal_names_its_context(remote):
    """llama-server answers 400 with the context (n_ctx) and the prompt's size, also to a streamed request."""
    text = " ".join([PARAGRAPH] * 20)  # about 2,600 tokens
    with pytest.raises(ContextExceeded) as refused:
        with open_stream(remote._client, "/completion", {"prompt": text, "n_predict": 4, "stream": True},
                         remote.address.url, threading.Event()):
            pass
    assert refused.value.n_ctx == N_CTX and refused.value.prompt_tokens > N_CTX
    assert f"its context holds {N_CTX:,} tokens" in str(refused.value)
