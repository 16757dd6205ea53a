"""History + system prompt + note sources -> prompt tokens within the context budget (sources trimmed first)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop.core.engine.types import PromptTooLongError


class PromptFormat(Protocol):
    """What prompt building needs from an engine: its template and tokenizer."""

    def render(self, messages: list[dict[str, str]]) -> str: ...
    def tokenize(self, text: str) -> list[int]: ...


class PromptSource(Protocol):
    """A retrieved notes chunk, as the prompt needs it (desktop.core.notes.Source is one)."""

    title: str
    text: str


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class BuiltPrompt:
    text: str
    tokens: list[int]
    dropped_messages: int  # oldest history messages left out to fit
    sources_used: int = 0  # how many of the sources (best first) fitted; they are numbered [1]..[n]


def reply_reserve(max_tokens: int, n_ctx: int) -> int:
    """Room kept for the reply: what the user allows, but never more than half the window."""
    return min(max_tokens, n_ctx // 2)


def with_sources(question: str, sources: Sequence[PromptSource]) -> str:
    """The user's message preceded by the numbered notes and the instruction to cite them."""
    if not sources:
        return question
    notes = "\n\n".join(f"[{n}] {source.title}\n{source.text.strip()}" for n, source in enumerate(sources, start=1))
    return (
        "Use these notes if they help answer, and cite each note you use as [n] (for example [1]).\n\n"
        f"{notes}\n\nQuestion: {question}"
    )


def build_prompt(fmt: PromptFormat, system_prompt: str, history: list[ChatMessage], budget: int,
                 sources: Sequence[PromptSource] = ()) -> BuiltPrompt:
    """Render system + history (ending with the newest user message) in at most `budget` tokens.

    Sources go into the newest message (the history before it stays a stable prefix for the KV cache).
    When space runs out the lowest-ranked sources go first, then whole turns oldest-first; the system
    prompt and the newest message are always kept.
    """
    if not history or history[-1].role != "user":
        raise ValueError("history must end with the user's new message")
    start, n_sources = 0, len(sources)
    while True:
        kept = history[start:]
        messages = ([{"role": "system", "content": system_prompt}] if system_prompt else [])
        messages += [{"role": m.role, "content": m.content} for m in kept[:-1]]
        messages.append({"role": "user", "content": with_sources(kept[-1].content, sources[:n_sources])})
        text = fmt.render(messages)
        tokens = fmt.tokenize(text)
        if len(tokens) <= budget:
            return BuiltPrompt(text, tokens, start, n_sources)
        if n_sources:
            n_sources -= 1
            continue
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
