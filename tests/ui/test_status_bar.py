"""The status bar: a notice given before the window is shown (replies cut off by a crash) is not drawn under the model label."""

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QStatusBar

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")

NOTICE = "1 reply(s) were cut off when Inkling last closed unexpectedly; they are kept, marked interrupted."


def message_rect(status: QStatusBar, text: str) -> QRect:
    """Where QStatusBar paints a temporary message: from its left edge, as wide as the text."""
    width = status.fontMetrics().horizontalAdvance(text)
    return QRect(0, 0, width + 8, status.height())


def overlapping(window, text: str) -> list[str]:
    """The status bar's normal widgets (left, where messages go) that the message would be painted under."""
    area = message_rect(window.statusBar(), text)
    return [widget.objectName() or type(widget).__name__ for widget in (window.models.label, window.models.progress)
            if widget.isVisible() and widget.geometry().intersects(area)]


def test_a_notice_given_before_show_hides_the_model_label_while_it_is_shown(make_window, qtbot):
    window = make_window()
    window.notify(NOTICE, 10000)  # what app.run_window does after a crash, before window.show()
    window.show()
    qtbot.waitExposed(window)
    status = window.statusBar()
    qtbot.waitUntil(lambda: not window.models.label.isVisible(), timeout=5000)  # at the latest one turn later
    assert status.currentMessage() == NOTICE
    assert overlapping(window, NOTICE) == []
    status.clearMessage()  # the notice times out: the model label is back
    qtbot.waitUntil(window.models.label.isVisible)


def test_a_notice_while_shown_also_hides_the_model_label(make_window, qtbot):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.notify(NOTICE, 10000)
    assert not window.models.label.isVisible()
    assert overlapping(window, NOTICE) == []
