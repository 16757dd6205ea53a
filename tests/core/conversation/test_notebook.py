"""Notebooks in the store: the page shown, drafts kept, a continuation asked with the document alone."""

import pytest

from desktop.core.conversation.notebook import (
    NEW_NOTEBOOK, NOTEBOOK, EmptyDocumentError, page, save_draft, start_continuation, turn_into_notebook,
)
from desktop.core.paths import database_path
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store


@pytest.fixture
def store(inkling_home):
    s = open_store(database_path())
    yield s
    s.close()


def test_a_notebook_is_a_document_and_its_continuations(store):
    notebook = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
    assert page(store.thread(notebook.id)).text == ""
    with pytest.raises(EmptyDocumentError):
        start_continuation(store, notebook.id, "  ", SamplerSettings(), "Gemma")
    save_draft(store, notebook.id, "Once upon")
    save_draft(store, notebook.id, "Once upon a time")  # the same draft, edited: one message
    assert [m.content for m in store.thread(notebook.id)] == ["Once upon a time"]
    assert store.get_conversation(notebook.id).title == "Once upon"  # named by its first words

    request = start_continuation(store, notebook.id, "Once upon a time", SamplerSettings(), "Gemma")
    assert request.history[-1].content == "Once upon a time" and len(request.history) == 1
    assert request.system_prompt == ""  # no chat system prompt unless the user writes a preamble
    store.update_message(request.message_id, content=" there was", status="complete")
    shown = page(store.thread(notebook.id))
    assert shown.document == "Once upon a time" and shown.text == "Once upon a time there was"
    assert save_draft(store, notebook.id, shown.text) is None  # unchanged: nothing written

    save_draft(store, notebook.id, "Once upon a time there was a fox.")
    thread = store.thread(notebook.id)
    assert [m.role for m in thread] == ["user", "assistant", "user"]
    assert page(thread) == page(thread[-1:])  # a draft shows alone
    second = start_continuation(store, notebook.id, "Once upon a time there was a fox. It", SamplerSettings(), "Gemma")
    assert [m.role for m in store.thread(notebook.id)] == ["user", "assistant", "user", "assistant"]
    assert store.get_message(second.message_id).parent_id == thread[-1].id  # the draft was continued
    assert store.thread(notebook.id)[-2].content.endswith("fox. It")


def test_a_notebook_exports_as_its_document(store):
    from desktop.core.conversation.transfer import export_markdown

    notebook = store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
    request = start_continuation(store, notebook.id, "Once upon a time", SamplerSettings(), "Gemma")
    store.update_message(request.message_id, content=" there was a fox.", status="complete")
    text = export_markdown(store, notebook.id)
    assert text.endswith("Once upon a time there was a fox.\n")  # one document, not "You" and a reply
    assert "Once upon a time" in export_markdown(store, notebook.id, "all")  # every branch: turn by turn


def test_an_empty_chat_turns_into_a_notebook(store):
    chat = store.create_conversation("New chat", system_prompt="Be brief.")
    turn_into_notebook(store, chat.id)
    notebook = store.get_conversation(chat.id)
    assert (notebook.kind, notebook.system_prompt, notebook.title) == (NOTEBOOK, "", NEW_NOTEBOOK)
