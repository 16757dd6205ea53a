"""Store and trace support for the probability view: branches, shown branch, prompt ids, EOG ids, old databases."""

import struct
import zlib

import pytest
from sqlite_utils import Database

from desktop.core.store import Store, open_store
from desktop.core.store.migrations import migrations
from desktop.core.probability.trace import TokenRecord, TopToken, TraceFormatError, TraceTable, decode_trace, encode_trace


@pytest.fixture
def store():
    s = Store(Database(memory=True))
    yield s
    s.close()


def test_siblings_branches_and_switching_the_shown_branch(store):
    c = store.create_conversation()
    user = store.add_message(c.id, "user", "Hi")
    first = store.add_message(c.id, "assistant", "Hello", parent_id=user.id)
    follow = store.add_message(c.id, "user", "More", parent_id=first.id)
    deep = store.add_message(c.id, "assistant", "Sure", parent_id=follow.id)
    branch = store.add_message(c.id, "assistant", "Hey", parent_id=user.id, branch_of=first.id, branch_position=0)
    assert [m.id for m in store.siblings(first.id)] == [first.id, branch.id]
    assert (branch.branch_of, branch.branch_position) == (first.id, 0)
    assert [m.id for m in store.branches_from(first.id)] == [branch.id]
    assert [m.id for m in store.thread(c.id)] == [user.id, branch.id]

    store.show_branch(first.id)  # back to the first reply: its newest descendant becomes the leaf
    assert [m.id for m in store.thread(c.id)] == [user.id, first.id, follow.id, deep.id]
    store.show_branch(branch.id)
    assert [m.id for m in store.thread(c.id)] == [user.id, branch.id]
    with pytest.raises(KeyError):
        store.show_branch(9999)


def test_root_messages_are_siblings_of_each_other(store):
    c = store.create_conversation()
    other = store.create_conversation()
    a = store.add_message(c.id, "user", "A")
    b = store.add_message(c.id, "user", "B")
    store.add_message(other.id, "user", "elsewhere")
    assert [m.id for m in store.siblings(a.id)] == [a.id, b.id]


def test_deleting_the_source_keeps_the_branch(store):
    c = store.create_conversation()
    user = store.add_message(c.id, "user", "Hi")
    first = store.add_message(c.id, "assistant", "Hello", parent_id=user.id)
    branch = store.add_message(c.id, "assistant", "Hey", parent_id=user.id, branch_of=first.id, branch_position=2)
    store.db.execute("DELETE FROM messages WHERE id = ?", [first.id])
    assert store.get_message(branch.id).branch_of is None


def test_prompt_tokens_round_trip(store):
    c = store.create_conversation()
    reply = store.add_message(c.id, "assistant", "x")
    assert store.load_prompt_tokens(reply.id) is None
    store.save_prompt_tokens(reply.id, [1, 2, 262143, 0])
    assert store.load_prompt_tokens(reply.id) == [1, 2, 262143, 0]


def test_an_old_database_with_rows_gains_the_branch_columns(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    first = next(iter(migrations.pending(db)))  # only m001: a database from before branches
    assert first.name == "m001_initial_schema"
    first.fn(db)
    db["_sqlite_migrations"].insert({"migration_set": "inkling", "name": first.name, "applied_at": "2025-01-01"})
    db.execute("INSERT INTO conversations (title, created_at, updated_at) VALUES ('Old', 'a', 'a')")
    db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)"
               " VALUES (1, 'user', 'kept', 'complete', 'a', 'a')")
    db.conn.commit()
    db.close()
    s = open_store(path)
    try:
        message = s.get_message(1)
        assert message.content == "kept" and message.branch_of is None and message.branch_position is None
        assert s.load_prompt_tokens(1) is None
    finally:
        s.close()


def eog_trace() -> list[TokenRecord]:
    top = (TopToken(5, " yes", -0.1), TopToken(2, "<|im_end|>", -2.5, eog=True))
    return [TokenRecord(5, " yes", -0.1, 0.9, 0.4, top), TokenRecord(2, "<|im_end|>", -0.01, 1.0, 0.1, top[::-1], eog=True)]


def test_end_of_generation_tokens_survive_encoding():
    table = TraceTable.decode(encode_trace(eog_trace()))
    assert table.eog_ids == {2}
    first, last = table.records()
    assert last.eog and not first.eog
    assert [alt.eog for alt in first.top] == [False, True]
    assert table.top(0)[1].text == "<|im_end|>"


def test_a_trace_without_the_eog_section_still_reads():
    """Blobs written before the end-of-generation section existed end right after the text table."""
    blob = encode_trace(eog_trace())
    body = zlib.decompress(blob[1:])
    n, k, text_len = struct.unpack_from("<III", body)
    cut = 12 + n * 16 + n * k * 6 + text_len
    old = bytes([1]) + zlib.compress(body[:cut])  # they were format 1 (format 2 added the repeat-penalty section after it)
    records = decode_trace(old)
    assert [r.id for r in records] == [5, 2] and not any(r.eog for r in records)


def test_a_trace_naming_a_token_without_text_is_damaged():
    blob = encode_trace(eog_trace())
    body = bytearray(zlib.decompress(blob[1:]))
    body[12:16] = struct.pack("<i", 77)  # the first token's id now has no text
    with pytest.raises(TraceFormatError):
        TraceTable.decode(blob[:1] + zlib.compress(bytes(body)))
