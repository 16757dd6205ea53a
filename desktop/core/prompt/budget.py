"""The context budget before sending: how the window splits between prompt parts and the reply, and what will be left out."""

from dataclasses import dataclass

from desktop.core.engine.types import ASSUMED, PromptTooLongError
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve
from desktop.core.prompt.record import PromptRecord, record_prompt
from desktop.core.text import one_line

PREVIEW_CHARS = 40


@dataclass(frozen=True)
class BudgetRequest:
    """What the meter needs measured; plain data, safe to pass to the worker thread."""

    request_id: int
    system_prompt: str
    history: tuple[ChatMessage, ...]  # the branch shown, without the message being typed
    typed: str
    max_tokens: int
    notes_tokens: int = 0  # expected size of the notes (they are retrieved only when sending)


@dataclass(frozen=True)
class BudgetSplit:
    n_ctx: int
    reserve: int  # the least room kept for the reply
    system: int
    notes: int
    history: int
    message: int
    dropped_messages: int  # oldest messages that will be left out
    dropped_turns: tuple[str, ...]  # the start of each user message left out, oldest first
    too_long: str = ""  # set when even the newest message and the system prompt do not fit
    framing: int = 0  # the chat template's tokens around the message being typed and the reply's header
    estimated: bool = False  # counted at about 4 bytes a token: a server without a tokenizer endpoint
    context_assumed: bool = False  # n_ctx is a guess: the server names no context (until it refuses a longer prompt)

    @property
    def used(self) -> int:
        return self.system + self.notes + self.history + self.message + self.framing

    @property
    def reply_room(self) -> int:
        return max(self.n_ctx - self.used, 0)


def measure_budget(fmt, n_ctx: int, request: BudgetRequest) -> BudgetSplit:
    """Build the prompt exactly as sending would (same trimming), then count each part's tokens.

    Notes give way to history when space runs out (see build_prompt), so their expected size is
    only what is left of the budget; they never change which turns are dropped.
    """
    reserve = reply_reserve(request.max_tokens, n_ctx)
    budget = n_ctx - reserve
    history = [*request.history, ChatMessage("user", request.typed)]
    assumed = getattr(getattr(fmt, "info", None), "n_ctx_source", None) == ASSUMED  # a server that names no context
    try:
        built = build_prompt(fmt, request.system_prompt, history, budget)
    except PromptTooLongError as error:
        return BudgetSplit(n_ctx, reserve, 0, 0, 0, 0, len(history) - 1, _turns(history[:-1]), error.args[0],  # Words
                           context_assumed=assumed)
    record = record_prompt(fmt, built, request.typed, n_ctx, reserve)
    counts = record.counts()
    typed = typed_tokens(record, request.typed)
    notes = max(0, min(request.notes_tokens, budget - len(built.tokens)))
    dropped = history[:built.dropped_messages]
    return BudgetSplit(
        n_ctx, reserve, counts["system"], notes, counts["history"], typed,
        built.dropped_messages, _turns(dropped), framing=counts["message"] - typed,
        estimated=not getattr(fmt, "counts_exactly", True),  # ChatServerEngine without /tokenize
        context_assumed=assumed,
    )


def typed_tokens(record: PromptRecord, typed: str) -> int:
    """Tokens of the message part that hold the typed text; the rest of that part is the template's framing."""
    at = record.text.rfind(typed) if typed else -1
    if at < 0:
        return 0
    end = at + len(typed)
    starts = (0, *record.token_ends[:-1])
    return sum(
        1 for part, first, last in record.parts if part == "message"
        for index in range(first, last) if starts[index] < end and record.token_ends[index] > at
    )


def _turns(messages: list[ChatMessage]) -> tuple[str, ...]:
    return tuple(one_line(m.content, PREVIEW_CHARS) for m in messages if m.role == "user")

