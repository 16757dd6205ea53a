"""Split note text into ~200-token chunks along paragraphs and sentences, with a small overlap."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Characters, not tokens: MiniLM's word pieces average ~4 characters in prose, so 800 characters is
# ~200 tokens, under the model's 256-token window; counting real tokens would tokenize every text twice.
TARGET_CHARS = 800
MAX_CHARS = 1000
OVERLAP_CHARS = 200

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…。])[\"')\]]*\s+|\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    start: int  # character offsets into the note's text, so a source can open the note at its chunk
    end: int
    text: str


def chunk_text(text: str) -> list[Chunk]:
    return list(iter_chunks(text))


def iter_chunks(text: str) -> Iterator[Chunk]:
    """Chunks in order; consecutive chunks inside one paragraph share up to OVERLAP_CHARS of sentences."""
    index = 0
    current: list[tuple[int, int]] = []  # sentence spans in the chunk being built
    for start, end, paragraph_start in _units(text):
        if current and (end - current[0][0] > TARGET_CHARS or (paragraph_start and current[-1][1] - current[0][0] >= TARGET_CHARS // 2)):
            yield Chunk(index, current[0][0], current[-1][1], text[current[0][0]:current[-1][1]])
            index += 1
            current = [] if paragraph_start else _overlap(current)
            if current and end - current[0][0] > MAX_CHARS:
                current = []
        current.append((start, end))
    if current:
        yield Chunk(index, current[0][0], current[-1][1], text[current[0][0]:current[-1][1]])


def _overlap(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The last sentences of a chunk that fit in OVERLAP_CHARS, never the whole chunk."""
    kept: list[tuple[int, int]] = []
    for span in reversed(spans[1:]):
        if spans[-1][1] - span[0] > OVERLAP_CHARS:
            break
        kept.insert(0, span)
    return kept


def _units(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, starts_a_paragraph) for each sentence, with very long sentences cut at spaces."""
    for p_start, p_end in _spans(text, _PARAGRAPH_BREAK, 0, len(text)):
        first = True
        for s_start, s_end in _spans(text, _SENTENCE_END, p_start, p_end):
            for start, end in _cut_long(text, s_start, s_end):
                yield start, end, first
                first = False


def _spans(text: str, separator: re.Pattern, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of text[start:end] between separators, trimmed of surrounding whitespace, never empty."""
    position = start
    for match in separator.finditer(text, start, end):
        yield from _trimmed(text, position, match.start())
        position = match.end()
    yield from _trimmed(text, position, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _cut_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_CHARS:
        cut = text.rfind(" ", start + MAX_CHARS // 2, start + MAX_CHARS)
        cut = cut if cut > start else start + MAX_CHARS  # one huge "word": cut it anyway
        yield from _trimmed(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end
