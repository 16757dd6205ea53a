"""Messages as a user reads them: line breaks kept, streaming looks like the end, code with a Copy button,
and how each reply was made (pytest-qt, the real window on a scripted engine)."""

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton, QWidget

from desktop.core.engine.types import TokenEvent
from tests.fakes import FakeEngine
from tests.ui.conftest import send

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")

POEM = ["Roses", " are", " red", "\n", "Violets", " are", " blue", "\n", "Sugar", " is", " sweet"]
CODE = ["Run", " this", ":\n\n", "```", "python", "\n", "print", "(", "'hi'", ")", "\n", "```", "\n\n",
        "Then", " `", "exit", "()`", ".", " That", " is", " all", " there", " is", " to", " it", "."]


def scripted(script, delay=0.002):
    return lambda path, config: FakeEngine(path, config, delay=delay, script=script)


def test_a_poem_keeps_its_line_breaks_when_the_reply_completes(qtbot, make_window):
    window = make_window(scripted(POEM))
    send(qtbot, window, "A poem, please")
    assert [line.strip() for line in window.chat.views()[-1].body.toPlainText().splitlines()] == [
        "Roses are red", "Violets are blue", "Sugar is sweet"]


class HeldFake(FakeEngine):
    """Holds its last piece until released: the view is looked at while the reply still streams, on any machine."""

    release = threading.Event()

    def stream(self, *args, **kwargs):
        for event in super().stream(*args, **kwargs):
            if isinstance(event, TokenEvent) and event.index == len(self.script) - 1:
                HeldFake.release.wait(60)
            yield event


def test_the_streaming_view_already_looks_like_the_final_one(qtbot, make_window):
    HeldFake.release.clear()
    window = make_window(lambda path, config: HeldFake(path, config, delay=0.01, script=CODE))
    window.resize(1000, 700)
    window.show()
    window.composer.setPlainText("Code?")
    with qtbot.waitSignal(window.replies.started, timeout=10000):
        qtbot.keyClick(window.composer, "\r")
    view = window.chat.views()[-1]
    qtbot.waitUntil(lambda: "exit()" in view.body.toPlainText(), timeout=20000)  # rendered while streaming
    assert window.replies.active is not None
    streamed_text = view.body.toPlainText()
    streamed_height = view.body.height()
    assert "```" not in streamed_text and "`" not in streamed_text  # Markdown rendered, not shown raw
    assert view.code_blocks == ("print('hi')\n",)
    HeldFake.release.set()
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=20000)
    assert view.body.toPlainText().startswith(streamed_text)
    assert view.body.height() == streamed_height  # nothing re-flows at the end (the last words fit the line)


def test_code_blocks_have_a_language_label_and_a_copy_button(qtbot, make_window):
    window = make_window(scripted(CODE))
    window.resize(1000, 700)
    window.show()
    send(qtbot, window, "Code?")
    view = window.chat.views()[-1]
    body = view.body
    text = body.toPlainText()
    assert "python" in text and "Copy" in text and "print('hi')" in text
    cursor = QTextCursor(body.document())
    cursor.setPosition(text.index("Copy") + 1)
    point = body.cursorRect(cursor).center()
    QGuiApplication.clipboard().clear()
    QTest.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))
    assert QGuiApplication.clipboard().text() == "print('hi')\n"
    assert "Copy" not in view.text() and "print('hi')" in view.text()  # copying the message leaves the button out


def test_branch_headers_say_how_each_reply_was_made(qtbot, make_window):
    window = make_window()
    window.show()
    temperature = window.sampling.temperature
    temperature.selectAll()
    QTest.keyClicks(temperature, "0")
    QTest.keyClick(temperature, Qt.Key.Key_Return)
    send(qtbot, window, "Capital?")
    first = window.chat.views()[-1]
    first_id = first.message_id
    temperature.selectAll()
    QTest.keyClicks(temperature, "1.5")
    QTest.keyClick(temperature, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        first.findChild(QWidget, "messageActions").findChild(QToolButton, "regenerate").click()
    qtbot.waitUntil(lambda: window.replies.active is None)
    second = window.chat.views()[-1]
    assert second.message_id != first_id
    qtbot.waitUntil(lambda: "notes" in second.made_with.text())  # the prompt's facts are read once it is saved
    made = second.made_with.text()
    assert made.startswith("T 1.5 · seed ") and "Plain assistant" in made and "notes off" in made
    assert "Model: fake" in second.made_with.toolTip() and "repeat penalty off" in second.made_with.toolTip() and "Temperature 1.5" in second.made_with.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # back to the first branch
    back = window.chat.views()[-1]
    assert back.message_id == first_id
    assert back.made_with.text().startswith("T 0 · seed ") and back.made_with.text() != made


def test_a_reply_s_sources_stay_above_its_summary_whichever_is_attached_first(qtbot):
    from PySide6.QtWidgets import QLabel

    from desktop.core.store.store import Message
    from desktop.ui.chat_view import MessageView

    views = []
    for order in (("summary", "sources"), ("sources", "summary")):  # a live reply, a reopened one
        view = MessageView(Message(1, 1, None, "assistant", "Paris.", "complete", None, None, None, "stop", None,
                                   "2026-12-01", "2026-12-01"), "SmolLM2")
        qtbot.addWidget(view)
        rows = {name: QLabel(name) for name in order}
        for name in order:
            view.set_row(name, rows[name])
        view.show()
        qtbot.waitExposed(view)
        assert rows["sources"].y() < rows["summary"].y()
        views.append(view)
    view.set_row("sources", None)  # a reply whose sources went: the row is emptied, the summary stays
    qtbot.waitUntil(lambda: not rows["sources"].isVisible())
    assert rows["summary"].isVisible()


LONG_NAME = "SmolLM2-135M-Instruct-a-very-long-fine-tune-name" * 3  # a server's model path can be as long


def test_a_long_model_name_is_cut_and_the_transcript_never_scrolls_sideways(qtbot, make_window):
    # (before: the bold header was as wide as its text, so with the branch arrows and the buttons beside it the
    # reply was wider than the window: a sideways scroll bar, and the reply's text cut at the right edge)
    window = make_window(model_path=Path(f"models/{LONG_NAME}.gguf"))
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    send(qtbot, window, "Name three uses of a paperclip.")
    reply = window.chat.views()[-1]
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        reply.findChild(QWidget, "messageActions").findChild(QToolButton, "regenerate").click()
    qtbot.waitUntil(lambda: window.replies.active is None)
    branch = window.chat.views()[-1]
    qtbot.waitUntil(lambda: branch.header.width() > 0)
    assert window.chat.horizontalScrollBar().maximum() == 0
    assert branch.width() <= window.chat.viewport().width()
    assert LONG_NAME in branch.header.full_text and LONG_NAME in branch.header.toolTip()
    assert branch.header.text().endswith("…")
