"""Input methods: Enter during a composition (pinyin, kana) never sends or searches; a committed string is typed."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.core.store.search import SearchHit
from desktop.ui.composer import Composer
from desktop.ui.ime import choose_input_method, guard_enter, input_context_plugins
from desktop.ui.search_box import SearchBox


def preedit(widget, text: str) -> None:
    QApplication.sendEvent(widget, QInputMethodEvent(text, []))


def commit(widget, text: str) -> None:
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_composer_enter_while_composing_does_not_send_and_the_commit_is_sent(qtbot):
    composer = Composer()
    qtbot.addWidget(composer)
    sent = []
    composer.submitted.connect(sent.append)
    preedit(composer, "huzhao")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(composer, key)
    assert sent == [] and composer.toPlainText() == ""
    commit(composer, "护照")
    assert composer.toPlainText() == "护照"
    qtbot.keyClick(composer, Qt.Key.Key_Return)
    assert sent == ["护照"]


def test_search_box_enter_while_composing_opens_nothing_and_the_commit_searches(qtbot):
    hit = SearchHit(7, 3, "旅行", "user", "我的\x02护照\x03", "2026-01-01")
    queries = []
    box = SearchBox(lambda text: queries.append(text) or [hit])
    qtbot.addWidget(box)
    opened = []
    box.openMessage.connect(lambda conversation, message: opened.append((conversation, message)))
    commit(box.field, "我的")
    preedit(box.field, "huzhao")
    qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert opened == [] and queries == []
    commit(box.field, "护照")
    assert box.field.text() == "我的护照"
    qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert opened == [(3, 7)] and queries[-1] == "我的护照"


def test_the_guard_forgets_a_composition_when_the_field_loses_focus(qtbot):
    field = QLineEdit()
    qtbot.addWidget(field)
    guard_enter(field)
    pressed = []
    field.returnPressed.connect(lambda: pressed.append(True))
    preedit(field, "ka")
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert pressed == []
    preedit(field, "")  # the input method ended the composition (committed or cancelled)
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert pressed == [True]


def test_a_fcitx_desktop_gets_the_ibus_context_when_this_qt_has_no_fcitx_plugin():
    wheel = input_context_plugins()
    assert "ibus" in wheel and not wheel & {"fcitx", "fcitx5"}  # what PySide6's wheel ships (the premise)
    for asked in ({"QT_IM_MODULE": "fcitx"}, {"QT_IM_MODULE": "fcitx5"}, {"XMODIFIERS": "@im=fcitx"}):
        environ = dict(asked)
        assert choose_input_method(environ, wheel) is not None
        assert environ["QT_IM_MODULE"] == "ibus" and environ["IBUS_USE_PORTAL"] == "1"  # no ibus-daemon needed
    for left in ({"QT_IM_MODULE": "ibus"}, {}, {"XMODIFIERS": "@im=ibus"}):
        environ = dict(left)
        assert choose_input_method(environ, wheel) is None and environ == left
    environ = {"QT_IM_MODULE": "fcitx"}
    assert choose_input_method(environ, wheel | {"fcitx5"}) is None  # a Qt that has the plugin keeps it
