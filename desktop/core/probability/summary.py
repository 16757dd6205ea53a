"""A reply's confidence in numbers: mean log-probability, perplexity and its least-confident spans."""

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

LEAST_CONFIDENT = 5


@dataclass(frozen=True)
class Span:
    """A word-like run of tokens, ranked by its least likely token."""

    start: int  # first token index
    end: int  # one past the last token index
    weakest: int  # index of the least likely token in it: what a click selects
    text: str
    probability: float  # of the weakest token


@dataclass(frozen=True)
class ReplySummary:
    n_tokens: int
    mean_logprob: float  # natural log, over every token of the trace (the end-of-text token included)
    perplexity: float
    least_confident: tuple[Span, ...]


def summarize(logprobs: np.ndarray, texts: list[str], limit: int = LEAST_CONFIDENT) -> ReplySummary | None:
    """None for an empty trace: there is nothing to average."""
    logprobs = np.asarray(logprobs, dtype=np.float64)
    if len(logprobs) == 0:
        return None
    mean = float(logprobs.mean())
    spans = []
    for start, end in word_spans(texts):
        weakest = start + int(np.argmin(logprobs[start:end]))
        spans.append(Span(start, end, weakest, "".join(texts[start:end]), math.exp(float(logprobs[weakest]))))
    spans.sort(key=lambda span: (span.probability, span.start))
    return ReplySummary(len(logprobs), mean, math.exp(-mean), tuple(spans[:limit]))


def word_spans(texts: list[str]) -> list[tuple[int, int]]:
    """Split token texts into words: a span breaks at whitespace and around punctuation-only tokens."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(texts) + 1):
        if index == len(texts) or _breaks(texts[index - 1], texts[index]):
            spans.append((start, index))
            start = index
    return spans


def _breaks(previous: str, text: str) -> bool:
    if not previous or not text:
        return True
    return text[0].isspace() or previous[-1].isspace() or _punctuation(previous) or _punctuation(text)


def _punctuation(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and all(unicodedata.category(char)[0] in "PS" for char in stripped)
