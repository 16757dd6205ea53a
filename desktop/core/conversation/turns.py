"""One reply from start to finish: save the turn, build the prompt, stream, record into the store."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.prompt.build import BuiltPrompt, ChatMessage, build_prompt, reply_reserve
from desktop.core.prompt.record import PromptRecord, record_prompt
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Message, Store
from desktop.core.text import one_line

TITLE_LENGTH = 48
# Replies whose text belongs in the history sent to the model.
HISTORY_STATUSES = {"complete", "cancelled", "interrupted"}
# More messages than any context holds (each costs a few tokens of template framing at least): older
# ones are never read for a prompt, so a turn in a 200,000-message conversation reads 10,000.
HISTORY_LIMIT = 10_000


@dataclass(frozen=True)
class ReplyRequest:
    """Everything the worker needs to produce one reply; plain data, safe to pass between threads."""

    request_id: int
    conversation_id: int
    message_id: int
    system_prompt: str
    history: tuple[ChatMessage, ...]
    settings: SamplerSettings
    top_logprobs: int
    sources: tuple = ()  # notes chunks (desktop.core.notes.Source), best first, decided before generation


@dataclass(frozen=True)
class PromptReady:
    """Emitted before the first token: how the prompt turned out."""

    prompt_tokens: int
    dropped_messages: int
    n_ctx: int
    token_ids: tuple[int, ...] = ()  # kept with the reply, so a branch can resume from the exact prompt
    sources_used: int = 0  # the best sources that fitted in the budget; the rest were left out
    record: PromptRecord | None = None  # the prompt's text and parts, for the prompt inspector


def start_turn(
    store: Store, conversation_id: int, user_text: str, settings: SamplerSettings,
    model_name: str, *, request_id: int = 0, top_logprobs: int = 10, engine: dict | None = None,
) -> ReplyRequest:
    """Save the user message and an empty `streaming` reply before anything is generated.

    `engine` is what a remote engine says of itself (RemoteEngine.describe()), kept with the reply.
    """
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise KeyError(f"no conversation {conversation_id}")
    thread = store.thread(conversation_id, HISTORY_LIMIT)
    user = store.add_message(conversation_id, "user", user_text, parent_id=thread[-1].id if thread else None)
    reply = store.add_message(
        conversation_id, "assistant", "", parent_id=user.id, status="streaming",
        model=model_name, sampler=settings.to_dict(), engine=engine,
    )
    if not thread and conversation.title == "New chat":
        store.rename_conversation(conversation_id, one_line(user_text, TITLE_LENGTH))
    history = [ChatMessage(m.role, m.content) for m in thread if belongs_in_history(m)]
    history.append(ChatMessage("user", user_text))
    return ReplyRequest(
        request_id, conversation_id, reply.id, conversation.system_prompt, tuple(history), settings, top_logprobs,
    )


def belongs_in_history(message: Message) -> bool:
    return message.role in ("user", "assistant") and message.status in HISTORY_STATUSES and bool(message.content)


def generate_reply(engine, request: ReplyRequest, cancel: threading.Event) -> Iterator[PromptReady | TokenEvent | Finished]:
    """Worker side: build the prompt within the budget, then stream the engine's events."""
    n_ctx = engine.info.n_ctx
    reserve = reply_reserve(request.settings.max_tokens, n_ctx)
    built: BuiltPrompt = build_prompt(
        engine, request.system_prompt, list(request.history), n_ctx - reserve, request.sources,
    )
    record = record_prompt(engine, built, request.history[-1].content, n_ctx, reserve)
    ids = engine.capabilities.token_ids
    yield PromptReady(len(built.tokens), built.dropped_messages, n_ctx, tuple(built.tokens) if ids else (),
                      sources_used=built.sources_used, record=record)
    if ids:
        yield from engine.stream(built.tokens, request.settings, top_logprobs=request.top_logprobs, cancel=cancel)
    else:  # a server known by token texts takes the messages themselves (ChatServerEngine)
        yield from engine.stream_messages(list(built.messages), request.settings, top_logprobs=request.top_logprobs,
                                          cancel=cancel, prompt_tokens=len(built.tokens))
