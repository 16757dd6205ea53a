"""Fidelity: how far each engine setting moves the probabilities Inkling shows, beside its decode speed.

For each bundled model and each setting (flash attention off/on x KV cache f16/q8_0), the engine
continues 4 prompts greedily for 64 tokens each, capturing the top-10 alternatives. The reference is
llama-cpp-python's own `logits_all=True` with flash attention off and an f16 cache, fed the same tokens
on the same schedule (the prompt as one batch, then one token at a time, 2 threads), since llama.cpp's
logits also depend on the batch a position was computed in. Figures: mean and max |Δ logprob| of the
chosen token and of every top-10 entry against the reference's log-softmax, the share of greedy steps
whose token differs from the reference's argmax, and decode tokens/s (median over the prompts; the
settings run interleaved, prompt by prompt, so load changes hit them alike). Target with the defaults:
max |Δ| <= 2e-3. INKLING_BENCH_TOKENS sets the tokens per prompt, INKLING_BENCH_MODELS one model.
"""

import os

import llama_cpp
import numpy as np

from benchlib import median, model_path, progress, rounded
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, Finished, TokenEvent
from desktop.core.probability.sampling import SamplerSettings

N_TOKENS = int(os.environ.get("INKLING_BENCH_TOKENS", "64"))
N_CTX = 256
THREADS = int(os.environ.get("INKLING_BENCH_THREADS", "2"))  # 1 on a machine busy with other work
TOP = 10
TARGET = 2e-3
MODELS = (("smollm2", "chat"), ("gemma", "base"))
ONLY = os.environ.get("INKLING_BENCH_MODELS", "")
SETTINGS = {  # name -> (flash attention, KV cache type); the first is Inkling's default
    "fa_off_f16": (False, "f16"),
    "fa_on_f16": (True, "f16"),
    "fa_off_q8_0": (False, "q8_0"),
    "fa_on_q8_0": (True, "q8_0"),
}
PROMPTS = (
    "The lighthouse keeper had not spoken to another living soul in three years when the boat appeared. It was",
    "Photosynthesis is the process by which green plants turn light into chemical energy. In the first stage,",
    "Dear Sam,\n\nThank you for your letter about the garden. The roses you planted last spring",
    "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
)


def greedy() -> SamplerSettings:
    return SamplerSettings(temperature=0.0, max_tokens=N_TOKENS, repeat_penalty=1.0)


def log_softmax(row: np.ndarray) -> np.ndarray:
    row = row.astype(np.float64)
    shifted = row - row.max()
    return shifted - np.log(np.exp(shifted).sum())


def engine_run(engine: LlamaEngine, prompt: list[int]) -> tuple[list, float]:
    engine.clear_cache()  # the prompt in one batch, like the reference
    records, tps = [], float("nan")
    for event in engine.stream(prompt, greedy(), top_logprobs=TOP):
        if isinstance(event, TokenEvent):
            records.append(event.record)
        elif isinstance(event, Finished):
            tps = event.stats.tokens_per_s
    return records, tps


def reference_rows(reference: llama_cpp.Llama, prompt: list[int], tokens: list[int]) -> np.ndarray:
    reference.reset()
    reference.eval(prompt)
    for token in tokens[:-1]:
        reference.eval([token])
    scores = np.array(reference.scores[len(prompt) - 1: reference.n_tokens], dtype=np.float64)
    return scores


def compare(records: list, rows: np.ndarray) -> tuple[list[float], list[float], int]:
    chosen, listed, flips = [], [], 0
    for record, raw in zip(records, rows):
        row = log_softmax(raw)
        chosen.append(abs(record.logprob - row[record.id]))
        listed += [abs(alt.logprob - row[alt.id]) for alt in record.top]
        flips += int(np.argmax(row)) != record.id
    return chosen, listed, flips


def bench_model(key: str, role: str) -> dict:
    path = model_path(role)
    engines = {
        name: LlamaEngine(path, EngineConfig(n_ctx=N_CTX, n_threads=THREADS, n_gpu_layers=0, flash_attention=fa, kv_type=kv))
        for name, (fa, kv) in SETTINGS.items()
    }
    reference = llama_cpp.Llama(str(path), n_ctx=N_CTX, n_threads=THREADS, n_threads_batch=THREADS, logits_all=True,
                                flash_attn=False, swa_full=True, verbose=False)
    results = {name: {"chosen": [], "listed": [], "flips": 0, "tokens": 0, "tps": []} for name in SETTINGS}
    try:
        for index, text in enumerate(PROMPTS):
            prompt = engines["fa_off_f16"].tokenize(text)
            progress(f"{key}: prompt {index + 1}/{len(PROMPTS)} ({len(prompt)} tokens)")
            order = list(SETTINGS)[index % len(SETTINGS):] + list(SETTINGS)[: index % len(SETTINGS)]
            for name in order:
                records, tps = engine_run(engines[name], prompt)
                rows = reference_rows(reference, prompt, [r.id for r in records])
                chosen, listed, flips = compare(records, rows)
                result = results[name]
                result["chosen"] += chosen
                result["listed"] += listed
                result["flips"] += flips
                result["tokens"] += len(records)
                result["tps"].append(tps)
    finally:
        reference.close()
        for engine in engines.values():
            engine.close()
    figures = {}
    for name, result in results.items():
        figures[name] = {
            "mean_abs_dlogprob": float(f"{np.mean(result['chosen']):.2e}"),
            "max_abs_dlogprob": float(f"{max(result['chosen']):.2e}"),
            "top10_max_abs_dlogprob": float(f"{max(result['listed']):.2e}"),
            "greedy_steps_differing": result["flips"],
            "tokens": result["tokens"],
            "decode_tok_s": rounded(median(result["tps"]), 1),
            "decode_tok_s_spread": [rounded(min(result["tps"]), 1), rounded(max(result["tps"]), 1)],
        }
    default = figures["fa_off_f16"]
    figures["default_within_target"] = max(default["max_abs_dlogprob"], default["top10_max_abs_dlogprob"]) <= TARGET
    return figures


def main() -> dict:
    load = os.getloadavg()
    out = {"tokens_per_prompt": N_TOKENS, "prompts": len(PROMPTS), "threads": THREADS, "target_max_abs": TARGET}
    for key, role in MODELS:
        if ONLY and key not in ONLY.split(","):
            continue
        out[key] = bench_model(key, role)
    out["load_avg_1m"] = [round(load[0], 1), round(os.getloadavg()[0], 1)]
    return out
