"""A GGUF header reader: the metadata and tensor shapes, without touching the weights (n_ctx, the model library)."""

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.engine.types import ModelLoadError
from desktop.core.words import Words, translate

MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
SMALL_ARRAY = 4096  # numeric arrays up to this long are kept (per-layer head counts); token tables are counted only
# Limits no real file comes near, so a damaged or hostile header fails in words instead of recursing,
# multiplying huge numbers or copying gigabytes: arrays of arrays, ggml's 4 dimensions, a chat template's size.
MAX_NESTING = 8
MAX_DIMS = 4
MAX_STRING = 64 * 2**20


@dataclass(frozen=True)
class ArrayInfo:
    """A long array left undecoded: its length is all the library needs (the vocabulary size)."""

    count: int


@dataclass
class GGUFHeader:
    """Everything in a GGUF file before the tensor data."""

    version: int
    metadata: dict = field(default_factory=dict)
    parameters: int = 0  # elements over all tensors in this file
    tensor_count: int = 0
    # bytes of tensor data by role: "blocks" (blk.N.*), "token_embd", "output", "other" (from the data offsets)
    tensor_bytes: dict = field(default_factory=dict)

    @property
    def architecture(self) -> str | None:
        return self.metadata.get("general.architecture")

    def arch(self, key: str, default=None):
        """`<architecture>.<key>`, e.g. arch("context_length")."""
        return self.metadata.get(f"{self.architecture}.{key}", default)


class _Reader:
    """Walks a memory map with struct.unpack_from: no copies, and string tables skipped by length."""

    def __init__(self, buffer):
        self.buffer, self.pos = buffer, 0

    def read(self, fmt: str):
        value = struct.unpack_from(fmt, self.buffer, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        length = self.read("<Q")
        end = self.pos + length
        if end > len(self.buffer):
            raise EOFError
        if length > MAX_STRING:
            raise ValueError(translate("core", "a {length}-byte string").format(length=f"{length:,}"))
        text = bytes(self.buffer[self.pos:end]).decode("utf-8", errors="replace")
        self.pos = end
        return text

    def value(self, kind: int, depth: int = 0):
        if depth > MAX_NESTING:
            raise ValueError(translate("core", "arrays nested too deep"))
        if kind in _SCALARS:
            return self.read(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.read("<I"), self.read("<Q")
            if item_kind in _SCALARS:
                size = struct.calcsize(_SCALARS[item_kind])
                if count <= SMALL_ARRAY:
                    values = list(struct.unpack_from(f"<{count}{_SCALARS[item_kind][1]}", self.buffer, self.pos))
                    self.pos += count * size
                    return values
                self.pos += count * size
                return ArrayInfo(count)
            if item_kind == _STRING:
                unpack, buffer, pos = struct.Struct("<Q").unpack_from, self.buffer, self.pos
                for _ in range(count):  # a 262k-token table: only the lengths are read
                    pos += 8 + unpack(buffer, pos)[0]
                self.pos = pos
                return ArrayInfo(count)
            for _ in range(count):
                self.value(item_kind, depth + 1)
            return ArrayInfo(count)
        raise ValueError(translate("core", "unknown GGUF value type {kind}").format(kind=kind))


def is_gguf(path: Path) -> bool:
    """Whether the file starts with the GGUF signature (Ollama's newer blobs, for one, do not)."""
    try:
        if not path.is_file():  # a FIFO would block the open
            return False
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False


def read_header(path: Path, tensors: bool = True) -> GGUFHeader:
    """The header's metadata (long arrays as ArrayInfo) and, with `tensors`, the parameter count."""
    try:
        if path.exists() and not path.is_file():  # a FIFO would block the open, a device never end
            raise ModelLoadError(translate("core", "{name} is not a GGUF model file (it is not a regular file)").format(name=path.name))
        with open(path, "rb") as handle:
            if handle.read(4) != MAGIC:
                raise ModelLoadError(translate(
                    "core", "{name} is not a GGUF model file (it does not start with the GGUF signature)").format(name=path.name))
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
                return _parse(_Reader(buffer), tensors)
    except (EOFError, ValueError, struct.error, OverflowError, MemoryError) as error:
        if error.args and isinstance(error.args[0], Words):
            reason = error.args[0]  # the reader's own words
        elif isinstance(error, (EOFError, struct.error)) or not str(error):
            reason = translate("core", "the file ends too early")  # struct: fewer bytes left than a field needs
        else:
            reason = str(error)
        raise ModelLoadError(translate("core", "{name} is damaged: its GGUF header cannot be read ({reason})").format(
            name=path.name, reason=reason)) from error
    except OSError as error:
        raise ModelLoadError(translate("core", "Cannot read {path}: {reason}").format(path=path, reason=error.strerror)) from error


def _parse(reader: _Reader, tensors: bool) -> GGUFHeader:
    reader.pos = 4
    header = GGUFHeader(version=reader.read("<I"))
    header.tensor_count = reader.read("<Q")
    for _ in range(reader.read("<Q")):
        key = reader.string()
        header.metadata[key] = reader.value(reader.read("<I"))
    if tensors:
        placed = []
        for _ in range(header.tensor_count):
            name = reader.string()
            elements, dims = 1, reader.read("<I")
            if dims > MAX_DIMS:
                raise ValueError(translate("core", "a tensor with {dims} dimensions").format(dims=f"{dims:,}"))
            for _ in range(dims):
                elements *= reader.read("<Q")
            reader.pos += 4  # type (u32)
            placed.append((reader.read("<Q"), name))
            header.parameters += elements
        alignment = header.metadata.get("general.alignment", 32)
        data_start = -(-reader.pos // alignment) * alignment if isinstance(alignment, int) and alignment > 0 else reader.pos
        header.tensor_bytes = _tensor_bytes(sorted(placed), len(reader.buffer) - data_start)
    return header


def _tensor_bytes(placed: list[tuple[int, str]], data_size: int) -> dict[str, int]:
    """Each tensor's size is the distance to the next one's offset (padding included): no table of ggml's types needed."""
    sizes = {"blocks": 0, "token_embd": 0, "output": 0, "other": 0}
    ends = [offset for offset, _ in placed[1:]] + [data_size]
    for (offset, name), following in zip(placed, ends[: len(placed)], strict=True):
        role = "blocks" if name.startswith("blk.") else name.removesuffix(".weight")
        sizes[role if role in sizes else "other"] += max(0, following - offset)
    return sizes


def training_context(path: Path) -> int | None:
    """`<architecture>.context_length` from the header, or None if the file does not say."""
    value = read_header(path, tensors=False).arch("context_length")
    return int(value) if isinstance(value, int) else None
