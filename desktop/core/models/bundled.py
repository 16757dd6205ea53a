"""The bundled-model manifest: which GGUF files ship with Inkling and where they are on disk."""

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_MODELS_DIR = Path(__file__).resolve().parents[3] / "models"


@dataclass(frozen=True)
class BundledModel:
    id: str
    role: str  # "chat" | "base" | "embedding" | "embedding-tokenizer"
    name: str
    path: Path
    sha256: str


def models_dir() -> Path:
    override = os.environ.get("INKLING_MODELS_DIR")
    return Path(override) if override else REPO_MODELS_DIR


@lru_cache(maxsize=4)
def _manifest(folder: Path) -> tuple[BundledModel, ...]:
    entries = json.loads((folder / "manifest.json").read_text())["models"]
    return tuple(
        BundledModel(e["id"], e["role"], e["name"], folder / e["file"], e["sha256"]) for e in entries
    )


def bundled_models() -> tuple[BundledModel, ...]:
    return _manifest(models_dir())


def default_chat_model() -> BundledModel:
    return next(m for m in bundled_models() if m.role == "chat")


def display_name(path: Path) -> str:
    """The manifest's name for a bundled file, otherwise the file name without `.gguf`."""
    resolved = Path(path).resolve()
    for model in bundled_models():
        if model.path.resolve() == resolved:
            return model.name
    return resolved.stem


def is_bundled(path: Path) -> bool:
    resolved = Path(path).resolve()
    return any(model.path.resolve() == resolved for model in bundled_models())
