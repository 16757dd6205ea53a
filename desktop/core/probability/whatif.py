"""The sampler's distribution at one stored position under any settings: the what-if view and the 'excluded' marks."""

import math
from dataclasses import dataclass

import numpy as np

from desktop.core.probability.sampling import SamplerSettings, kept_stages, sampler_probabilities
from desktop.core.probability.trace import TokenRecord

# The unseen tail is modelled as tokens as likely as the last stored one; this caps how many.
MAX_TAIL_TOKENS = 1 << 17
STAGE_NAMES = ("top-k", "top-p", "min-p")


@dataclass(frozen=True)
class SamplerView:
    """How the sampler treats the stored alternatives of one position."""

    probs: np.ndarray  # per stored alternative: probability of being drawn (0 when excluded)
    excluded_by: tuple[str | None, ...]  # per stored alternative: "top-k", "top-p", "min-p", "greedy" or None
    rest: float  # probability of drawing any token that is not among the stored ones
    exact: bool  # False: the stored alternatives end before the sampler's cut, so the tail was estimated


def sampler_view(logprobs: np.ndarray, settings: SamplerSettings, complete: bool = False) -> SamplerView:
    """Apply llama.cpp's top-k -> top-p -> min-p -> temperature chain to a stored head of the distribution.

    `logprobs` are the model's log-probabilities of the stored alternatives, largest first; the
    rest of the vocabulary holds the remaining mass. `complete=True` says there is no rest.
    The repeat penalty is not applied: it needs the raw logits, which a trace does not keep.
    """
    head = np.asarray(logprobs, dtype=np.float64)
    n = len(head)
    if n == 0:
        return SamplerView(np.zeros(0), (), 1.0, False)
    if settings.temperature <= 0.0:
        # greedy: the most likely token is drawn with certainty
        probs = np.zeros(n)
        probs[0] = 1.0
        return SamplerView(probs, (None,) + ("greedy",) * (n - 1), 0.0, True)
    # The unseen tail lies between two extremes: vanishingly thin (its mass spread over countless
    # tokens) and as concentrated as the head allows. When both give the same cut, inside the
    # head, the answer is exact; otherwise the concentrated one is shown as an estimate.
    thin = kept_stages(head.astype(np.float32), 0.0, settings, True)
    values = head if complete else np.concatenate([head, _estimated_tail(head)])
    stages = kept_stages(values.astype(np.float32), 0.0, settings, True)
    keep = stages[-1]
    exact = keep == thin[-1] and keep <= n
    final = sampler_probabilities(values[:keep], settings.temperature)
    probs = np.zeros(n)
    shown = min(keep, n)
    probs[:shown] = final[:shown]
    excluded = tuple(_stage_that_dropped(index, stages) for index in range(n))
    return SamplerView(probs, excluded, float(max(0.0, 1.0 - probs.sum())), exact)


def model_distribution(logprobs: np.ndarray) -> tuple[np.ndarray, float]:
    """The model's own probabilities of the stored alternatives, and the mass of everything else."""
    probs = np.exp(np.asarray(logprobs, dtype=np.float64))
    return probs, float(max(0.0, 1.0 - probs.sum()))


def _estimated_tail(head: np.ndarray) -> np.ndarray:
    """The remaining mass as tokens each as likely as the last stored one (the most concentrated tail possible)."""
    rest = 1.0 - float(np.exp(head).sum())
    last = float(head[-1])
    if rest <= 0.0 or last == -math.inf:
        return np.zeros(0)
    count = min(int(rest / math.exp(last)), MAX_TAIL_TOKENS)
    leftover = rest - count * math.exp(last)
    tail = np.full(count, last)
    if leftover > 0.0 and count < MAX_TAIL_TOKENS:
        tail = np.append(tail, math.log(leftover))
    return tail


def _stage_that_dropped(index: int, stages: tuple[int, int, int]) -> str | None:
    for name, survivors in zip(STAGE_NAMES, stages):
        if index >= survivors:
            return name
    return None


def entropy_bits(entropy_nats: float) -> float:
    return entropy_nats / math.log(2.0)


@dataclass(frozen=True)
class Alternative:
    """One row of the probability panel."""

    id: int
    text: str
    eog: bool
    probability: float  # under the model
    whatif: float  # under the what-if settings
    excluded_by: str | None  # under the settings the reply was generated with
    chosen: bool


@dataclass(frozen=True)
class PositionView:
    """Everything the probability panel shows for one token position."""

    record: TokenRecord
    alternatives: tuple[Alternative, ...]
    model_rest: float  # probability of every token not stored
    whatif_rest: float
    whatif_exact: bool
    entropy_bits: float


def inspect_position(record: TokenRecord, used: SamplerSettings, whatif: SamplerSettings) -> PositionView:
    logprobs = np.array([alt.logprob for alt in record.top], dtype=np.float64)
    probs, model_rest = model_distribution(logprobs)
    marks = sampler_view(logprobs, used).excluded_by
    what = sampler_view(logprobs, whatif)
    alternatives = tuple(
        Alternative(alt.id, alt.text, alt.eog, float(probs[i]), float(what.probs[i]), marks[i], alt.id == record.id)
        for i, alt in enumerate(record.top)
    )
    return PositionView(record, alternatives, model_rest, what.rest, what.exact, entropy_bits(record.entropy))
