"""A copy of a real GGUF with string metadata replaced or added (a hostile chat template), tensors untouched."""

import shutil
import struct
from pathlib import Path
from typing import BinaryIO

_SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9
DEFAULT_ALIGNMENT = 32


def _read(handle: BinaryIO, fmt: str):
    return struct.unpack(fmt, handle.read(struct.calcsize(fmt)))[0]


def _skip_value(handle: BinaryIO, kind: int) -> None:
    if kind in _SCALAR_SIZES:
        handle.seek(_SCALAR_SIZES[kind], 1)
    elif kind == _STRING:
        handle.seek(_read(handle, "<Q"), 1)
    elif kind == _ARRAY:
        item, count = _read(handle, "<I"), _read(handle, "<Q")
        if item in _SCALAR_SIZES:
            handle.seek(_SCALAR_SIZES[item] * count, 1)
        else:
            for _ in range(count):
                _skip_value(handle, item)
    else:
        raise ValueError(f"unknown GGUF value type {kind}")


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def with_metadata(source: Path, target: Path, strings: dict[str, str]) -> Path:
    """Write target: source with each key of strings set to that string (replaced in place, or appended)."""
    with open(source, "rb") as handle:
        assert handle.read(4) == b"GGUF"
        version, n_tensors, n_kv = struct.unpack("<IQQ", handle.read(20))
        pairs: list[tuple[str, bytes]] = []
        alignment = DEFAULT_ALIGNMENT
        for _ in range(n_kv):
            key = handle.read(_read(handle, "<Q")).decode("utf-8")
            start = handle.tell()
            kind = _read(handle, "<I")
            if key == "general.alignment":
                alignment = _read(handle, "<I")
                handle.seek(start + 4)
            _skip_value(handle, kind)
            end = handle.tell()
            handle.seek(start)
            pairs.append((key, handle.read(end - start)))
        tensors_start = handle.tell()
        tensor_infos = handle.read(_tensor_infos_length(handle, tensors_start, n_tensors))
        data_start = -(-(tensors_start + len(tensor_infos)) // alignment) * alignment
        pending = dict(strings)
        body = bytearray()
        for key, value in pairs:
            replacement = pending.pop(key, None)
            body += _string(key) + (struct.pack("<I", _STRING) + _string(replacement) if replacement is not None else value)
        for key, text in pending.items():
            body += _string(key) + struct.pack("<I", _STRING) + _string(text)
        header = b"GGUF" + struct.pack("<IQQ", version, n_tensors, len(pairs) + len(pending)) + body + tensor_infos
        header += b"\0" * (-len(header) % alignment)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            out.write(header)
            handle.seek(data_start)
            shutil.copyfileobj(handle, out, 1 << 20)
    return target


def _tensor_infos_length(handle: BinaryIO, start: int, n_tensors: int) -> int:
    handle.seek(start)
    for _ in range(n_tensors):
        handle.seek(_read(handle, "<Q"), 1)  # name
        handle.seek(8 * _read(handle, "<I") + 4 + 8, 1)  # dims, type, data offset
    length = handle.tell() - start
    handle.seek(start)
    return length
