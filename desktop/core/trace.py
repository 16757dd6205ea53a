"""Per-token probability records and their compact, versioned storage encoding."""

import codecs
import json
import math
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

TRACE_FORMAT_VERSION = 1


class TraceFormatError(ValueError):
    """A stored trace is damaged or in a format this version cannot read."""


@dataclass(frozen=True, slots=True)
class TopToken:
    """One alternative the model considered at a position."""

    id: int
    text: str
    logprob: float


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What the model did at one position of a reply."""

    id: int
    text: str
    logprob: float  # log-probability under the model, before sampling
    sampled_prob: float  # probability under the sampler's final distribution
    entropy: float  # of the model's full distribution, in nats
    top: tuple[TopToken, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "logprob": self.logprob,
            "sampled_prob": self.sampled_prob,
            "entropy": self.entropy,
            "top": [{"id": t.id, "text": t.text, "logprob": t.logprob} for t in self.top],
        }


def piece_text(piece: bytes) -> str:
    """Text of one token piece; bytes that are not valid UTF-8 on their own show as <0xE2>."""
    return piece.decode("utf-8", errors="inkling-hex")


def _hex_replace(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(f"<0x{b:02X}>" for b in bad), error.end


codecs.register_error("inkling-hex", _hex_replace)


def encode_trace(tokens: list[TokenRecord]) -> bytes:
    """Pack a reply's tokens as numeric columns plus one table of distinct token texts, zlib-compressed."""
    n = len(tokens)
    k = max((len(t.top) for t in tokens), default=0)
    ids = np.fromiter((t.id for t in tokens), dtype=np.int32, count=n)
    scalars = np.array([(t.logprob, t.sampled_prob, t.entropy) for t in tokens], dtype=np.float32).reshape(n, 3)
    top_ids = np.full((n, k), -1, dtype=np.int32)
    top_logprobs = np.zeros((n, k), dtype=np.float16)
    texts: dict[int, str] = {}
    for row, token in enumerate(tokens):
        texts[token.id] = token.text
        for col, alt in enumerate(token.top):
            top_ids[row, col] = alt.id
            # finite values stay inside float16's range; -inf (a masked token) is stored as itself
            top_logprobs[row, col] = alt.logprob if alt.logprob == -math.inf else max(alt.logprob, -65000.0)
            texts[alt.id] = alt.text
    text_table = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode()
    body = b"".join([
        struct.pack("<III", n, k, len(text_table)),
        ids.tobytes(), scalars.tobytes(), top_ids.tobytes(), top_logprobs.tobytes(), text_table,
    ])
    return bytes([TRACE_FORMAT_VERSION]) + zlib.compress(body, 6)


def decode_trace(blob: bytes) -> list[TokenRecord]:
    if not blob or blob[0] != TRACE_FORMAT_VERSION:
        version = blob[0] if blob else None
        raise TraceFormatError(f"token trace format {version} is not supported (expected {TRACE_FORMAT_VERSION})")
    try:
        body = zlib.decompress(blob[1:])
        n, k, text_len = struct.unpack_from("<III", body)
        offset = 12
        ids = np.frombuffer(body, np.int32, n, offset); offset += 4 * n
        scalars = np.frombuffer(body, np.float32, 3 * n, offset).reshape(n, 3); offset += 12 * n
        top_ids = np.frombuffer(body, np.int32, n * k, offset).reshape(n, k); offset += 4 * n * k
        top_logprobs = np.frombuffer(body, np.float16, n * k, offset).reshape(n, k); offset += 2 * n * k
        texts = {int(key): value for key, value in json.loads(body[offset:offset + text_len]).items()}
        return _records(ids, scalars, top_ids, top_logprobs, texts)
    except (zlib.error, struct.error, ValueError, KeyError, AttributeError) as error:
        raise TraceFormatError(f"token trace is damaged: {error}") from error


def _records(ids, scalars, top_ids, top_logprobs, texts: dict[int, str]) -> list[TokenRecord]:
    n, k = top_ids.shape
    records = []
    for row in range(n):
        top = tuple(
            TopToken(int(top_ids[row, col]), texts[int(top_ids[row, col])], float(top_logprobs[row, col]))
            for col in range(k) if top_ids[row, col] >= 0
        )
        logprob, sampled_prob, entropy = (float(x) for x in scalars[row])
        records.append(TokenRecord(int(ids[row]), texts[int(ids[row])], logprob, sampled_prob, entropy, top))
    return records
