"""Model library scan: a home with 200 GGUF files across LM Studio, Ollama, HF cache, llama.cpp, Jan and GPT4All layouts.

The files are hard links of the two bundled models (no disk cost). Each round builds a new ModelLibrary
(no header cache: the first scan) and scans twice more with nothing changed (rescans: walks, stats and
manifest reads, no header read). Figures are medians with their spread (min, max), in wall time and in
this process's CPU time (which other programs on a busy machine distort less). Targets: first scan <= 1 s,
rescan <= 100 ms. The bundled models are left out, so every model found comes from the fake home.
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchlib import median, model_path, progress, rounded
from desktop.core.models.library import ModelLibrary

ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "7"))
TARGETS = {"first_scan_s": 1.0, "rescan_s": 0.1}


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(os.path.realpath(source), target)  # the bytes, even where models/ holds links (a worktree)


def build(home: Path, smol: Path, gemma: Path) -> int:
    """200 *.gguf files (or blobs named by manifests) in the six layouts; returns how many."""
    count = 0
    models = [smol, gemma]
    for i in range(60):  # LM Studio: 30 publishers x 2 files
        _link(models[i % 2], home / ".lmstudio" / "models" / f"pub{i // 2}" / f"model{i // 2}-GGUF" / f"m{i}.Q4.gguf")
        count += 1
    ollama = home / ".ollama" / "models"
    for i in range(40):  # Ollama: 40 manifests, each naming its own blob
        digest = f"{i:064x}"
        _link(models[i % 2], ollama / "blobs" / f"sha256-{digest}")
        manifest = ollama / "manifests" / "registry.ollama.ai" / "library" / f"model{i}" / "latest"
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}]}))
        count += 1
    hub = home / ".cache" / "huggingface" / "hub"
    for i in range(20):  # HF: 20 repos x 2 files, links from the snapshot into blobs/
        repo = hub / f"models--org{i}--repo{i}-GGUF"
        (repo / "refs").mkdir(parents=True)
        (repo / "refs" / "main").write_text("c0ffee")
        (repo / "snapshots" / "c0ffee").mkdir(parents=True)
        for j in range(2):
            blob = f"{i * 2 + j + 1000:064x}"
            _link(models[j], repo / "blobs" / blob)
            (repo / "snapshots" / "c0ffee" / f"repo{i}-{j}.Q4_K_M.gguf").symlink_to(Path("../../blobs") / blob)
            count += 1
    for i in range(20):
        _link(models[i % 2], home / ".cache" / "llama.cpp" / f"org_repo{i}_file.gguf")
        _link(models[i % 2], home / ".local" / "share" / "Jan" / "data" / "llamacpp" / "models" / f"org{i}" / f"repo{i}" / "model.gguf")
        _link(models[i % 2], home / ".local" / "share" / "nomic.ai" / "GPT4All" / f"model{i}.gguf")
        count += 3
    return count


def main() -> dict:
    load = os.getloadavg()
    # beside the bundled models, so hard links work whatever file system /tmp is on
    base = Path(tempfile.mkdtemp(prefix=".bench-models-", dir=model_path("chat").parent))
    try:
        files = build(base / "home", model_path("chat"), model_path("base"))
        progress(f"{files} GGUF files in the fake home")
        first, rescan, found = [], [], None
        first_cpu, rescan_cpu = [], []
        for round_ in range(ROUNDS):
            library = ModelLibrary(base / "home", env={})
            started, cpu = time.perf_counter(), time.process_time()
            scan = library.scan(include_bundled=False)
            first.append(time.perf_counter() - started)
            first_cpu.append(time.process_time() - cpu)
            for _ in range(2):
                started, cpu = time.perf_counter(), time.process_time()
                again = library.scan(include_bundled=False)
                rescan.append(time.perf_counter() - started)
                rescan_cpu.append(time.process_time() - cpu)
            assert [m.key for m in again.models] == [m.key for m in scan.models]
            places = sum(len(m.places) for m in scan.models)
            found = {"models": len(scan.models), "places": places, "skipped": len(scan.skipped)}
            progress(f"round {round_ + 1}: first {first[-1] * 1000:.0f} ms, rescans {rescan[-2] * 1000:.0f} / {rescan[-1] * 1000:.0f} ms")
    finally:
        shutil.rmtree(base)
    figures = {
        "files": files, **found, "rounds": ROUNDS,
        "first_scan_s": rounded(median(first), 3), "first_scan_spread_s": [rounded(min(first), 3), rounded(max(first), 3)],
        "rescan_s": rounded(median(rescan), 4), "rescan_spread_s": [rounded(min(rescan), 4), rounded(max(rescan), 4)],
        # CPU time of this process: what the scan costs, less distorted by other programs on a busy machine
        "first_scan_cpu_s": rounded(median(first_cpu), 3), "rescan_cpu_s": rounded(median(rescan_cpu), 4),
        "load_avg_1m": [round(load[0], 1), round(os.getloadavg()[0], 1)],
    }
    figures["within_targets"] = all(figures[name] <= target for name, target in TARGETS.items())
    return figures
