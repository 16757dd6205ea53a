"""Per-token probability capture from the last-position logits: log-softmax, entropy, top-k, sampled_prob."""

from collections import Counter, deque

import numpy as np

from desktop.core.sampling import SamplerSettings, apply_repeat_penalty, kept_count, sampler_probabilities

# llama-cpp-python's penalty window (Llama.last_n_tokens_size), counted over drawn tokens only.
PENALTY_WINDOW = 64
# Logit distances tried, in order, to preselect the head cheaply before an exact partition.
HEAD_CUTS = (4.0, 8.0, 16.0)


class ProbabilityCapture:
    """Turns the logits that produced each drawn token into the numbers a trace stores.

    One exact pass over the vocabulary gives log Z and the entropy; everything else works
    on a small head of the distribution, so capture costs a few percent of a decode step.
    """

    def __init__(self, settings: SamplerSettings, top_logprobs: int, n_vocab: int):
        self.settings = settings
        self.top_logprobs = top_logprobs
        self._weights = np.empty(n_vocab, dtype=np.float32)
        self._recent: deque[int] = deque(maxlen=PENALTY_WINDOW)
        self._recent_counts: Counter[int] = Counter()

    def measure(self, logits: np.ndarray, chosen: int) -> tuple[float, float, float, np.ndarray, np.ndarray]:
        """Return (logprob, sampled_prob, entropy, top ids, top logprobs) for the token drawn from `logits`."""
        best = float(logits.max())
        weights = self._weights
        np.subtract(logits, np.float32(best), out=weights)
        np.exp(weights, out=weights)
        total = float(weights.sum())
        log_z = best + float(np.log(total))
        entropy = max(log_z - float(np.dot(weights, logits)) / total, 0.0)
        logprob = float(logits[chosen]) - log_z

        recent = np.fromiter(self._recent_counts, dtype=np.int64, count=len(self._recent_counts))
        head_size = max(self.top_logprobs, self._sampler_head_size(len(recent)))
        head = head_ids(logits, best, head_size)
        top = head[: self.top_logprobs]
        top_logprobs = logits[top] - np.float32(log_z)
        sampled_prob = self._sampled_prob(logits, best, total, head, recent, chosen)
        self._remember(chosen)
        return logprob, sampled_prob, entropy, top, top_logprobs

    def _sampler_head_size(self, n_recent: int) -> int:
        if self.settings.temperature <= 0.0:
            return 0
        # A penalty can push at most n_recent tokens below a non-recent one, so the penalised
        # top-k always lies within the raw top-(k + n_recent) plus the recent tokens.
        return (self.settings.top_k if self.settings.top_k > 0 else 64) + n_recent

    def _sampled_prob(self, logits, best, total, head, recent, chosen) -> float:
        settings = self.settings
        if settings.temperature <= 0.0:
            return 1.0  # greedy: the drawn token is the only one with any probability
        penalised = settings.repeat_penalty != 1.0 and len(recent) > 0
        size = len(head)
        while True:
            ids = np.union1d(head, recent) if penalised else head
            values = logits[ids].copy()
            log_z = float(np.log(total)) + best
            if penalised:
                at = np.searchsorted(ids, recent)
                before = np.exp(values[at].astype(np.float64) - best).sum()
                apply_repeat_penalty(values, at, settings.repeat_penalty)
                after = np.exp(values[at].astype(np.float64) - best).sum()
                log_z = best + float(np.log(total - before + after))
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
            head = head_ids(logits, best, size)

    def _remember(self, token: int) -> None:
        """Track the penalty window as llama.cpp's penalties sampler does: drawn tokens only."""
        if len(self._recent) == self._recent.maxlen:
            dropped = self._recent[0]
            self._recent_counts[dropped] -= 1
            if self._recent_counts[dropped] == 0:
                del self._recent_counts[dropped]
        self._recent.append(token)
        self._recent_counts[token] += 1


def head_ids(logits: np.ndarray, best: float, size: int) -> np.ndarray:
    """Ids of the `size` largest logits, largest first, without partitioning the whole vocabulary when avoidable."""
    if size >= len(logits):
        return np.argsort(logits, kind="stable")[::-1]
    for cut in HEAD_CUTS:
        ids = np.flatnonzero(logits >= best - cut)
        if len(ids) >= size:
            break
    else:
        ids = np.argpartition(logits, -size)[-size:]
    if len(ids) > size:
        ids = ids[np.argpartition(logits[ids], -size)[-size:]]
    return ids[np.argsort(logits[ids], kind="stable")[::-1]]
