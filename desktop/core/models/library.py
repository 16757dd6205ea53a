"""The model library: every GGUF found (bundled, opened before, added folders, other apps), checked, grouped and explained."""

import os
from collections import Counter
import re
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.engine.gguf import MAGIC, read_header
from desktop.core.engine.types import ModelLoadError
from desktop.core.models import sources
from desktop.core.models.bundled import bundled_models
from desktop.core.models.facts import ModelFacts, facts_from_header, tensor_roles
from desktop.core.models.sources import Candidate, Found, Skipped
from desktop.core.words import translate

SPLIT = re.compile(r"^(?P<stem>.+)-(?P<part>\d{5})-of-(?P<total>\d{5})\.gguf$", re.IGNORECASE)
SOURCE_ORDER = ("Bundled", "Opened before", "Added folder", "LM Studio", "Ollama", "Hugging Face", "llama.cpp", "Jan", "GPT4All")


@dataclass(frozen=True)
class Place:
    source: str
    label: str
    path: Path  # where it was found (a link stays a link here)


@dataclass
class LibraryModel:
    """One model, however many places hold its bytes."""

    key: str  # "sha256:<hex>" when a blob name or the manifest says, else the resolved path of its first part
    name: str
    path: Path  # what llama.cpp opens (the first part of a split model)
    parts: int
    size: int  # bytes on disk, all parts
    places: list[Place]
    facts: ModelFacts
    projectors: list[Path] = field(default_factory=list)  # mmproj files beside it

    @property
    def kind(self) -> str:
        return self.facts.kind

    def to_json(self) -> dict:
        return {
            "key": self.key, "name": self.name, "path": str(self.path), "parts": self.parts, "size_bytes": self.size,
            "mode": self.kind, "parameters": self.facts.parameters, "parameter_label": self.facts.parameter_label,
            "places": [{"source": p.source, "label": p.label, "path": str(p.path)} for p in self.places],
            "projectors": [str(p) for p in self.projectors], "facts": self.facts.to_json(),
        }


@dataclass
class Scan:
    models: list[LibraryModel]  # chat and completion models, bundled first
    projectors: list[LibraryModel]  # mmproj files: recognised, never offered as chat models
    skipped: list[Skipped]
    seconds: float = 0.0

    def find(self, name_or_key: str) -> list[LibraryModel]:
        """Models whose key, name, or any place's label or file name is this (case-insensitive); else those containing it."""
        wanted = name_or_key.casefold()

        def names(model: LibraryModel) -> list[str]:
            found = [model.key, model.name, *(p.label for p in model.places), *(p.path.stem for p in model.places)]
            return [name.casefold() for name in found]

        exact = [m for m in self.models if wanted in names(m)]
        return exact or [m for m in self.models if any(wanted in n for n in names(m))]


@dataclass(frozen=True)
class _File:
    """A candidate that passed the checks: its resolved path and what identifies its bytes."""

    candidate: Candidate
    real: Path
    size: int
    mtime_ns: int
    inode: tuple[int, int]


class ModelLibrary:
    """Scans on demand; headers are read once per (path, size, mtime) and kept between scans."""

    def __init__(self, home: Path | None = None, env: Mapping[str, str] | None = None):
        self.home = Path(home) if home is not None else Path.home()
        self.env = os.environ if env is None else env
        self._headers: dict[tuple[str, int, int], tuple[ModelFacts, int, dict] | str] = {}
        self._gguf: set[tuple[str, int, int]] = set()

    def scan(self, folders: list[Path] = (), opened: list[Path] = (), include_bundled: bool = True,
             progress: Callable[[str], None] | None = None) -> Scan:
        """`progress` is called with the name of each place before it is read (a window shows "Scanning Ollama…")."""
        started = time.perf_counter()
        report = progress or (lambda _where: None)
        found = Found([], [])
        if include_bundled:
            found.candidates += [
                # Inkling's own file: its link (a worktree, a package's models folder) may be followed
                Candidate(m.path, "Bundled", m.name, Path(os.path.realpath(m.path)).parent, m.sha256)
                for m in bundled_models() if m.path.name.endswith(".gguf") and m.path.is_file()
            ]
        for path in opened:
            if Path(path).is_file():
                found.candidates.append(
                    Candidate(Path(path), "Opened before", Path(path).stem, Path(os.path.realpath(path)).parent)
                )
        for folder in folders:
            report(str(folder))
            found.extend(sources.folder(Path(folder)))
        for name, source in sources.OTHER_APPS:
            report(name)
            found.extend(source(self.home, self.env))
        report("model headers")
        scan = self._assemble(found)
        scan.seconds = time.perf_counter() - started
        return scan

    # --- checks ---------------------------------------------------------------------------------
    def _check(self, candidate: Candidate, skipped: list[Skipped]) -> _File | None:
        path = candidate.path
        try:
            info = os.lstat(path)
        except OSError as error:
            skipped.append(Skipped(path, f"cannot be read: {error.strerror}"))
            return None
        real = path  # found by walking down from the root without entering linked folders
        if stat.S_ISLNK(info.st_mode):
            real = Path(os.path.realpath(path))
            if not real.exists():
                skipped.append(Skipped(path, "broken link"))
                return None
            if not real.is_relative_to(candidate.root):  # the rule: into the root's own blob store at most
                skipped.append(Skipped(path, f"link leads outside {candidate.root}; not followed"))
                return None
            info = os.stat(real)
        seen = (str(real), info.st_size, info.st_mtime_ns)
        if seen not in self._gguf:  # a file seen unchanged is known to be GGUF: no open on a rescan
            try:
                with open(real, "rb") as handle:
                    magic = handle.read(4)
            except OSError as error:
                skipped.append(Skipped(path, translate("core", "cannot be read: {reason}").format(reason=error.strerror)))
                return None
            if magic != MAGIC:
                what = translate("core", "Ollama's own format, not GGUF") if candidate.source == "Ollama" \
                    else translate("core", "not a GGUF file")
                skipped.append(Skipped(path, translate("core", "{what}; Inkling cannot run it").format(what=what)))
                return None
            self._gguf.add(seen)
        return _File(candidate, real, info.st_size, info.st_mtime_ns, (info.st_dev, info.st_ino))

    def _facts(self, files: list[_File]) -> tuple[ModelFacts, int] | str:
        """(facts, size) of a model from its parts' headers, or why they cannot be read."""
        parameters, size, tensors = 0, 0, Counter()
        first = None
        for file in files:
            cache_key = (str(file.real), file.size, file.mtime_ns)
            cached = self._headers.get(cache_key)
            if cached is None:
                try:
                    header = read_header(file.real)
                    cached = (facts_from_header(header, file.candidate.path.name, header.parameters), header.parameters,
                              header.tensor_bytes)
                except ModelLoadError as error:
                    cached = str(error)
                self._headers[cache_key] = cached
            if isinstance(cached, str):
                return cached
            first = first or cached[0]
            parameters += cached[1]
            tensors.update(cached[2])
            size += file.size
        return ModelFacts(**{**first.to_json(), "parameters": parameters, **tensor_roles(tensors)}), size

    # --- grouping -------------------------------------------------------------------------------
    def _assemble(self, found: Found) -> Scan:
        skipped = list(found.skipped)
        checked = [file for c in found.candidates if (file := self._check(c, skipped)) is not None]
        groups = _split_groups(checked, skipped)
        merged = _merge_same_bytes(groups)
        models, projectors = [], []
        for members in merged:
            parts = members[0]
            result = self._facts(parts)
            if isinstance(result, str):
                skipped.append(Skipped(parts[0].candidate.path, result))
                continue
            facts, size = result
            places = sorted(
                {Place(f[0].candidate.source, f[0].candidate.label, f[0].candidate.path) for f in members},
                key=lambda p: (_source_rank(p.source), str(p.path)),
            )
            digest = next((f[0].candidate.digest for f in members if f[0].candidate.digest), None)
            projector = facts.kind == "projector" or any(f[0].candidate.projector for f in members)
            model = LibraryModel(
                key=f"sha256:{digest}" if digest else str(parts[0].real),
                name=_display_name(places[0], parts[0].candidate.path), path=places[0].path, parts=len(parts),
                size=size, places=places, facts=facts if not projector else ModelFacts(**{**facts.to_json(), "kind": "projector"}),
            )
            (projectors if projector else models).append(model)
        _attach_projectors(models, projectors)
        models.sort(key=lambda m: (_source_rank(m.places[0].source), m.name.casefold()))
        return Scan(models, projectors, skipped)


def _source_rank(source: str) -> int:
    return SOURCE_ORDER.index(source) if source in SOURCE_ORDER else len(SOURCE_ORDER)


def _display_name(place: Place, path: Path) -> str:
    if place.source in ("Bundled", "Ollama"):
        return place.label
    match = SPLIT.match(path.name)
    return match["stem"] if match else path.name[: -len(".gguf")] if path.name.lower().endswith(".gguf") else path.name


def _split_groups(files: list[_File], skipped: list[Skipped]) -> list[list[_File]]:
    """Multi-part GGUFs (-00001-of-00003.gguf) become one group, opened by the first part; incomplete sets are skipped."""
    groups: list[list[_File]] = []
    splits: dict[tuple, dict[int, _File]] = {}
    for file in files:
        match = SPLIT.match(file.candidate.path.name)
        if match is None:
            groups.append([file])
            continue
        key = (file.candidate.source, str(file.candidate.path.parent), match["stem"], int(match["total"]))
        splits.setdefault(key, {})[int(match["part"])] = file
    for (_, _, _, total), parts in splits.items():
        missing = [n for n in range(1, total + 1) if n not in parts]
        if missing:
            first = parts[min(parts)].candidate.path
            skipped.append(Skipped(first, f"split model: part {missing[0]} of {total} is missing"))
            continue
        groups.append([parts[n] for n in range(1, total + 1)])
    return groups


def _merge_same_bytes(groups: list[list[_File]]) -> list[list[list[_File]]]:
    """Groups holding the same bytes (one inode, or one known sha256) merged, in order of first appearance."""
    owner: dict[object, int] = {}
    merged: list[list[list[_File]]] = []
    for group in groups:
        keys = [("inode", group[0].inode)] + ([("sha256", group[0].candidate.digest)] if group[0].candidate.digest else [])
        index = next((owner[k] for k in keys if k in owner), None)
        if index is None:
            index = len(merged)
            merged.append([])
        merged[index].append(group)
        for k in keys:
            owner.setdefault(k, index)
    return merged


def _attach_projectors(models: list[LibraryModel], projectors: list[LibraryModel]) -> None:
    """A projector belongs to the models in its folder (or under the same Ollama name)."""
    for projector in projectors:
        for place in projector.places:
            label = place.label.removesuffix(" (projector)")
            for model in models:
                if any(p.path.parent == place.path.parent and p.source != "Ollama" or p.label == label for p in model.places):
                    if projector.path not in model.projectors:
                        model.projectors.append(projector.path)
