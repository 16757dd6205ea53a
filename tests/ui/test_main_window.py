"""The main window: sending, streaming, stopping, panels, conversations, restarts (pytest-qt, offscreen)."""

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QInputMethodEvent, QTextDocument
from PySide6.QtWidgets import QDoubleSpinBox, QPlainTextEdit, QPushButton

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.probability.sampling import SamplerSettings
from desktop.ui.inert import PLACEHOLDER_SIZE
from tests.fakes import FakeEngine, slow_fake
from tests.ui.conftest import send


def test_real_model_answers_in_the_window(qtbot, make_window, smollm2_path):
    window = make_window(LlamaEngine, smollm2_path)
    assert window.models.info.mode == "chat"
    window.findChild(QDoubleSpinBox, "temperature").setValue(0.0)
    window.sampling.max_tokens.setValue(24)
    # "capital city": with exact probabilities (flash attention off) the plainer question starts "La femme de France"
    send(qtbot, window, "What is the capital city of France?")
    user_view, reply_view = window.chat.views()
    assert user_view.text() == "What is the capital city of France?"
    assert "Paris" in reply_view.text()
    message = window.store.get_message(reply_view.message_id)
    assert message.status == "complete" and "Paris" in message.content
    assert message.stats["completion_tokens"] > 0
    assert len(window.store.load_trace(message.id)) == message.stats["completion_tokens"]
    assert "tok/s" in window.status_line.stats.text() and "TTFT" in window.status_line.stats.text()
    assert "/ 4096" in window.status_line.stats.text()


def test_reply_streams_then_renders_markdown(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Capital?")
    reply = window.chat.views()[-1]
    assert reply.text() == "The capital of France is Paris."  # **Paris** rendered, not shown raw
    assert not reply.badge.isVisible()
    assert window.send_button.isEnabled() and not window.stop_button.isEnabled()


def test_stop_keeps_the_partial_reply_marked_stopped(qtbot, make_window):
    window = make_window(slow_fake)
    window.composer.setPlainText("Tell me everything")
    qtbot.keyClick(window.composer, "\r")
    qtbot.waitUntil(lambda: window.replies.active is not None and window.replies.active.generated >= 5, timeout=10000)
    assert window.findChild(QPushButton, "stop").isEnabled()
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    reply = window.chat.views()[-1]
    message = window.store.get_message(reply.message_id)
    assert message.status == "cancelled" and message.finish_reason == "cancelled"
    assert message.content.startswith("The capital") and message.stats["completion_tokens"] < 100
    assert reply.badge.text() == "stopped" and not reply.badge.isHidden()


def test_temperature_and_system_prompt_are_used_and_saved(qtbot, make_window):
    window = make_window()
    window.findChild(QDoubleSpinBox, "temperature").setValue(1.3)
    editor = window.findChild(QPlainTextEdit, "systemPromptEditor")
    editor.setPlainText("You are a pirate.")
    send(qtbot, window, "Hello")
    engine = FakeEngine.instances[-1]
    assert engine.settings[-1].temperature == 1.3
    assert engine.rendered[-1][0] == {"role": "system", "content": "You are a pirate."}
    reply = window.store.get_message(window.chat.views()[-1].message_id)
    assert reply.sampler["temperature"] == 1.3
    assert window.store.get_conversation(window.conversation_id).system_prompt == "You are a pirate."


def test_a_new_window_on_the_same_folder_shows_everything(qtbot, make_window):
    first = make_window()
    send(qtbot, first, "Remember me")
    conversation_id = first.conversation_id
    first.findChild(QDoubleSpinBox, "temperature").setValue(0.4)
    first.close()
    second = make_window()
    assert second.conversation_id == conversation_id
    assert [v.text() for v in second.chat.views()] == ["Remember me", "The capital of France is Paris."]
    assert second.sidebar.item(0).text() == "Remember me"
    assert second.sampling.settings().temperature == 0.4


def test_enter_sends_but_shift_enter_and_ime_composition_do_not(qtbot, make_window):
    window = make_window()
    sent = []
    window.composer.submitted.connect(sent.append)
    window.composer.setPlainText("line one")
    window.composer.moveCursor(window.composer.textCursor().MoveOperation.End)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert sent == [] and window.composer.toPlainText() == "line one\n"
    window.composer.inputMethodEvent(QInputMethodEvent("beijing", []))
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert sent == []
    window.composer.inputMethodEvent(QInputMethodEvent("", []))
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert len(sent) == 1
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=10000)


def test_broken_model_gives_an_error_and_keeps_the_previous_one(qtbot, make_window, tmp_path):
    window = make_window()
    before = window.models.info
    window.models.load_model(tmp_path / "broken.gguf")
    qtbot.waitUntil(lambda: bool(window.errors), timeout=10000)
    title, text = window.errors[0]
    assert "not a GGUF" in text and "still loaded" in text
    assert window.models.info is before
    send(qtbot, window, "Still there?")
    assert window.chat.views()[-1].text() == "The capital of France is Paris."


def test_a_broken_start_up_file_says_why_and_the_bundled_model_opens_in_view(qtbot, make_window, tmp_path,
                                                                            smollm2_path):
    import threading

    bogus = tmp_path / "notes.gguf"
    bogus.write_text("definitely not a model")
    release = threading.Event()

    def bundled_held(path, config):  # the real llama.cpp engine; the bundled model waits until the test has looked
        if Path(path) == smollm2_path:
            release.wait(30)
        return LlamaEngine(path, config)

    window = make_window(bundled_held, bogus)  # `inkling --model notes.gguf`, or a remembered file since damaged
    [(title, text)] = window.errors  # (before: the same file was tried again, a second error, and no model at all)
    assert "not a GGUF" in text and text.endswith("Opening SmolLM2-135M-Instruct (Q4_1) instead.")
    # (before: the bar hidden and "No model: open one with File → Open model…" while the bundled model loaded)
    assert window.models.label.text() == "Loading SmolLM2-135M-Instruct (Q4_1)…" and not window.models.progress.isHidden()
    release.set()
    qtbot.waitUntil(lambda: window.models.info is not None, timeout=60000)
    assert window.models.label.text() == "SmolLM2-135M-Instruct (Q4_1) · chat" and window.models.progress.isHidden()
    assert len(window.errors) == 1


def test_errors_of_the_conversation_tools_reach_the_window_s_error_dialog(qtbot, make_window, monkeypatch):
    import desktop.ui.main_window

    dialogs = []  # the real dialog, had the tools' errors been bound to it when the window was built
    monkeypatch.setattr(desktop.ui.main_window, "message_box", lambda *args, **kwargs: dialogs.append(args))
    window = make_window()
    send(qtbot, window, "Capital?")
    window.tools.resume(window.chat.views()[-1].message_id)  # Continue on a reply that did not fail
    assert window.errors == [("Cannot continue this reply", "Only a reply that failed midway can be continued.")]
    assert dialogs == []


def test_rename_switch_and_delete_conversations(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "First chat")
    first = window.conversation_id
    window.new_conversation()
    send(qtbot, window, "Second chat")
    second = window.conversation_id
    assert [window.sidebar.item(i).text() for i in range(2)] == ["Second chat", "First chat"]

    window.sidebar.item_for(first).setText("Renamed")
    assert window.store.get_conversation(first).title == "Renamed"

    window.sidebar.setCurrentItem(window.sidebar.item_for(first))
    assert window.conversation_id == first
    assert window.chat.views()[0].text() == "First chat"

    window.delete_conversation(second)
    assert window.store.get_conversation(second) is None
    assert window.sidebar.count() == 1


def test_sampling_values_persist_and_reset(qtbot, make_window):
    window = make_window()
    window.sampling.top_k.setValue(7)
    window.sampling.random_seed.setChecked(False)
    window.sampling.seed.setValue(42)
    saved = SamplerSettings.from_dict(window.store.get_setting("sampler"))
    assert saved.top_k == 7 and saved.seed == 42
    window.findChild(QPushButton, "resetSampling").click()
    assert window.sampling.settings() == SamplerSettings()
    assert SamplerSettings.from_dict(window.store.get_setting("sampler")) == SamplerSettings()


def test_presets_fill_the_system_prompt(qtbot, make_window):
    window = make_window()
    panel = window.system_prompt
    index = panel.presets.findText("Concise")
    panel.presets.setCurrentIndex(index)
    panel.presets.activated.emit(index)
    assert panel.text().startswith("You are a helpful assistant. Answer in one or two")
    assert window.store.get_conversation(window.conversation_id).system_prompt == panel.text()


def test_an_interrupted_reply_is_shown_as_such(qtbot, make_window):
    window = make_window()
    store = window.store
    conversation = store.create_conversation("Crashed")
    user = store.add_message(conversation.id, "user", "Hi")
    store.add_message(conversation.id, "assistant", "Half a", parent_id=user.id, status="streaming")
    assert store.recover_interrupted() == 1
    window.open_conversation(conversation.id)
    badge = window.chat.views()[-1].badge
    assert badge.text().startswith("interrupted")


def test_model_output_is_inert(qtbot, make_window):
    window = make_window(lambda path, config: FakeEngine(
        path, config, script=["![x](file:///etc/passwd) <img src='http://example.com/a.png'> [site](https://example.com)"]
    ))
    send(qtbot, window, "Show me")
    body = window.chat.views()[-1].body
    html = body.document().toHtml()
    shown = body.document().resource(QTextDocument.ResourceType.ImageResource.value, QUrl("file:///etc/passwd"))
    assert isinstance(shown, QImage) and shown.width() == PLACEHOLDER_SIZE  # a grey square, not the file
    assert "<img src='http" not in html  # raw HTML from the model is shown as text, never parsed
    assert "&lt;img" in html


def test_base_model_opens_in_text_completion_mode(qtbot, make_window, gemma_path):
    window = make_window(LlamaEngine, gemma_path)
    assert window.models.info.mode == "completion"
    assert "text completion" in window.models.label.text()
    assert "no chat template" in window.system_prompt.note.text()
    assert not window.notebook.isHidden()  # a base model writes in a notebook (tests/ui/test_notebook.py)
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(8)
    window.notebook.editor.setPlainText("The capital of France is")
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        qtbot.keyClick(window.notebook.editor, Qt.Key.Key_Tab)
    reply = window.store.get_message(window.notebook.page.continuation.id)
    assert reply.status == "complete" and reply.content.strip()
    assert reply.stats["prompt_tokens"] <= 8  # the plain text, no made-up chat format around it


def test_window_is_usable_while_the_model_loads(qtbot, make_window):
    import threading

    release = threading.Event()

    def slow_loading(path, config):
        release.wait(10)
        return FakeEngine(path, config)

    window = make_window(slow_loading, wait_for_model=False)
    assert window.models.label.text().startswith("Loading") and not window.models.progress.isHidden()
    window.composer.setPlainText("Sent before the model was ready")
    qtbot.keyClick(window.composer, "\r")  # accepted now, answered once the model is in
    assert window.chat.views()[0].text() == "Sent before the model was ready"
    window.sidebar.setFocus()  # the GUI thread is free
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        release.set()
    assert window.models.progress.isHidden()
    assert window.chat.views()[-1].text() == "The capital of France is Paris."
