"""The notebook of a base model: the real Gemma continues a typed document inline; heat, panel, branches, drafts."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QMenu

from desktop.core.conversation.notebook import NOTEBOOK, page
from desktop.core.conversation.transfer import export_text
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.prompt.record import PromptRecord
from desktop.core.store.search import search_messages
from desktop.ui.notebook import token_spans
from tests.fakes import FakeEngine

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")
DOCUMENT = "The capital of France is"


class BaseFake(FakeEngine):
    """A scripted base model: no chat template, so the window gives it a notebook."""

    def __init__(self, path, config=None, **kwargs):
        super().__init__(path, **({"config": config} if config else {}), **kwargs)
        self.info = type(self.info)(*[*vars(self.info).values()][:5], None)

    def render(self, messages):
        self.rendered.append(messages)
        return "".join(m["content"] for m in messages)


def continue_with_tab(qtbot, window, timeout=120000):
    with qtbot.waitSignal(window.replyFinished, timeout=timeout):
        qtbot.keyClick(window.notebook.editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=timeout)


def type_document(qtbot, window, text: str) -> None:
    editor = window.notebook.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, text)


@pytest.mark.slow
def test_gemma_continues_the_document_inline(qtbot, make_window, gemma_path):
    window = make_window(LlamaEngine, gemma_path)
    window.resize(1100, 700)
    window.show()
    assert window.models.info.mode == "completion"
    conversation = window.store.get_conversation(window.conversation_id)
    assert conversation.kind == NOTEBOOK and conversation.system_prompt == ""
    assert not window.notebook.isHidden() and window.composer.isHidden()  # no "You" bubbles, no chat box
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(6)
    type_document(qtbot, window, DOCUMENT)
    continue_with_tab(qtbot, window)

    thread = window.store.thread(window.conversation_id)
    shown = page(thread)
    assert shown.document == DOCUMENT and shown.continuation.content
    assert window.notebook.text() == DOCUMENT + shown.continuation.content  # one document, continued inline
    record = PromptRecord.decode(window.store.load_prompt_record(shown.continuation.id))
    assert record.text.endswith(DOCUMENT) and "helpful assistant" not in record.text  # the document alone
    assert window.windowTitle() == f"{DOCUMENT} — Inkling"

    window.inspector.heatmap_action.setChecked(True)
    table = window.notebook.table
    assert len(window.notebook.editor.extraSelections()) == sum(1 for a, b in token_spans(
        table.token_texts(), shown.continuation.content) if b > a)
    # a click on the first continued word selects its token in the Probabilities panel
    editor = window.notebook.editor
    cursor = QTextCursor(editor.document())
    cursor.setPosition(len(DOCUMENT) + 2)
    with qtbot.waitSignal(window.notebook.tokenSelected, timeout=5000) as selected:
        qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.cursorRect(cursor).center())
    assert selected.args == [shown.continuation.id, window.notebook.token_at(len(DOCUMENT) + 2)]
    panel = window.inspector.panel
    assert panel.heading.text().startswith(f"Token {selected.args[1] + 1} of {len(table)}")

    # continue from an alternative: a second continuation of the same document, with branch arrows
    alternative = next(a for a in panel.view.alternatives if not a.chosen and not a.eog)
    with qtbot.waitSignal(window.replyFinished, timeout=120000):
        window.continue_from(shown.continuation.id, 0, alternative.id)
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=120000)
    branch = page(window.store.thread(window.conversation_id))
    assert branch.document == DOCUMENT and branch.continuation.id != shown.continuation.id
    assert window.notebook.text() == DOCUMENT + branch.continuation.content
    assert window.notebook.findChild(QLabel, "branchPosition").text() == "2/2"

    # stored as a conversation: search and export find the notebook's text
    assert any(hit.conversation_id == window.conversation_id for hit in search_messages(window.store, "capital France"))
    assert DOCUMENT in export_text(window.store, window.conversation_id, "md")


def test_edits_are_kept_as_a_draft_and_come_back(qtbot, make_window):
    window = make_window(BaseFake)
    assert not window.notebook.isHidden()
    type_document(qtbot, window, "Once upon a time")
    continue_with_tab(qtbot, window, 20000)
    continued = window.notebook.text()
    assert continued == "Once upon a timeThe capital of France is **Paris**."
    engine = FakeEngine.instances[-1]
    assert engine.rendered[-1] == [{"role": "user", "content": "Once upon a time"}]  # no system prompt
    type_document(qtbot, window, " The end.")
    assert window.notebook.editor.extraSelections() == []  # edited: the colours no longer line up
    qtbot.waitUntil(lambda: window.store.thread(window.conversation_id)[-1].role == "user", timeout=5000)
    assert window.store.thread(window.conversation_id)[-1].content == continued + " The end."
    window.close()
    again = make_window(BaseFake)
    assert again.notebook.text() == continued + " The end."
    continue_with_tab(qtbot, again, 20000)
    thread = again.store.thread(again.conversation_id)
    assert [m.role for m in thread] == ["user", "assistant", "user", "assistant"]  # the draft was continued


def test_an_empty_document_is_not_sent(qtbot, make_window):
    window = make_window(BaseFake)
    qtbot.keyClick(window.notebook.editor, Qt.Key.Key_Tab)
    assert window.replies.active is None
    assert "Write the start" in window.statusBar().currentMessage()


def test_the_bundled_base_model_opens_a_notebook_from_the_menu(qtbot, make_window):
    def factory(path, config=None):  # the chat model scripted; the bundled Gemma's path gives a base model
        return BaseFake(path) if "gemma" in Path(path).name else FakeEngine(path)

    window = make_window(factory)
    send_box = window.composer
    window.composer.setPlainText("Hello")
    window.send("Hello")
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=10000)
    chat = window.conversation_id
    assert window.notebook.isHidden() and not send_box.isHidden()
    gemma = next(a for a in window.findChild(QMenu, "bundledModels").actions() if "Gemma" in a.text())
    gemma.trigger()
    qtbot.waitUntil(lambda: window.models.info.mode == "completion", timeout=10000)
    assert window.conversation_id != chat  # the chat is kept; a notebook opens beside it
    assert window.store.get_conversation(window.conversation_id).kind == NOTEBOOK
    assert not window.notebook.isHidden() and send_box.isHidden()
    assert window.new_button.text() == "New notebook"
    window.open_conversation(chat)  # a chat stays a chat
    assert window.notebook.isHidden() and not send_box.isHidden()


def test_a_token_position_maps_to_its_token():
    assert token_spans([" Paris", ".", "<0xE2>", "<0x9C>", "<0x93>", "!"], " Paris.✓!") == [
        (0, 6), (6, 7), (7, 7), (7, 7), (7, 8), (8, 9)]


def test_a_clicked_continued_word_is_marked_and_inspected(qtbot, make_window):
    window = make_window(BaseFake)
    window.resize(900, 600)
    window.show()
    type_document(qtbot, window, "Once upon a time")
    continue_with_tab(qtbot, window, 20000)
    window.inspector.heatmap_action.setChecked(True)
    editor = window.notebook.editor
    cursor = QTextCursor(editor.document())
    cursor.setPosition(len("Once upon a time") + 5)  # inside " capital", the second continued token
    with qtbot.waitSignal(window.notebook.tokenSelected, timeout=5000) as selected:
        qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.cursorRect(cursor).center())
    assert selected.args[1] == 1
    marked = [s for s in editor.extraSelections() if s.format.fontUnderline()]
    assert len(marked) == 1 and marked[0].cursor.selectedText() == " capital"
    assert window.inspector.panel.heading.text().startswith("Token 2 of 7")


def test_the_continuation_is_coloured_while_it_is_written(qtbot, make_window):
    window = make_window(lambda path, config=None: BaseFake(path, delay=0.3))
    window.inspector.heatmap_action.setChecked(True)
    type_document(qtbot, window, "Once upon a time")
    with qtbot.waitSignal(window.replyFinished, timeout=20000):
        qtbot.keyClick(window.notebook.editor, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: len(window.notebook.editor.extraSelections()) >= 2, timeout=10000)
        assert window.replies.active is not None  # still writing
    assert len(window.notebook.editor.extraSelections()) == 7


def test_a_notebook_continued_by_a_chat_model_says_what_happens(qtbot, make_window):
    window = make_window()  # the scripted chat model
    notebook = window.store.create_conversation("Story", kind=NOTEBOOK)
    window.open_conversation(notebook.id)
    assert not window.notebook.isHidden()
    type_document(qtbot, window, "Once upon a time")
    continue_with_tab(qtbot, window, 20000)
    assert "a base model continues it" in window.statusBar().currentMessage()
    assert window.notebook.text().startswith("Once upon a time")


def test_back_to_the_notebook_being_written_its_model_is_not_loaded_again(qtbot, make_window, tmp_path):
    import threading

    base, chat_model = tmp_path / "base.gguf", tmp_path / "chat.gguf"
    for path in (base, chat_model):
        path.write_bytes(b"GGUF")  # the scripted engines read nothing; the conversation's file must exist
    writing, release, loads = threading.Event(), threading.Event(), []

    class HeldBase(BaseFake):
        """Gemma in the notebook: writes once the test has switched conversations."""

        def stream(self, *args, **kwargs):
            writing.set()
            release.wait(30)
            yield from super().stream(*args, **kwargs)

    def factory(path, config=None):
        loads.append(Path(path).name)
        return HeldBase(path, config) if Path(path) == base else FakeEngine(path, config)

    window = make_window(factory, base)
    notebook = window.conversation_id
    engine = FakeEngine.instances[-1]
    chat = window.store.create_conversation("A chat")
    window.store.set_conversation_engine(chat.id, {"path": str(chat_model)})
    type_document(qtbot, window, DOCUMENT)
    with qtbot.waitSignal(window.replyFinished, timeout=20000):
        qtbot.keyClick(window.notebook.editor, Qt.Key.Key_Tab)
        qtbot.waitUntil(writing.is_set, timeout=10000)
        window.open_conversation(chat.id)  # its model is asked for: queued behind the text being written
        assert window.models.label.text() == "Loading chat…"
        window.open_conversation(notebook)  # back while the notebook's model still writes
        # (before: "Loading base…" while base wrote, then base read from disk again, its cache lost)
        assert not window.models.loading and window.models.progress.isHidden()
        assert window.models.label.text() == "base · text completion (no chat template)"
        release.set()
    held = []
    window.engine.run_job(lambda engine, cancel, report: held.append(engine))  # behind any load still queued
    qtbot.waitUntil(lambda: bool(held), timeout=10000)
    assert held == [engine] and not engine.closed and loads == ["base.gguf"]
    assert window.models.info.path == base and not window.models.loading
    assert window.store.conversation_engine(notebook) == {"path": str(base)}
    assert window.store.conversation_engine(chat.id) == {"path": str(chat_model)}
    window.open_conversation(chat.id)  # the chat's model, asked for again, loads as usual
    qtbot.waitUntil(lambda: window.models.info.path == chat_model, timeout=10000)
    assert loads == ["base.gguf", "chat.gguf"] and window.models.label.text() == "chat · chat"
