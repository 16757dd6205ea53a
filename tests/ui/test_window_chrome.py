"""The window around the transcript: welcome view, title, size and layout, theme, Help, Copy, Export, delete with Undo."""

import json

import pytest

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QCommandLinkButton, QDockWidget, QMenu, QPushButton

from desktop.__main__ import main, split_qt_arguments
from desktop.ui.main_window import default_size
from desktop.ui.theme import is_dark
from tests.ui.conftest import send

# Shown windows and dialogs make the offscreen platform say it cannot resize or raise them.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


def _menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    for action in menu.actions():
        if action.text().replace("&", "") == text:
            return action
        if action.menu() is not None:
            found = next((a for a in action.menu().actions() if a.text().replace("&", "") == text), None)
            if found is not None:
                return found
    raise AssertionError(f"no {text!r} in {menu_title}")


def test_an_empty_conversation_welcomes_and_a_suggestion_fills_the_composer(qtbot, make_window):
    window = make_window()
    assert not window.welcome.isHidden() and window.chat.isHidden()
    suggestions = [b for b in window.welcome.findChildren(QCommandLinkButton) if b.objectName().startswith("suggestion")]
    assert 3 <= len(suggestions) <= 4  # the model library's offer above them is not a prompt
    qtbot.mouseClick(suggestions[0], Qt.MouseButton.LeftButton)
    assert window.composer.toPlainText() == "Why is the sky blue? Answer in two sentences."
    assert window.replies.active is None  # filled, not sent
    send(qtbot, window, window.composer.toPlainText())
    assert window.welcome.isHidden() and not window.chat.isHidden()


def test_the_title_names_the_conversation(qtbot, make_window):
    window = make_window()
    assert window.windowTitle() == "New chat — Inkling"
    send(qtbot, window, "Tell me about otters")
    assert window.windowTitle() == "Tell me about otters — Inkling"
    window.rename_conversation(window.conversation_id, "Otters")
    assert window.windowTitle() == "Otters — Inkling"


def test_the_default_size_fits_a_small_screen():
    assert default_size(QSize(1280, 720)) == (1152, 648)
    assert default_size(QSize(2560, 1440)) == (1200, 780)


def test_geometry_and_dock_layout_come_back(qtbot, make_window):
    first = make_window()
    first.resize(700, 500)
    first.notes_dock.setFloating(True)
    first.close()
    second = make_window()
    qtbot.waitUntil(lambda: second.size() == QSize(700, 500), timeout=5000), second.size()
    assert second.findChild(QDockWidget, "notesDock").isFloating()


def test_qt_options_pass_through():
    assert split_qt_arguments(["-style", "Fusion", "--model", "m.gguf", "-reverse", "-platform=offscreen"]) == (
        ["--model", "m.gguf"], ["-style", "Fusion", "-reverse", "-platform=offscreen"])
    assert main(["-style", "Fusion", "--version"]) == 0  # "unrecognized arguments: -style" before


def test_theme_menu_switches_to_dark_and_is_remembered(qtbot, make_window):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    app = QApplication.instance()
    assert not is_dark(app.palette())
    _menu_action(window, "View", "Dark").trigger()
    assert is_dark(app.palette())
    bar = window.tools.meter.bar
    qtbot.waitUntil(lambda: is_dark(bar.palette()))  # widgets get the new palette from the event loop
    bar.set_segments([("system", 10)], 100, 20)
    image = bar.grab().toImage()
    empty = image.pixelColor(image.width() - 3, image.height() // 2)
    assert empty.lightness() < 128  # the empty part of the budget bar no longer glares white
    window.close()
    again = make_window()
    assert is_dark(app.palette()) and again.theme.choice == "dark"
    _menu_action(again, "View", "Light").trigger()
    assert not is_dark(app.palette())


def test_a_dimmed_badge_stays_readable_in_the_dark(qtbot, make_window):
    window = make_window()
    _menu_action(window, "View", "Dark").trigger()
    send(qtbot, window, "Hello")
    reply = window.chat.views()[-1]
    reply.set_status("interrupted")
    badge = reply.badge.palette().color(QPalette.ColorRole.WindowText)
    background = window.palette().color(QPalette.ColorRole.Window)
    assert abs(badge.lightness() - background.lightness()) > 80
    _menu_action(window, "View", "Light").trigger()


def test_help_explains_the_probabilities_and_about_names_the_build(qtbot, make_window, inkling_home):
    window = make_window()
    _menu_action(window, "Help", "Reading the probabilities").trigger()
    reading = window.help.dialogs["readingDialog"].browser.toPlainText()
    for term in ("drawn", "entropy", "perplexity", "what-if", "≈", "·", "↵", "byte token"):
        assert term in reading
    _menu_action(window, "Help", "About Inkling").trigger()
    about = window.help.dialogs["aboutDialog"].browser.toPlainText()
    assert "llama.cpp" in about and "SmolLM2" in about and str(inkling_home) in about


def test_copy_message_as_text_and_markdown(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Capital?")
    reply = window.chat.views()[-1]
    menu = window.tools.actions[reply.message_id].menu
    next(a for a in menu.actions() if a.text() == "Copy message").trigger()
    assert QGuiApplication.clipboard().text() == "The capital of France is Paris."  # as it reads
    next(a for a in menu.actions() if a.text() == "Copy as Markdown").trigger()
    assert QGuiApplication.clipboard().text() == "The capital of France is **Paris**."


def test_export_from_the_window(qtbot, make_window, tmp_path):
    window = make_window()
    send(qtbot, window, "Capital?")
    window.files.ask_save_path = lambda *_: tmp_path / "chat.md"
    _menu_action(window, "File", "Export conversation…").trigger()
    text = (tmp_path / "chat.md").read_text()
    assert "Capital?" in text and "**Paris**" in text
    window.files.ask_save_path = lambda *_: tmp_path / "chat.json"
    _menu_action(window, "File", "Export conversation…").trigger()
    assert json.loads((tmp_path / "chat.json").read_text())["conversation"]["title"] == "Capital?"


def test_deleting_a_conversation_can_be_undone(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Keep this")
    conversation_id = window.conversation_id
    reply_id = window.chat.views()[-1].message_id
    window.sidebar.request_delete_current()
    assert window.store.get_conversation(conversation_id) is None
    undo = window.findChild(QPushButton, "undoDelete")
    assert not undo.isHidden()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert window.conversation_id == conversation_id
    assert [v.text().rstrip() for v in window.chat.views()] == ["Keep this", "The capital of France is Paris."]
    assert window.store.load_trace(reply_id)  # the token data came back too
    assert window.sidebar.current_id() == conversation_id


def test_bundled_models_are_in_the_model_menu(make_window):
    window = make_window()
    submenu = window.findChild(QMenu, "bundledModels")
    names = [a.text() for a in submenu.actions()]
    assert any("SmolLM2" in n for n in names) and any("Gemma" in n and "notebook" in n for n in names)


def test_the_confidence_terms_explain_themselves(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Capital?")
    reply = window.inspector.replies[window.chat.views()[-1].message_id]
    assert "average surprise" in reply.summary.toggle.toolTip()  # perplexity, in the Help's words
    assert "natural log" in reply.summary.toggle.toolTip()


def test_system_follows_the_desktops_light_and_dark(qtbot, make_window):
    window = make_window()
    app = QApplication.instance()
    assert window.theme.choice == "system" and not is_dark(app.palette())
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what the platform says when the desktop switches
    assert is_dark(app.palette())
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark(app.palette())
    _menu_action(window, "View", "Light").trigger()
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(app.palette())  # a chosen theme stays
