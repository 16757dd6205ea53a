"""An export read a batch of messages at a time (ijson's C parser), so an import never holds the whole file."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import ijson
import numpy as np
from ijson.common import ObjectBuilder
from pydantic import TypeAdapter, with_config
from typing_extensions import NotRequired, TypedDict

from desktop.core.conversation.export_format import (
    ConversationJson, ExperimentJson, ExportJson, Int64, MessageJson, check_experiment, check_leaf, check_message,
    check_version, read_export,
)
from desktop.core.store.shapes import STRICT
from desktop.core.words import translate

BATCH = 100  # messages per part: one write of 20-40 ms on the GUI thread (2 cores, load 5), ~100 kB in memory
# and at most about this many trace positions and prompt token ids: a part of long replies is as quick to write
WEIGHT = 20_000

# What a reader of one export file returns: a fresh binary stream at its first byte (no byte-order mark).
Opener = Callable[[], BinaryIO]


@dataclass(frozen=True)
class Begin:
    """A conversation starts: create it."""

    name: str
    conversation: ConversationJson


@dataclass(frozen=True)
class Messages:
    """The next messages, checked, in file order (parents before children)."""

    messages: list[MessageJson]


@dataclass(frozen=True)
class Finish:
    """The conversation's last part: its experiments and shown leaf."""

    conversation: ConversationJson
    leaf: int | None
    experiments: list[ExperimentJson] = field(default_factory=list)


@dataclass(frozen=True)
class Restart:
    """Forget what was written of this conversation: it is read again, whole (Begin follows)."""


Part = Begin | Messages | Finish | Restart


@with_config(STRICT)
class HeadJson(TypedDict):
    """What an export holds besides its messages; Inkling writes it all before them except the experiments."""

    format: str  # checked against FORMAT by read_export when it is not the export's own
    version: int
    conversation: ConversationJson
    leaf: Int64 | None
    experiments: NotRequired[list[ExperimentJson]]


HEAD = TypeAdapter(HeadJson)
MESSAGE = TypeAdapter(MessageJson)
EXPERIMENTS = TypeAdapter(list[ExperimentJson])
_SMALL = {"format", "version", "conversation", "leaf", "experiments"}  # top-level values kept; others are skipped


class _Unusual(Exception):
    """Not an export laid out as Inkling writes one: the whole-file check decides, and says why if it refuses."""


def read_parts(opener: Opener, name: str, batch: int = BATCH) -> Iterator[Part]:
    """The export's parts, each checked before it is yielded; ValueError (read_export's words) if it is unusable.

    An export as Inkling writes it is streamed: memory holds one batch of messages and their numbers, never the
    file. Anything else (keys in another order, NaN or Infinity, which Python's json writes and the streaming
    parser refuses, or a problem) is read and checked whole, as before, after a Restart if parts went out.
    """
    started = False
    try:
        for part in _streamed(opener, name, batch):
            started = True
            yield part
        return
    except (_Unusual, ijson.JSONError, ValueError):  # ValueError: pydantic's and the checks' (and ijson's own)
        pass
    if started:
        yield Restart()
    with opener() as stream:
        yield from whole_parts(read_export(stream.read()), name, batch)


def whole_parts(export: ExportJson, name: str, batch: int = BATCH) -> Iterator[Part]:
    """The parts of an export already read and checked whole."""
    yield Begin(name, export["conversation"])
    for messages in _batched(export["messages"], batch):
        yield Messages(messages)
    yield Finish(export["conversation"], export["leaf"], export.get("experiments", []))


def _streamed(opener: Opener, name: str, batch: int) -> Iterator[Part]:
    head = HEAD.validate_python(_head(opener))
    if head["format"] != "inkling.conversation":
        raise _Unusual
    check_version(head["version"])
    yield Begin(name, head["conversation"])
    seen: set[int] = set()
    with opener() as stream:
        for messages in _batched(_checked_messages(ijson.items(stream, "messages.item", use_float=True), seen), batch):
            yield Messages(messages)
    check_leaf(head["leaf"], seen)
    if "experiments" in head:
        experiments = head["experiments"]
    else:  # after the messages, where Inkling writes them: one more pass, building only this value
        with opener() as stream:
            found = list(ijson.items(stream, "experiments", use_float=True))
        experiments = EXPERIMENTS.validate_python(found[0]) if found else []
    for index, experiment in enumerate(experiments):
        check_experiment(index, experiment, seen)
    yield Finish(head["conversation"], head["leaf"], experiments)


def _checked_messages(items, seen: set[int]) -> Iterator[MessageJson]:
    for index, item in enumerate(items):
        message = MESSAGE.validate_python(item)
        check_message(index, message, seen)
        yield message


def _batched(messages, batch: int) -> Iterator[list[MessageJson]]:
    """Runs of at most `batch` messages and about WEIGHT trace positions and prompt token ids."""
    run: list[MessageJson] = []
    weight = 0
    for message in messages:
        run.append(message)
        weight += 1 + len(message.get("trace") or ()) + len((message.get("prompt") or {}).get("token_ids") or ())
        if len(run) >= batch or weight >= WEIGHT:
            yield run
            run, weight = [], 0
    if run:
        yield run


def _head(opener: Opener) -> dict:
    """The top-level values before "messages" (as Python objects), reading no further; _Unusual if the
    document is not an object, has no messages array, or repeats a key."""
    head: dict = {}
    with opener() as stream:
        events = ijson.parse(stream, use_float=True)
        if next(events, (None, None, None))[1] != "start_map":
            raise _Unusual
        for prefix, event, value in events:
            if event == "end_map" and prefix == "":
                raise _Unusual  # no messages
            if event != "map_key" or value in head:
                raise _Unusual
            key = value
            if key == "messages":
                if next(events)[1] != "start_array":
                    raise _Unusual
                return head
            head[key] = _value(events) if key in _SMALL else _skip(events)
    raise _Unusual


def _value(events) -> object:
    """The next whole value of the event stream, built."""
    builder, depth = ObjectBuilder(), 0
    for _prefix, event, value in events:
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return builder.value
    raise _Unusual


def _skip(events) -> None:
    """Pass over the next value of the event stream without building it (a key this Inkling does not read)."""
    depth = 0
    for _prefix, event, _value in events:
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return None
    raise _Unusual


# Deeper than this, an export is refused. ijson's prefixes ("messages.item.item…") take memory growing with the
# square of the depth: a 200 kB file of nested brackets asked for gigabytes. pydantic's parser stops near here too.
MAX_DEPTH = 200
_ESCAPE = re.compile(rb"\\.", re.S)  # backslashes occur only inside strings, each escaping the byte after it
_NOT_MARKS = bytes(set(range(256)) - set(b'"[]{}'))  # all else is deleted: UTF-8 never hides these bytes
_STRING = re.compile(rb'"[^"]*"')  # once escapes are gone
_STEP = np.zeros(256, np.int64)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1
_SLICE = 2**20  # bytes looked at at once: a whole-file read is checked in slices


class NestingGuard:
    """Fed a JSON document's bytes in order, raises ValueError once brackets outside strings nest past MAX_DEPTH."""

    def __init__(self):
        self.depth = 0
        self._in_string = False
        self._escaped = False  # the last byte fed was a backslash escaping the next one

    def feed(self, data: bytes) -> None:
        for start in range(0, len(data), _SLICE):
            self._feed(data[start:start + _SLICE])

    def _feed(self, chunk: bytes) -> None:
        if self._escaped and chunk:
            chunk, self._escaped = chunk[1:], False
        if (len(chunk) - len(chunk.rstrip(b"\\"))) % 2:  # an escape cut in two: its byte comes next
            chunk, self._escaped = chunk[:-1], True
        marks = _ESCAPE.sub(b"", chunk).translate(None, _NOT_MARKS)
        if self._in_string:
            end = marks.find(b'"')
            if end < 0:
                return
            marks, self._in_string = marks[end + 1:], False
        outside = _STRING.sub(b"", marks)
        quote = outside.find(b'"')
        if quote >= 0:  # a string goes on into the next chunk
            outside, self._in_string = outside[:quote], True
        if outside:
            running = np.cumsum(_STEP[np.frombuffer(outside, np.uint8)]) + self.depth
            if running.max() > MAX_DEPTH:
                raise ValueError(translate("core", "is not valid JSON ({detail})").format(
                    detail=f"nested more than {MAX_DEPTH} levels deep"))
            self.depth = int(running[-1])
