"""Split note text into ~200-token chunks along paragraphs and sentences, with a small overlap."""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TARGET_TOKENS = 200
MAX_TOKENS = 254  # the embedder sees 256 tokens, two of them [CLS] and [SEP]
OVERLAP_TOKENS = 40
# A paragraph break ends the chunk once it holds this much; a smaller one takes the next paragraph too.
PARAGRAPH_MIN_TOKENS = 150
# Sentences longer than this are cut at spaces: about 150 tokens of prose, so even dense text
# (numbers, code) stays within the model's window.
MAX_UNIT_CHARS = 600
UNIT_WINDOW = 4096  # sentences measured per tokenizer call

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…。])[\"')\]]*\s+|\n")

# counts(texts) -> the number of word-piece tokens of each text (the embedder's tokenizer, in one batch)
TokenCounter = Callable[[list[str]], list[int]]


def estimate_tokens(texts: list[str]) -> list[int]:
    """About four characters a token: for callers without the tokenizer at hand."""
    return [max(1, len(text) // 4) for text in texts]


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    start: int  # character offsets into the note's text, so a source can open the note at its chunk
    end: int
    text: str


def chunk_text(text: str, count_tokens: TokenCounter = estimate_tokens) -> list[Chunk]:
    return list(iter_chunks(text, count_tokens))


def iter_chunks(text: str, count_tokens: TokenCounter = estimate_tokens) -> Iterator[Chunk]:
    """Chunks in order; consecutive chunks inside one paragraph share up to OVERLAP_TOKENS of sentences.

    Deterministic: the same text (and tokenizer) always gives the same chunks, so chunk ids
    (note id + chunk number) stay stable and unchanged chunks are never embedded again. Sentences
    are measured a window at a time, so the first chunks of a 50 MB file come out at once.
    """
    units: list[tuple[int, int, bool]] = []
    tokens: list[int] = []
    current: list[int] = []  # indexes into units of the chunk being built
    size = index = 0
    pending = _units(text)
    while window := list(itertools.islice(pending, UNIT_WINDOW)):
        first = len(units)
        units += window
        tokens += count_tokens([text[start:end] for start, end, _ in window])
        for i in range(first, len(units)):
            if current and (size + tokens[i] > TARGET_TOKENS or (units[i][2] and size >= PARAGRAPH_MIN_TOKENS)):
                yield _chunk(text, units, current, index)
                index += 1
                current = [] if units[i][2] else _overlap(current, tokens)
                size = sum(tokens[j] for j in current)
                if current and size + tokens[i] > MAX_TOKENS:
                    current, size = [], 0
            current.append(i)
            size += tokens[i]
    if current:
        yield _chunk(text, units, current, index)


def _chunk(text: str, units, members: list[int], index: int) -> Chunk:
    start, end = units[members[0]][0], units[members[-1]][1]
    return Chunk(index, start, end, text[start:end])


def _overlap(members: list[int], tokens: list[int]) -> list[int]:
    """The last sentences of a chunk that fit in OVERLAP_TOKENS, never the whole chunk."""
    kept: list[int] = []
    size = 0
    for j in reversed(members[1:]):
        size += tokens[j]
        if size > OVERLAP_TOKENS:
            break
        kept.insert(0, j)
    return kept


def _units(text: str):
    """(start, end, starts_a_paragraph) for each sentence, with very long sentences cut at spaces."""
    for p_start, p_end in _spans(text, _PARAGRAPH_BREAK, 0, len(text)):
        first = True
        for s_start, s_end in _spans(text, _SENTENCE_END, p_start, p_end):
            for start, end in _cut_long(text, s_start, s_end):
                yield start, end, first
                first = False


def _spans(text: str, separator: re.Pattern, start: int, end: int):
    """Pieces of text[start:end] between separators, trimmed of surrounding whitespace, never empty."""
    position = start
    for match in separator.finditer(text, start, end):
        yield from _trimmed(text, position, match.start())
        position = match.end()
    yield from _trimmed(text, position, end)


def _trimmed(text: str, start: int, end: int):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _cut_long(text: str, start: int, end: int):
    while end - start > MAX_UNIT_CHARS:
        cut = text.rfind(" ", start + MAX_UNIT_CHARS // 2, start + MAX_UNIT_CHARS)
        cut = cut if cut > start else start + MAX_UNIT_CHARS  # one huge "word": cut it anyway
        yield from _trimmed(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end
