"""Tests of the SQLite store: migrations, conversation trees, token traces, settings."""

import math
import random
import sqlite3
import string
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sqlite_utils import Database

from desktop.core.store import Conversation, DatabaseDamagedError, DatabaseTooNewError, Message, Store, open_store
from desktop.core.store import store as store_module
from desktop.core.store.migrations import migrations
from desktop.core.probability.trace import TokenRecord, TopToken, TraceFormatError, decode_trace, encode_trace
from desktop.core.transactions import write_transaction

TABLES = {"conversations", "messages", "token_traces", "settings"}


@pytest.fixture
def store():
    s = Store(Database(memory=True))
    yield s
    s.close()


def migration_rows(db: Database) -> list[dict]:
    return list(db.query("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id"))


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# Opening and migrations


def test_blank_file_database_gets_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "nested" / "folder" / "inkling.db"
    s = open_store(path)
    try:
        assert path.exists()
        assert TABLES <= set(s.db.table_names())
        assert s.db.journal_mode == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert migrations.pending(s.db) == []
        every = [m.name for m in migrations.pending(Database(memory=True))]
        assert every[0] == "m001_initial_schema"
        assert [row["name"] for row in migration_rows(s.db)] == every
    finally:
        s.close()


def test_memory_database_gets_schema_and_foreign_keys():
    db = Database(memory=True)
    Store(db)
    assert TABLES <= set(db.table_names())
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_and_keeps_data(tmp_path):
    path = tmp_path / "inkling.db"
    s = open_store(path)
    conversation = s.create_conversation("Kept")
    before = migration_rows(s.db)
    s.close()

    s = open_store(path)
    try:
        assert migration_rows(s.db) == before
        assert s.list_conversations() == [conversation]
    finally:
        s.close()


def test_unknown_newer_migration_refuses_and_leaves_database_alone(tmp_path):
    path = tmp_path / "inkling.db"
    s = open_store(path)
    s.create_conversation("From the future")
    s.db["_sqlite_migrations"].insert(
        {"migration_set": "inkling", "name": "m999_from_the_future", "applied_at": "2099-01-01 00:00:00+00:00"}
    )
    s.close()
    before = dump(path)

    with pytest.raises(DatabaseTooNewError) as raised:
        open_store(path)
    assert "newer version of Inkling" in str(raised.value)
    assert "'m999_from_the_future'" in str(raised.value)
    assert raised.value.unknown == ["m999_from_the_future"]

    db = Database(path)
    with pytest.raises(DatabaseTooNewError):
        Store(db)
    db.close()
    assert dump(path) == before


@pytest.mark.parametrize("content", [b"not a database at all " * 100, b"SQLite format 3\x00" + bytes(4080)])
def test_a_file_sqlite_cannot_read_is_refused_in_words_and_left_alone(tmp_path, content):
    path = tmp_path / "inkling.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseDamagedError, match="inkling.db is damaged or not an Inkling database") as raised:
        open_store(path)
    assert "move it aside" in str(raised.value) and raised.value.path == path
    assert path.read_bytes() == content


def test_migrations_of_other_sets_are_ignored():
    db = Database(memory=True)
    db["_sqlite_migrations"].insert(
        {"id": 1, "migration_set": "some_plugin", "name": "m005_other", "applied_at": "2024-01-01"}, pk="id"
    )
    Store(db)
    assert TABLES <= set(db.table_names())


# Conversations


def test_conversation_crud(store):
    created = store.create_conversation()
    assert created == Conversation(created.id, "New chat", "", created.created_at, created.created_at, None)
    assert store.get_conversation(created.id) == created
    assert store.get_conversation(created.id + 100) is None

    store.rename_conversation(created.id, "Recipes")
    store.set_system_prompt(created.id, "You are a cook.")
    changed = store.get_conversation(created.id)
    assert (changed.title, changed.system_prompt) == ("Recipes", "You are a cook.")
    assert changed.created_at == created.created_at
    assert changed.updated_at > created.updated_at

    with pytest.raises(KeyError):
        store.rename_conversation(created.id + 100, "Nothing")

    store.delete_conversation(created.id)
    assert store.get_conversation(created.id) is None
    store.delete_conversation(created.id)  # deleting twice is harmless


def test_conversations_listed_most_recently_updated_first(store):
    a, b, c = (store.create_conversation(title) for title in "abc")
    assert [x.title for x in store.list_conversations()] == ["c", "b", "a"]
    store.add_message(a.id, "user", "bump")
    assert [x.title for x in store.list_conversations()] == ["a", "c", "b"]
    assert store.get_conversation(a.id).updated_at > store.get_conversation(c.id).updated_at


def test_conversation_order_ties_put_higher_id_first(store, monkeypatch):
    monkeypatch.setattr(store_module, "_now", lambda: "2025-01-01T00:00:00.000000+00:00")
    ids = [store.create_conversation().id for _ in range(3)]
    assert [x.id for x in store.list_conversations()] == ids[::-1]


def test_timestamps_are_iso_utc_with_microseconds(store):
    created_at = store.create_conversation().created_at
    assert len(created_at) == len("2025-01-01T00:00:00.000000+00:00")
    assert created_at.endswith("+00:00") and created_at[19] == "."


# Messages and branches


def test_add_message_sets_leaf_and_reads_back(store):
    conversation = store.create_conversation()
    message = store.add_message(
        conversation.id, "assistant", "", status="streaming", model="qwen.gguf",
        sampler={"temperature": 0.7, "top_k": 40}, stats={"tokens": 0},
    )
    assert isinstance(message, Message)
    assert store.get_message(message.id) == message
    assert (message.parent_id, message.status, message.sampler) == (None, "streaming", {"temperature": 0.7, "top_k": 40})
    assert store.get_conversation(conversation.id).leaf_message_id == message.id
    assert store.get_message(message.id + 100) is None


def test_add_message_without_parent_is_a_root_even_with_a_leaf(store):
    conversation = store.create_conversation()
    store.add_message(conversation.id, "user", "first")
    second = store.add_message(conversation.id, "user", "second root")
    assert second.parent_id is None
    assert [m.content for m in store.thread(conversation.id)] == ["second root"]


def test_add_message_rejects_bad_input(store):
    one, two = store.create_conversation(), store.create_conversation()
    foreign = store.add_message(two.id, "user", "elsewhere")
    with pytest.raises(ValueError):
        store.add_message(one.id, "user", "x", parent_id=foreign.id)
    with pytest.raises(KeyError):
        store.add_message(one.id, "user", "x", parent_id=foreign.id + 100)
    with pytest.raises(KeyError):
        store.add_message(two.id + 100, "user", "x")
    with pytest.raises(ValueError):
        store.add_message(one.id, "robot", "x")
    with pytest.raises(ValueError):
        store.add_message(one.id, "user", "x", status="done")
    assert store.thread(one.id) == []
    assert store.get_conversation(one.id).leaf_message_id is None


def test_thread_follows_newest_leaf_across_branches(store):
    c = store.create_conversation()
    system = store.add_message(c.id, "system", "Be brief.")
    question = store.add_message(c.id, "user", "Capital of France?", parent_id=system.id)
    first = store.add_message(c.id, "assistant", "Paris.", parent_id=question.id)
    follow_up = store.add_message(c.id, "user", "And Spain?", parent_id=first.id)
    assert [m.id for m in store.thread(c.id)] == [system.id, question.id, first.id, follow_up.id]

    regenerated = store.add_message(c.id, "assistant", "It is Paris.", parent_id=question.id)
    assert [m.id for m in store.thread(c.id)] == [system.id, question.id, regenerated.id]
    assert [m.id for m in store.children(question.id)] == [first.id, regenerated.id]
    assert store.children(follow_up.id) == []

    deeper = store.add_message(c.id, "user", "Thanks", parent_id=regenerated.id)
    thread = store.thread(c.id)
    assert [m.id for m in thread] == [system.id, question.id, regenerated.id, deeper.id]
    assert thread[-1] == store.get_message(deeper.id)


def test_thread_of_empty_or_missing_conversation_is_empty(store):
    assert store.thread(store.create_conversation().id) == []
    assert store.thread(12345) == []


def test_update_message_changes_only_given_fields(store):
    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "", status="streaming", stats={"tokens": 0})
    store.update_message(message.id, content="Hello")
    store.update_message(message.id, status="complete", stats={"tokens": 2}, finish_reason="stop")
    updated = store.get_message(message.id)
    assert (updated.content, updated.status, updated.stats, updated.finish_reason, updated.error) == (
        "Hello", "complete", {"tokens": 2}, "stop", None)
    assert updated.created_at == message.created_at and updated.updated_at > message.updated_at

    store.update_message(message.id, status="error", error="model crashed")
    assert store.get_message(message.id).content == "Hello"
    with pytest.raises(KeyError):
        store.update_message(message.id + 100, content="x")
    with pytest.raises(ValueError):
        store.update_message(message.id, status="finished")


def test_delete_conversation_cascades_to_messages_and_traces(store):
    keep, doomed = store.create_conversation(), store.create_conversation()
    kept = store.add_message(keep.id, "assistant", "kept")
    store.save_trace(kept.id, [record(1, "kept")])
    parent = store.add_message(doomed.id, "user", "q")
    reply = store.add_message(doomed.id, "assistant", "a", parent_id=parent.id)
    store.save_trace(reply.id, [record(2, "a")])

    store.delete_conversation(doomed.id)
    assert store.get_message(parent.id) is None and store.get_message(reply.id) is None
    assert store.load_trace(reply.id) is None
    assert store.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    assert store.db.execute("SELECT count(*) FROM token_traces").fetchone()[0] == 1
    assert store.load_trace(kept.id) == [record(1, "kept")]


def test_deleting_the_leaf_message_clears_the_leaf(store):
    c = store.create_conversation()
    root = store.add_message(c.id, "user", "q")
    store.add_message(c.id, "assistant", "a", parent_id=root.id)
    # No API deletes a message yet; the schema must still never leave a dangling leaf.
    with store.db.atomic():
        store.db.execute("DELETE FROM messages WHERE id = ?", [root.id])
    assert store.get_conversation(c.id).leaf_message_id is None
    assert store.thread(c.id) == []


def test_recover_interrupted_only_touches_streaming(store):
    c = store.create_conversation()
    statuses = ["streaming", "complete", "cancelled", "error", "interrupted", "streaming"]
    ids = [store.add_message(c.id, "assistant", "x", status=status).id for status in statuses]
    assert store.recover_interrupted() == 2
    expected = ["interrupted", "complete", "cancelled", "error", "interrupted", "interrupted"]
    assert [store.get_message(i).status for i in ids] == expected
    assert store.recover_interrupted() == 0


# Token traces


def record(token_id: int, text: str, top: tuple[TopToken, ...] = ()) -> TokenRecord:
    return TokenRecord(token_id, text, -0.25, 0.75, 1.5, top)


def assert_same_trace(loaded: list[TokenRecord], saved: list[TokenRecord]) -> None:
    """Ids and texts exact; scalars at float32 precision; alternatives' logprobs at float16 precision."""
    assert len(loaded) == len(saved)
    for got, want in zip(loaded, saved):
        assert (got.id, got.text) == (want.id, want.text)
        for a, b in [(got.logprob, want.logprob), (got.sampled_prob, want.sampled_prob), (got.entropy, want.entropy)]:
            assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)
        assert [(t.id, t.text) for t in got.top] == [(t.id, t.text) for t in want.top]
        for a, b in zip(got.top, want.top):
            assert math.isclose(a.logprob, b.logprob, rel_tol=2 ** -11, abs_tol=1e-7)


def test_trace_round_trip_through_store(store):
    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "你好…")
    tokens = [
        TokenRecord(108386, "你好", -0.0123, 0.98, 0.31, (
            TopToken(108386, "你好", -0.0123), TopToken(9707, "Hello", -4.7181), TopToken(13, ".", -11.03))),
        TokenRecord(226, "<0xE2>", -1.2345, 0.5, 2.7182, (
            TopToken(226, "<0xE2>", -1.2345), TopToken(1773, "。", -1.5), TopToken(0, "", -23.875))),
        TokenRecord(13, ".", -3.3e-5, 1.0, 0.0),
    ]
    assert store.load_trace(message.id) is None
    store.save_trace(message.id, tokens)
    assert_same_trace(store.load_trace(message.id), tokens)
    row = next(store.db.query("SELECT format, n_tokens FROM token_traces WHERE message_id = ?", [message.id]))
    assert row == {"format": 2, "n_tokens": 3}

    store.save_trace(message.id, tokens[:1])  # upsert replaces
    assert_same_trace(store.load_trace(message.id), tokens[:1])
    store.save_trace(message.id, [])
    assert store.load_trace(message.id) == []


@pytest.mark.parametrize("blob", [b"\x07future format", b"\x01not zlib", b""])
def test_damaged_or_unknown_trace_raises(store, blob):
    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "x")
    store.db["token_traces"].insert({"message_id": message.id, "format": 1, "n_tokens": 1, "data": blob})
    with pytest.raises(TraceFormatError):
        store.load_trace(message.id)


def test_save_partial_reply_saves_text_and_trace_together(store):
    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "", status="streaming")
    store.save_partial_reply(message.id, "Hel", [record(1, "Hel")])
    store.save_partial_reply(message.id, "Hello", [record(1, "Hel"), record(2, "lo")])
    assert store.get_message(message.id).content == "Hello"
    assert store.load_trace(message.id) == [record(1, "Hel"), record(2, "lo")]
    with pytest.raises(KeyError):
        store.save_partial_reply(message.id + 100, "x", [])


def test_save_partial_reply_is_one_transaction(store):
    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "before", status="streaming")
    # Make the second write of the pair fail, after the content update has already run.
    store.db.execute("CREATE TRIGGER fail_trace BEFORE INSERT ON token_traces BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        store.save_partial_reply(message.id, "after", [record(1, "after")])
    assert store.get_message(message.id).content == "before"
    assert store.load_trace(message.id) is None
    assert not store.db.conn.in_transaction


# Settings


def test_settings_round_trip(store):
    assert store.get_setting("sampler") is None
    assert store.get_setting("sampler", {"temperature": 0.8}) == {"temperature": 0.8}
    store.set_setting("sampler", {"temperature": 0.2, "stop": ["\n\n"], "seed": None})
    store.set_setting("theme", "dark")
    store.set_setting("theme", "light")
    store.set_setting("nothing", None)
    assert store.get_setting("sampler") == {"temperature": 0.2, "stop": ["\n\n"], "seed": None}
    assert store.get_setting("theme") == "light"
    assert store.get_setting("nothing", "default") is None  # a stored null is not a missing key


# Trace encoding


def same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@st.composite
def traces(draw) -> list[TokenRecord]:
    # A token id always has the same text: the encoding stores one text per distinct id.
    texts = st.one_of(st.text(max_size=12), st.sampled_from(["<0xE2>", "中文", "", " the", "\n", "😀"]))
    vocabulary = draw(st.dictionaries(st.integers(0, 2 ** 31 - 1), texts, min_size=1, max_size=40))
    token_ids = st.sampled_from(sorted(vocabulary))
    # Values exactly representable at the stored precision, so the round trip must be exact.
    f32, f16 = st.floats(width=32), st.floats(width=16)
    records = []
    for _ in range(draw(st.integers(0, 30))):
        top = tuple(TopToken(i, vocabulary[i], draw(f16)) for i in draw(st.lists(token_ids, max_size=20)))
        token_id = draw(token_ids)
        records.append(TokenRecord(token_id, vocabulary[token_id], draw(f32), draw(f32), draw(f32), top))
    return records


@settings(deadline=None)
@given(traces())
def test_any_trace_round_trips_through_encoding(tokens):
    decoded = decode_trace(encode_trace(tokens))
    assert len(decoded) == len(tokens)
    for got, want in zip(decoded, tokens):
        assert (got.id, got.text) == (want.id, want.text)
        assert all(same_float(a, b) for a, b in [
            (got.logprob, want.logprob), (got.sampled_prob, want.sampled_prob), (got.entropy, want.entropy)])
        assert [(t.id, t.text) for t in got.top] == [(t.id, t.text) for t in want.top]
        assert all(same_float(a.logprob, b.logprob) for a, b in zip(got.top, want.top))


def realistic_trace(rng: random.Random, n_tokens: int = 500, k: int = 10) -> list[TokenRecord]:
    """Short English pieces from a 2000-piece vocabulary, drawn with Zipf-like frequencies."""
    ids = rng.sample(range(150_000), 2000)
    pieces = {}
    for token_id in ids:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 7)))
        pieces[token_id] = (" " if rng.random() < 0.6 else "") + word
    weights = [1 / rank for rank in range(1, len(ids) + 1)]
    records = []
    for _ in range(n_tokens):
        alternatives = list(dict.fromkeys(rng.choices(ids, weights, k=3 * k)))[:k]
        logits = np.sort(np.array([rng.gauss(0, 3) for _ in alternatives]))[::-1]
        logprobs = logits - np.log(np.exp(logits).sum() + rng.uniform(0.01, 5))
        top = tuple(TopToken(i, pieces[i], float(lp)) for i, lp in zip(alternatives, logprobs))
        chosen = top[0] if rng.random() < 0.8 else rng.choice(top)
        records.append(TokenRecord(chosen.id, chosen.text, chosen.logprob, rng.random(), rng.uniform(0, 6), top))
    return records


def test_realistic_trace_is_compact(store):
    tokens = realistic_trace(random.Random(1234))
    blob = encode_trace(tokens)
    per_token = len(blob) / len(tokens)
    print(f"\ntrace of {len(tokens)} tokens, k=10: {len(blob)} bytes, {per_token:.1f} bytes/token")
    assert per_token <= 200

    c = store.create_conversation()
    message = store.add_message(c.id, "assistant", "".join(t.text for t in tokens))
    store.save_trace(message.id, tokens)
    assert_same_trace(store.load_trace(message.id), tokens)


def test_a_second_writer_waits_for_a_transaction_that_read_first(tmp_path):
    """The window and `inkling ask` share the file: a write transaction holds the lock from its start.

    With a deferred BEGIN the other connection would write in between, and this transaction's own
    write would then fail at once with "database is locked".
    """
    path = tmp_path / "inkling.db"
    window = open_store(path)
    conversation = window.create_conversation()
    written = threading.Event()

    def ask_beside_the_window():
        other = open_store(path)
        try:
            other.add_message(conversation.id, "user", "from ask")
            written.set()
        finally:
            other.close()

    ask = threading.Thread(target=ask_beside_the_window)
    with write_transaction(window.db):
        assert window.thread(conversation.id) == []  # read first, as the store's write methods do
        ask.start()
        time.sleep(0.3)
        assert not written.is_set()  # the other writer waits for this transaction
        window.add_message(conversation.id, "user", "from the window")
    ask.join(10)
    assert written.is_set()
    contents = [row["content"] for row in window.db.query(
        "SELECT content FROM messages WHERE conversation_id = ? ORDER BY id", [conversation.id])]
    assert contents == ["from the window", "from ask"]
    window.close()
