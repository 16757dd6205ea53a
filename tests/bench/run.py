"""Benchmark runner: `python tests/bench/run.py [NAME]` runs every tests/bench/bench_<name>.py, or just one.

Each benchmark module exposes `main() -> dict`; it may print progress lines, and the runner
prints its result as one JSON line, `{"bench": NAME, ...figures}`, as soon as it completes.
So the last line of a run is the last benchmark's JSON. A benchmark that raises is reported
on stderr and as `{"bench": NAME, "error": ...}`, the others still run, and the exit status is 1.
"""

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = "bench_"


def available() -> list[str]:
    return sorted(path.stem[len(PREFIX):] for path in HERE.glob(f"{PREFIX}*.py"))


def run_one(name: str) -> dict:
    module = importlib.import_module(PREFIX + name)
    started = time.perf_counter()
    figures = module.main()
    if not isinstance(figures, dict):
        raise TypeError(f"{PREFIX}{name}.main() returned {type(figures).__name__}, not a dict")
    print(f"[{name}] done in {time.perf_counter() - started:.1f} s", flush=True)
    return {"bench": name, **{k: v for k, v in figures.items() if k != "bench"}}


def main(argv: list[str]) -> int:
    # benchmarks import the app (`desktop`) and their shared helpers (`benchlib`) from a source checkout
    for path in (str(ROOT), str(HERE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    names = available()
    if len(argv) > 1:
        print("usage: run.py [NAME]   (one of: " + ", ".join(names) + ")", file=sys.stderr)
        return 2
    if argv:
        if argv[0] not in names:
            print(f"unknown benchmark {argv[0]!r}; available: {', '.join(names) or 'none'}", file=sys.stderr)
            return 2
        names = argv
    failed = []
    for name in names:
        try:
            line = run_one(name)
        except Exception as error:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            line = {"bench": name, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(line), flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
