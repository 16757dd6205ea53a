"""Decode speed with and without probability capture, against plain llama-cpp-python and its built-in logprobs.

For each bundled model, six variants continue the same prompt for 256 greedy tokens on the app's default
thread count (default_threads(); INKLING_BENCH_THREADS overrides it):
  capture          our engine, LlamaEngine.stream(..., top_logprobs=10)
  no_capture       our engine, top_logprobs=0
  capture_busy     capture, while one child process spins a busy loop (a laptop doing other work)
  no_capture_busy  no_capture, with the same busy process
  llama_cpp        Llama.create_completion(stream=True), no logprobs
  builtin          Llama(logits_all=True).create_completion(logprobs=10, stream=True)
Tokens/s counts decode only: from the arrival of the first token to the arrival of the last one, so
prompt evaluation and time to first token are excluded. The machine is shared and noisy, so the
variants run interleaved (rotating order each round) and each figure is a median over rounds; the
capture/no-capture ratios are paired per round, with their spread (min, max over rounds).
  threads          capture at the default thread count (default_threads()), 1 thread and every core, each
                   idle and with the busy process: tokens/s and the busy/idle ratio per thread count
                   (INKLING_BENCH_THREAD_TOKENS tokens per run, 64 by default: a busy run at every core
                   crawls at a few tokens/s)
INKLING_BENCH_VARIANTS (e.g. "capture,no_capture,capture_busy,no_capture_busy") runs fewer variants,
INKLING_BENCH_TOKENS fewer tokens per run. A figure a skipped variant would give is null in the JSON.
Peak RSS of `capture` and `builtin` (and of plain llama_cpp, for reference) comes from fresh processes.
"""

import gc
import math
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import llama_cpp

from benchlib import in_fresh_process, median, model_path, peak_rss_mb, progress, rounded
from desktop.core.engine.capture import ProbabilityCapture
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, Finished, TokenEvent, default_threads
from desktop.core.probability.sampling import SamplerSettings

N_TOKENS = int(os.environ.get("INKLING_BENCH_TOKENS", "256"))  # fewer for a quick look on a loaded machine
N_CTX = 1024
THREADS = int(os.environ.get("INKLING_BENCH_THREADS") or default_threads())
TOP_LOGPROBS = 10
# llama-cpp-python runs with the engine's default, so the comparison is like for like
ENGINE_FLASH_ATTENTION = EngineConfig().flash_attention
ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "5"))
# the built-in logprobs path runs at a few tokens/s on Gemma (about 90 s a run): fewer rounds
BUILTIN_ROUNDS = min(3, ROUNDS)
MODELS = (("smollm2", "chat"), ("gemma", "base"))
ONLY = os.environ.get("INKLING_BENCH_MODELS", "")  # e.g. "smollm2" for a quick run of one model
ALL_VARIANTS = ("capture", "no_capture", "capture_busy", "no_capture_busy", "llama_cpp", "builtin", "threads")
THREAD_TOKENS = int(os.environ.get("INKLING_BENCH_THREAD_TOKENS", "64"))
VARIANTS = tuple(
    name for name in ALL_VARIANTS
    if name in (os.environ.get("INKLING_BENCH_VARIANTS") or ",".join(ALL_VARIANTS)).split(",")
)

# Openings of long documents, so a greedy continuation runs on instead of ending early (no EOS
# suppression: a logits processor would slow the llama-cpp-python variants down).
PROMPTS = (
    "Chapter One\n\nThe lighthouse keeper had not spoken to another living soul in three years when the "
    "boat appeared on the horizon. It was a grey morning in late October, and",
    "The history of the city begins in the twelfth century, when a small group of merchants settled on "
    "the northern bank of the river. Over the following centuries,",
    "Introduction\n\nThe steam engine changed the way people lived and worked more than any other "
    "invention of the eighteenth century. In this article we will look at",
)


@dataclass
class Run:
    tokens: int  # tokens produced (end-of-generation excluded)
    span: float  # seconds from the first token's arrival to the last one's
    steps: int  # decode steps inside the span
    text: str
    finish: str

    @property
    def tps(self) -> float:
        return self.steps / self.span if self.span > 0 else float("nan")


def greedy(max_tokens: int = N_TOKENS) -> SamplerSettings:
    return SamplerSettings(temperature=0.0, max_tokens=max_tokens, repeat_penalty=1.0)


def run_engine(engine: LlamaEngine, prompt: list[int], capture: bool, max_tokens: int = N_TOKENS) -> Run:
    first = last = None
    events, produced, parts, finish = 0, 0, [], "?"
    for event in engine.stream(prompt, greedy(max_tokens), top_logprobs=TOP_LOGPROBS if capture else 0):
        if isinstance(event, TokenEvent):
            last = time.perf_counter()
            first = first or last
            events += 1
            produced += not event.end_of_text
            parts.append(event.delta)
        elif isinstance(event, Finished):
            finish = event.finish_reason
            parts.append(event.tail)
    return Run(produced, (last - first) if first else 0.0, max(events - 1, 0), "".join(parts), finish)


def run_completion(llm: llama_cpp.Llama, prompt: list[int], logprobs: int | None, max_tokens: int = N_TOKENS) -> Run:
    first = last = None
    parts, finish = [], "?"
    stream = llm.create_completion(
        prompt, max_tokens=max_tokens, temperature=0.0, stream=True, logprobs=logprobs,
    )
    for chunk in stream:
        choice = chunk["choices"][0]
        if choice["finish_reason"] is None:  # chunks yielded as tokens arrive; the closing one comes after
            last = time.perf_counter()
            first = first or last
        else:
            finish = choice["finish_reason"]
        parts.append(choice["text"])
    # The stream yields text, not tokens: count them from the evaluated context. The last drawn
    # token is never evaluated, and an end-of-generation token is drawn but not kept.
    produced = llm.n_tokens - len(prompt) + (1 if finish == "length" else 0)
    return Run(produced, (last - first) if first else 0.0, max(produced - 1, 0), "".join(parts), finish)


def pick_prompt(engine: LlamaEngine, notes: list[str]) -> list[int]:
    """The first prompt whose greedy continuation runs the full length (also warms the engine up)."""
    for number, text in enumerate(PROMPTS):
        tokens = engine.tokenize(text)
        run = run_engine(engine, tokens, capture=False)
        if run.tokens == N_TOKENS:
            if number:
                notes.append(f"prompts 0..{number - 1} ended before {N_TOKENS} tokens; used prompt {number}")
            return tokens
    notes.append(f"every prompt ended early; tokens/s is over the {run.tokens} tokens produced")
    return tokens


def capture_cost(engine: LlamaEngine, prompt: list[int]) -> dict:
    """Per-token microseconds of ProbabilityCapture.measure and of the whole _record, from one timed-inside run."""
    measure_s: list[float] = []
    record_s: list[float] = []
    original_measure = ProbabilityCapture.measure
    original_record = engine._record

    def timed_measure(self, logits, chosen):
        start = time.perf_counter()
        try:
            return original_measure(self, logits, chosen)
        finally:
            measure_s.append(time.perf_counter() - start)

    def timed_record(capture, token):
        start = time.perf_counter()
        try:
            return original_record(capture, token)
        finally:
            record_s.append(time.perf_counter() - start)

    ProbabilityCapture.measure = timed_measure
    engine._record = timed_record
    try:
        run_engine(engine, prompt, capture=True)
    finally:
        ProbabilityCapture.measure = original_measure
        del engine._record
    return {
        "measure_us": rounded(median(measure_s) * 1e6, 1),
        "record_us": rounded(median(record_s) * 1e6, 1),  # measure + token texts + record objects
    }


@contextmanager
def busy_process():
    """One child process spinning a pure-Python loop (one core's worth of competing work) while the block runs."""
    # The loop checks now and then that its parent is alive, so a killed benchmark leaves no spinner behind.
    loop = f"import os\nn = 0\nwhile n % 10**7 or os.getppid() == {os.getpid()}:\n    n += 1"
    spinner = subprocess.Popen([sys.executable, "-c", loop])
    try:
        time.sleep(0.2)  # let it start spinning before the timed run
        yield
    finally:
        spinner.kill()
        spinner.wait()


def paired(by_round: list[dict[str, float]], a: str, b: str) -> dict:
    """Median and spread (min, max) over rounds of the per-round ratio a/b."""
    ratios = sorted(r[a] / r[b] for r in by_round if a in r and b in r)
    if not ratios:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "rounds": 0}
    return {"median": rounded(median(ratios), 3), "min": rounded(ratios[0], 3), "max": rounded(ratios[-1], 3),
            "rounds": len(ratios)}


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages (what `uptime` shows)."""
    return [round(value, 2) for value in os.getloadavg()]


# --- fresh-process peak RSS ---------------------------------------------------------------------
def rss_child(variant: str, path: str, prompt: list[int]) -> dict:
    """Run one variant once in this (fresh) process; return its peak RSS."""
    if variant == "capture":
        engine = LlamaEngine(path, EngineConfig(n_ctx=N_CTX, n_threads=THREADS))
        run = run_engine(engine, prompt, capture=True)
    else:
        llm = llama_cpp.Llama(
            path, n_ctx=N_CTX, n_threads=THREADS, flash_attn=ENGINE_FLASH_ATTENTION, verbose=False, logits_all=variant == "builtin",
        )
        run = run_completion(llm, prompt, TOP_LOGPROBS if variant == "builtin" else None)
    return {"rss_mb": round(peak_rss_mb(), 1), "tokens": run.tokens}


# --- one model ----------------------------------------------------------------------------------
def bench_model(key: str, role: str) -> dict:
    path = model_path(role)
    notes: list[str] = []
    progress(f"{key}: loading {path.name}")
    engine = LlamaEngine(path, EngineConfig(n_ctx=N_CTX, n_threads=THREADS))
    # only what the chosen variants run: the built-in path's logits_all costs n_ctx x n_vocab x 4 bytes
    plain = builtin = None
    if "llama_cpp" in VARIANTS:
        plain = llama_cpp.Llama(str(path), n_ctx=N_CTX, n_threads=THREADS, flash_attn=ENGINE_FLASH_ATTENTION, verbose=False)
    if "builtin" in VARIANTS:
        builtin = llama_cpp.Llama(
            str(path), n_ctx=N_CTX, n_threads=THREADS, flash_attn=ENGINE_FLASH_ATTENTION, verbose=False, logits_all=True,
        )
    try:
        prompt = pick_prompt(engine, notes)
        progress(f"{key}: prompt of {len(prompt)} tokens; warming up")
        variants = {
            "capture": lambda n=N_TOKENS: run_engine(engine, prompt, True, n),
            "no_capture": lambda n=N_TOKENS: run_engine(engine, prompt, False, n),
            "llama_cpp": lambda n=N_TOKENS: run_completion(plain, prompt, None, n),
            "builtin": lambda n=N_TOKENS: run_completion(builtin, prompt, TOP_LOGPROBS, n),
        }
        for name in ("capture", "no_capture"):
            variants[f"{name}_busy"] = variants[name]
        for name, run in variants.items():
            if name in VARIANTS and not name.endswith("_busy"):
                run(16 if name == "builtin" else N_TOKENS)  # loads pages, caches the prompt, fills piece caches
        load_before = load()

        runs = tuple(name for name in VARIANTS if name in variants)
        tps: dict[str, list[float]] = {name: [] for name in runs}
        by_round: list[dict[str, float]] = []
        texts: dict[str, str] = {}
        for round_ in range(ROUNDS if runs else 0):
            order = runs[round_ % len(runs):] + runs[:round_ % len(runs)]
            this_round = {}
            for name in order:
                if name == "builtin" and round_ >= BUILTIN_ROUNDS:
                    continue
                gc.collect()
                if name.endswith("_busy"):
                    with busy_process():
                        run = variants[name]()
                else:
                    run = variants[name]()
                if run.tokens != N_TOKENS:
                    notes.append(f"{name} round {round_}: {run.tokens} tokens ({run.finish}); tokens/s over those")
                tps[name].append(run.tps)
                this_round[name] = run.tps
                texts.setdefault(name, run.text)
                progress(f"{key} round {round_ + 1}/{ROUNDS} {name:<10} {run.tps:7.1f} tok/s ({run.tokens} tokens)")
            by_round.append(this_round)

        if len(set(texts.values())) > 1:
            notes.append("variants produced different texts: " + ", ".join(
                f"{name}={text[:40]!r}" for name, text in texts.items()))
        else:
            notes.append("all variants produced the same text")

        load_after = load()
        cost = {"measure_us": float("nan"), "record_us": float("nan")}
        if "capture" in VARIANTS:
            progress(f"{key}: timing ProbabilityCapture.measure inside one more capture run")
            cost = capture_cost(engine, prompt)
    finally:
        for model in (engine, plain, builtin):
            if model is not None:
                model.close()  # frees llama.cpp's memory before the fresh-process runs below
        gc.collect()

    rss = {name: {"rss_mb": float("nan")} for name in ("capture", "builtin", "llama_cpp")}
    for variant in (name for name in rss if name in VARIANTS):
        progress(f"{key}: peak RSS of {variant} in a fresh process")
        rss[variant] = in_fresh_process("bench_decode", "rss_child", variant=variant, path=str(path), prompt=prompt)

    med = {name: median(tps.get(name, [])) for name in ALL_VARIANTS}
    paired_ab = paired(by_round, "capture", "no_capture")
    paired_busy = paired(by_round, "capture_busy", "no_capture_busy")
    paired_ac = paired(by_round, "capture", "llama_cpp")
    ms_per_token = 1000.0 / med["no_capture"]
    notes.append(f"medians over {ROUNDS} interleaved rounds ({BUILTIN_ROUNDS} for builtin), order rotated each round; "
                 f"variants: {', '.join(VARIANTS)}; load averages (1, 5, 15 min) before and after the rounds")
    return {
        "n_threads": THREADS,
        "tps_capture": rounded(med["capture"], 1),
        "tps_no_capture": rounded(med["no_capture"], 1),
        "tps_llama_cpp": rounded(med["llama_cpp"], 1),
        "tps_builtin_logprobs": rounded(med["builtin"], 1),
        "rss_capture_mb": rss["capture"]["rss_mb"],
        "rss_builtin_mb": rss["builtin"]["rss_mb"],
        "capture_vs_no_capture": rounded(med["capture"] / med["no_capture"], 3),
        "capture_vs_llama_cpp": rounded(med["capture"] / med["llama_cpp"], 3),
        "capture_vs_no_capture_paired": paired_ab["median"],
        "capture_vs_llama_cpp_paired": paired_ac["median"],
        "tps_capture_busy": rounded(med["capture_busy"], 1),
        "tps_no_capture_busy": rounded(med["no_capture_busy"], 1),
        "capture_vs_no_capture_busy_paired": paired_busy["median"],
        "ratio_spreads": {"quiet": paired_ab, "busy": paired_busy, "vs_llama_cpp": paired_ac},
        "load_before": load_before,
        "load_after": load_after,
        "rss_llama_cpp_mb": rss["llama_cpp"]["rss_mb"],
        "prompt_tokens": len(prompt),
        "capture_measure_us": cost["measure_us"],
        "capture_record_us": cost["record_us"],
        "capture_share_of_step": rounded(cost["record_us"] / 1000.0 / ms_per_token, 4),
        "runs_tps": {name: [rounded(v, 1) for v in values] for name, values in tps.items()},
        "threads": bench_threads(key, path, prompt) if "threads" in VARIANTS else None,
        "notes": notes,
    }


def thread_counts() -> dict[str, int]:
    """The thread counts compared: the default, one, and every core (a count named twice runs once)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    counts: dict[str, int] = {}
    for name, count in (("default", default_threads()), ("one", 1), ("all", cores)):
        if count not in counts.values():
            counts[name] = count
    return counts


def bench_threads(key: str, path, prompt: list[int]) -> dict:
    """Capture at each thread count, idle and beside one busy process, interleaved over rounds."""
    counts = thread_counts()
    engines = {name: LlamaEngine(path, EngineConfig(n_ctx=N_CTX, n_threads=count)) for name, count in counts.items()}
    cases = [(name, busy) for name in counts for busy in (False, True)]
    runs: dict[tuple[str, bool], list[float]] = {case: [] for case in cases}
    ratios: dict[str, list[float]] = {name: [] for name in counts}
    load_before = load()
    try:
        for engine in engines.values():
            run_engine(engine, prompt, True, 16)  # warm: pages, prompt cache, piece caches
        for round_ in range(ROUNDS):
            order = cases[round_ % len(cases):] + cases[:round_ % len(cases)]
            this_round = {}
            for name, busy in order:
                gc.collect()
                if busy:
                    with busy_process():
                        run = run_engine(engines[name], prompt, True, THREAD_TOKENS)
                else:
                    run = run_engine(engines[name], prompt, True, THREAD_TOKENS)
                runs[(name, busy)].append(run.tps)
                this_round[(name, busy)] = run.tps
                progress(f"{key} threads round {round_ + 1}/{ROUNDS} {name} ({counts[name]}) "
                         f"{'busy' if busy else 'idle'} {run.tps:7.1f} tok/s")
            for name in counts:
                ratios[name].append(this_round[(name, True)] / this_round[(name, False)])
    finally:
        for engine in engines.values():
            engine.close()
    result = {}
    for name, count in counts.items():
        spread = sorted(ratios[name])
        result[name] = {
            "n_threads": count,
            "tps_idle": rounded(median(runs[(name, False)]), 1),
            "tps_busy": rounded(median(runs[(name, True)]), 1),
            "busy_vs_idle_paired": {"median": rounded(median(spread), 3), "min": rounded(spread[0], 3),
                                    "max": rounded(spread[-1], 3)},
            "runs_idle": [rounded(v, 1) for v in runs[(name, False)]],
            "runs_busy": [rounded(v, 1) for v in runs[(name, True)]],
        }
    result["tokens_per_run"] = THREAD_TOKENS
    result["load_before"], result["load_after"] = load_before, load()
    return result


def json_safe(value):
    """NaN (a figure no run gave) as null: json.dumps would write NaN, which is not JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value


def main() -> dict:
    result = {}
    for key, role in MODELS:
        if ONLY and key not in ONLY.split(","):
            continue
        result[key] = bench_model(key, role)
        figures = result[key]
        progress(
            f"{key}: capture {figures['tps_capture']} / no capture {figures['tps_no_capture']} / "
            f"llama-cpp {figures['tps_llama_cpp']} / built-in logprobs {figures['tps_builtin_logprobs']} tok/s; "
            f"a/b {figures['capture_vs_no_capture']}, a/c {figures['capture_vs_llama_cpp']}; paired a/b quiet "
            f"{figures['capture_vs_no_capture_paired']}, busy {figures['capture_vs_no_capture_busy_paired']}"
        )
    return json_safe(result)


if __name__ == "__main__":
    import json

    print(json.dumps({"bench": "decode", **main()}, allow_nan=False))
