"""Sampler settings and the sampler's final distribution, computed in NumPy from logits."""

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from desktop.core.words import joined, translate

# The samplers beyond OpenAI's own (temperature, top-p, seed, length), with the value that turns each off:
# a server without them (Ollama's and OpenAI's APIs) ignores them, so a reply there is sampled as with these.
EXTRA_SAMPLERS = {"top_k": 0, "min_p": 0.0, "repeat_penalty": 1.0}


@dataclass(frozen=True)
class SamplerSettings:
    """What the user set in the Sampling panel; saved with every assistant message."""

    # Low defaults: the bundled 135M model is coherent only near-greedy (its model card suggests 0.2 / 0.9).
    temperature: float = 0.2
    top_p: float = 0.9
    top_k: int = 40
    min_p: float = 0.05
    # Off, as in llama.cpp: with a penalty, temperature 0 no longer always picks the most likely token.
    repeat_penalty: float = 1.0
    seed: int | None = None  # None: a fresh random seed per reply
    max_tokens: int = 512

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict | None) -> "SamplerSettings":
        """Build from stored values, ignoring unknown keys so old rows keep loading."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known})

    def validated(self) -> "SamplerSettings":
        problems = []
        if not 0.0 <= self.temperature <= 2.0:
            problems.append(translate("core", "temperature must be between 0 and 2"))
        if not 0.0 < self.top_p <= 1.0:
            problems.append(translate("core", "top-p must be in (0, 1]"))
        if self.top_k < 0:
            problems.append(translate("core", "top-k must be 0 (off) or more"))
        if not 0.0 <= self.min_p < 1.0:
            problems.append(translate("core", "min-p must be in [0, 1)"))
        if not 0.0 < self.repeat_penalty <= 4.0:
            problems.append(translate("core", "repeat penalty must be in (0, 4]"))
        if self.max_tokens < 1:
            problems.append(translate("core", "max tokens must be at least 1"))
        if self.seed is not None and not 0 <= self.seed < 2**32:
            problems.append(translate("core", "seed must be between 0 and 4294967295"))
        if problems:
            raise ValueError(joined("; ", problems))  # said in the window's language (desktop.ui.language.said)
        return self

    def without(self, ignored) -> "SamplerSettings":
        """The settings an engine that ignores the named samplers really samples with (each turned off)."""
        return replace(self, **{name: EXTRA_SAMPLERS[name] for name in ignored})


def apply_repeat_penalty(values: np.ndarray, positions: np.ndarray, penalty: float) -> None:
    """llama.cpp's repeat penalty, in place at `positions`: a logit is divided if positive, else multiplied."""
    if penalty == 1.0 or len(positions) == 0:
        return
    hit = values[positions]
    values[positions] = np.where(hit <= 0, hit * penalty, hit / penalty)


def top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first (argpartition, then sort only those k)."""
    if k < len(values):
        part = np.argpartition(values, -k)[-k:]
        return part[np.argsort(values[part], kind="stable")[::-1]]
    return np.argsort(values, kind="stable")[::-1]


def kept_count(values: np.ndarray, log_z: float, settings: SamplerSettings, complete: bool) -> int | None:
    """How many of `values` (sorted descending) survive llama.cpp's top-k -> top-p -> min-p chain.

    `values` may be only the head of the distribution (`complete=False`); `log_z` is then the
    log-sum-exp of the whole distribution. Returns None when the head is too short to decide.
    """
    stages = kept_stages(values, log_z, settings, complete)
    return None if stages is None else stages[-1]


def kept_stages(values: np.ndarray, log_z: float, settings: SamplerSettings, complete: bool) -> tuple[int, int, int] | None:
    """Like kept_count, but how many survive after each of top-k, top-p and min-p (the last is at least 1)."""
    n = len(values)
    settled = complete
    if settings.top_k > 0:
        if settings.top_k > n and not complete:
            return None
        n = min(settings.top_k, n)
        values = values[:n]
        log_z = float(np.logaddexp.reduce(values))  # top-k renormalises before top-p
        settled = True
    after_top_k = keep = n
    if settings.top_p < 1.0:
        cumulative = np.cumsum(np.exp(values.astype(np.float64) - log_z))
        reached = int(np.searchsorted(cumulative, settings.top_p, side="left"))
        if reached < n:
            keep, settled = reached + 1, True
    after_top_p = keep
    if settings.min_p > 0.0:
        # min-p keeps logits >= best + log(min_p); on sorted values that is a prefix
        passing = int(np.count_nonzero(values[:keep] >= values[0] + np.float32(np.log(settings.min_p))))
        if passing < keep:
            keep, settled = passing, True
    return (after_top_k, after_top_p, max(keep, 1)) if settled else None


def sampler_probabilities(values: np.ndarray, temperature: float) -> np.ndarray:
    """The final softmax at `temperature` over the kept candidates."""
    scaled = values.astype(np.float64) / temperature
    return np.exp(scaled - np.logaddexp.reduce(scaled))
