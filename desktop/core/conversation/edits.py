"""Edit a user message, regenerate a reply, delete (with undo), duplicate from here: nothing is overwritten."""

from desktop.core.conversation.turns import HISTORY_LIMIT, ReplyRequest, belongs_in_history
from desktop.core.errors import InklingError
from desktop.core.prompt.build import ChatMessage
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Conversation, Message, Store
from desktop.core.store.rows import Deleted, delete_subtree, duplicate_path, restore
from desktop.core.words import Words, translate


class EditError(InklingError):
    """The change cannot be made; the message says why in the user's terms."""


def history_before(store: Store, message: Message) -> list[ChatMessage]:
    """What the model sees before this message: its ancestors that belong in a prompt."""
    return [ChatMessage(m.role, m.content) for m in store.path(message.id, HISTORY_LIMIT + 1)[:-1] if belongs_in_history(m)]


def start_edit(
    store: Store, message_id: int, text: str, settings: SamplerSettings, model_name: str,
    *, request_id: int = 0, top_logprobs: int = 10, engine: dict | None = None,
) -> ReplyRequest:
    """A new user message beside the edited one (same parent), and an empty reply to it (`engine`: as start_turn)."""
    original = _require(store, message_id, "user", translate("core", "Only your own messages can be edited."))
    text = text.strip()
    if not text:
        raise EditError(translate("core", "The edited message is empty."))
    user = store.add_message(original.conversation_id, "user", text, parent_id=original.parent_id)
    history = [*history_before(store, user), ChatMessage("user", text)]
    return _reply_to(store, user, history, settings, model_name, request_id, top_logprobs, engine)


def start_regenerate(
    store: Store, message_id: int, settings: SamplerSettings, model_name: str,
    *, request_id: int = 0, top_logprobs: int = 10, engine: dict | None = None,
) -> ReplyRequest:
    """A new reply beside this one, to the same user message (`engine`: as start_turn)."""
    original = _require(store, message_id, "assistant", translate("core", "Only the model's replies can be regenerated."))
    if original.status == "streaming":
        raise EditError(translate("core", "Wait until the reply is finished."))
    user = store.get_message(original.parent_id) if original.parent_id is not None else None
    if user is None or user.role != "user":
        raise EditError(translate(
            "core", "This reply does not answer a message of yours, so there is nothing to regenerate it from."))
    history = [*history_before(store, user), ChatMessage("user", user.content)]
    return _reply_to(store, user, history, settings, model_name, request_id, top_logprobs, engine)


def _reply_to(store, user: Message, history, settings, model_name, request_id, top_logprobs, engine) -> ReplyRequest:
    conversation = store.get_conversation(user.conversation_id)
    reply = store.add_message(
        user.conversation_id, "assistant", "", parent_id=user.id, status="streaming",
        model=model_name, sampler=settings.to_dict(), engine=engine,
    )
    return ReplyRequest(
        request_id, user.conversation_id, reply.id, conversation.system_prompt, tuple(history), settings, top_logprobs,
    )


def delete_message(store: Store, message_id: int) -> Deleted:
    """Delete a message and the replies below it; keep the result to undo."""
    message = store.get_message(message_id)
    if message is None:
        raise EditError(translate("core", "This message no longer exists."))
    if message.status == "streaming":
        raise EditError(translate("core", "Stop the reply before deleting it."))
    return delete_subtree(store, message_id)


def undo_delete(store: Store, deleted: Deleted) -> None:
    try:
        restore(store, deleted)
    except KeyError as error:
        raise EditError(translate("core", "The conversation was deleted, so the message cannot come back.")) from error


def duplicate_from(store: Store, message_id: int) -> Conversation:
    """A new conversation with this branch up to and including the message."""
    if store.get_message(message_id) is None:
        raise EditError(translate("core", "This message no longer exists."))
    return duplicate_path(store, message_id)


def _require(store: Store, message_id: int, role: str, wrong_role: Words) -> Message:
    message = store.get_message(message_id)
    if message is None:
        raise EditError(translate("core", "This message no longer exists."))
    if message.role != role:
        raise EditError(wrong_role)
    return message
