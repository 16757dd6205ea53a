"""`inkling models [--json]`: every model in the library with its facts and fit; `--model NAME` resolved to a file."""

import json
import os
from pathlib import Path

from desktop.cli.usage import UsageError
from desktop.core.engine.runtime import Device, devices, gpu_offload_supported
from desktop.core.models.fit import estimate_fit, gib, gpu_layers_that_fit
from desktop.core.models.library import LibraryModel, ModelLibrary, Scan
from desktop.core.models.settings import (
    CPU_BUILD, library_folders, load_model_settings, opened_models,
)
from desktop.core.store import Store
from desktop.core.workspace import open_workspace


def add_commands(commands) -> None:
    models = commands.add_parser("models", help="list the models on this machine (bundled, opened, other apps') with facts and fit")
    models.add_argument("--json", action="store_true", help="one JSON object: models, projectors, skipped places")
    models.add_argument("--memory-limit", type=float, metavar="GIB", help="judge the fit against this much memory, not what is free")


def scan_library(store: Store) -> Scan:
    return ModelLibrary().scan(library_folders(store), opened_models(store))


def resolve_model(store: Store, name_or_path: str | Path) -> Path:
    """A path as it is; otherwise one library model whose name, label, file name or key matches."""
    path = Path(name_or_path).expanduser()
    if path.is_file() or os.sep in str(name_or_path) or path.suffix.lower() == ".gguf":
        return path  # a path: a missing file is the engine's to report ("Model file not found")
    matches = scan_library(store).find(str(name_or_path))
    if not matches:
        raise UsageError(f"no model file or library model named {str(name_or_path)!r} (`inkling models` lists them)")
    if len(matches) > 1:
        names = ", ".join(m.name for m in matches[:6])
        raise UsageError(f"{str(name_or_path)!r} matches {len(matches)} models ({names}); name one exactly")
    return matches[0].path


def describe(store: Store, model: LibraryModel, memory_limit: int | None, gpus: list[Device]) -> dict:
    settings = load_model_settings(store, model.path, model.facts)
    fit = estimate_fit(
        model.facts, model.size, settings.n_ctx, kv_type=settings.kv_type, n_batch=settings.n_batch,
        flash_attention=settings.flash_attention, memory_limit=memory_limit,
    )
    gpu_fit = [
        {"device": gpu.name, "free_bytes": gpu.free, "layers": (model.facts.layers or 0) + 1, "layers_that_fit_estimated":
         gpu_layers_that_fit(model.facts, settings.n_ctx, gpu.free, kv_type=settings.kv_type, n_batch=settings.n_batch,
                             flash_attention=settings.flash_attention)}
        for gpu in gpus
    ]
    return {**model.to_json(), "context": settings.n_ctx, "fit": fit.to_json(), "fit_text": fit.describe(), "gpu_fit": gpu_fit}


def run(args) -> int:
    limit = int(args.memory_limit * 2**30) if args.memory_limit is not None else None
    with open_workspace(write=False) as workspace:  # a read beside the window
        scan = scan_library(workspace.store)
        gpus = [device for device in devices() if device.is_gpu]
        described = [describe(workspace.store, model, limit, gpus) for model in scan.models]
    if args.json:
        print(json.dumps({
            "models": described,
            "projectors": [p.to_json() for p in scan.projectors],
            "skipped": [{"path": str(s.path), "reason": s.reason} for s in scan.skipped],
            "gpu": "GPU build" if gpu_offload_supported() else CPU_BUILD,
            "devices": [{"name": d.name, "kind": d.kind, "description": d.description, "free_bytes": d.free,
                         "total_bytes": d.total} for d in devices()],
            "scan_seconds": round(scan.seconds, 3),
        }, ensure_ascii=False))
        return 0
    for model in described:
        print(_as_text(model))
    for projector in scan.projectors:
        print(f"projector (not a chat model): {projector.path}")
    for skipped in scan.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}")
    print(f"GPU: {'GPU build (set GPU layers per model)' if gpu_offload_supported() else CPU_BUILD}")
    return 0


def _as_text(model: dict) -> str:
    facts = model["facts"]
    details = [
        facts["architecture"] or "unknown architecture", model["parameter_label"] + " parameters",
        facts["file_type"] or "unknown quantization", gib(model["size_bytes"]),
        f"trained for {facts['context_length']} tokens" if facts["context_length"] else "training context unknown",
        "chat" if model["mode"] == "chat" else "text completion (no chat template)",
        f"{facts['vocabulary']} tokens" if facts["vocabulary"] else None,
        f"license {facts['license']}" if facts["license"] else None,
        f"base {facts['base_model']}" if facts["base_model"] else None,
        f"{model['parts']} parts" if model["parts"] > 1 else None,
    ]
    lines = [f"{model['name']}: " + ", ".join(d for d in details if d)]
    lines.append(f"  at {model['context']} tokens of context: {model['fit_text']}")
    lines += [f"  GPU {g['device']}: about {g['layers_that_fit_estimated']} of {g['layers']} layers fit in {gib(g['free_bytes'])} free"
              " (estimated)" for g in model["gpu_fit"]]
    lines += [f"  {p['source']}: {p['label']} — {p['path']}" for p in model["places"]]
    return "\n".join(lines)
