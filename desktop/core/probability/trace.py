"""Per-token probability records and their compact, versioned storage encoding."""

import codecs
import json
import math
import re
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from desktop.core.blobs import damage_reason, inflate
from desktop.core.errors import DamagedDataError
from desktop.core.words import translate

TRACE_FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 is version 2 without the repeat-penalty section
# Far more than any reply's trace (130k tokens with 20 alternatives is about 18 MB): a blob past it is damaged.
MAX_TRACE_BYTES = 256 * 2**20


class TraceFormatError(DamagedDataError):
    """A stored trace is damaged or in a format this version cannot read."""


@dataclass(frozen=True, slots=True)
class TopToken:
    """One alternative the model considered at a position."""

    id: int
    text: str
    logprob: float
    eog: bool = False  # an end-of-generation token: choosing it ends the reply


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What the model did at one position of a reply."""

    id: int
    text: str
    logprob: float  # log-probability under the model, before sampling
    sampled_prob: float  # probability under the sampler's final distribution
    entropy: float  # of the model's full distribution, in nats
    top: tuple[TopToken, ...] = field(default_factory=tuple)
    eog: bool = False
    # What the repeat penalty needs, recorded when the reply ran with one: the raw log-normaliser
    # (raw logit = logprob + log_z) and the (id, raw logit) of every token the penalty touched here.
    log_z: float | None = None
    penalised: tuple[tuple[int, float], ...] = ()

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "logprob": self.logprob,
            "sampled_prob": self.sampled_prob,
            "entropy": self.entropy,
            "top": [{"id": t.id, "text": t.text, "logprob": t.logprob} for t in self.top],
        }


HEX_BYTE = re.compile(r"<0x[0-9A-F]{2}>")  # how piece_text shows a byte that is not UTF-8 on its own
HEX_BYTE_SPLIT = re.compile(r"(<0x[0-9A-F]{2}>)")


def piece_text(piece: bytes) -> str:
    """Text of one token piece; bytes that are not valid UTF-8 on their own show as <0xE2>."""
    return piece.decode("utf-8", errors="inkling-hex")


def piece_bytes(text: str) -> bytes:
    """The bytes a token's text (piece_text) stands for: each <0xE2> shown for a lone byte is that byte again."""
    return b"".join(bytes([int(part[3:5], 16)]) if HEX_BYTE.fullmatch(part) else part.encode("utf-8")
                    for part in HEX_BYTE_SPLIT.split(text) if part)


def _hex_replace(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(f"<0x{b:02X}>" for b in bad), error.end


codecs.register_error("inkling-hex", _hex_replace)


def encode_trace(tokens: list[TokenRecord]) -> bytes:
    """Pack a reply's tokens as numeric columns plus one table of distinct token texts, zlib-compressed."""
    return TraceTable.from_records(tokens).encode()


def decode_trace(blob: bytes) -> list[TokenRecord]:
    return TraceTable.decode(blob).records()


@dataclass(frozen=True)
class PenaltyColumns:
    """The repeat penalty's inputs per position: log Z (NaN where not recorded) and ragged (id, raw logit) lists."""

    log_z: np.ndarray  # (n,) float32
    offsets: np.ndarray  # (n + 1,) int32: position i's penalised tokens are ids[offsets[i]:offsets[i + 1]]
    ids: np.ndarray  # (m,) int32
    logits: np.ndarray  # (m,) float32

    @classmethod
    def empty(cls, n: int) -> "PenaltyColumns":
        return cls(np.full(n, np.nan, np.float32), np.zeros(n + 1, np.int32), np.zeros(0, np.int32),
                   np.zeros(0, np.float32))

    @property
    def recorded(self) -> bool:
        return bool(np.isfinite(self.log_z).any())

    def at(self, row: int) -> tuple[float | None, tuple[tuple[int, float], ...]]:
        log_z = float(self.log_z[row])
        if math.isnan(log_z):
            return None, ()
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return log_z, tuple(zip(self.ids[start:end].tolist(), self.logits[start:end].tolist()))

    def encode(self) -> bytes:
        if not self.recorded:
            return struct.pack("<I", 0)
        return b"".join([struct.pack("<I", 1), self.log_z.tobytes(), self.offsets.tobytes(), self.ids.tobytes(),
                         self.logits.tobytes()])

    @classmethod
    def decode(cls, body: bytes, offset: int, n: int) -> "PenaltyColumns":
        (present,) = struct.unpack_from("<I", body, offset)
        if not present:
            return cls.empty(n)
        log_z = np.frombuffer(body, np.float32, n, offset + 4)
        offsets = np.frombuffer(body, np.int32, n + 1, offset + 4 + 4 * n)
        m = int(offsets[-1])
        start = offset + 8 + 8 * n
        return cls(log_z, offsets, np.frombuffer(body, np.int32, m, start), np.frombuffer(body, np.float32, m, start + 4 * m))


@dataclass(frozen=True, eq=False)
class TraceTable:
    """A trace as NumPy columns: what the transcript needs for thousands of tokens without one object each.

    Encoded layout (after the format byte, zlib): n, k, text table length; the columns; the text
    table (JSON {id: text}); count + int32 ids of the end-of-generation tokens; then (version 2) the
    repeat penalty's section: a flag, and when set log Z per position and each position's penalised
    tokens with their raw logits. Version 1 blobs end before that section and read as "not recorded".
    """

    ids: np.ndarray  # (n,) int32
    scalars: np.ndarray  # (n, 3) float32: logprob, sampled_prob, entropy
    top_ids: np.ndarray  # (n, k) int32, -1 where a position has fewer alternatives
    top_logprobs: np.ndarray  # (n, k) float16
    texts: dict[int, str]
    eog_ids: frozenset[int] = frozenset()
    penalty: PenaltyColumns | None = None  # None: no position recorded the repeat penalty's inputs

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def logprobs(self) -> np.ndarray:
        return self.scalars[:, 0]

    @property
    def sampled_probs(self) -> np.ndarray:
        return self.scalars[:, 1]

    @classmethod
    def from_records(cls, tokens: list[TokenRecord]) -> "TraceTable":
        builder = TraceBuilder(capacity=max(len(tokens), 1), k=max((len(t.top) for t in tokens), default=0))
        for token in tokens:
            builder.add(token)
        return builder.table()

    def encode(self) -> bytes:
        n, k = self.top_ids.shape
        text_table = json.dumps(self.texts, ensure_ascii=False, separators=(",", ":")).encode()
        eog = np.array(sorted(self.eog_ids), dtype=np.int32)
        penalty = self.penalty or PenaltyColumns.empty(n)
        body = b"".join([
            struct.pack("<III", n, k, len(text_table)),
            self.ids.tobytes(), self.scalars.tobytes(), self.top_ids.tobytes(), self.top_logprobs.tobytes(),
            text_table, struct.pack("<I", len(eog)), eog.tobytes(), penalty.encode(),
        ])
        return bytes([TRACE_FORMAT_VERSION]) + zlib.compress(body, 6)

    @classmethod
    def decode(cls, blob: bytes) -> "TraceTable":
        if not blob or blob[0] not in READABLE_VERSIONS:
            version = blob[0] if blob else None
            raise TraceFormatError(translate("core", "token trace format {version} is not supported (expected {expected})").format(
                version=version, expected=TRACE_FORMAT_VERSION))
        try:
            body = inflate(blob[1:], MAX_TRACE_BYTES)
            n, k, text_len = struct.unpack_from("<III", body)
            ids = np.frombuffer(body, np.int32, n, 12)
            scalars = np.frombuffer(body, np.float32, 3 * n, 12 + 4 * n).reshape(n, 3)
            top_ids = np.frombuffer(body, np.int32, n * k, 12 + 16 * n).reshape(n, k)
            top_logprobs = np.frombuffer(body, np.float16, n * k, 12 + 16 * n + 4 * n * k).reshape(n, k)
            offset = 12 + 16 * n + 6 * n * k
            texts = {int(key): value for key, value in json.loads(body[offset:offset + text_len]).items()}
            offset += text_len
            eog: frozenset[int] = frozenset()
            if len(body) > offset:
                (count,) = struct.unpack_from("<I", body, offset)
                eog = frozenset(np.frombuffer(body, np.int32, count, offset + 4).tolist())
                offset += 4 + 4 * count
            penalty = PenaltyColumns.decode(body, offset, n) if blob[0] >= 2 else None
            table = cls(ids, scalars, top_ids, top_logprobs, texts, eog,
                        penalty if penalty is not None and penalty.recorded else None)
            table.check()
            return table
        # RecursionError: a text table nested deeper than json can follow
        except (zlib.error, struct.error, ValueError, KeyError, AttributeError, RecursionError) as error:
            raise TraceFormatError(translate("core", "token trace is damaged: {reason}").format(reason=damage_reason(error))) from None

    def check(self) -> None:
        """Every id the columns name has a text, so reading any position later cannot fail."""
        used = set(np.unique(self.ids).tolist()) | (set(np.unique(self.top_ids).tolist()) - {-1})
        missing = used - self.texts.keys()
        if missing:
            raise ValueError(translate("core", "no text for token ids {ids}").format(ids=sorted(missing)[:5]))
        if not all(isinstance(text, str) for text in self.texts.values()):
            raise ValueError(translate("core", "a token's text is not text"))

    def token_texts(self, start: int = 0) -> list[str]:
        """The text of each position's token from `start` on, in order."""
        texts = self.texts
        return [texts[token] for token in self.ids[start:].tolist()]

    def top(self, row: int) -> tuple[TopToken, ...]:
        texts, eog = self.texts, self.eog_ids
        return tuple(
            TopToken(alt, texts[alt], logprob, alt in eog)
            for alt, logprob in zip(self.top_ids[row].tolist(), self.top_logprobs[row].tolist()) if alt >= 0
        )

    def record(self, row: int) -> TokenRecord:
        token = int(self.ids[row])
        logprob, sampled_prob, entropy = self.scalars[row].tolist()
        log_z, penalised = self.penalty.at(row) if self.penalty is not None else (None, ())
        return TokenRecord(token, self.texts[token], logprob, sampled_prob, entropy, self.top(row),
                           token in self.eog_ids, log_z, penalised)

    def records(self) -> list[TokenRecord]:
        return [self.record(row) for row in range(len(self))]


def _fill_row(row: int, token: TokenRecord, top_ids: np.ndarray, top_logprobs: np.ndarray,
              texts: dict[int, str], eog: set[int]) -> None:
    """One position's alternatives into the columns, and its tokens' texts and end-of-generation marks."""
    texts[token.id] = token.text
    if token.eog:
        eog.add(token.id)
    for col, alt in enumerate(token.top):
        top_ids[row, col] = alt.id
        # finite values stay inside float16's range; -inf (a masked token) is stored as itself
        top_logprobs[row, col] = alt.logprob if alt.logprob == -math.inf else max(alt.logprob, -65000.0)
        texts[alt.id] = alt.text
        if alt.eog:
            eog.add(alt.id)


class TraceBuilder:
    """A trace grown one token at a time: encoding it costs C-speed work, not a Python pass over every token.

    The streaming reply is saved every second; building the table from records each time made that
    save grow with the reply (≈0.1 s at 2,000 tokens). encode() gives the same bytes as encode_trace.
    """

    def __init__(self, capacity: int = 256, k: int = 0):
        self.n = 0
        self.ids = np.zeros(capacity, dtype=np.int32)
        self.scalars = np.zeros((capacity, 3), dtype=np.float32)
        self.top_ids = np.full((capacity, k), -1, dtype=np.int32)
        self.top_logprobs = np.zeros((capacity, k), dtype=np.float16)
        self.texts: dict[int, str] = {}
        self.eog: set[int] = set()
        self.log_z = np.full(capacity, np.nan, dtype=np.float32)
        # the penalised tokens of every position, flat (empty for most replies: the default penalty is off)
        self.penalty_ends: list[int] = []
        self.penalty_ids: list[int] = []
        self.penalty_logits: list[float] = []

    def __len__(self) -> int:
        return self.n

    def add(self, token: TokenRecord) -> None:
        row = self.n
        if row == len(self.ids) or len(token.top) > self.top_ids.shape[1]:
            self._grow(max(len(self.ids), 2 * row), max(self.top_ids.shape[1], len(token.top)))
        self.ids[row] = token.id
        self.scalars[row] = (token.logprob, token.sampled_prob, token.entropy)
        _fill_row(row, token, self.top_ids, self.top_logprobs, self.texts, self.eog)
        if token.log_z is not None:
            self.log_z[row] = token.log_z
        for token_id, logit in token.penalised:
            self.penalty_ids.append(token_id)
            self.penalty_logits.append(logit)
        self.penalty_ends.append(len(self.penalty_ids))
        self.n += 1

    def _grow(self, capacity: int, k: int) -> None:
        n, old_k = self.n, self.top_ids.shape[1]
        ids, scalars = np.zeros(capacity, np.int32), np.zeros((capacity, 3), np.float32)
        top_ids, top_logprobs = np.full((capacity, k), -1, np.int32), np.zeros((capacity, k), np.float16)
        log_z = np.full(capacity, np.nan, np.float32)
        ids[:n], scalars[:n], log_z[:n] = self.ids[:n], self.scalars[:n], self.log_z[:n]
        top_ids[:n, :old_k], top_logprobs[:n, :old_k] = self.top_ids[:n], self.top_logprobs[:n]
        self.ids, self.scalars, self.top_ids, self.top_logprobs = ids, scalars, top_ids, top_logprobs
        self.log_z = log_z

    def _penalty(self) -> PenaltyColumns | None:
        n = self.n
        log_z = self.log_z[:n]
        if not np.isfinite(log_z).any():
            return None
        offsets = np.array([0, *self.penalty_ends], dtype=np.int32)
        return PenaltyColumns(log_z.copy(), offsets, np.array(self.penalty_ids, dtype=np.int32),
                              np.array(self.penalty_logits, dtype=np.float32))

    def table(self) -> TraceTable:
        n = self.n
        return TraceTable(self.ids[:n], self.scalars[:n], self.top_ids[:n], self.top_logprobs[:n],
                          self.texts, frozenset(self.eog), self._penalty())

    def encode(self) -> bytes:
        return self.table().encode()
