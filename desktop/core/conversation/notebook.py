"""Notebooks: one document a base model continues in place, kept as (document, continuation) message pairs.

A continuation is an assistant message under a user message holding the whole document as it was
when the model was asked to go on, so its trace, prompt and branches work as a chat reply's do.
A document edited after that is a user message with no reply below it yet (a draft).
"""

from dataclasses import dataclass

from desktop.core.errors import InklingError
from desktop.core.conversation.turns import TITLE_LENGTH, ReplyRequest
from desktop.core.prompt.build import ChatMessage
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Message, Store
from desktop.core.text import one_line
from desktop.core.words import translate

NOTEBOOK = "notebook"
NEW_NOTEBOOK = "New notebook"


class EmptyDocumentError(InklingError, ValueError):
    """There is nothing to continue."""


@dataclass(frozen=True)
class Page:
    """What a notebook shows: the document, and the continuation after it while it is unedited."""

    document: str
    continuation: Message | None = None

    @property
    def text(self) -> str:
        return self.document + (self.continuation.content if self.continuation else "")


def page(thread: list[Message]) -> Page:
    """The notebook's page from the branch shown (its last one or two messages)."""
    if not thread:
        return Page("")
    leaf = thread[-1]
    if leaf.role == "assistant":
        return Page(thread[-2].content if len(thread) > 1 else "", leaf)
    return Page(leaf.content)


def save_draft(store: Store, conversation_id: int, text: str) -> Message | None:
    """Keep the document as the user left it; returns the draft message (None when nothing changed)."""
    thread = store.thread(conversation_id, 2)
    current = page(thread)
    if text == current.text:
        return None
    if thread and current.continuation is None:
        store.update_message(thread[-1].id, content=text)
        draft = store.get_message(thread[-1].id)
    else:
        draft = store.add_message(conversation_id, "user", text, parent_id=thread[-1].id if thread else None)
    _name(store, conversation_id, text)
    return draft


def turn_into_notebook(store: Store, conversation_id: int) -> None:
    """An empty chat becomes a notebook, with no chat system prompt unless the user writes one."""
    store.set_kind(conversation_id, NOTEBOOK)
    store.set_system_prompt(conversation_id, "")
    store.rename_conversation(conversation_id, NEW_NOTEBOOK)


def start_continuation(
    store: Store, conversation_id: int, text: str, settings: SamplerSettings, model_name: str,
    *, request_id: int = 0, top_logprobs: int = 10,
) -> ReplyRequest:
    """Save the document and an empty `streaming` continuation under it; the prompt is the document alone
    (after the conversation's preamble, if the user wrote one), never a chat system prompt."""
    if not text.strip():
        raise EmptyDocumentError(translate("core", "Write the start of a document first: the model continues it."))
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise KeyError(f"no conversation {conversation_id}")
    thread = store.thread(conversation_id, 2)
    if thread and thread[-1].role == "user":
        if thread[-1].content != text:
            store.update_message(thread[-1].id, content=text)
        document = thread[-1]
    else:
        document = store.add_message(conversation_id, "user", text, parent_id=thread[-1].id if thread else None)
    reply = store.add_message(
        conversation_id, "assistant", "", parent_id=document.id, status="streaming",
        model=model_name, sampler=settings.to_dict(),
    )
    _name(store, conversation_id, text)
    return ReplyRequest(
        request_id, conversation_id, reply.id, conversation.system_prompt, (ChatMessage("user", text),),
        settings, top_logprobs,
    )


def _name(store: Store, conversation_id: int, text: str) -> None:
    conversation = store.get_conversation(conversation_id)
    if conversation is not None and conversation.title == NEW_NOTEBOOK and text.strip():
        store.rename_conversation(conversation_id, one_line(text, TITLE_LENGTH))
