"""The heatmap draws a character cut into byte tokens as one cell, built at once or streamed token by token."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from desktop.ui.token_view import TokenBrowser
from tests.fakes import FakeEngine
from tests.ui.conftest import send

TEXTS = ["Hi", " <0xE4>", "<0xBD><0xA0>", "<0xE5>", "<0xA5>", "<0xBD>", "!", "<0xF0><0x9F>", "<0x91><0x8D>"]
PROBABILITIES = np.array([0.9, 0.5, 0.4, 0.5, 0.5, 0.5, 0.9, 0.3, 0.9])


def browser(qtbot) -> TokenBrowser:
    view = TokenBrowser(lambda index: f"token {index}")
    qtbot.addWidget(view)
    view.resize(400, 120)
    return view


def test_byte_tokens_show_as_their_character_with_parts_on_hover(qtbot):
    view = browser(qtbot)
    view.set_tokens(TEXTS, PROBABILITIES)
    assert view.document().toPlainText() == "Hi 你好!👍"
    assert len(view) == len(TEXTS)
    assert view.cell_tooltip(0) == "token 0"
    tip = view.cell_tooltip(3)  # 好: three byte tokens
    assert "好" in tip and "12.5%" in tip and tip.count("<tr>") == 3 and "&lt;0xE5&gt;" in tip
    hovered = view.token_at_point(QPointF(view.token_rect(3).center().x() + 2, view.token_rect(3).center().y()))
    assert hovered == 3  # a point over 好 finds its first part


def test_selecting_any_part_highlights_the_character_and_keys_step_through_parts(qtbot):
    view = browser(qtbot)
    view.set_tokens(TEXTS, PROBABILITIES)
    view.select(4)  # the middle byte of 好
    (selection,) = view.extraSelections()
    assert selection.cursor.selectedText() == "好"
    with qtbot.waitSignal(view.tokenSelected) as emitted:
        view.keyPressEvent(_key_right())
    assert emitted.args == [5] and view.extraSelections()[0].cursor.selectedText() == "好"


def test_streaming_one_token_at_a_time_ends_as_the_built_document(qtbot):
    built, streamed = browser(qtbot), browser(qtbot)
    built.set_tokens(TEXTS, PROBABILITIES)
    streamed.set_tokens([], np.zeros(0))
    for index, text in enumerate(TEXTS):
        streamed.append_tokens([text], PROBABILITIES[index:index + 1])
        if index == 3:
            assert streamed.document().toPlainText() == "Hi 你<0xE5>"  # 好 waits for its last bytes
    assert streamed.document().toPlainText() == built.document().toPlainText()
    assert list(streamed.starts) == list(built.starts) and streamed.cells == built.cells
    assert streamed.cell_of == built.cell_of


def _key_right():
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier)



# A shown window (for focus) makes the offscreen platform say it cannot resize docks or raise tooltips.
@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")
def test_in_the_window_a_byte_of_a_character_is_inspected_and_branched_from(qtbot, make_window):
    script = ["你", "<0xE5>", "<0xA5>", "<0xBD>", "!"]
    window = make_window(lambda path, config: FakeEngine(path, config, script=script))
    window.resize(1200, 800)
    window.show()
    send(qtbot, window, "Say hello")
    original_id = window.chat.views()[-1].message_id
    window.inspector.heatmap_action.setChecked(True)  # View → Probability heatmap
    window.inspector.select(original_id, 0)  # a click on the first character
    reply = window.inspector.replies[original_id]
    qtbot.waitUntil(lambda: reply.heat is not None and len(reply.heat) == len(script), timeout=5000)
    heat = reply.heat
    assert heat.document().toPlainText() == "你好!"
    qtbot.keyClick(heat, Qt.Key.Key_Right)
    qtbot.keyClick(heat, Qt.Key.Key_Right)
    panel = window.inspector.panel
    assert window.inspector.selected == (original_id, 2) and heat.extraSelections()[0].cursor.selectedText() == "好"
    assert "byte 2 of 3 of “好” (together 22.3%)" in panel.heading.text()  # the fake's e^-0.5, cubed
    qtbot.keyClick(heat, Qt.Key.Key_Return)  # into the alternatives, and on to the second one
    qtbot.keyClick(panel.alternatives, Qt.Key.Key_Down)
    chosen = panel.view.alternatives[1]
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        qtbot.keyClick(panel.alternatives, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.replies.active is None)
    branch = window.store.get_message(window.chat.views()[-1].message_id)
    assert (branch.branch_of, branch.branch_position) == (original_id, 2)
    assert window.store.load_trace(branch.id)[2].id == chosen.id
