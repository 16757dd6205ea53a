"""The window in Simplified Chinese, walked: every menu, dock, dialog and view; no English left from our code.
And View → Language switches the window at once, both ways, keeping what was on screen."""

import html
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QDockWidget, QGroupBox, QLabel, QLineEdit, QMenu, QPlainTextEdit,
    QListWidget, QTabWidget, QTextBrowser, QTextEdit, QTreeWidget, QWidget,
)

from desktop.core.engine.remote.servers import KeyStore
from desktop.core.models import bundled_models
from desktop.core.paths import data_dir, database_path
from desktop.core.store import open_store
from desktop.core.store.experiments import save_experiment
from desktop.ui.language import CHINESE, ENGLISH, LANGUAGE_KEY, SYSTEM, Language
from desktop.ui.main_window import MainWindow
from desktop.ui.notes_panel import FileTypesDialog
from desktop.ui.relaunch import Relauncher
from desktop.ui.server_dialog import AddServerDialog
from tests.fakes import SCRIPT, FakeEngine
from tests.ui.conftest import send
from tests.ui.test_language import compiled  # noqa: F401 - the fixture: the .qm as `make setup` compiles it

# Words that stay as they are in a Chinese window: names, formats, units, sampler names, keys.
ALLOWED = {
    "inkling", "llama", "cpp", "ggml", "gguf", "json", "markdown", "zip", "pdf", "html", "htm", "txt", "md",
    "api", "http", "https", "cpu", "gpu", "cuda", "vulkan", "kv", "ttft", "tok", "top", "min", "ctrl", "shift",
    "tab", "enter", "esc", "readme", "sqlite", "fake", "smollm", "instruct", "python", "id", "ids", "sc",
    "temperature", "system", "seed",  # the Lab's setup syntax (temperature=1.5), typed as written
    "utf", "english",  # the language menu names each language in itself
    "chroma", "studio", "ollama", "jan", "gpt", "all", "hugging", "face", "openai",  # products, as they spell themselves
    "flash", "attention",  # the translation keeps the feature's own name (Flash Attention)
    "box", "dirty", "onnx", "int",  # a server name's example (gpu-box), a build's commit, a model file's format
    "mib", "mapped",  # a unit, and llama.cpp's name of a buffer (CPU_Mapped)
}
# what the scripted model writes: its reply is shown as written
ALLOWED |= {word.lower() for word in re.findall(r"[A-Za-z]+", " ".join(SCRIPT))}
# the bundled models' names, as their manifest spells them (Gemma-3-270M (Q4_K_M, base model), all-MiniLM-L6-v2 …)
ALLOWED |= {word.lower() for model in bundled_models() for word in re.findall(r"[A-Za-z]+", f"{model.name} {model.path.name}")}
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")  # offscreen, shown windows
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")


def english_left(text: str) -> list[str]:
    """The English words of a shown text that are not names, formats or units."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))  # rich text: the tags and entities are no words
    text = re.sub(r"(\S+[/\\]\S+)|(\S+\.(gguf|db|json|zip|md))", " ", text)  # paths and file names
    text = re.sub(r"\b\w+=", " ", text)  # the Lab's setup syntax (max_tokens=), typed as written
    return [word for word in WORD.findall(text) if word.lower().strip("'’") not in ALLOWED]


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can read in a widget tree: labels, buttons, tips, titles, items, menus."""
    found = []

    def add(where, text):
        if text and text.strip():
            found.append((where, text))

    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__}#{widget.objectName()}"
        add(name + ".toolTip", widget.toolTip())
        if widget.isWindow() or isinstance(widget, QDockWidget):
            add(name + ".windowTitle", widget.windowTitle())
        if isinstance(widget, QLabel):
            add(name, widget.text())
        elif isinstance(widget, QAbstractButton):
            add(name, widget.text())
        elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            add(name + ".placeholder", widget.placeholderText())
            if isinstance(widget, QTextBrowser):
                add(name, widget.toPlainText())
        elif isinstance(widget, QComboBox):
            for index in range(widget.count()):
                add(name + ".item", widget.itemText(index))
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                add(name + ".tab", widget.tabText(index))
        elif isinstance(widget, QGroupBox):
            add(name + ".title", widget.title())
        elif isinstance(widget, QListWidget):
            for index in range(widget.count()):
                add(name + ".item", widget.item(index).text())
        elif isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            for column in range(header.columnCount()):
                add(name + ".header", header.text(column))
        elif isinstance(widget, QMenu):
            add(name + ".title", widget.title())
        model = getattr(widget, "model", None)
        if callable(model) and hasattr(widget, "horizontalHeader") and model() is not None:
            for column in range(model().columnCount()):
                add(name + ".header", str(model().headerData(column, Qt.Orientation.Horizontal) or ""))
        for action in widget.actions():
            add(name + ".action", action.text())
            add(name + ".actionTip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else "")
            if action.menu() is not None:
                found.extend(shown_texts(action.menu()))
    return found


@pytest.fixture
def chinese(compiled):  # noqa: F811
    """Inkling's and Qt's Chinese installed for one test, taken out again after it."""
    language = Language(QApplication.instance(), compiled)
    language.apply(CHINESE)
    yield language
    language.apply(ENGLISH)


def test_every_text_of_the_chinese_window_is_chinese(qtbot, inkling_home, chinese):
    store = open_store(database_path())
    window = MainWindow(store, FakeEngine, Path("fake.gguf"))
    window.show_error = lambda title, text: None
    try:
        qtbot.waitUntil(lambda: window.models.info is not None, timeout=60000)
        window.show()
        send(qtbot, window, "巴黎是哪个国家的首都？")  # a reply: its made-with line, speed, summary, heatmap, panel
        window.inspector.heatmap_action.setChecked(True)
        reply = window.store.thread(window.conversation_id)[-1]
        window.inspector.select(reply.id, 3)
        roots: list[QWidget] = [window]
        window.help.show_reading()
        window.help.show_about()
        roots += list(window.help.dialogs.values())
        for kind in ("score", "sample", "compare"):  # runs kept, listed by their titles as written then ("Sample: …")
            save_experiment(window.store, kind, f"{kind.capitalize()}: 巴黎是哪个国家的首都？", {}, window.conversation_id)
        window.labs.show("score")
        roots.append(window.labs.dialog)
        window.show_model_library()
        roots.append(window.model_library_dialog)
        roots.append(AddServerDialog(KeyStore(data_dir()), set(), window))
        roots.append(FileTypesDialog("/home/me/notes", window))  # Notes → Import folder…
        window.notebook.setVisible(True)  # a base model's view: shown here without loading one
        for dock in window.findChildren(QDockWidget):
            dock.show()
        texts = [item for root in roots for item in shown_texts(root)]
        assert any("新建对话" in text for _where, text in texts) and any("如何读懂概率" in text for _w, text in texts)
        english = [(where, text, english_left(text)) for where, text in texts if english_left(text)]
        assert not english, "\n".join(f"{where}: {text!r} -> {words}" for where, text, words in english)
    finally:
        qtbot.wait(50)  # the window's first queued steps (its saved layout) run while the store is open
        window.close()
        window.deleteLater()  # its theme controller must not follow the desktop's colours in later tests
        qtbot.wait(50)
        store.close()


def window_builder(store, engine_factory):
    """The window as the composition root builds it (desktop.app.run_window), again on a language switch."""

    def build(handover):
        window = MainWindow(store, engine_factory, Path("fake.gguf"), handover=handover)
        window.show_error = lambda title, text: None
        if handover is not None:
            window.take_over(handover)
        return window

    return build


def test_view_language_switches_the_window_at_once_and_keeps_what_was_shown(qtbot, inkling_home, compiled):  # noqa: F811
    app = QApplication.instance()
    language = Language(app, compiled)
    language.apply(ENGLISH)
    store = open_store(database_path())

    relauncher = Relauncher(app, language, window_builder(store, FakeEngine))
    first = relauncher.start()
    try:
        first.show()
        qtbot.waitUntil(lambda: first.models.info is not None, timeout=60000)
        first.new_conversation()
        conversation = first.conversation_id
        first.composer.setPlainText("half-written question")

        def menus(window):
            return [action.text() for action in window.menuBar().actions()]

        assert menus(first)[:3] == ["&File", "&Conversation", "&View"]
        first.findChild(QAction, "language_zh_CN").trigger()
        second = relauncher.window
        assert second is not first and second.isVisible()
        assert menus(second)[:3] == ["文件(&F)", "对话(&C)", "视图(&V)"]
        assert {"采样", "系统提示词", "笔记"} <= {dock.windowTitle() for dock in second.findChildren(QDockWidget)}
        assert second.send_button.text() == "发送" and second.findChild(QMenu, "languageMenu").title() == "语言(&L)"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # Qt's own dialogs too
        assert second.conversation_id == conversation and second.composer.toPlainText() == "half-written question"
        assert store.get_setting(LANGUAGE_KEY) == CHINESE
        assert second.findChild(QAction, "language_zh_CN").isChecked()
        qtbot.waitUntil(lambda: second.models.info is not None, timeout=60000)

        second.findChild(QAction, "language_en").trigger()
        third = relauncher.window
        assert menus(third)[:3] == ["&File", "&Conversation", "&View"] and third.send_button.text() == "Send"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
        third.findChild(QAction, "language_system").trigger()  # the test's locale (C): English
        assert store.get_setting(LANGUAGE_KEY) == SYSTEM and menus(relauncher.window)[0] == "&File"
    finally:
        qtbot.wait(50)  # the last window's first queued steps (its saved layout) run while the store is open
        relauncher.window.close()
        relauncher.window.deleteLater()
        qtbot.wait(50)  # the windows are deleted (deleteLater) while the store is open
        language.apply(ENGLISH)
        store.close()


def test_a_language_chosen_while_a_reply_is_written_applies_when_it_ends(qtbot, make_window):
    window = make_window(lambda path, config: FakeEngine(path, config, delay=0.05))
    chosen = []
    window.languageChosen.connect(chosen.append)
    window.composer.setPlainText("Hello")
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        window.composer.submit()
        qtbot.waitUntil(lambda: window.replies.busy, timeout=10000)
        window.findChild(QAction, "language_zh_CN").trigger()
        assert chosen == [] and "reply being written ends" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: chosen == [CHINESE], timeout=10000)


def test_a_core_error_reads_in_chinese_in_the_window_and_in_english_on_the_command_line(chinese, tmp_path):
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.engine.types import EngineConfig, ModelLoadError
    from desktop.core.presets import PRESETS
    from desktop.ui.language import said

    with pytest.raises(ModelLoadError) as raised:
        LlamaEngine(tmp_path / "missing.gguf", EngineConfig())
    assert said(raised.value) == f"找不到模型文件：{tmp_path / 'missing.gguf'}"
    assert str(raised.value).startswith("Model file not found:")
    assert [said(name) for name in PRESETS][:2] == ["普通助手", "简洁"]
    assert said(ValueError("not ours")) == "not ours"  # any other text is shown as it is


def test_a_notes_file_that_could_not_be_read_says_why_in_chinese(chinese, tmp_path):
    from types import SimpleNamespace

    from desktop.core.notes.readers import UnreadableFile, read_file
    from desktop.ui.notes_panel import status_text

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(UnreadableFile) as raised:
        read_file(empty)
    stored = str(raised.value)  # notes.db keeps the reason as the core said it, in English
    assert stored == "the file is empty"
    assert status_text(SimpleNamespace(status="error", error=stored, warning=None)) == "出错：文件是空的"


# Run under LANG=zh_CN.UTF-8 as the app runs: the language the locale gives, the bundled chat model, one real reply.
REAL_REPLY = """
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from desktop.app import open_engine
from desktop.core.models import default_chat_model
from desktop.core.store import open_store
from desktop.ui.language import SYSTEM, Language
from desktop.ui.main_window import MainWindow
from tests.ui.test_language_walk import shown_texts

app = QApplication([])
language = Language(app, Path(sys.argv[1]))
used = language.apply(SYSTEM)
store = open_store(Path(os.environ["INKLING_HOME"]) / "inkling.db")
window = MainWindow(store, open_engine, default_chat_model().path)
errors, finished = [], []
window.show_error = lambda title, text: errors.append(text)
window.replyFinished.connect(finished.append)
window.show()


def wait(condition):
    loop, timer = QEventLoop(), QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    timer.start(20)
    QTimer.singleShot(120000, loop.quit)
    loop.exec()


wait(lambda: window.models.info is not None or errors)
window.composer.setPlainText("天空为什么是蓝色的？")
window.composer.submit()
wait(lambda: (finished and window.replies.active is None) or errors)
window.inspector.heatmap_action.setChecked(True)
window.inspector.select(finished[0], 1)
app.processEvents()
model_words = ("messageBody", "tokenHeatmap", "probabilityToken")  # the reply, its heatmap, the token selected
texts = [(where, text) for where, text in shown_texts(window) if not where.endswith(model_words)]
texts.append(("statusBar.message", window.statusBar().currentMessage()))
print(json.dumps({"used": used, "errors": errors, "texts": texts}), flush=True)
os._exit(0)  # what is read is printed; the engine's thread need not be wound down for it
"""
TOKEN_LINKS = re.compile(r"<a href='\d+'>.*?</a>")  # the least confident tokens: the model's own words, linked


def test_after_a_real_reply_under_a_chinese_locale_the_window_shows_no_english(compiled, tmp_path):  # noqa: F811
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    environ = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LANGUAGE": "", "QT_QPA_PLATFORM": "offscreen",
               "INKLING_HOME": str(tmp_path), "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", REAL_REPLY, str(compiled)], cwd=root, env=environ,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["used"] == CHINESE and not shown["errors"]
    texts = [(where, TOKEN_LINKS.sub(" ", text)) for where, text in shown["texts"]]
    wheres = {where for where, _text in texts}
    # the reply's made-with line, the status bar's figures, the model's label and the Lab menu are among them
    assert {"QLabel#madeWith", "QLabel#statsLabel", "QLabel#modelLabel"} <= wheres, wheres
    assert ("QMenu#labMenu.title", "实验(&L)") in texts
    english = [(where, text, english_left(text)) for where, text in texts if english_left(text)]
    assert not english, "\n".join(f"{where}: {text!r} -> {words}" for where, text, words in english)


def test_view_language_keeps_the_loaded_model_and_the_new_window_chats_with_it(qtbot, inkling_home, compiled):  # noqa: F811
    app = QApplication.instance()
    language = Language(app, compiled)
    language.apply(ENGLISH)
    store = open_store(database_path())
    loads = []

    def engine(path, config):
        loads.append(path)
        return FakeEngine(path, config)

    relauncher = Relauncher(app, language, window_builder(store, engine))
    first = relauncher.start()
    try:
        first.show()
        qtbot.waitUntil(lambda: first.models.info is not None, timeout=60000)
        send(qtbot, first, "Hello")
        stopped = []  # a Lab run of the first window's, still going when the language changes: it is stopped
        first.engine.run_job(lambda engine, cancel, report: stopped.append(cancel.wait(60)))
        first.findChild(QAction, "language_zh_CN").trigger()
        qtbot.waitUntil(lambda: bool(stopped), timeout=90000)
        assert stopped == [True]
        second = relauncher.window
        assert second.models.info is not None and "聊天" in second.models.label.text()  # at once, no "Loading…"
        assert not second.models.progress.isVisible()
        send(qtbot, second, "你好")  # the kept engine writes the new window's reply
        second.findChild(QAction, "language_en").trigger()
        third = relauncher.window
        send(qtbot, third, "Hello again")
        assert third.models.label.text().endswith("· chat")
        assert loads == ["fake.gguf"]  # loaded once, for the first window
        assert [m.role for m in store.thread(third.conversation_id)] == ["user", "assistant"] * 3
    finally:
        qtbot.wait(50)
        relauncher.window.close()
        relauncher.window.deleteLater()
        qtbot.wait(50)
        language.apply(ENGLISH)
        store.close()
