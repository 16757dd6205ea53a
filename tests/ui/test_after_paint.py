"""AfterPaint: background work waits for a widget's next paint, or for its fallback when nothing paints."""

import pytest
from PySide6.QtWidgets import QWidget

from desktop.ui.after_paint import AfterPaint

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def armed(qtbot, fallback_ms: int) -> tuple[QWidget, list, AfterPaint]:
    """A widget not shown yet, with work armed to run after its paint."""
    widget = QWidget()
    qtbot.addWidget(widget)
    calls = []
    after = AfterPaint(widget, lambda: calls.append("ran"), fallback_ms=fallback_ms, parent=widget)
    after.arm()
    return widget, calls, after


def test_the_callback_runs_after_the_next_paint_not_before(qtbot):
    widget, calls, _after = armed(qtbot, fallback_ms=60_000)
    assert calls == []  # nothing has painted yet
    widget.show()
    qtbot.waitUntil(lambda: calls == ["ran"])
    widget.update()
    qtbot.wait(50)
    assert calls == ["ran"]  # once per arm()


def test_a_widget_that_never_paints_still_gets_its_work_done(qtbot):
    _widget, calls, _after = armed(qtbot, fallback_ms=20)  # never shown
    qtbot.waitUntil(lambda: calls == ["ran"])


def test_cancel_drops_the_work(qtbot):
    widget, calls, after = armed(qtbot, fallback_ms=20)
    after.cancel()
    widget.show()
    qtbot.wait(100)
    assert calls == []
