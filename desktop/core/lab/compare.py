"""Compare: one turn under 2-4 setups, column by column, and where their answers part."""

import dataclasses
import math
import threading
from dataclasses import dataclass, field

from desktop.core.errors import InklingError
from desktop.core.lab.keep import token_json
from desktop.core.lab.sample import draw_reply, start_fresh
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve

MAX_SETUPS = 4
SAMPLER_KEYS = {"temperature": float, "top_p": float, "top_k": int, "min_p": float, "repeat_penalty": float,
                "seed": int, "max_tokens": int}


class SetupError(InklingError, ValueError):
    """A setup written on the command line cannot be read."""


@dataclass(frozen=True)
class Setup:
    """What one column changes: samplers and seed, the system prompt, few-shot examples (input, output pairs)."""

    overrides: dict = field(default_factory=dict)
    system_prompt: str | None = None  # None: the conversation's own
    examples: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Setup":
        """`temperature=1.2,seed=7` or `system=You are terse.` (system takes the rest of the text)."""
        overrides, system = {}, None
        rest = text.strip()
        while rest:
            if rest.startswith("system="):
                system, rest = rest[len("system="):], ""
                break
            item, _, rest = rest.partition(",")
            key, sep, value = item.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in SAMPLER_KEYS:
                raise SetupError(f"unknown setting {item.strip()!r} (use {', '.join(SAMPLER_KEYS)} or system=…)")
            try:
                overrides[key] = SAMPLER_KEYS[key](value.strip())
            except ValueError:
                raise SetupError(f"{key} needs a number, not {value.strip()!r}") from None
        return cls(overrides, system)

    def settings(self, base: SamplerSettings) -> SamplerSettings:
        try:
            return SamplerSettings.from_dict({**base.to_dict(), **self.overrides}).validated()
        except ValueError as error:
            raise SetupError(str(error)) from error

    def label(self) -> str:
        parts = [f"{k}={v}" for k, v in self.overrides.items()]
        if self.system_prompt is not None:
            parts.append(f"system: {self.system_prompt[:30]}")
        if self.examples:
            parts.append(f"{len(self.examples)} examples")
        return ", ".join(parts) or "as the conversation"

    def to_json(self) -> dict:
        return {"overrides": self.overrides, "system_prompt": self.system_prompt, "examples": [list(e) for e in self.examples]}


@dataclass(frozen=True)
class Column:
    setup: Setup
    settings: SamplerSettings
    prompt_tokens: tuple[int, ...]
    text: str
    tokens: tuple  # TokenRecord per drawn token
    finish_reason: str
    ttft_ms: float

    @property
    def mean_logprob(self) -> float:
        return sum(r.logprob for r in self.tokens) / len(self.tokens) if self.tokens else float("nan")

    @property
    def perplexity(self) -> float:
        return math.exp(-self.mean_logprob) if self.tokens else float("nan")

    def to_json(self) -> dict:
        return {
            "setup": self.setup.to_json(), "label": self.setup.label(), "settings": self.settings.to_dict(),
            "text": self.text, "finish_reason": self.finish_reason, "ttft_ms": self.ttft_ms,
            "mean_logprob": _finite(self.mean_logprob), "perplexity": _finite(self.perplexity),
            "prompt_tokens": list(self.prompt_tokens), "tokens": [token_json(record) for record in self.tokens],
        }


def first_divergence(columns: list[Column]) -> int | None:
    """The first position whose token ids differ between any two columns (None: they never part)."""
    lengths = [len(c.tokens) for c in columns]
    for position in range(max(lengths, default=0)):
        ids = {c.tokens[position].id if position < len(c.tokens) else None for c in columns}
        if len(ids) > 1:
            return position
    return None


def run_compare(engine, system_prompt: str, history: list[ChatMessage], base: SamplerSettings, setups: list[Setup],
                top_logprobs: int = 10, cancel: threading.Event | None = None, on_column=None) -> list[Column]:
    """Generate the turn (history ends with the user's message) once per setup, one column after another.

    A setup without a seed gets the first one's seed or 0, so that "the same setup twice" is the same reply.
    """
    if not 2 <= len(setups) <= MAX_SETUPS:
        raise SetupError(f"compare needs 2 to {MAX_SETUPS} setups")
    cancel = cancel or threading.Event()
    columns = []
    for setup in setups:
        if cancel.is_set():
            break
        settings = setup.settings(base)
        if settings.seed is None:
            settings = dataclasses.replace(settings, seed=0)
        turns = [m for q, a in setup.examples for m in (ChatMessage("user", q), ChatMessage("assistant", a))]
        system = system_prompt if setup.system_prompt is None else setup.system_prompt
        budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
        built = build_prompt(engine, system, turns + list(history), budget)
        start_fresh(engine)  # each column as if alone: the same setup gives the same numbers in any column
        text, records, finished = draw_reply(engine, built.tokens, settings, top_logprobs, cancel)
        column = Column(setup, settings, tuple(built.tokens), text, records, finished.finish_reason,
                        finished.stats.ttft_ms)
        columns.append(column)
        if on_column is not None:
            on_column(len(columns) - 1, column)
    return columns


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value  # a column stopped before its first token has no mean
