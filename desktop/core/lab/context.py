"""Which turn the lab works on: the conversation's newest message of yours, with everything before it."""

from desktop.core.conversation.edits import history_before
from desktop.core.conversation.turns import HISTORY_LIMIT
from desktop.core.errors import InklingError
from desktop.core.prompt.build import ChatMessage
from desktop.core.store import Store
from desktop.core.words import translate


class NoTurnError(InklingError):
    """The lab needs a message of yours to work on."""


def latest_turn(store: Store, conversation_id: int | None) -> tuple[str, list[ChatMessage], int]:
    """(system prompt, history ending with the user's message, that message's id) for the newest user message."""
    if conversation_id is None or store.get_conversation(conversation_id) is None:
        raise NoTurnError(translate("core", "Open a conversation and write a message first."))
    thread = store.thread(conversation_id, HISTORY_LIMIT)
    user = next((m for m in reversed(thread) if m.role == "user"), None)
    if user is None:
        raise NoTurnError(translate("core", "This conversation has no message of yours yet: write one first."))
    history = [*history_before(store, user), ChatMessage("user", user.content)]
    return store.get_conversation(conversation_id).system_prompt, history, user.id
