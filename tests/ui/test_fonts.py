"""The window's font has a Simplified Chinese face: first with a Chinese UI, after the UI font otherwise."""

from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from desktop.ui.fonts import chinese_family, use_chinese_font


def test_a_simplified_chinese_face_is_preferred_to_any_other():
    assert chinese_family(["Droid Sans Fallback", "Noto Sans CJK SC", "Noto Sans CJK JP"]) == "Noto Sans CJK SC"
    assert chinese_family(["Some CJK Font"]) == "Some CJK Font"
    assert chinese_family([]) is None


def test_the_application_font_gets_the_installed_chinese_face(qapp):
    installed = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    before = QApplication.font()
    try:
        family = use_chinese_font(qapp, chinese_ui=False)
        if not installed:  # a machine without any CJK font: nothing to add (the .deb recommends fonts-noto-cjk)
            assert family is None
            return
        assert QApplication.font().families()[-1] == family
        assert use_chinese_font(qapp, chinese_ui=True) == family
        assert QApplication.font().families()[0] == family
        assert QApplication.font().families().count(family) == 1
        assert QFontMetrics(QApplication.font()).inFontUcs4(ord("护"))
    finally:
        QApplication.setFont(before)
