"""Compare: one turn under 2-4 setups, column by column, and where their answers part."""

import dataclasses
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.errors import InklingError
from desktop.core.lab.keep import token_json
from desktop.core.lab.sample import draw_reply, start_fresh
from desktop.core.probability.summary import perplexity
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve
from desktop.core.words import translate

MAX_SETUPS = 4
# tokens per column unless the Lab or `--max-tokens` says otherwise: a comparison shows where answers part, and
# the Sampling panel's length (512 by default) lets a greedy column on a small model loop for minutes
COMPARE_REPLY = 64
NOTES_VALUES = {"on": True, "off": False}
SAMPLER_KEYS = {"temperature": float, "top_p": float, "top_k": int, "min_p": float, "repeat_penalty": float,
                "seed": int, "max_tokens": int}


class SetupError(InklingError, ValueError):
    """A setup written on the command line cannot be read."""


@dataclass(frozen=True)
class Setup:
    """What one column changes: samplers and seed, the system prompt, few-shot examples (input, output pairs)
    inserted as earlier turns, the user's notes on or off, and the engine (another model file or a server)."""

    overrides: dict = field(default_factory=dict)
    system_prompt: str | None = None  # None: the conversation's own
    examples: tuple[tuple[str, str], ...] = ()
    notes: bool = False  # the notes retrieved for the message go into this column's prompt
    engine: str | None = None  # None: the lab's own engine; "model:PATH" (a GGUF file) or "server:NAME"

    @classmethod
    def parse(cls, text: str) -> "Setup":
        """`temperature=1.2,seed=7,notes=on,model=PATH` or `system=You are terse.` (system takes the rest)."""
        overrides, system, notes, engine = {}, None, False, None
        rest = text.strip()
        while rest:
            if rest.startswith("system="):
                system, rest = rest[len("system="):], ""
                break
            item, _, rest = rest.partition(",")
            key, sep, value = item.partition("=")
            key, value = key.strip().replace("-", "_"), value.strip()
            if sep and key == "notes" and value in NOTES_VALUES:
                notes = NOTES_VALUES[value]
                continue
            if sep and key in ("model", "server") and value:
                engine = f"{key}:{value}"
                continue
            if not sep or key not in SAMPLER_KEYS:
                raise SetupError(translate(
                    "core", "unknown setting {setting} (use {keys}, notes=on|off, model=FILE, server=NAME or system=…)").format(
                    setting=repr(item.strip()), keys=", ".join(SAMPLER_KEYS)))
            try:
                overrides[key] = SAMPLER_KEYS[key](value)
            except ValueError:
                raise SetupError(translate("core", "{key} needs a number, not {value}").format(key=key, value=repr(value))) from None
        return cls(overrides, system, (), notes, engine)

    @classmethod
    def from_json(cls, data: dict) -> "Setup":
        return cls(dict(data["overrides"]), data["system_prompt"], tuple(tuple(e) for e in data["examples"]),
                   data.get("notes", False), data.get("engine"))

    def settings(self, base: SamplerSettings) -> SamplerSettings:
        try:
            return SamplerSettings.from_dict({**base.to_dict(), **self.overrides}).validated()
        except ValueError as error:
            raise SetupError(error.args[0]) from error  # the core's words, translated when shown

    def label(self) -> str:
        parts = [f"{k}={v}" for k, v in self.overrides.items()]
        if self.system_prompt is not None:
            parts.append(f"system: {self.system_prompt[:30]}")
        if self.examples:
            parts.append(f"{len(self.examples)} example{'s' if len(self.examples) > 1 else ''}")
        if self.notes:
            parts.append("notes on")
        if self.engine is not None:
            parts.append(Path(self.engine.partition(":")[2]).name if self.engine.startswith("model:") else self.engine[7:])
        return ", ".join(parts) or "as the conversation"

    def to_json(self) -> dict:
        return {"overrides": self.overrides, "system_prompt": self.system_prompt,
                "examples": [list(e) for e in self.examples], "notes": self.notes, "engine": self.engine}


@dataclass(frozen=True)
class Column:
    setup: Setup
    settings: SamplerSettings
    prompt_tokens: tuple[int, ...]
    text: str
    tokens: tuple  # TokenRecord per drawn token
    finish_reason: str
    ttft_ms: float
    engine: dict | None = None  # which engine wrote it (describe_engine); None: the experiment's
    sources_used: int = 0  # notes in its prompt

    @property
    def mean_logprob(self) -> float:
        return sum(r.logprob for r in self.tokens) / len(self.tokens) if self.tokens else float("nan")

    @property
    def perplexity(self) -> float:
        return perplexity(self.mean_logprob) if self.tokens else float("nan")

    def to_json(self) -> dict:
        return {
            "setup": self.setup.to_json(), "label": self.setup.label(), "settings": self.settings.to_dict(),
            "text": self.text, "finish_reason": self.finish_reason, "ttft_ms": self.ttft_ms,
            "mean_logprob": _finite(self.mean_logprob), "perplexity": _finite(self.perplexity),
            "prompt_tokens": list(self.prompt_tokens), "tokens": [token_json(record) for record in self.tokens],
            **({"engine": self.engine} if self.engine is not None else {}),
            **({"sources_used": self.sources_used} if self.setup.notes else {}),
        }


def first_divergence(columns: list[Column]) -> int | None:
    """The first position whose token ids differ between any two columns (None: they never part)."""
    return _first_differing([[record.id for record in c.tokens] for c in columns])


def describe_engine(engine) -> dict:
    """Which engine ran a run: a server's own description (never its address or key), or the model file."""
    describe = getattr(engine, "describe", None)
    if describe is not None:
        return describe()
    return {"kind": "in-process", "model": engine.info.name, "path": str(engine.info.path)}


def run_column(engine, system_prompt: str, history: list[ChatMessage], base: SamplerSettings, setup: Setup,
               top_logprobs: int = 10, cancel: threading.Event | None = None, sources: Sequence = (),
               on_record=None) -> Column:
    """One column: the turn (history ends with the user's message) generated under the setup on `engine`.

    A setup without a seed gets seed 0, so that "the same setup twice" is the same reply.
    """
    settings = setup.settings(base)
    if settings.seed is None:
        settings = dataclasses.replace(settings, seed=0)
    turns = [m for q, a in setup.examples for m in (ChatMessage("user", q), ChatMessage("assistant", a))]
    system = system_prompt if setup.system_prompt is None else setup.system_prompt
    budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
    built = build_prompt(engine, system, turns + list(history), budget, sources if setup.notes else ())
    start_fresh(engine)  # each column as if alone: the same setup gives the same numbers in any column
    text, records, finished = draw_reply(engine, built.tokens, settings, top_logprobs, cancel or threading.Event(),
                                         on_record)
    return Column(setup, settings, tuple(built.tokens), text, records, finished.finish_reason, finished.stats.ttft_ms,
                  None if setup.engine is None else describe_engine(engine), built.sources_used)


def run_compare(engine, system_prompt: str, history: list[ChatMessage], base: SamplerSettings, setups: list[Setup],
                top_logprobs: int = 10, cancel: threading.Event | None = None, on_column=None, sources: Sequence = (),
                engines: dict | None = None) -> list[Column]:
    """Every column, one after another; a setup naming another engine runs on `engines[setup.engine]`."""
    check_count(setups)
    cancel = cancel or threading.Event()
    columns = []
    for setup in setups:
        if cancel.is_set():
            break
        on = engine if setup.engine is None else (engines or {})[setup.engine]
        columns.append(run_column(on, system_prompt, history, base, setup, top_logprobs, cancel, sources))
        if on_column is not None:
            on_column(len(columns) - 1, columns[-1])
    return columns


def check_count(setups: list) -> None:
    if not 2 <= len(setups) <= MAX_SETUPS:
        raise SetupError(translate("core", "compare needs 2 to {most} setups").format(most=MAX_SETUPS))


def compare_data(columns: list[dict], engine: dict, max_tokens: int | None = None) -> dict:
    """A comparison as it is kept: its columns (Column.to_json, in order), where their answers part, and the
    reply length it ran with (`max_tokens`; a column's own max_tokens= setting is in its settings).

    `first_divergence`: the token position where they part (one model), or, across models, that of the
    first column with a token there; `divergence`: each column's token there (None: it had ended)."""
    first, positions = divergence(columns, engine)
    data = {"engine": engine, "first_divergence": first, "divergence": positions, "columns": columns}
    return data if max_tokens is None else {**data, "max_tokens": max_tokens}


def divergence(columns: list[dict], engine: dict) -> tuple[int | None, list[int | None]]:
    """Where the columns' answers part. One model: the first position whose token ids differ. Different
    models (other vocabularies): in each column, the token holding the first character where the texts differ."""
    if len({_model(c.get("engine") or engine) for c in columns}) == 1:
        position = _first_differing([[t["id"] for t in c["tokens"]] for c in columns])
        if position is None:
            return None, [None] * len(columns)
        return position, [position if position < len(c["tokens"]) else None for c in columns]
    char = _first_differing(["".join(t["text"] for t in c["tokens"] if not t.get("eog")) for c in columns])
    if char is None:
        return None, [None] * len(columns)
    positions = [_token_at(c["tokens"], char) for c in columns]
    return next((p for p in positions if p is not None), None), positions


def _model(engine: dict) -> tuple:
    return engine.get("kind"), engine.get("model"), engine.get("path"), engine.get("server")


def _first_differing(sequences: list) -> int | None:
    for position in range(max((len(s) for s in sequences), default=0)):
        if len({s[position] if position < len(s) else None for s in sequences}) > 1:
            return position
    return None


def _token_at(tokens: list[dict], char: int) -> int | None:
    """The index of the token whose text holds character `char` of the reply (None: the reply is shorter)."""
    end = 0
    for index, token in enumerate(tokens):
        end += len(token["text"]) if not token.get("eog") else 0
        if end > char:
            return index
    return None


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value  # a column stopped before its first token has no mean
