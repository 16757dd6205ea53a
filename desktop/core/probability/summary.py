"""A reply's confidence in numbers: mean log-probability, perplexity and its least-confident spans."""

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from desktop.core.probability.grouping import group

LEAST_CONFIDENT = 5


@dataclass(frozen=True)
class Span:
    """A word-like run of tokens, ranked by its least likely character (token, or bytes joined)."""

    start: int  # first token index
    end: int  # one past the last token index
    weakest: int  # index of the least likely token in it: what a click selects
    text: str
    probability: float  # of the weakest character: its token's, or the product of its byte tokens'


@dataclass(frozen=True)
class ReplySummary:
    n_tokens: int
    mean_logprob: float  # natural log, over every token of the trace (the end-of-text token included)
    perplexity: float
    least_confident: tuple[Span, ...]


def summarize(logprobs: np.ndarray, texts: list[str], limit: int = LEAST_CONFIDENT) -> ReplySummary | None:
    """None for an empty trace: there is nothing to average.

    Spans are made of cells (byte tokens joined into their character, grouping.group), so the list
    names characters and words; a span's probability is its weakest cell's (the product of its parts).
    """
    logprobs = np.asarray(logprobs, dtype=np.float64)
    if len(logprobs) == 0:
        return None
    mean = float(logprobs.mean())
    cells, _pending = group(texts)
    # Python floats in the loops (numpy per item cost ~40 ms a 2,000-token reply); min() keeps argmin's first-lowest.
    values = logprobs.tolist()
    cell_logprobs = [values[c.first] if c.end - c.first == 1 else float(logprobs[c.first:c.end].sum()) for c in cells]
    spans = []
    for start, end in word_spans([cell.text for cell in cells]):
        weakest_cell = min(range(start, end), key=cell_logprobs.__getitem__)
        cell = cells[weakest_cell]
        weakest = min(range(cell.first, cell.end), key=values.__getitem__)
        spans.append(Span(cells[start].first, cells[end - 1].end, weakest, "".join(c.text for c in cells[start:end]),
                          math.exp(cell_logprobs[weakest_cell])))
    spans.sort(key=lambda span: (span.probability, span.start))
    return ReplySummary(len(logprobs), mean, perplexity(mean), tuple(spans[:limit]))


def perplexity(mean_logprob: float) -> float:
    """exp(-mean), infinite past what a float holds: a server's stand-in for "impossible" (vLLM's -9999) is that far."""
    return math.exp(-mean_logprob) if -mean_logprob < 709.0 else math.inf


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
    return (text[0].isspace() or previous[-1].isspace() or _punctuation(previous) or _punctuation(text)
            or _ideograph(previous[-1]) or _ideograph(text[0]))


def _ideograph(char: str) -> bool:
    # Chinese and Japanese have no spaces: each character is named on its own, not a whole sentence.
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY", "HIRAGANA", "KATAKANA"))


def _punctuation(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and all(unicodedata.category(char)[0] in "PS" for char in stripped)
