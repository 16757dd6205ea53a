"""The lab's runs as jobs for the engine's thread: job(engine, cancel, report) -> the experiment's data (plain JSON)."""

import random
import threading
import time
from collections.abc import Sequence

from desktop.core.lab.compare import Column, Setup, SetupError, check_count, compare_data, describe_engine, run_column
from desktop.core.lab.keep import token_json
from desktop.core.lab.sample import draw_reply, sample_many, start_fresh
from desktop.core.lab.score import ScoredText, score_texts
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve
from desktop.core.words import translate

STREAM_S = 0.1  # a running column's new tokens go to the window at most this often


def _prompt(engine, system: str, history: list[ChatMessage], settings: SamplerSettings):
    budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
    return build_prompt(engine, system, history, budget)


def score_job(system: str, history: list[ChatMessage], candidates: list[str], settings: SamplerSettings,
              top: int = 10, exact: bool = False):
    def job(engine, cancel, report):
        prompt = _prompt(engine, system, history, settings)
        scored = score_texts(engine, prompt, candidates, top=top, cancel=cancel, exact=exact)
        return {"prompt_tokens": list(prompt.tokens), "engine": describe_engine(engine), "exact": exact,
                "candidates": [s.to_json() for s in scored]}
    return job


def sample_job(system: str, history: list[ChatMessage], settings: SamplerSettings, n: int, top: int = 10):
    first_seed = settings.seed if settings.seed is not None else random.randrange(2**31)

    def job(engine, cancel, report):
        prompt = _prompt(engine, system, history, settings)
        result = sample_many(engine, prompt, settings, n, first_seed, top_logprobs=top, cancel=cancel,
                             on_sample=lambda index, sample: report((index + 1, n)))
        return {"prompt_tokens": list(prompt.tokens), "engine": describe_engine(engine), "first_seed": first_seed,
                **result.to_json()}
    return job


def compare_job(system: str, history: list[ChatMessage], settings: SamplerSettings, setups: list[Setup], top: int = 10,
                sources: Sequence = ()):
    """Every column on one engine (a setup naming another engine is refused here: the window runs those on theirs)."""
    def job(engine, cancel, report):
        check_count(setups)
        if any(setup.engine is not None for setup in setups):
            raise SetupError(translate(
                "core", "a setup names another engine: run it where engines are opened (the Lab window, inkling compare)"))
        done = columns_job(system, history, settings, list(enumerate(setups)), top, sources)(engine, cancel, report)
        return compare_data([column for _index, column in done["columns"]], describe_engine(engine), settings.max_tokens)
    return job


def columns_job(system: str, history: list[ChatMessage], settings: SamplerSettings, setups: list[tuple[int, Setup]],
                top: int = 10, sources: Sequence = ()):
    """The columns of a comparison that share one engine, one after another. Reports ("tokens", index,
    [token_json…]) as tokens are drawn (at most every STREAM_S) and ("column", index, column) as each ends."""
    def job(engine, cancel, report):
        cancel, done = cancel or threading.Event(), []
        for index, setup in setups:
            if cancel.is_set():
                break
            stream = _Stream(index, report)
            column = run_column(engine, system, history, settings, setup, top, cancel, sources, stream.add).to_json()
            stream.flush()
            done.append((index, column))
            report(("column", index, column))
        return {"engine": describe_engine(engine), "columns": done}
    return job


class _Stream:
    """A column's tokens reported in small batches: a queued signal per token would flood the window."""

    def __init__(self, index: int, report):
        self.index, self.report, self.pending, self.sent = index, report, [], time.monotonic()

    def add(self, record) -> None:
        self.pending.append(token_json(record))
        if time.monotonic() - self.sent >= STREAM_S:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.report(("tokens", self.index, self.pending))
            self.pending, self.sent = [], time.monotonic()


def rerun_columns_job(kept: list[tuple[int, dict]]):
    """Kept columns run again from what they recorded (prompt token ids, settings, seed) on their engine."""
    def job(engine, cancel, report):
        cancel, done = cancel or threading.Event(), []
        for index, column in kept:
            if cancel.is_set():
                break
            setup, settings = Setup.from_json(column["setup"]), SamplerSettings.from_dict(column["settings"])
            top = max((len(t["top"]) for t in column["tokens"]), default=0)
            start_fresh(engine)
            stream = _Stream(index, report)
            text, records, finished = draw_reply(engine, column["prompt_tokens"], settings, top, cancel, stream.add)
            stream.flush()
            again = Column(setup, settings, tuple(column["prompt_tokens"]), text, records, finished.finish_reason,
                           finished.stats.ttft_ms, None if setup.engine is None else describe_engine(engine),
                           column.get("sources_used", 0)).to_json()
            done.append((index, again))
            report(("column", index, again))
        return {"engine": describe_engine(engine), "columns": done}
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
        return {**data, "engine": describe_engine(engine), "candidates": [s.to_json() for s in scored]}

    def sample(engine, cancel, report):
        settings = SamplerSettings.from_dict(data["settings"])
        n = len(data["samples"])
        top = max((len(t["top"]) for s in data["samples"] for t in s["tokens"]), default=0)
        result = sample_many(engine, _Tokens(data["prompt_tokens"]), settings, n, data["first_seed"], top_logprobs=top,
                             cancel=cancel, on_sample=lambda index, _sample: report((index + 1, n)))
        return {**data, "engine": describe_engine(engine), **result.to_json()}

    def compare(engine, cancel, report):
        done = rerun_columns_job(list(enumerate(data["columns"])))(engine, cancel, report)
        return compare_data([column for _index, column in done["columns"]], describe_engine(engine), data.get("max_tokens"))

    return {"score": score, "sample": sample, "compare": compare}[kind]


class _Tokens:
    """What sample_many reads of a built prompt: its token ids."""

    def __init__(self, tokens):
        self.tokens = tuple(tokens)
