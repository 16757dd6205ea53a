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
from desktop.core.words import translate

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
        rows, _sharing = next_tokens([s.to_json() for s in self.samples], [])
        return [FirstToken(r["id"], r["text"], r["model_prob"], r["count"]) for r in rows]

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
        raise ValueError(translate("core", "Sample between 1 and {most} times.").format(most=MAX_SAMPLES))
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


def next_tokens(samples: list[dict], prefix: list[int]) -> tuple[list[dict], int]:
    """At the position after `prefix` (token ids): each next token's probability under the model beside how
    often the samples that began with exactly that prefix drew it; and how many samples did.

    `samples` as a sample set keeps them (Sample.to_json). Samples with the same prefix were computed from the
    same tokens, so the model gave them one distribution there; the first one's alternatives are shown, and a
    drawn token outside them still gets its row. `sampler_prob` is the probability the sampler drew it with
    (after temperature, top-k…), known for drawn tokens only.
    """
    k = len(prefix)
    sharing = [s["tokens"][k] for s in samples if len(s["tokens"]) > k and [t["id"] for t in s["tokens"][:k]] == prefix]
    if not sharing:
        return [], 0
    drawn = Counter(token["id"] for token in sharing)
    alternatives = {alt["id"]: alt for alt in sharing[0]["top"]}
    for token in sharing:
        alternatives.setdefault(token["id"], token)
    sampler = {token["id"]: token.get("sampled_prob") for token in sharing}
    rows = [{"id": a["id"], "text": a["text"], "model_prob": math.exp(a["logprob"]), "count": drawn.get(a["id"], 0),
             "sampler_prob": sampler.get(a["id"])} for a in alternatives.values()]
    return sorted(rows, key=lambda r: (-r["model_prob"], r["id"])), len(sharing)


def start_fresh(engine) -> None:
    """Forget the KV cache where the engine can: llama.cpp's numbers depend a little on what it holds (a
    prompt's last token evaluated alone or within a batch), and a run must come out the same when run again."""
    clear = getattr(engine, "clear_cache", None)
    if clear is not None:
        clear()


def draw_reply(engine, prompt_tokens, settings: SamplerSettings, top_logprobs: int,
               cancel: threading.Event, on_record=None) -> tuple[str, tuple, Finished]:
    """One whole reply from the engine: its text, its token records and how it ended (`on_record(record)`
    as each token is drawn)."""
    records, text, finished = [], "", None
    for event in engine.stream(list(prompt_tokens), settings, top_logprobs=top_logprobs, cancel=cancel):
        if isinstance(event, TokenEvent):
            text += event.delta
            if event.record is not None:
                records.append(event.record)
                if on_record is not None:
                    on_record(event.record)
        elif isinstance(event, Finished):
            text += event.tail
            finished = event
    return text, tuple(records), finished


def _normalised(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .,!?;:。！？，")
