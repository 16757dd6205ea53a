"""What a reply was generated from: the exact prompt text, where each token ends in it, and its parts."""

import bisect
import codecs
import json
import zlib
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from desktop.core.blobs import damage_reason, inflate
from desktop.core.errors import DamagedDataError
from desktop.core.prompt.build import BuiltPrompt
from desktop.core.store.shapes import first_problem
from desktop.core.words import translate

# The order parts appear in a prompt; template tokens count towards the message they wrap.
PARTS = ("system", "history", "notes", "message")
RECORD_FORMAT = 1
MAX_RECORD_BYTES = 64 * 2**20  # a prompt is at most a context window of text: far below this

Size = Annotated[int, Field(ge=0, le=2**31 - 1)]


class PromptRecordError(DamagedDataError):
    """A stored prompt record is damaged or in a format this version cannot read."""


@with_config(ConfigDict(strict=True))
class RecordJson(TypedDict):
    """PromptRecord.to_json(): the stored and exported form, checked before a record is built from it."""

    text: str
    token_lengths: list[Size]
    parts: list[tuple[Literal[PARTS], Size, Size]]
    dropped_messages: Size
    n_ctx: Size
    reserve: Size
    exact: bool


RECORD = TypeAdapter(RecordJson)


@dataclass(frozen=True)
class PromptRecord:
    """Kept with each reply, so the prompt inspector can show it after the model or the history changed."""

    text: str  # the prompt tokens' bytes decoded: what the model read, BOS included
    token_ends: tuple[int, ...]  # character offset in `text` where each token ends
    parts: tuple[tuple[str, int, int], ...]  # (part, first token, end token), in prompt order
    dropped_messages: int  # oldest history messages left out to fit
    n_ctx: int
    reserve: int  # tokens kept free for the reply
    exact: bool = True  # False: the tokens' text did not match the rendered prompt, offsets are estimated

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(PARTS, 0)
        for part, start, end in self.parts:
            totals[part] += end - start
        return totals

    def token_texts(self) -> list[str]:
        starts = (0, *self.token_ends[:-1])
        return [self.text[a:b] for a, b in zip(starts, self.token_ends)]

    def to_json(self) -> dict:
        lengths = [b - a for a, b in zip((0, *self.token_ends[:-1]), self.token_ends)]
        return {
            "text": self.text, "token_lengths": lengths, "parts": [list(p) for p in self.parts],
            "dropped_messages": self.dropped_messages, "n_ctx": self.n_ctx, "reserve": self.reserve,
            "exact": self.exact,
        }

    @classmethod
    def from_json(cls, data: RecordJson) -> "PromptRecord":
        """From a value RECORD has checked; ValueError when its offsets do not fit its text."""
        ends, position = [], 0
        for length in data["token_lengths"]:
            position += length
            ends.append(position)
        if position > len(data["text"]):
            raise ValueError(translate("core", "its token lengths run past the end of its text"))
        if any(not start <= end <= len(ends) for _, start, end in data["parts"]):
            raise ValueError(translate("core", "a part of it lies outside its tokens"))
        return cls(
            data["text"], tuple(ends), tuple(tuple(part) for part in data["parts"]),
            data["dropped_messages"], data["n_ctx"], data["reserve"], data["exact"],
        )

    def encode(self) -> bytes:
        body = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode()
        return bytes([RECORD_FORMAT]) + zlib.compress(body, 6)

    @classmethod
    def decode(cls, blob: bytes) -> "PromptRecord":
        """A stored record; PromptRecordError when it is damaged, so a reader can show the rest."""
        if not blob or blob[0] != RECORD_FORMAT:
            raise PromptRecordError(translate("core", "prompt record format {version} is not supported").format(
                version=blob[0] if blob else None))
        try:
            return cls.from_json(RECORD.validate_json(inflate(blob[1:], MAX_RECORD_BYTES)))
        except (zlib.error, ValueError) as error:  # pydantic's ValidationError is a ValueError
            reason = first_problem(error) if isinstance(error, ValidationError) else damage_reason(error)
            raise PromptRecordError(translate("core", "prompt record is damaged: {reason}").format(reason=reason)) from None


def record_prompt(fmt, built: BuiltPrompt, question: str, n_ctx: int, reserve: int) -> PromptRecord:
    """Lay out a built prompt: token offsets from the tokens' own bytes, parts from the rendered messages.

    `fmt` gives `token_bytes(id)` when it can (the llama.cpp engine); without it the rendered text is
    kept and token boundaries are spread evenly over it (marked inexact).
    """
    tokens = built.tokens
    capabilities = getattr(fmt, "capabilities", None)
    # an engine known by token texts only counts the prompt's tokens: it has no bytes per id to lay them out
    token_bytes = getattr(fmt, "token_bytes", None) if capabilities is None or capabilities.token_ids else None
    exact = token_bytes is not None
    if exact:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pieces = [decoder.decode(token_bytes(t)) for t in tokens]
        if pieces:
            pieces[-1] += decoder.decode(b"", final=True)
        text = "".join(pieces)
        exact = text.endswith(built.text)
    if exact:
        ends, position = [], 0
        for piece in pieces:
            position += len(piece)
            ends.append(position)
        offset = len(text) - len(built.text)  # a BOS token the template did not write
    else:
        text, offset = built.text, 0
        ends = [round(len(text) * (i + 1) / len(tokens)) for i in range(len(tokens))]
    bounds = _part_starts(built, question)
    names = [part for part, _ in bounds]
    starts = [start + offset for _, start in bounds]
    parts: list[list] = []
    token_start = 0
    for index, end in enumerate(ends):
        # by its last character: " Tell" belongs to the message it starts, not to the text before
        part = names[max(bisect.bisect_right(starts, max(token_start, end - 1)) - 1, 0)]
        if parts and parts[-1][0] == part:
            parts[-1][2] = index + 1
        else:
            parts.append([part, index, index + 1])
        token_start = end
    return PromptRecord(text, tuple(ends), tuple(tuple(p) for p in parts), built.dropped_messages,
                        n_ctx, reserve, exact)


def _part_starts(built: BuiltPrompt, question: str) -> list[tuple[str, int]]:
    """Where each part starts in the rendered text: a message's part begins right after the previous content."""
    text, messages = built.text, built.messages
    starts: list[tuple[str, int]] = []
    cursor = 0
    for index, message in enumerate(messages):
        newest = index == len(messages) - 1
        part = "system" if message["role"] == "system" else ("message" if newest else "history")
        starts.append(("notes" if newest and built.sources_used else part, cursor))
        content = message["content"]
        found, content = _find(text, content, cursor)
        if newest and built.sources_used:
            # the notes come first in the newest message; the question closes it
            asked = found + len(content) - len(question) if found >= 0 else text.rfind(question)
            if asked >= 0:
                starts.append(("message", asked))
        elif found >= 0:
            cursor = found + len(content)
    return starts


def _find(text: str, content: str, cursor: int) -> tuple[int, str]:
    """Where the content appears from cursor on (templates may strip it), or -1."""
    for candidate in (content, content.strip()):
        if candidate:
            found = text.find(candidate, cursor)
            if found >= 0:
                return found, candidate
    return -1, content
