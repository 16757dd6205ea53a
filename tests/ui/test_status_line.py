"""The status line on its own: a notice given before the bar is shown is shown again over the bar's widgets; idle figures."""

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow

from desktop.ui.status_line import StatusLine

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


@pytest.fixture
def window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.line = StatusLine(window.statusBar(), window)
    window.label = QLabel("A model · chat")
    window.statusBar().addWidget(window.label)
    window.statusBar().addPermanentWidget(window.line.stats)
    return window


def test_a_notice_before_show_hides_the_bars_widgets_once_shown(qtbot, window):
    window.line.notify("Replies were cut off.", 10000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.label.isVisible(), timeout=5000)  # QStatusBar hides it under the message
    assert window.statusBar().currentMessage() == "Replies were cut off."


def test_a_notice_while_shown_is_shown_once(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.line.notify("Exported.", 10000)
    assert not window.label.isVisible() and window.statusBar().currentMessage() == "Exported."


def test_a_model_loaded_shows_an_empty_context_unless_a_replys_figures_are_up(window):
    line = window.line
    line.on_model_loaded(4096)
    assert line.stats.text() == "context 0 / 4096"
    line.on_model_loaded(2048)  # another model: its own context
    assert line.stats.text() == "context 0 / 2048"
    line.show_stats("41.4 tok/s · TTFT 299 ms · context 103 / 2048")
    line.on_model_loaded(4096)
    assert line.stats.text().startswith("41.4 tok/s")  # the shown reply's own figures stay
    line.show_stats("")
    line.on_model_loaded(4096)
    assert line.stats.text() == "context 0 / 4096"
