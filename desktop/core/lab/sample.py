"""Sample many: N replies drawn from one prompt with recorded seeds, grouped, the first token's probability beside its frequency."""

import dataclasses
import math
import threading
from collections import Counter
from dataclasses import dataclass

from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.lab.keep import token_json
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import BuiltPrompt

MAX_SAMPLES = 50
SHORT_REPLY = 32  # tokens: a sample set shows the spread of answers, not essays


@dataclass(frozen=True)
class Sample:
    seed: int
    text: str
    tokens: tuple  # TokenRecord per drawn token
    finish_reason: str

    def to_json(self) -> dict:
        return {"seed": self.seed, "text": self.text, "finish_reason": self.finish_reason,
                "tokens": [token_json(record) for record in self.tokens]}


@dataclass(frozen=True)
class FirstToken:
    """One candidate first token: the model's probability, the sampler's, and how often the samples began with it."""

    id: int
    text: str
    model_prob: float
    count: int


@dataclass(frozen=True)
class SampleSet:
    settings: SamplerSettings
    samples: tuple[Sample, ...]

    def groups(self) -> list[tuple[str, int]]:
        """Identical or near-identical answers (case, spacing and end punctuation aside) with counts, most first."""
        shown: dict[str, str] = {}
        counts: Counter = Counter()
        for sample in self.samples:
            key = _normalised(sample.text)
            shown.setdefault(key, sample.text.strip())
            counts[key] += 1
        return [(shown[key], count) for key, count in counts.most_common()]

    def first_tokens(self) -> list[FirstToken]:
        """The model's first-token alternatives (same prompt: same distribution for every sample) and their frequency."""
        firsts = [s.tokens[0] for s in self.samples if s.tokens]
        if not firsts:
            return []
        drawn = Counter(record.id for record in firsts)
        alternatives = {alt.id: alt for alt in firsts[0].top}
        for record in firsts:  # a drawn token outside the first sample's top list still gets its row
            alternatives.setdefault(record.id, record)
        rows = [FirstToken(a.id, a.text, math.exp(a.logprob), drawn.get(a.id, 0)) for a in alternatives.values()]
        return sorted(rows, key=lambda r: (-r.model_prob, r.id))

    def to_json(self) -> dict:
        return {
            "settings": self.settings.to_dict(),
            "samples": [s.to_json() for s in self.samples],
            "groups": [{"text": text, "count": count} for text, count in self.groups()],
            "first_token": [dataclasses.asdict(row) for row in self.first_tokens()],
        }


def sample_many(engine, prompt: BuiltPrompt, settings: SamplerSettings, n: int, first_seed: int,
                top_logprobs: int = 10, cancel: threading.Event | None = None, on_sample=None) -> SampleSet:
    """N replies with seeds first_seed, first_seed+1, …; the prompt is read once.

    Each stream starts from the same prompt tokens, so the engine's KV cache already holds them after
    the first sample and only the last prompt token is evaluated again (llama.cpp keeps the longest
    common prefix). `on_sample(i, sample)` is called as each one ends.
    """
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"between 1 and {MAX_SAMPLES} samples")
    cancel = cancel or threading.Event()
    start_fresh(engine)
    samples = []
    for index in range(n):
        if cancel.is_set():
            break
        seeded = dataclasses.replace(settings, seed=(first_seed + index) % 2**32)
        text, records, finished = draw_reply(engine, prompt.tokens, seeded, top_logprobs, cancel)
        sample = Sample(seeded.seed, text, records, finished.finish_reason)
        samples.append(sample)
        if on_sample is not None:
            on_sample(index, sample)
    return SampleSet(settings, tuple(samples))


def start_fresh(engine) -> None:
    """Forget the KV cache where the engine can: llama.cpp's numbers depend a little on what it holds (a
    prompt's last token evaluated alone or within a batch), and a run must come out the same when run again."""
    clear = getattr(engine, "clear_cache", None)
    if clear is not None:
        clear()


def draw_reply(engine, prompt_tokens, settings: SamplerSettings, top_logprobs: int,
               cancel: threading.Event) -> tuple[str, tuple, Finished]:
    """One whole reply from the engine: its text, its token records and how it ended."""
    records, text, finished = [], "", None
    for event in engine.stream(list(prompt_tokens), settings, top_logprobs=top_logprobs, cancel=cancel):
        if isinstance(event, TokenEvent):
            text += event.delta
            if event.record is not None:
                records.append(event.record)
        elif isinstance(event, Finished):
            text += event.tail
            finished = event
    return text, tuple(records), finished


def _normalised(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .,!?;:。！？，")
