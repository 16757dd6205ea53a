"""The sampler's distribution at one stored position under any settings: the what-if view and the 'excluded' marks."""

import math
from dataclasses import dataclass, replace

import numpy as np

from desktop.core.probability.sampling import SamplerSettings, apply_repeat_penalty, kept_stages, sampler_probabilities
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


def sampler_view(logprobs: np.ndarray, settings: SamplerSettings, complete: bool = False,
                 floor: float | None = None, extra: np.ndarray | None = None) -> SamplerView:
    """Apply llama.cpp's top-k -> top-p -> min-p -> temperature chain to the known part of a distribution.

    `logprobs` are the log-probabilities of the stored alternatives (any order); `extra` those of
    further known tokens that get no row (penalised tokens outside the stored ones). Every token
    not known is at most `floor` (default: the smallest known value); together they hold the rest
    of the mass. `complete=True` says there is no rest. The repeat penalty, if any, is already in
    the values (see penalised_logprobs).
    """
    shown = np.asarray(logprobs, dtype=np.float64)
    n = len(shown)
    if n == 0:
        return SamplerView(np.zeros(0), (), 1.0, False)
    known = shown if extra is None or len(extra) == 0 else np.concatenate([shown, np.asarray(extra, np.float64)])
    floor = float(known.min()) if floor is None else floor
    if settings.temperature <= 0.0:
        # greedy: the most likely token is drawn with certainty; an unseen token cannot beat a known one above the floor
        best = int(np.argmax(known))
        exact = bool(complete or known[best] >= floor)
        probs = np.zeros(n)
        if best < n and exact:
            probs[best] = 1.0
        marks = tuple(None if i == best and exact else "greedy" for i in range(n))
        return SamplerView(probs, marks, float(1.0 - probs.sum()), exact)
    # The unseen tail lies between two extremes: vanishingly thin (its mass spread over countless
    # tokens) and as concentrated as the floor allows. When both give the same cut, among known
    # tokens, the answer is exact; otherwise the concentrated one is shown as an estimate.
    tail = np.zeros(0) if complete else _estimated_tail(known, floor)
    order = np.argsort(-known, kind="stable")
    thin = kept_stages(known[order].astype(np.float32), 0.0, settings, True)
    # known tokens sort before tail tokens of the same value: lexsort's last key is the primary one
    values = np.concatenate([known, tail])
    merged = np.lexsort((np.arange(len(values)) >= len(known), -values))
    stages = kept_stages(values[merged].astype(np.float32), 0.0, settings, True)
    keep = stages[-1]
    first_tail = int(np.argmax(merged >= len(known))) if len(tail) else len(values)
    exact = bool(keep == thin[-1] and keep <= first_tail)
    rank = np.empty(len(values), dtype=np.int64)
    rank[merged] = np.arange(len(values))
    final = sampler_probabilities(values[merged[:keep]], settings.temperature)
    probs = np.array([final[r] if r < keep else 0.0 for r in rank[:n].tolist()])
    excluded = tuple(_stage_that_dropped(int(r), stages) for r in rank[:n])
    return SamplerView(probs, excluded, float(max(0.0, 1.0 - probs.sum())), exact)


@dataclass(frozen=True)
class Penalised:
    """One position's known log-probabilities after a repeat penalty."""

    logprobs: np.ndarray  # the stored alternatives, in their stored order
    extra: np.ndarray  # penalised tokens that are not among them
    floor: float  # every other token is at most this likely
    applied: bool  # False: the penalty is not 1 but the trace did not record what it needs


def penalised_logprobs(record: TokenRecord, penalty: float) -> Penalised:
    """The model's distribution at `record` after llama.cpp's repeat penalty, from what the trace recorded.

    The penalty changes raw logits (divides a positive one, multiplies a negative one), so it needs
    log Z and the penalised tokens' raw logits: recorded when the reply ran with a penalty.
    """
    top = np.array([alt.logprob for alt in record.top], dtype=np.float64)
    floor = float(top.min()) if len(top) else -math.inf  # the stored alternatives are the model's top-k
    if penalty == 1.0 or record.log_z is None:
        return Penalised(top, np.zeros(0), floor, penalty == 1.0)
    log_z = record.log_z
    ids = np.array([token for token, _ in record.penalised], dtype=np.int64)
    raw = np.array([logit for _, logit in record.penalised], dtype=np.float32)
    after = raw.copy()
    apply_repeat_penalty(after, np.arange(len(after)), penalty)
    raw64, after64 = raw.astype(np.float64), after.astype(np.float64)
    # Z changes only by the penalised tokens' terms
    change = np.exp(after64 - log_z).sum() - np.exp(raw64 - log_z).sum()
    shift = math.log1p(change) if change > -1.0 else 0.0
    new_log_z = log_z + shift
    values = top + log_z
    where = {token: index for index, token in enumerate(ids.tolist())}
    for index, alt in enumerate(record.top):
        hit = where.pop(alt.id, None)
        if hit is not None:
            values[index] = after64[hit]
    extra = np.array([after64[hit] for hit in where.values()], dtype=np.float64) - new_log_z
    return Penalised(values - new_log_z, extra, floor - shift, True)


def view_at(record: TokenRecord, settings: SamplerSettings) -> tuple[SamplerView, bool]:
    """The sampler view of one position under `settings`, repeat penalty included; and whether it was applied."""
    known = penalised_logprobs(record, settings.repeat_penalty)
    return sampler_view(known.logprobs, settings, floor=known.floor, extra=known.extra), known.applied


def model_distribution(logprobs: np.ndarray) -> tuple[np.ndarray, float]:
    """The model's own probabilities of the stored alternatives, and the mass of everything else."""
    probs = np.exp(np.asarray(logprobs, dtype=np.float64))
    return probs, float(max(0.0, 1.0 - probs.sum()))


def _estimated_tail(known: np.ndarray, floor: float) -> np.ndarray:
    """The remaining mass as tokens each as likely as the floor (the most concentrated tail possible)."""
    rest = 1.0 - float(np.exp(known).sum())
    if rest <= 0.0 or floor == -math.inf:
        return np.zeros(0)
    count = min(int(rest / math.exp(floor)), MAX_TAIL_TOKENS)
    leftover = rest - count * math.exp(floor)
    tail = np.full(count, floor)
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
    penalty_applied: bool = True  # False: a repeat penalty ran, but this trace cannot apply it (recorded before it could)


def inspect_position(record: TokenRecord, used: SamplerSettings, whatif: SamplerSettings,
                     drawn: bool = True) -> PositionView:
    """One position under the sampler that ran (`used`: the marks) and under the what-if settings.

    Both apply the repeat penalty when the trace recorded what it needs. The token that was drawn
    is never marked excluded (`drawn=False`: the user put it there, and a mark would be true).
    """
    probs, model_rest = model_distribution([alt.logprob for alt in record.top])
    marks, used_applied = view_at(record, used)
    what, whatif_applied = view_at(record, whatif)
    excluded = list(marks.excluded_by)
    if drawn and used.temperature <= 0.0:
        # greedy is deterministic: whatever was drawn was its choice, so every other token was excluded
        excluded = [None if alt.id == record.id else "greedy" for alt in record.top]
    elif drawn:
        # what ran drew it, so no filter removed it: a mark here could only come from rounding or missing data
        excluded = [None if alt.id == record.id else mark for alt, mark in zip(record.top, excluded)]
    alternatives = tuple(
        Alternative(alt.id, alt.text, alt.eog, float(probs[i]), float(what.probs[i]), excluded[i], alt.id == record.id)
        for i, alt in enumerate(record.top)
    )
    return PositionView(record, alternatives, model_rest, what.rest, what.exact and whatif_applied,
                        entropy_bits(record.entropy), used_applied and whatif_applied)


def with_temperature(settings: SamplerSettings, temperature: float) -> SamplerSettings:
    """The what-if settings: a reply's own, at another temperature."""
    return replace(settings, temperature=temperature)
