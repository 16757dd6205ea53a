"""Types shared by engines and their callers: configuration, model info, streamed events, errors."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.engine.runtime import LoadReport
from desktop.core.errors import InklingError
from desktop.core.probability.trace import TokenRecord

DEFAULT_CONTEXT = 4096
# Where a model's context size comes from: the model file or the server says it (KNOWN); a server that names none
# is assumed to hold DEFAULT_CONTEXT (ASSUMED, shown as such); a server's refusal of a longer prompt named it (LEARNED).
KNOWN, ASSUMED, LEARNED = "known", "assumed", "learned"


class EngineError(InklingError):
    """Generation failed for a reason the user should see."""


class ModelLoadError(EngineError):
    """The model file is missing, unreadable, not a GGUF, or llama.cpp refused it."""


class PromptTooLongError(EngineError):
    """Even the system prompt plus the newest message do not fit the context window."""


def default_threads() -> int:
    """One core fewer than the process may use (at least 1, at most 8).

    llama.cpp's threads meet at a barrier after every step, so when another program takes one core
    every thread waits for the descheduled one: on the 2-core development machine with one busy
    process, 2 threads decoded at 1-7 tok/s against 83-102 idle, 1 thread at 10-24 (see the decode
    benchmark's `threads` figures). One core left free costs a little idle speed and keeps a busy
    laptop usable; past 8 threads decoding a small model is memory-bound and gains nothing.
    """
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(1, min(available - 1, 8))


def default_gpu_layers() -> int:
    """INKLING_GPU_LAYERS: layers to offload in a GPU build of llama.cpp (-1: all); 0, the CPU, by default."""
    value = os.environ.get("INKLING_GPU_LAYERS", "0")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"INKLING_GPU_LAYERS must be a whole number (-1 for all layers), not {value!r}") from None


@dataclass(frozen=True)
class EngineConfig:
    n_ctx: int | None = None  # None: DEFAULT_CONTEXT, or the model's training context if smaller
    n_threads: int = field(default_factory=default_threads)
    n_gpu_layers: int = field(default_factory=default_gpu_layers)
    n_batch: int = 512
    # Off by default: llama.cpp's CPU flash-attention kernel moves the log-probabilities themselves (the
    # fidelity benchmark: 0.044 nats on average, up to 0.72, on Gemma 3), and the probability view promises exact numbers.
    flash_attention: bool = False
    kv_type: str = "f16"  # or "q8_0": half the KV cache; the values stay f16 unless flash attention is on
    # Called with the load fraction (0..1) from llama.cpp's loader; returning False cancels the load.
    progress: Callable[[float], bool] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    name: str
    n_ctx: int
    n_ctx_train: int
    n_vocab: int
    chat_template: str | None  # None: a base model, used in text-completion mode
    runtime: LoadReport | None = None  # what llama.cpp used (in-process only)
    engine: dict | None = None  # a remote engine's description, kept with each reply it writes (EngineJson)
    ignored_samplers: tuple[str, ...] = ()  # samplers the engine does not take (a server's API lacks them)
    n_ctx_source: str = KNOWN  # KNOWN | ASSUMED | LEARNED: how n_ctx is known

    @property
    def mode(self) -> str:
        return "chat" if self.chat_template else "completion"


@dataclass(frozen=True)
class Capabilities:
    """What an engine can promise about its tokens; callers offer a feature only when it holds."""

    token_ids: bool  # events and tokenize give the model's own token ids
    exact_branching: bool  # a branch can continue from given token ids, not only from re-tokenized text
    full_vocabulary_entropy: bool  # entropy and log-probabilities are exact over the whole vocabulary


IN_PROCESS = Capabilities(token_ids=True, exact_branching=True, full_vocabulary_entropy=True)


@dataclass(frozen=True, slots=True)
class TokenEvent:
    """One drawn token: its trace record (None when capture is off) and the text it made visible."""

    index: int
    token_id: int
    delta: str
    record: TokenRecord | None
    end_of_text: bool


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    completion_tokens: int
    ttft_ms: float
    tokens_per_s: float
    seed: int
    n_ctx: int
    textless_tokens: int = 0  # tokens a server sent with neither text nor bytes: characters it left out
    held_back_at: int | None = None  # first token a server sent for a whole character, the tokens before it unsent
    n_ctx_assumed: bool = False  # a server that names no context: n_ctx is DEFAULT_CONTEXT, a guess

    def to_dict(self) -> dict:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "ttft_ms": round(self.ttft_ms, 1),
            "tokens_per_s": round(self.tokens_per_s, 2),
            "seed": self.seed,
            "n_ctx": self.n_ctx,
        } | ({"textless_tokens": self.textless_tokens} if self.textless_tokens else {}) \
          | ({"held_back_at": self.held_back_at} if self.held_back_at is not None else {}) \
          | ({"n_ctx_assumed": True} if self.n_ctx_assumed else {})


@dataclass(frozen=True)
class Finished:
    """The last event of a stream."""

    finish_reason: str  # "stop" | "length" | "cancelled"
    stats: GenerationStats
    tail: str = ""  # text held back by the UTF-8 decoder when the stream ended mid-character
