"""The notebook controller on its own (no window): base models get a notebook, Tab asks for a continuation, drafts kept."""

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop.core.conversation.notebook import NEW_NOTEBOOK, NOTEBOOK, save_draft
from desktop.core.engine.types import ModelInfo
from desktop.core.paths import database_path
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from desktop.ui.notebook_controller import NotebookController
from desktop.ui.sampling_panel import SamplingPanel
from desktop.ui.system_prompt_panel import SystemPromptPanel

BASE = ModelInfo(Path("base.gguf"), "Base", 2048, 8192, 100, None)
CHAT = ModelInfo(Path("chat.gguf"), "Chat", 2048, 8192, 100, "template")


@pytest.fixture
def parts(qtbot, inkling_home):
    store = open_store(database_path())
    state = SimpleNamespace(conversation=None, busy=False, active=None)
    sampling, system_prompt = SamplingPanel(SamplerSettings(max_tokens=5)), SystemPromptPanel()
    qtbot.addWidget(sampling)
    qtbot.addWidget(system_prompt)
    # as the window saves an edited system prompt (MainWindow._system_prompt_edited)
    system_prompt.edited.connect(lambda text: store.set_system_prompt(state.conversation, text))
    ids = itertools.count(1)
    controller = NotebookController(store, sampling, system_prompt, lambda: state.conversation, lambda: state.busy,
                                    lambda: state.active, lambda: next(ids))
    qtbot.addWidget(controller.view)
    out = SimpleNamespace(requests=[], pages=[], converted=[], wanted=[], drafts=[], notices=[])
    controller.replyRequested.connect(out.requests.append)
    controller.pageShown.connect(lambda view, message, thread: out.pages.append((view, message, thread)))
    controller.converted.connect(out.converted.append)
    controller.notebookWanted.connect(lambda: out.wanted.append(True))
    controller.draftSaved.connect(out.drafts.append)
    controller.notify.connect(lambda text, _ms: out.notices.append(text))
    yield store, state, controller, out
    store.close()


def test_a_base_model_turns_an_empty_chat_into_a_notebook(parts):
    store, state, controller, out = parts
    chat = store.create_conversation("New chat", system_prompt="Be brief.")
    state.conversation = chat.id
    controller.on_model_loaded(CHAT, "Chat")
    assert out.converted == [] and out.wanted == []  # a chat model: nothing changes
    controller.on_model_loaded(BASE, "Base", opening=True)
    assert out.converted == [] and out.wanted == []  # a window built again: the conversation was already its own
    controller.on_model_loaded(BASE, "Base")
    assert out.converted == [chat.id] and out.wanted == []
    converted = store.get_conversation(chat.id)
    assert (converted.kind, converted.system_prompt, converted.title) == (NOTEBOOK, "", NEW_NOTEBOOK)
    controller.on_model_loaded(BASE, "Base")  # already a notebook
    assert out.converted == [chat.id] and out.wanted == []


def test_a_base_model_loaded_beside_a_chat_with_messages_wants_a_new_notebook(parts):
    store, state, controller, out = parts
    chat = store.create_conversation("Talk")
    store.add_message(chat.id, "user", "Hello")
    state.conversation = chat.id
    controller.on_model_loaded(BASE, "Base")
    assert out.wanted == [True] and out.converted == [] and store.get_conversation(chat.id).kind != NOTEBOOK
    empty = store.create_conversation("Empty")
    state.conversation, state.busy = empty.id, True  # a reply elsewhere is being written: the chat is not changed
    controller.on_model_loaded(BASE, "Base")
    assert out.wanted == [True, True] and store.get_conversation(empty.id).kind != NOTEBOOK


def test_tab_asks_for_a_continuation_of_the_saved_document(parts):
    store, state, controller, out = parts
    notebook = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
    state.conversation = notebook.id
    controller.on_model_loaded(BASE, "Base")
    controller.continue_document("   ")
    assert out.requests == [] and out.notices == ["Write the start of a document first: the model continues it."]
    controller.system_prompt.editor.setPlainText("A preamble.")  # typed, not yet saved: saved before asking
    controller.continue_document("Once upon a time")
    request = out.requests[0]
    assert request.system_prompt == "A preamble." and request.history[-1].content == "Once upon a time"
    reply = store.get_message(request.message_id)
    assert reply.status == "streaming" and reply.model == "Base" and reply.sampler["max_tokens"] == 5
    state.busy = True
    controller.continue_document("Once upon a time there")
    assert len(out.requests) == 1 and out.notices[-1] == "Wait for the text being written to finish (or stop it) first."


def test_a_chat_model_in_a_notebook_is_explained(parts):
    store, state, controller, out = parts
    state.conversation = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK).id
    controller.on_model_loaded(CHAT, "Chat")
    controller.continue_document("Dear diary")
    assert len(out.requests) == 1 and out.notices[-1].startswith("A chat model answers the document as a message")


def show_while_written(parts, stored: str, written: str):
    """A notebook "The sea" whose continuation is being written: `stored` as last flushed, `written` so far."""
    store, state, controller, out = parts
    notebook = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
    state.conversation = notebook.id
    document = store.add_message(notebook.id, "user", "The sea")
    reply = store.add_message(notebook.id, "assistant", stored, parent_id=document.id, status="streaming")
    state.active = SimpleNamespace(message_id=reply.id, text=written)
    controller.show(notebook.id)
    return document, reply, out.pages[-1]


def test_the_page_shown_is_the_branch_and_the_reply_being_written(parts):
    document, reply, (view, message, thread) = show_while_written(parts, "", " is blue")  # none flushed yet
    controller = parts[2]
    assert message.id == reply.id and [m.id for m in thread] == [document.id, reply.id]
    assert view is controller.view.view_for(reply.id) and view.content == " is blue"
    assert controller.view.text() == "The sea is blue"


def test_a_notebook_shown_again_mid_reply_shows_its_text_once(parts):
    """Switching back to a notebook while it is written: the store holds the reply as flushed up to a second ago."""
    _, _, (view, _, _) = show_while_written(parts, " is", " is blue")
    assert parts[2].view.text() == "The sea is blue"  # before: "The sea is is blue" until the reply ended
    view.append_text(" and")  # the next piece streamed lands after the whole text
    assert view.content == " is blue and"


def test_an_edited_document_is_kept_as_a_draft(parts):
    store, state, controller, out = parts
    notebook = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
    state.conversation = notebook.id
    controller.view.draftChanged.emit("First words")
    assert out.drafts == [notebook.id] and store.thread(notebook.id)[-1].content == "First words"
    controller.view.draftChanged.emit("First words")  # unchanged: nothing written, nothing to redraw
    assert out.drafts == [notebook.id]
    state.busy = True  # the document is the reply's while it is written
    controller.view.draftChanged.emit("Other words")
    assert out.drafts == [notebook.id] and save_draft(store, notebook.id, "First words") is None
