"""Where other apps keep GGUF models (LM Studio, Ollama, the Hugging Face cache, llama.cpp, Jan, GPT4All): read, never written."""

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_PROJECTOR_LAYER = "application/vnd.ollama.image.projector"
OLLAMA_DEFAULT_HOST = "registry.ollama.ai"
HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_DEPTH = 8  # a user's folder of folders; deeper trees are someone's source checkout, not a model shelf


@dataclass(frozen=True)
class Candidate:
    """A file some app put where models live; the library checks it before offering it."""

    path: Path  # as found (may be a symlink)
    source: str  # "LM Studio", "Ollama", …
    label: str  # how that app names it: publisher/model, name:tag, ORG/NAME
    root: Path  # links may not lead out of here (resolved)
    digest: str | None = None  # sha256 known without hashing (a blob's name, the manifest)
    projector: bool = False  # the app says it is a vision projector (Ollama's layer type)


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass
class Found:
    candidates: list[Candidate]
    skipped: list[Skipped]

    def extend(self, other: "Found") -> None:
        self.candidates += other.candidates
        self.skipped += other.skipped


def _root(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _read_text(path: Path) -> str:
    """A small text file another app wrote; OSError for anything but a regular file (reading a FIFO would hang the scan)."""
    if not path.is_file():
        raise OSError(f"{path} is not a regular file")
    return path.read_text(encoding="utf-8")


def walk_gguf(folder: Path, found: Found, depth: int = 0) -> Iterator[Path]:
    """*.gguf files under a folder, not entering linked folders, noting folders that cannot be read."""
    try:
        entries = list(os.scandir(folder))
    except PermissionError:
        found.skipped.append(Skipped(folder, "permission denied: the folder cannot be read"))
        return
    except OSError as error:
        found.skipped.append(Skipped(folder, f"cannot be read: {error.strerror}"))
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth < MAX_DEPTH:
                yield from walk_gguf(Path(entry.path), found, depth + 1)
        elif entry.name.lower().endswith(".gguf"):
            yield Path(entry.path)


def _first_existing(paths: list[Path]) -> Path | None:
    return next((path for path in paths if path.is_dir()), None)


def lm_studio(home: Path, env: Mapping[str, str]) -> Found:
    """The home named by ~/.lmstudio-home-pointer, else ~/.cache/lm-studio, else ~/.lmstudio; models/<publisher>/<model>/."""
    found = Found([], [])
    pointer = home / ".lmstudio-home-pointer"
    choices = []
    try:
        choices.append(Path(_read_text(pointer).strip()).expanduser())
    except (OSError, UnicodeDecodeError):
        pass
    choices += [home / ".cache" / "lm-studio", home / ".lmstudio"]
    lms_home = _first_existing(choices)
    if lms_home is None or not (lms_home / "models").is_dir():
        return found
    models = lms_home / "models"
    root = _root(models)
    for path in walk_gguf(models, found):
        relative = path.parent.relative_to(models)
        found.candidates.append(Candidate(path, "LM Studio", "/".join(relative.parts) or path.stem, root))
    return found


def ollama(home: Path, env: Mapping[str, str]) -> Found:
    """manifests/<host>/<namespace>/<model>/<tag> (JSON) naming blobs/sha256-<hex>; Ollama's Go template is ignored."""
    found = Found([], [])
    places = [Path(env["OLLAMA_MODELS"])] if env.get("OLLAMA_MODELS") else []
    places += [home / ".ollama" / "models", Path("/usr/share/ollama/.ollama/models")]
    seen = set()
    for place in places:
        manifests = place / "manifests"
        if not manifests.is_dir() or _root(place) in seen:
            continue
        seen.add(_root(place))
        root = _root(place)
        for manifest in _walk_files(manifests, found, depth=4):
            found.extend(_ollama_manifest(manifest, manifests, place, root))
    return found


def _ollama_manifest(manifest: Path, manifests: Path, place: Path, root: Path) -> Found:
    found = Found([], [])
    parts = manifest.relative_to(manifests).parts
    host, namespace, model, tag = parts
    name = f"{model}:{tag}" if (host, namespace) == (OLLAMA_DEFAULT_HOST, "library") else f"{host}/{namespace}/{model}:{tag}"
    try:
        layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
        found.skipped.append(Skipped(manifest, f"Ollama manifest cannot be read ({error})"))
        return found
    for layer in layers if isinstance(layers, list) else []:
        kind = layer.get("mediaType") if isinstance(layer, dict) else None
        digest = str(layer.get("digest", "")) if kind in (OLLAMA_MODEL_LAYER, OLLAMA_PROJECTOR_LAYER) else ""
        algorithm, _, hexdigest = digest.partition(":")
        if algorithm != "sha256" or not HEX64.fullmatch(hexdigest):
            continue
        blob = place / "blobs" / f"sha256-{hexdigest}"
        label = name if kind == OLLAMA_MODEL_LAYER else f"{name} (projector)"
        found.candidates.append(Candidate(blob, "Ollama", label, root, hexdigest, kind == OLLAMA_PROJECTOR_LAYER))
    return found


def _walk_files(folder: Path, found: Found, depth: int) -> Iterator[Path]:
    """Regular files exactly `depth` levels below a folder (Ollama's manifest tree)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        found.skipped.append(Skipped(folder, f"cannot be read: {error.strerror}"))
        return
    for entry in entries:
        if depth > 1 and entry.is_dir(follow_symlinks=False):
            yield from _walk_files(Path(entry.path), found, depth - 1)
        elif depth == 1 and entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def hugging_face(home: Path, env: Mapping[str, str]) -> Found:
    """models--ORG--NAME/refs/main -> snapshots/<commit>/**/*.gguf (links into blobs/, or regular files)."""
    found = Found([], [])
    if env.get("HF_HUB_CACHE"):
        cache = Path(env["HF_HUB_CACHE"])
    elif env.get("HF_HOME"):
        cache = Path(env["HF_HOME"]) / "hub"
    else:
        cache = home / ".cache" / "huggingface" / "hub"
    if cache.is_dir():
        found.extend(hub_cache(cache, "Hugging Face"))
    return found


def hub_cache(cache: Path, source: str) -> Found:
    found = Found([], [])
    root = _root(cache)
    try:
        repos = sorted(entry for entry in os.listdir(cache) if entry.startswith("models--"))
    except OSError as error:
        found.skipped.append(Skipped(cache, f"cannot be read: {error.strerror}"))
        return found
    for repo in repos:
        label = "/".join(repo.split("--")[1:])
        snapshots = cache / repo / "snapshots"
        try:
            commit = _read_text(cache / repo / "refs" / "main").strip()
            chosen = [snapshots / commit]
        except (OSError, UnicodeDecodeError):  # downloaded at a pinned revision only: every snapshot
            chosen = sorted(snapshots.iterdir()) if snapshots.is_dir() else []
        for snapshot in chosen:
            for path in walk_gguf(snapshot, found):
                target = os.path.basename(os.readlink(path)) if path.is_symlink() else ""
                digest = target if HEX64.fullmatch(target) else None
                found.candidates.append(Candidate(path, source, label, root, digest))
    return found


def llama_cpp_cache(home: Path, env: Mapping[str, str]) -> Found:
    """$LLAMA_CACHE (its own files, or a hub-style cache in newer llama.cpp), and the older flat ~/.cache/llama.cpp."""
    found = Found([], [])
    places = [Path(env["LLAMA_CACHE"])] if env.get("LLAMA_CACHE") else []
    places.append(home / ".cache" / "llama.cpp")
    seen = set()
    for place in places:
        if not place.is_dir() or _root(place) in seen:
            continue
        seen.add(_root(place))
        found.extend(hub_cache(place, "llama.cpp"))
        try:
            files = sorted(entry.name for entry in os.scandir(place) if entry.name.lower().endswith(".gguf"))
        except OSError as error:
            found.skipped.append(Skipped(place, f"cannot be read: {error.strerror}"))
            continue
        found.candidates += [Candidate(place / name, "llama.cpp", Path(name).stem, _root(place)) for name in files]
    return found


def jan(home: Path, env: Mapping[str, str]) -> Found:
    """~/.local/share/Jan/data/llamacpp/models/<org>/<repo>/ with model.yml (its `name:` is the label) and *.gguf."""
    found = Found([], [])
    models = home / ".local" / "share" / "Jan" / "data" / "llamacpp" / "models"
    if not models.is_dir():
        return found
    root = _root(models)
    for path in walk_gguf(models, found):
        label = _jan_name(path.parent / "model.yml") or "/".join(path.parent.relative_to(models).parts)
        found.candidates.append(Candidate(path, "Jan", label, root))
    return found


def _jan_name(model_yml: Path) -> str | None:
    """The top-level `name:` of Jan's model.yml (flat key: value lines; no YAML library needed for one key)."""
    try:
        for line in _read_text(model_yml).splitlines():
            if line.startswith("name:"):
                return line.partition(":")[2].strip().strip("'\"") or None
    except (OSError, UnicodeDecodeError):
        pass
    return None


def gpt4all(home: Path, env: Mapping[str, str]) -> Found:
    """~/.local/share/nomic.ai/GPT4All/*.gguf; `incomplete-*` are downloads in progress."""
    found = Found([], [])
    folder = home / ".local" / "share" / "nomic.ai" / "GPT4All"
    if not folder.is_dir():
        return found
    root = _root(folder)
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.lower().endswith(".gguf"))
    except OSError as error:
        return Found([], [Skipped(folder, f"cannot be read: {error.strerror}")])
    for name in names:
        if not name.startswith("incomplete-"):
            found.candidates.append(Candidate(folder / name, "GPT4All", Path(name).stem, root))
    return found


def folder(path: Path, source: str = "Added folder") -> Found:
    """A folder the user added: every *.gguf below it."""
    found = Found([], [])
    if not path.is_dir():
        found.skipped.append(Skipped(path, "folder not found"))
        return found
    root = _root(path)
    for file in walk_gguf(path, found):
        found.candidates.append(Candidate(file, source, "/".join(file.parent.relative_to(path).parts) or path.name, root))
    return found


OTHER_APPS = (  # (name shown while scanning, reader)
    ("LM Studio", lm_studio), ("Ollama", ollama), ("Hugging Face", hugging_face), ("llama.cpp", llama_cpp_cache),
    ("Jan", jan), ("GPT4All", gpt4all),
)
