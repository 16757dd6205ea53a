"""An export is read a batch of messages at a time: the same parts as a whole read, memory far below the file's size."""

import json
import re
import tracemalloc
from unittest.mock import patch

import pytest
from hypothesis import given, settings, strategies as st

from desktop.core.conversation.export_format import read_export
from desktop.core.conversation import export_stream
from desktop.core.conversation.export_stream import Begin, Finish, Messages, NestingGuard, Restart, read_parts, whole_parts
from desktop.core.conversation.transfer import ImportWriter, TransferError, export_json, import_file, import_parts
from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.core.workspace import open_workspace
from tests.core.conversation.big_exports import big_export, write_big_export


@pytest.fixture
def store(inkling_home):
    opened = open_store(database_path())
    yield opened
    opened.close()


def _opener(path):
    return lambda: open(path, "rb")


def test_streamed_parts_are_the_parts_of_the_whole_file(tmp_path):
    path = write_big_export(tmp_path / "long.json", 450)
    streamed = list(read_parts(_opener(path), "long.json"))
    assert streamed == list(whole_parts(read_export(path.read_bytes()), "long.json"))
    assert [type(p) for p in streamed] == [Begin] + [Messages] * 5 + [Finish]  # 4 × 100 + 50


def test_long_replies_come_in_smaller_parts(tmp_path):
    data = big_export(40)
    token = data["messages"][1]["trace"][0]
    for message in data["messages"][1::2]:
        message["trace"] = [token] * 3_000  # 20 replies of 3,000 tokens: 60,000 positions
    path = tmp_path / "long-replies.json"
    path.write_text(json.dumps(data))
    for parts in (list(read_parts(_opener(path), "x")), list(whole_parts(read_export(path.read_bytes()), "x"))):
        sizes = [len(part.messages) for part in parts if isinstance(part, Messages)]
        assert sizes == [14, 14, 12]  # 7 questions and 7 replies pass 20,000 positions (100 messages: one part)


def test_an_import_holds_a_few_batches_never_the_file(store, tmp_path):
    path = write_big_export(tmp_path / "long.json", 12_000)
    size = path.stat().st_size
    assert size > 8 * 2**20
    import_file(store, write_big_export(tmp_path / "short.json", 10))  # what a first import loads, once
    tracemalloc.start()
    try:
        (conversation_id,) = import_file(store, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A whole read holds the file's bytes and then about 3 times as much in objects; the stream holds one
    # batch, read buffers and the numbers of the messages seen (about 250 bytes a message).
    assert peak < size / 2, (peak, size)  # measured: a third (a whole read: more than 4 times the size)
    exported = export_json(store, conversation_id, "all")
    assert len(exported["messages"]) == 12_000 and exported["leaf"] == 12_000


def test_another_layout_or_infinity_is_read_whole_and_imports_the_same(store, tmp_path):
    data = big_export(5)
    data["messages"][1]["trace"][0]["top"][0]["logprob"] = float("-inf")  # json writes -Infinity, as Inkling's export does
    reordered = {"messages": data["messages"], **{k: v for k, v in data.items() if k != "messages"}}
    for name, document in (("infinity.json", data), ("reordered.json", reordered)):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        parts = list(read_parts(_opener(path), name))
        assert Restart() not in parts[:1] and parts[-1] == Finish(data["conversation"], 5, [])
        (conversation_id,) = import_file(store, path)
        assert export_json(store, conversation_id, "all")["messages"][1]["trace"][0]["top"][0]["logprob"] == float("-inf") \
            or name == "reordered.json"


def test_a_problem_after_parts_went_out_restarts_then_refuses_in_the_whole_check_s_words(store, tmp_path):
    data = big_export(450)
    data["messages"][-1]["status"] = "exploded"
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data))
    parts = read_parts(_opener(path), "late.json")
    seen = [next(parts) for _ in range(5)]
    assert [type(p) for p in seen] == [Begin, Messages, Messages, Messages, Messages]
    assert next(parts) == Restart()  # the writer takes back what it wrote, and the whole check says why
    with pytest.raises(ValueError, match=r"is damaged: messages\[449\]\.status"):
        next(parts)
    before = len(store.list_conversations())
    with pytest.raises(TransferError, match=r"late.json is damaged: messages\[449\]\.status.*nothing was imported"):
        import_file(store, path)
    assert len(store.list_conversations()) == before


def test_an_import_a_crash_cut_short_is_gone_at_the_next_start_and_a_finished_one_stays(inkling_home, tmp_path):
    path = write_big_export(tmp_path / "long.json", 450)
    with open_workspace() as workspace:
        store = workspace.store
        writer, parts = ImportWriter(store), import_parts(path)
        for _ in range(3):  # Begin and two batches, each committed on its own as the window writes them
            writer.write(next(parts))
        parts.close()
        assert store.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 200
        ImportWriter(store).write(next(import_parts(path)))  # another import, begun and cut short too
        assert store.db.execute("SELECT count(*) FROM conversations").fetchone()[0] == 2
        assert store.list_conversations() == []  # half-written: never listed (nor exported, nor opened from the list)
    # the process was killed here: nothing finished or took back either import
    with open_workspace() as workspace:
        assert workspace.store.list_conversations() == []
        assert workspace.store.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
        (kept,) = import_file(workspace.store, path)
    with open_workspace() as workspace:
        assert [c.id for c in workspace.store.list_conversations()] == [kept]
        workspace.store.db.execute("UPDATE settings SET value = 'damaged' WHERE key = 'unfinished_imports'")
        assert [c.id for c in workspace.store.list_conversations()] == [kept]  # a damaged note hides nothing


def test_deep_nesting_is_refused_before_the_parser_builds_it(store, tmp_path):
    # ijson keeps a prefix per level ("messages.item.item…"), so memory grows with the depth's square: 100,000
    # nested brackets (200 kB) asked for gigabytes. The reader counts brackets outside strings first.
    text = json.dumps(big_export(2))
    head = text[:text.index('"messages"')]
    path = tmp_path / "deep.json"
    path.write_text(head + '"messages": [' + "[" * 5_000 + "]" * 5_000 + "]}")
    tracemalloc.start()
    try:
        with pytest.raises(TransferError, match=r"deep.json is not valid JSON \(nested more than 200 levels deep\)"):
            import_file(store, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, peak  # 5,000 levels of prefixes: 60 MB
    assert store.list_conversations() == []


@given(st.recursive(st.none() | st.integers() | st.text(alphabet='[]{}"\\\\ax', max_size=6),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[{"\\\\', max_size=3), inner,
                                                                                max_size=3), max_leaves=30),
       st.lists(st.integers(0, 400), max_size=6))
@settings(max_examples=200, deadline=None)
def test_the_nesting_guard_counts_brackets_outside_strings_exactly_whatever_the_chunks(value, cuts):
    document = json.dumps(value).encode()
    depth = deepest = 0
    for token in re.sub(r'"(?:[^"\\]|\\.)*"', "", document.decode()):  # strings out, then count
        depth += (token in "[{") - (token in "]}")
        deepest = max(deepest, depth)
    for limit, refused in ((deepest, False), (deepest - 1, True))[:1 + (deepest > 0)]:
        guard, start = NestingGuard(), 0
        with patch.object(export_stream, "MAX_DEPTH", limit):
            try:
                for cut in sorted({min(c, len(document)) for c in cuts}) + [len(document)]:
                    guard.feed(document[start:cut])
                    start = cut
            except ValueError:
                assert refused
            else:
                assert not refused and guard.depth == 0
