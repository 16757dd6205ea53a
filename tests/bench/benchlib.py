"""Helpers shared by the benchmarks: progress lines, bundled model paths, medians, fresh-process runs with peak RSS."""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
_started = time.perf_counter()


def progress(message: str) -> None:
    """One progress line on stdout, with the seconds since the benchmarks started."""
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", flush=True)


def model_path(role: str) -> Path:
    """A bundled model by manifest role ("chat": SmolLM2, "base": Gemma 3), failing clearly when not fetched."""
    from desktop.core.models import bundled_models

    path = next(m.path for m in bundled_models() if m.role == role)
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} is missing: run `make models` first")
    return Path(path)


def pump(app) -> None:
    """One turn of a running event loop. processEvents alone, called outside exec(), never runs deferred deletes:
    views a switch let go would pile up, still laid out and shown, and every later action would pay for them."""
    from PySide6.QtCore import QEvent

    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rounded(value: float, digits: int = 2) -> float:
    return round(value, digits) if value == value else value  # keep NaN as NaN


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    On Linux this is VmHWM, the high-water mark of this program's own memory. ru_maxrss is not
    used there: it carries over through fork and exec, so a child started by a big benchmark
    process reported the parent's peak instead of its own.
    """
    if sys.platform.startswith("linux"):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def in_fresh_process(module: str, function: str, timeout: float = 600, **kwargs) -> dict:
    """Call `module.function(**kwargs)` in a new interpreter and return the dict it returns.

    Used for peak-RSS figures, which are only meaningful in a process that did nothing else.
    The child's JSON result is its last stdout line; its stderr is shown only if it fails.
    """
    code = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(HERE)!r}]\n"
        f"from {module} import {function} as run\n"
        "print(json.dumps(run(**json.loads(sys.argv[1]))))\n"
    )
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module}.{function} failed in a fresh process:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
