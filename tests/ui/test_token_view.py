"""The heatmap draws a character cut into byte tokens as one cell, built at once or streamed token by token."""

import numpy as np
from PySide6.QtCore import QPointF

from desktop.ui.token_view import TokenBrowser

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
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier)
