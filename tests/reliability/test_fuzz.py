"""Fuzz the readers of outside bytes: the trace decoder, the import reader and the GGUF header reader.

Whatever the input, each either reads it or raises the project's own error (an InklingError); what it
accepts can be used (a decoded trace lists its records, an imported conversation exports again).
Deterministic (derandomized) and small enough to run in seconds.
"""

import io
import json
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlite_utils import Database

from desktop.core.conversation.transfer import export_json, export_markdown, import_file, import_json
from desktop.core.engine.gguf import MAGIC, read_header, training_context
from desktop.core.errors import InklingError
from desktop.core.probability.trace import TokenRecord, TopToken, TraceTable, encode_trace
from desktop.core.prompt.build import BuiltPrompt
from desktop.core.prompt.record import record_prompt
from desktop.core.store import Store

FUZZ = settings(derandomize=True, deadline=None, max_examples=150, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# --- the trace decoder -------------------------------------------------------------------------------

TRACE = encode_trace([
    TokenRecord(5, "Hel", -0.1, 0.9, 0.4, (TopToken(5, "Hel", -0.1), TopToken(7, "Hi", -2.5, True))),
    TokenRecord(9, "lo", -0.3, 0.7, 1.2, (TopToken(9, "lo", -0.3),), eog=False),
    TokenRecord(7, "Hi", -2.5, 0.1, 0.8, (), eog=True),
])
BODY = zlib.decompress(TRACE[1:])


def _use(table: TraceTable) -> None:
    """What the views do with a decoded trace: every record, every text, every row's alternatives."""
    table.records()
    "".join(table.token_texts())
    for row in range(len(table)):
        table.top(row)


def _damaged(data, sound: bytes, start: int, width: int) -> bytes:
    """`sound` with up to 4 fields from `start` on overwritten by 1..width drawn bytes, perhaps cut short."""
    damaged = bytearray(sound)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(start, len(damaged) - 1))
        damaged[at:at + width] = data.draw(st.binary(min_size=1, max_size=width))
    return bytes(damaged[:data.draw(st.integers(start, len(damaged)))])


def _decodes_or_refuses(blob: bytes) -> None:
    try:
        table = TraceTable.decode(blob)
    except InklingError:
        return
    _use(table)


def test_a_text_table_that_is_not_text_is_refused():
    n, k = 1, 0
    for table in (b'{"5":3}', b'[1]', b'{"x":"a"}', b"[" * 100_000):
        body = struct.pack("<III", n, k, len(table)) + struct.pack("<i3f", 5, -0.1, 0.9, 0.4) + table + struct.pack("<I", 0)
        _decodes_or_refuses(TRACE[:1] + zlib.compress(body))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_as_a_trace_or_are_refused(blob):
    _decodes_or_refuses(blob)
    _decodes_or_refuses(TRACE[:1] + blob)


@FUZZ
@given(st.data())
def test_a_damaged_trace_body_decodes_or_is_refused(data):
    """Sound zlib around a damaged body: the layout itself is fuzzed (sizes, ids, the text table)."""
    _decodes_or_refuses(TRACE[:1] + zlib.compress(_damaged(data, BODY, 0, 4)))


# --- the import reader ---------------------------------------------------------------------------------

def _store() -> Store:
    return Store(Database(memory=True))


@pytest.fixture(scope="module")
def store():
    """One database for every example (imports only add conversations): migrating one per example is slow."""
    store = _store()
    yield store
    store.close()


def _exported() -> dict:
    """A small conversation with everything an export carries: a trace, sources, a prompt record and ids."""
    store = _store()
    conversation = store.create_conversation("Otters", "Be brief.")
    user = store.add_message(conversation.id, "user", "Do otters hold hands?")
    reply = store.add_message(conversation.id, "assistant", "Yes.", parent_id=user.id, model="m",
                              sampler={"temperature": 0.2, "top_k": 40}, stats={"prompt_tokens": 4})
    store.save_trace(reply.id, [TokenRecord(5, "Yes", -0.1, 0.9, 0.4, (TopToken(5, "Yes", -0.1), TopToken(6, "No", -2.0)))])
    store.save_sources(reply.id, [{"note_id": 1, "title": "N", "chunk": 0, "score": 0.5, "snippet": "s"}])
    built = BuiltPrompt("<s>Do otters hold hands?", [1, 2, 3, 4], 0, 0,
                        ({"role": "user", "content": "Do otters hold hands?"},))
    store.save_prompt_record(reply.id, record_prompt(None, built, "Do otters hold hands?", 64, 16).encode())
    store.save_prompt_tokens(reply.id, [1, 2, 3, 4])
    data = export_json(store, conversation.id, "all")
    store.close()
    return data


EXPORT = _exported()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every place in a JSON value: (keys…) to each dict entry and list item."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PATHS = list(_paths(EXPORT))[1:]


def _replaced(data: dict, path: tuple, value) -> dict:
    data = json.loads(json.dumps(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _imports_or_refuses(store: Store, action) -> None:
    try:
        conversation_id = action()
    except InklingError:
        return
    for ids in (conversation_id if isinstance(conversation_id, list) else [conversation_id]):
        export_json(store, ids, "all")  # what was accepted can be read back
        export_markdown(store, ids, "all")


@FUZZ
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_value_anywhere_in_an_export_imports_or_is_refused(store, path, value):
    _imports_or_refuses(store, lambda: import_json(store, _replaced(EXPORT, path, value)))


@FUZZ
@given(data=st.data())
def test_damaged_export_files_import_or_are_refused(store, data):
    text = bytearray(json.dumps(EXPORT).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text) - 1))
        text[at:at + 2] = data.draw(st.binary(min_size=0, max_size=3))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chat.json"
        path.write_bytes(bytes(text))
        _imports_or_refuses(store, lambda: import_file(store, path))


def _archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inkling-conversations/00001-otters.json", json.dumps(EXPORT))
        archive.writestr("inkling-conversations/00001-otters.md", "# Otters")
    return buffer.getvalue()


ARCHIVE = _archive()


@FUZZ
@given(data=st.data())
def test_damaged_archives_import_or_are_refused(store, data):
    """Flipped bytes anywhere: the zip's directory (sizes, versions, methods), its headers or the deflated JSON."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "all.zip"
        path.write_bytes(_damaged(data, ARCHIVE, 0, 2))
        _imports_or_refuses(store, lambda: import_file(store, path))


# --- the GGUF header reader --------------------------------------------------------------------------

def _kv(key: bytes, kind: int, payload: bytes) -> bytes:
    return struct.pack("<Q", len(key)) + key + struct.pack("<I", kind) + payload


HEADER = b"".join([
    MAGIC, struct.pack("<IQQ", 3, 1, 4),
    _kv(b"general.architecture", 8, struct.pack("<Q", 5) + b"llama"),
    _kv(b"llama.context_length", 4, struct.pack("<I", 2048)),
    _kv(b"tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2) + struct.pack("<Q", 1) + b"a" + struct.pack("<Q", 1) + b"b"),
    _kv(b"llama.block_count", 9, struct.pack("<IQ", 4, 2) + struct.pack("<II", 1, 2)),
    struct.pack("<Q", 6) + b"weight" + struct.pack("<I", 2) + struct.pack("<QQ", 3, 4) + struct.pack("<IQ", 0, 0),
])


def _reads_or_refuses(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.gguf"
        path.write_bytes(content)
        for read in (read_header, training_context):
            try:
                read(path)
            except InklingError:
                pass


def test_the_sample_header_reads():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.gguf"
        path.write_bytes(HEADER)
        header = read_header(path)
        assert training_context(path) == 2048 and header.parameters == 12


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_read_as_a_gguf_header_or_are_refused(content):
    _reads_or_refuses(content)
    _reads_or_refuses(MAGIC + content)


@FUZZ
@given(st.data())
def test_a_damaged_gguf_header_reads_or_is_refused(data):
    """A real layout with a few fields overwritten: counts, lengths and kinds become anything."""
    _reads_or_refuses(_damaged(data, HEADER, 4, 8))


def test_deeply_nested_arrays_and_many_dimensions_are_refused_quickly():
    nested = b"".join(struct.pack("<IQ", 9, 1) for _ in range(5000))  # arrays of arrays, 5,000 deep
    _reads_or_refuses(MAGIC + struct.pack("<IQQ", 3, 0, 1) + _kv(b"k", 9, nested))
    dims = struct.pack("<Q", 1) + b"w" + struct.pack("<I", 100_000) + struct.pack("<Q", 2**64 - 1) * 100_000
    _reads_or_refuses(MAGIC + struct.pack("<IQQ", 3, 1, 0) + dims)
