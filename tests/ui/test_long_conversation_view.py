"""Long conversations in the window: prompt-reading progress and Stop, turns not sent dimmed, a meter that keeps still."""

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.fakes import FakeEngine
from tests.ui.conftest import send
from tests.ui.test_conversation_tools import measured

# Shown windows and dialogs make the offscreen platform say it cannot resize or raise them.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


class ReadingFake(FakeEngine):
    """Reads its prompt in three steps through the engine's prompt_progress hook, as LlamaEngine does."""

    def stream(self, prompt_tokens, settings, *, top_logprobs=10, cancel=None):
        total = 3000
        for done in (0, 1000, 2000, 3000):
            if cancel is not None and cancel.is_set():
                break
            if self.prompt_progress is not None:
                self.prompt_progress(done, total)
            if done == 1000:
                self.paused.wait(10)  # the test looks at the window, or presses Stop, here
        yield from super().stream(prompt_tokens, settings, top_logprobs=top_logprobs, cancel=cancel)


def long_conversation(turns: int = 30) -> int:
    store = open_store(database_path())
    conversation = store.create_conversation("Long one")
    parent = None
    for n in range(turns):
        user = store.add_message(conversation.id, "user", f"Question {n} " + "word " * 40, parent_id=parent)
        parent = store.add_message(conversation.id, "assistant", "answer " * 40, parent_id=user.id).id
    store.close()
    return conversation.id


def start_reading(qtbot, make_window):
    """A window whose reply is paused while its prompt is read, a third of the way in."""
    ReadingFake.paused = threading.Event()
    ReadingFake.prompt_progress = None
    window = make_window(ReadingFake)
    window.composer.setPlainText("Hello")
    qtbot.keyClick(window.composer, "\r")
    qtbot.waitUntil(lambda: "reading" in window.chat.views()[-1].badge.text(), timeout=60000)
    return window


def test_reading_a_long_prompt_shows_progress_then_the_reply(qtbot, make_window):
    window = start_reading(qtbot, make_window)
    badge = window.chat.views()[-1].badge
    qtbot.waitUntil(lambda: badge.text() == "reading the conversation: 1,000 of 3,000 tokens", timeout=10000)
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        ReadingFake.paused.set()
    assert window.chat.views()[-1].text().rstrip() == "The capital of France is Paris."
    assert window.chat.views()[-1].badge.isHidden()


def test_stop_while_the_prompt_is_read(qtbot, make_window):
    window = start_reading(qtbot, make_window)
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
        ReadingFake.paused.set()
    message = window.store.get_message(window.chat.views()[-1].message_id)
    assert message.status == "cancelled" and message.content == ""


def test_turns_left_out_of_the_prompt_are_dimmed(qtbot, make_window):
    conversation_id = long_conversation()
    window = make_window()
    window.open_conversation(conversation_id)
    assert not any(v.unsent for v in window.chat.views())  # nothing sent yet
    send(qtbot, window, "And now?")
    reply = window.store.get_message(window.chat.views()[-1].message_id)
    dropped = reply.stats["dropped_messages"]
    assert dropped > 0
    views = window.chat.views()
    assert [v.unsent for v in views[:dropped]] == [True] * dropped
    assert not any(v.unsent for v in views[dropped:])
    note = views[0].findChild(QLabel, "unsentNote")
    assert not note.isHidden() and note.text() == "not sent to the model"
    def text_colour(view):
        return view.body.palette().color(QPalette.ColorRole.Text)

    assert text_colour(views[0]) == views[0].palette().color(QPalette.ColorRole.PlaceholderText)  # greyed text
    assert text_colour(views[-1]) == views[-1].palette().color(QPalette.ColorRole.Text)
    window.open_conversation(conversation_id)  # the reply's stats remember it
    qtbot.waitUntil(lambda: not window.transcript.filling, timeout=10000)
    assert sum(v.unsent for v in window.chat.views()) == dropped


def test_the_budget_warning_does_not_move_the_transcript(qtbot, make_window):
    conversation_id = long_conversation()
    window = make_window()
    window.show()
    qtbot.waitUntil(lambda: measured(window), timeout=10000)
    window.send("Hello")  # the transcript shown (not the welcome) before and after
    qtbot.waitUntil(lambda: window.replies.active is None and measured(window), timeout=10000)
    qtbot.wait(50)  # the saved layout and the first sizes are applied from the event loop
    before = (window.chat.geometry(), window.composer.geometry())
    window.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: measured(window) and window.tools.meter.split.dropped_messages > 0, timeout=10000)
    qtbot.wait(50)  # a relayout, if the warning caused one
    assert window.tools.meter.warning.full_text
    assert (window.chat.geometry(), window.composer.geometry()) == before


def test_the_next_turns_template_is_framing_not_message(qtbot, make_window):
    window = make_window()
    qtbot.waitUntil(lambda: measured(window), timeout=10000)
    split = window.tools.meter.split
    assert split.message == 0 and split.framing > 0  # an empty box is not "Message 11"
    assert "Template" in window.tools.meter.legend.toolTip()
