"""The lab's runs as jobs for the engine's thread: job(engine, cancel, report) -> the experiment's data (plain JSON)."""

import random

from desktop.core.lab.compare import Setup, first_divergence, run_compare
from desktop.core.lab.sample import sample_many
from desktop.core.lab.score import score_texts
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve


def _prompt(engine, system: str, history: list[ChatMessage], settings: SamplerSettings):
    budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
    return build_prompt(engine, system, history, budget)


def _engine(engine) -> dict:
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
