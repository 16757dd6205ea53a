"""History + system prompt + note sources -> prompt tokens within the context budget (sources trimmed first)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop.core.engine.types import PromptTooLongError
from desktop.core.words import translate

# Old history is dropped a quarter of the prompt budget at a time, so the prefix the KV cache holds
# survives the next few turns instead of shifting (and being re-evaluated) on every one.
TRIM_STEP_DIVISOR = 4
# Text tokenized alone can merge differently inside the template, but never by half: a point whose
# history alone is over twice the budget cannot fit.
UNFIT_FACTOR = 2
LONGEST_TOKEN_BYTES = 256  # longer than any token of any vocabulary we know (SmolLM2: 32 bytes, Gemma 3: 31)


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
    messages: tuple[dict[str, str], ...] = ()  # what was rendered: system, kept history, newest with sources


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
    When space runs out the lowest-ranked sources go first, then old turns in large steps (see
    trim_points); the system prompt and the newest message are always kept.
    """
    if not history or history[-1].role != "user":
        raise ValueError("history must end with the user's new message")
    n_sources = len(sources)
    for start in trim_points(fmt, history, budget):
        kept = history[start:]
        while True:
            messages = ([{"role": "system", "content": system_prompt}] if system_prompt else [])
            messages += [{"role": m.role, "content": m.content} for m in kept[:-1]]
            messages.append({"role": "user", "content": with_sources(kept[-1].content, sources[:n_sources])})
            text = fmt.render(messages)
            tokens = fmt.tokenize(text)
            if len(tokens) <= budget:
                return BuiltPrompt(text, tokens, start, n_sources, tuple(messages))
            if not n_sources:
                break
            n_sources -= 1
    raise PromptTooLongError(translate(
        "core", "The message and system prompt need {tokens} tokens, but only {budget} fit in the context window with "
                "room for the reply. Shorten them or lower 'max new tokens'."
    ).format(tokens=len(tokens), budget=budget))


def trim_step(budget: int) -> int:
    """How much older history goes at once when it no longer fits."""
    return max(1, budget // TRIM_STEP_DIVISOR)


def _cost(fmt: PromptFormat, text: str, budget: int) -> int:
    """The text's token count, or a lower bound far over the budget for a text that cannot fit.

    No vocabulary has a token longer than LONGEST_TOKEN_BYTES, so a text with more bytes than that
    many budgets is not tokenized at all: tokenizing a 50 MB message takes a minute.
    """
    size = len(text.encode())
    if size > LONGEST_TOKEN_BYTES * UNFIT_FACTOR * budget:
        return size // LONGEST_TOKEN_BYTES
    return len(fmt.tokenize(text))


def trim_points(fmt: PromptFormat, history: list[ChatMessage], budget: int) -> list[int]:
    """Where the kept history may start, in order: 0, then turn starts each at least a trim step further.

    Each point depends only on the messages before it, so a growing conversation keeps the same
    start (and the KV cache its prefix) until the next step, which drops a trim step or more of text.
    The last point is the newest message alone. Points whose text alone is far over the budget
    cannot fit and are skipped, so a very long conversation is not rendered dozens of times.
    """
    newest = len(history) - 1
    step = trim_step(budget)
    costs = [_cost(fmt, m.content, budget) for m in history[:newest]]
    points, dropped, mark = [0], 0, step
    for index in range(1, newest):
        dropped += costs[index - 1]
        if history[index].role == "user" and dropped >= mark:
            points.append(index)
            mark = dropped + step
    if newest > 0:
        points.append(newest)
    total = sum(costs)
    first = 0
    while first < len(points) - 1 and total - sum(costs[:points[first]]) > UNFIT_FACTOR * budget:
        first += 1
    return points[first:]
