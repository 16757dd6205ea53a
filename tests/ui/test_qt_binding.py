"""The Qt binding keeps Python's reference to None balanced (PySide6 6.12.0 did not under Python 3.11)."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_drop_references_to_none(qtbot):
    # None is not immortal before Python 3.12: each lost reference brings a "deallocating None" abort
    # closer, and filling a list of thousands of conversations makes tens of thousands of such calls.
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert sys.getrefcount(None) - before > -100
