"""A minimal GGUF header reader: just enough metadata to choose n_ctx before llama.cpp loads the weights."""

import struct
from pathlib import Path
from typing import BinaryIO

from desktop.core.engine.types import ModelLoadError

MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


def _read(handle: BinaryIO, fmt: str):
    size = struct.calcsize(fmt)
    data = handle.read(size)
    if len(data) != size:
        raise EOFError
    return struct.unpack(fmt, data)[0]


def _read_string(handle: BinaryIO) -> bytes:
    length = _read(handle, "<Q")
    data = handle.read(length)
    if len(data) != length:
        raise EOFError
    return data


def _read_value(handle: BinaryIO, kind: int):
    if kind in _SCALARS:
        return _read(handle, _SCALARS[kind])
    if kind == _STRING:
        return _read_string(handle).decode("utf-8", errors="replace")
    if kind == _ARRAY:
        item_kind, count = _read(handle, "<I"), _read(handle, "<Q")
        if item_kind in _SCALARS:  # skip without decoding: token tables hold 200k+ entries
            handle.seek(count * struct.calcsize(_SCALARS[item_kind]), 1)
        else:
            for _ in range(count):
                _read_value(handle, item_kind)
        return None
    raise ValueError(f"unknown GGUF value type {kind}")


def training_context(path: Path) -> int | None:
    """`<architecture>.context_length` from the header, or None if the file does not say."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != MAGIC:
                raise ModelLoadError(f"{path.name} is not a GGUF model file (it does not start with the GGUF signature)")
            _read(handle, "<I")  # version
            _read(handle, "<Q")  # tensor count
            architecture = None
            for _ in range(_read(handle, "<Q")):
                key = _read_string(handle).decode("utf-8", errors="replace")
                value = _read_value(handle, _read(handle, "<I"))
                if key == "general.architecture":
                    architecture = value
                elif architecture and key == f"{architecture}.context_length":
                    return int(value)
    except (EOFError, ValueError, struct.error) as error:
        raise ModelLoadError(f"{path.name} is damaged: its GGUF header cannot be read ({str(error) or 'the file ends too early'})") from error
    except OSError as error:
        raise ModelLoadError(f"Cannot read {path}: {error.strerror}") from error
    return None
