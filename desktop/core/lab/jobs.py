"""The lab's runs as jobs for the engine's thread: job(engine, cancel, report) -> the experiment's data (plain JSON)."""

import random

from desktop.core.lab.compare import Column, Setup, first_divergence, run_compare
from desktop.core.lab.sample import draw_reply, sample_many, start_fresh
from desktop.core.lab.score import ScoredText, score_texts
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve


def _prompt(engine, system: str, history: list[ChatMessage], settings: SamplerSettings):
    budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
    return build_prompt(engine, system, history, budget)


def _engine(engine) -> dict:
    """Which engine ran it: a server's own description (never its address or key), or the model file."""
    describe = getattr(engine, "describe", None)
    if describe is not None:
        return describe()
    return {"kind": "in-process", "model": engine.info.name, "path": str(engine.info.path)}


def score_job(system: str, history: list[ChatMessage], candidates: list[str], settings: SamplerSettings,
              top: int = 10, exact: bool = False):
    def job(engine, cancel, report):
        prompt = _prompt(engine, system, history, settings)
        scored = score_texts(engine, prompt, candidates, top=top, cancel=cancel, exact=exact)
        return {"prompt_tokens": list(prompt.tokens), "engine": _engine(engine), "exact": exact,
                "candidates": [s.to_json() for s in scored]}
    return job


def sample_job(system: str, history: list[ChatMessage], settings: SamplerSettings, n: int, top: int = 10):
    first_seed = settings.seed if settings.seed is not None else random.randrange(2**31)

    def job(engine, cancel, report):
        prompt = _prompt(engine, system, history, settings)
        result = sample_many(engine, prompt, settings, n, first_seed, top_logprobs=top, cancel=cancel,
                             on_sample=lambda index, sample: report((index + 1, n)))
        return {"prompt_tokens": list(prompt.tokens), "engine": _engine(engine), "first_seed": first_seed,
                **result.to_json()}
    return job


def compare_job(system: str, history: list[ChatMessage], settings: SamplerSettings, setups: list[Setup], top: int = 10):
    def job(engine, cancel, report):
        columns = run_compare(engine, system, history, settings, setups, top_logprobs=top, cancel=cancel,
                              on_column=lambda index, column: report((index + 1, len(setups))))
        return {"engine": _engine(engine), "first_divergence": first_divergence(columns),
                "columns": [c.to_json() for c in columns]}
    return job


def rerun_job(kind: str, data: dict):
    """Run a kept experiment again from what it recorded: the same prompt token ids, settings and seeds.

    On the same engine and model this reproduces it exactly (tests/core/lab); nothing is rendered again,
    so a later change to the conversation or its system prompt does not leak in.
    """
    def score(engine, cancel, report):
        candidates = data["candidates"]
        top = max((len(t["top"]) for c in candidates for t in c["tokens"]), default=1)
        positions = engine.score_continuations(list(data["prompt_tokens"]), [[t["id"] for t in c["tokens"]] for c in candidates],
                                               top=top, cancel=cancel, exact=data.get("exact", False))
        scored = [ScoredText(c["text"], tuple(p), sum(t.logprob for t in p)) for c, p in zip(candidates, positions)]
        scored.sort(key=lambda s: s.logprob, reverse=True)
        return {**data, "engine": _engine(engine), "candidates": [s.to_json() for s in scored]}

    def sample(engine, cancel, report):
        settings = SamplerSettings.from_dict(data["settings"])
        n = len(data["samples"])
        top = max((len(t["top"]) for s in data["samples"] for t in s["tokens"]), default=0)
        result = sample_many(engine, _Tokens(data["prompt_tokens"]), settings, n, data["first_seed"], top_logprobs=top,
                             cancel=cancel, on_sample=lambda index, _sample: report((index + 1, n)))
        return {**data, "engine": _engine(engine), **result.to_json()}

    def compare(engine, cancel, report):
        columns = []
        for index, kept in enumerate(data["columns"]):
            setup = Setup(kept["setup"]["overrides"], kept["setup"]["system_prompt"],
                          tuple(tuple(e) for e in kept["setup"]["examples"]))
            settings = SamplerSettings.from_dict(kept["settings"])
            top = max((len(t["top"]) for t in kept["tokens"]), default=0)
            start_fresh(engine)
            text, records, finished = draw_reply(engine, kept["prompt_tokens"], settings, top, cancel)
            columns.append(Column(setup, settings, tuple(kept["prompt_tokens"]), text, records, finished.finish_reason,
                                  finished.stats.ttft_ms))
            report((index + 1, len(data["columns"])))
        return {"engine": _engine(engine), "first_divergence": first_divergence(columns),
                "columns": [c.to_json() for c in columns]}

    return {"score": score, "sample": sample, "compare": compare}[kind]


class _Tokens:
    """What sample_many reads of a built prompt: its token ids."""

    def __init__(self, tokens):
        self.tokens = tuple(tokens)
