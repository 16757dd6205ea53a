"""Per-token probability capture from the last-position logits: log-softmax, entropy, top-k, sampled_prob."""

from collections import Counter, deque

import numpy as np

from desktop.core.probability.sampling import SamplerSettings, apply_repeat_penalty, kept_count, sampler_probabilities

# llama-cpp-python's penalty window (Llama.last_n_tokens_size), counted over drawn tokens only.
PENALTY_WINDOW = 64
# The head is preselected from every SAMPLE_STRIDE-th logit: its size-th largest value is a threshold
# at least `size` logits reach, and about size * SAMPLE_STRIDE do, so the exact partition stays small.
SAMPLE_STRIDE = 64
# The vocabulary is swept in chunks that stay in the core's own cache (256 KB of logits plus as much
# scratch), so exp, both sums and the head's compare each read what the previous step just touched:
# capture is memory-bound on a 262k vocabulary, and one sweep costs less than five passes over 1 MB.
CHUNK = 65536

Penalised = tuple[float, np.ndarray, np.ndarray] | None  # log Z, penalised ids, their raw logits


class ProbabilityCapture:
    """Turns the logits that produced each drawn token into the numbers a trace stores.

    A max, then one sweep over the vocabulary (exp, two sums and the head's preselection, chunk by
    chunk) give log Z and the entropy exactly; everything else works on a small head of the
    distribution. No step goes to BLAS: its worker threads would compete with llama.cpp's for the cores.
    """

    def __init__(self, settings: SamplerSettings, top_logprobs: int, n_vocab: int):
        self.settings = settings
        self.top_logprobs = top_logprobs
        self._weights = np.empty(min(n_vocab, CHUNK), dtype=np.float32)
        self._centred = np.empty_like(self._weights)  # logits - max: the mean logit keeps its digits
        self._recent: deque[int] = deque(maxlen=PENALTY_WINDOW)
        self._recent_counts: Counter[int] = Counter()

    def measure(self, logits: np.ndarray, chosen: int) -> tuple[float, float, float, np.ndarray, np.ndarray, Penalised]:
        """(logprob, sampled_prob, entropy, top ids, top logprobs, penalised) for the token drawn from `logits`.

        `penalised` is what a view needs to apply the repeat penalty exactly later: None when the
        reply runs without one, else log Z and the raw logits of the tokens the penalty touches here.
        """
        recent = np.fromiter(self._recent_counts, dtype=np.int64, count=len(self._recent_counts))
        head_size = max(self.top_logprobs, self._sampler_head_size(len(recent)), 1)
        shift = float(logits.max())
        total, weighted, candidates = self._sweep(logits, shift, head_threshold(logits, head_size))
        head = largest(logits, candidates, head_size)
        log_z = shift + float(np.log(total))
        entropy = max(log_z - shift - weighted / total, 0.0)
        logprob = float(logits[chosen]) - log_z

        top = head[: self.top_logprobs]
        top_logprobs = logits[top] - np.float32(log_z)
        sampled_prob = self._sampled_prob(logits, shift, total, head, recent, chosen)
        penalised = (log_z, recent, logits[recent].copy()) if self.settings.repeat_penalty != 1.0 else None
        self._remember(chosen)
        return logprob, sampled_prob, entropy, top, top_logprobs, penalised

    def _sweep(self, logits: np.ndarray, shift: float, threshold: np.float32) -> tuple[float, float, np.ndarray]:
        """Sum of w = exp(logits - shift), sum of w * (logits - shift), and the ids at or above `threshold`."""
        total = weighted = 0.0
        found = []
        for start in range(0, len(logits), CHUNK):
            part = logits[start:start + CHUNK]
            centred = np.subtract(part, np.float32(shift), out=self._centred[: len(part)])
            weights = np.exp(centred, out=self._weights[: len(part)])
            # sum's pairwise reduction keeps log Z to float32 rounding (einsum's running lanes drift by
            # ~3e-6 over 262k); the weighted sum of centred values needs less, and einsum never goes to BLAS
            total += float(weights.sum())
            weighted += float(np.einsum("i,i->", weights, centred))
            found.append(np.flatnonzero(part >= threshold) + start)
        return total, weighted, np.concatenate(found)

    def _sampler_head_size(self, n_recent: int) -> int:
        if self.settings.temperature <= 0.0:
            return 0
        # A penalty can push at most n_recent tokens below a non-recent one, so the penalised
        # top-k always lies within the raw top-(k + n_recent) plus the recent tokens.
        return (self.settings.top_k if self.settings.top_k > 0 else 64) + n_recent

    def _sampled_prob(self, logits, shift, total, head, recent, chosen) -> float:
        """The drawn token's probability under the sampler chain; `total` is the sum of exp(logits - shift)."""
        settings = self.settings
        if settings.temperature <= 0.0:
            return 1.0  # greedy: the drawn token is the only one with any probability
        penalised = settings.repeat_penalty != 1.0 and len(recent) > 0
        size = len(head)
        while True:
            ids = np.union1d(head, recent) if penalised else head
            values = logits[ids].copy()
            log_z = float(np.log(total)) + shift
            if penalised:
                at = np.searchsorted(ids, recent)
                before = np.exp(values[at].astype(np.float64) - shift).sum()
                apply_repeat_penalty(values, at, settings.repeat_penalty)
                after = np.exp(values[at].astype(np.float64) - shift).sum()
                log_z = shift + float(np.log(total - before + after))
            order = np.argsort(values, kind="stable")[::-1]
            ids, values = ids[order], values[order]
            complete = size >= len(logits)
            if not complete:
                # Beyond the head, unseen tokens may rank anywhere below its smallest raw logit.
                valid = int(np.count_nonzero(values >= logits[head[-1]]))
                ids, values = ids[:valid], values[:valid]
            keep = kept_count(values, log_z, settings, complete)
            if keep is not None:
                probs = sampler_probabilities(values[:keep], settings.temperature)
                hit = np.flatnonzero(ids[:keep] == chosen)
                return float(probs[hit[0]]) if len(hit) else 0.0
            size = min(size * 8, len(logits))
            head = head_ids(logits, size)

    def _remember(self, token: int) -> None:
        """Track the penalty window as llama.cpp's penalties sampler does: drawn tokens only."""
        if len(self._recent) == self._recent.maxlen:
            dropped = self._recent[0]
            self._recent_counts[dropped] -= 1
            if self._recent_counts[dropped] == 0:
                del self._recent_counts[dropped]
        self._recent.append(token)
        self._recent_counts[token] += 1


def head_threshold(logits: np.ndarray, size: int) -> np.float32:
    """A value at least `size` logits reach, from a strided sample (so few more than `size` reach it)."""
    if size >= len(logits):
        return np.float32(-np.inf)
    stride = max(1, min(SAMPLE_STRIDE, len(logits) // (4 * size)))
    sample = logits[::stride]
    return np.partition(sample, len(sample) - size)[len(sample) - size]


def largest(logits: np.ndarray, ids: np.ndarray, size: int) -> np.ndarray:
    """The `size` ids with the largest logits among `ids`, largest first."""
    if len(ids) > size:
        ids = ids[np.argpartition(logits[ids], -size)[-size:]]
    return ids[np.argsort(logits[ids], kind="stable")[::-1]]


def head_ids(logits: np.ndarray, size: int) -> np.ndarray:
    """Ids of the `size` largest logits, largest first."""
    return largest(logits, np.flatnonzero(logits >= head_threshold(logits, size)), size)
