"""History + system prompt -> prompt tokens within the context budget, dropping the oldest turns first."""

from dataclasses import dataclass
from typing import Protocol

from desktop.core.engine.types import PromptTooLongError


class PromptFormat(Protocol):
    """What prompt building needs from an engine: its template and tokenizer."""

    def render(self, messages: list[dict[str, str]]) -> str: ...
    def tokenize(self, text: str) -> list[int]: ...


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class BuiltPrompt:
    text: str
    tokens: list[int]
    dropped_messages: int  # oldest history messages left out to fit


def reply_reserve(max_tokens: int, n_ctx: int) -> int:
    """Room kept for the reply: what the user allows, but never more than half the window."""
    return min(max_tokens, n_ctx // 2)


def build_prompt(fmt: PromptFormat, system_prompt: str, history: list[ChatMessage], budget: int) -> BuiltPrompt:
    """Render system + history (ending with the newest user message) in at most `budget` tokens.

    Whole turns are dropped oldest-first; the system prompt and the newest message are always kept.
    """
    if not history or history[-1].role != "user":
        raise ValueError("history must end with the user's new message")
    start = 0
    while True:
        kept = history[start:]
        messages = ([{"role": "system", "content": system_prompt}] if system_prompt else [])
        messages += [{"role": m.role, "content": m.content} for m in kept]
        text = fmt.render(messages)
        tokens = fmt.tokenize(text)
        if len(tokens) <= budget:
            return BuiltPrompt(text, tokens, start)
        if len(kept) == 1:
            raise PromptTooLongError(
                f"The message and system prompt need {len(tokens)} tokens, but only {budget} fit "
                "in the context window with room for the reply. Shorten them or lower 'max new tokens'."
            )
        start = _next_turn_start(history, start)


def _next_turn_start(history: list[ChatMessage], start: int) -> int:
    """Skip one whole turn: the user message at `start` and the replies after it."""
    position = start + 1
    while position < len(history) - 1 and history[position].role != "user":
        position += 1
    return position
