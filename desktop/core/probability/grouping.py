"""Byte tokens that together form one character (<0xE4> <0xBD> <0xA0> is 你) grouped into one cell."""

import codecs
import math
import re
from dataclasses import dataclass

# How a token's bytes that are not UTF-8 on their own are written in its text (trace.piece_text).
_BYTE = re.compile(r"<0x([0-9A-F]{2})>")
# Tokens a character, an emoji or a run of them can be cut into; past this a run is not text anyway.
MAX_PARTS = 16


@dataclass(frozen=True, slots=True)
class Cell:
    """Tokens [first, end) shown as one piece of text; a single token when it is text on its own."""

    first: int
    end: int
    text: str

    @property
    def parts(self) -> int:
        return self.end - self.first


def token_bytes(text: str) -> bytes:
    """The bytes a token's text stands for: its <0xHH> marks back to bytes, the rest as UTF-8."""
    if "<0x" not in text:
        return text.encode("utf-8")
    pieces = _BYTE.split(text)  # text, hex, text, hex, ..., text
    return b"".join(bytes([int(piece, 16)]) if odd else piece.encode("utf-8")
                    for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces)))


def _status(data: bytes) -> str:
    """'text' (whole characters), 'open' (a character cut at the end) or 'broken' (not UTF-8)."""
    try:
        decoder = codecs.getincrementaldecoder("utf-8")()
        decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return "broken"
    return "open" if decoder.getstate()[0] else "text"


def group(texts: list[str]) -> tuple[list[Cell], int]:
    """The cells covering every token in order, and where trailing tokens still wait for their bytes.

    A token whose text has no byte marks is a cell of its own (fast path). Tokens carrying bytes are
    joined with the following ones until the bytes make whole characters; a run that never does (or
    is not UTF-8) stays one cell per token, as before. The second value is len(texts) when nothing is
    pending, else the first token of a run that more tokens could still complete (a streaming reply).
    """
    cells: list[Cell] = []
    pending = len(texts)
    index = 0
    while index < len(texts):
        text = texts[index]
        if "<0x" not in text:
            cells.append(Cell(index, index + 1, text))
            index += 1
            continue
        data = token_bytes(text)
        state = _status(data)
        end = index + 1
        while state == "open" and end < len(texts) and end - index < MAX_PARTS:
            data += token_bytes(texts[end])
            end += 1
            state = _status(data)
        if state == "text" and end - index > 1:
            cells.append(Cell(index, end, data.decode("utf-8")))
            index = end
            continue
        if state == "open" and end == len(texts) and pending == len(texts):
            pending = index
        cells.append(Cell(index, index + 1, text))
        index += 1
    return cells, pending


def cell_of(cells: list[Cell], n_tokens: int) -> list[int]:
    """For each token, the index of its cell."""
    owner = [0] * n_tokens
    for number, cell in enumerate(cells):
        for token in range(cell.first, cell.end):
            owner[token] = number
    return owner


def joint_probability(probabilities, cell: Cell) -> float:
    """The probability of the cell's text: the product of its tokens' probabilities."""
    return math.prod(float(p) for p in probabilities[cell.first:cell.end])


def character_of(texts: list[str], index: int) -> Cell | None:
    """The cell of several tokens that token `index` is a part of (None when it is text on its own).

    A token without byte marks is always a cell of its own, so only the run of marked tokens
    around `index` needs grouping, not the whole reply.
    """
    if "<0x" not in texts[index]:
        return None
    start, end = index, index + 1
    while start > 0 and "<0x" in texts[start - 1]:
        start -= 1
    while end < len(texts) and "<0x" in texts[end]:
        end += 1
    cells, _pending = group(texts[start:end])
    cell = next(cell for cell in cells if cell.first <= index - start < cell.end)
    return Cell(cell.first + start, cell.end + start, cell.text) if cell.parts > 1 else None
