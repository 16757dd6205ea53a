"""The lab: sample ×20 against 20 independent replies, scoring against llama.cpp's prompt speed, compare's first tokens.

On the bundled SmolLM2 (n_ctx 4096, the app's default threads), rounds interleaved, medians and spreads:
  sample_s / independent_s   20 replies of 32 tokens after a ~500-token prompt through sample_many (the
                             prompt read once, then reused from the KV cache) against the same 20 draws
                             with the cache cleared before each, as 20 separate `inkling ask` runs would
                             read the prompt (their model loads are left out: the ratio is a floor).
  score_tps / prompt_tps     a 2,000-token text scored after the prompt (logits at the text's positions)
                             against llama.cpp evaluating the same prompt+text as a prompt (last logits only).
  compare_ttft_ms            each of 3 columns' time to first token (each from an empty cache, as the lab
                             runs them), beside a single reply's.
  two_engines_s / one_after_another_s   two compare columns of 32 tokens, one on SmolLM2 and one on the
                             Gemma base model, each engine on its own thread at once (as the Lab window runs
                             columns on different engines) against the same two one after another.
"""

import os
import statistics
import threading
import time

from benchlib import median, model_path, progress, rounded
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig
from desktop.core.lab.compare import Setup, run_column, run_compare
from desktop.core.lab.sample import draw_reply, sample_many
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt

ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "3"))
SAMPLES, SAMPLE_TOKENS, SCORED_TOKENS = 20, 32, 2000
WORDS = ("harbour lighthouse ferry market storm bridge choir bakery library station river winter boats "
         "timetable tide rope lantern gull").split()


def long_text(words: int, seed: int) -> str:
    return " ".join(WORDS[(i * 7 + seed) % len(WORDS)] for i in range(words)) + "."


def spread(values: list[float]) -> list[float]:
    return [rounded(min(values), 3), rounded(max(values), 3)] if values else []


def main() -> dict:
    engine = LlamaEngine(model_path("chat"), EngineConfig(n_ctx=4096))
    history = [ChatMessage("user", "Read this and name one thing it mentions.\n\n" + long_text(400, 1))]
    prompt = build_prompt(engine, "You are a helpful assistant.", history, 3000)
    settings = SamplerSettings(temperature=1.0, max_tokens=SAMPLE_TOKENS)
    text_tokens = engine.continuation_tokens(prompt.text, list(prompt.tokens), long_text(1900, 2))[:SCORED_TOKENS]
    progress(f"prompt {len(prompt.tokens)} tokens, scored text {len(text_tokens)} tokens, {ROUNDS} rounds")
    sample_s, independent_s, score_tps, prompt_tps, single_ttft, column_ttft = [], [], [], [], [], []
    for round_ in range(ROUNDS):
        engine.clear_cache()
        started = time.perf_counter()
        sample_many(engine, prompt, settings, SAMPLES, first_seed=round_ * 100)
        sample_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        for index in range(SAMPLES):
            engine.clear_cache()
            draw_reply(engine, prompt.tokens, settings.__class__(**{**settings.to_dict(), "seed": round_ * 100 + index}), 10, None)
        independent_s.append(time.perf_counter() - started)
        progress(f"round {round_ + 1}: sample ×{SAMPLES} {sample_s[-1]:.1f} s, independent {independent_s[-1]:.1f} s")

        engine.clear_cache()
        engine.score_continuations(list(prompt.tokens), [text_tokens[:1]], top=1)  # the prompt cached for both
        started = time.perf_counter()
        engine.score_continuations(list(prompt.tokens), [text_tokens], top=10)
        score_tps.append(len(text_tokens) / (time.perf_counter() - started))
        llm = engine._llm
        llm.n_tokens = len(prompt.tokens)
        llm._ctx.kv_cache_seq_rm(-1, len(prompt.tokens), -1)
        started = time.perf_counter()
        llm.eval(text_tokens)
        prompt_tps.append(len(text_tokens) / (time.perf_counter() - started))
        progress(f"round {round_ + 1}: score {score_tps[-1]:.0f} tok/s, llama.cpp prompt {prompt_tps[-1]:.0f} tok/s")

        short = [ChatMessage("user", "Name a colour and say why you like it.")]
        engine.clear_cache()
        single = run_compare(engine, "You are a helpful assistant.", short, SamplerSettings(max_tokens=8),
                             [Setup({"seed": 1}), Setup({"seed": 1})])[0]
        single_ttft.append(single.ttft_ms)
        engine.clear_cache()
        columns = run_compare(engine, "You are a helpful assistant.", short, SamplerSettings(max_tokens=8),
                              [Setup({"temperature": 0.0}), Setup({"temperature": 1.0, "seed": 2}),
                               Setup(system_prompt="Answer in one word.")])
        column_ttft.append([c.ttft_ms for c in columns])
    other = LlamaEngine(model_path("base"), EngineConfig(n_ctx=2048))
    together_s, apart_s = [], []
    for round_ in range(ROUNDS):
        apart_s.append(_columns(engine, other, short, concurrent=False))
        together_s.append(_columns(engine, other, short, concurrent=True))
        progress(f"round {round_ + 1}: two engines at once {together_s[-1]:.1f} s, one after another {apart_s[-1]:.1f} s")
    other.close()
    engine.close()
    ratios = [i / s for i, s in zip(independent_s, sample_s)]
    score_ratios = [s / p for s, p in zip(score_tps, prompt_tps)]
    return {
        "load_1min": rounded(os.getloadavg()[0]),
        "sample_s": rounded(median(sample_s)), "independent_s": rounded(median(independent_s)),
        "sample_speedup": rounded(median(ratios)), "sample_speedup_spread": spread(ratios),
        "score_tps": rounded(median(score_tps), 0), "prompt_tps": rounded(median(prompt_tps), 0),
        "score_vs_prompt": rounded(median(score_ratios)), "score_vs_prompt_spread": spread(score_ratios),
        "single_ttft_ms": rounded(median(single_ttft), 1),
        "compare_ttft_ms": [rounded(statistics.median(c[i] for c in column_ttft), 1) for i in range(3)],
        "two_engines_s": rounded(median(together_s)), "one_after_another_s": rounded(median(apart_s)),
        "two_engines_speedup": rounded(median([a / t for a, t in zip(apart_s, together_s)])),
    }


def _columns(engine, other, history, concurrent: bool) -> float:
    """Two columns of SAMPLE_TOKENS tokens, one per engine (seeded, so every round draws the same)."""
    settings = SamplerSettings(temperature=1.0, max_tokens=SAMPLE_TOKENS, seed=5)
    runs = [lambda e=e: run_column(e, "You are a helpful assistant.", history, settings, Setup()) for e in (engine, other)]
    started = time.perf_counter()
    if concurrent:
        threads = [threading.Thread(target=run) for run in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for run in runs:
            run()
    return time.perf_counter() - started
