"""Long-conversation tools in the store and core: pin and sort, search, edit/regenerate, delete with undo, duplicate."""

import pytest
from sqlite_utils import Database

from desktop.core.conversation.turns import PromptReady
from desktop.core.conversation.session import ReplySession
from desktop.core.conversation.edits import (
    EditError, delete_message, duplicate_from, history_before, start_edit, start_regenerate, undo_delete,
)
from desktop.core.engine.types import Finished, GenerationStats, TokenEvent
from desktop.core.prompt.build import ChatMessage
from desktop.core.prompt.record import PromptRecord
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from desktop.core.store.rows import dependent_tables, read_rows, subtree_ids
from desktop.core.store.search import fts_query, search_messages, snippet_parts
from desktop.core.probability.trace import TokenRecord, TopToken


@pytest.fixture
def store():
    s = Store(Database(memory=True))
    yield s
    s.close()


def everything(store: Store) -> dict:
    """Every row of every table that holds conversation data, for before/after comparisons."""
    tables = ["conversations", "messages", *(t for t, _ in dependent_tables(store))]
    return {t: sorted(map(dict, store.db.query(f"SELECT * FROM [{t}]")), key=repr) for t in tables}


def record(i: int) -> TokenRecord:
    return TokenRecord(i, f"t{i}", -0.25 * i, 0.5, 1.0, (TopToken(i, f"t{i}", -0.25 * i), TopToken(99, "x", -3.0, True)))


def chat(store: Store, turns: int = 3) -> tuple[int, list]:
    """A conversation of `turns` complete turns, each reply with a trace, sources and a prompt."""
    c = store.create_conversation("Chat", "Be brief.")
    parent, messages = None, []
    for n in range(turns):
        user = store.add_message(c.id, "user", f"question {n} about llamas", parent_id=parent)
        reply = store.add_message(c.id, "assistant", "", parent_id=user.id, status="streaming", model="m",
                                  sampler=SamplerSettings().to_dict())
        session = ReplySession(store, reply.id)
        session.apply(PromptReady(5, 0, 64, (1, 2, 3, 4, 5), sources_used=1, record=PromptRecord(
            "<s>abcde", (3, 4, 5, 6, 8), (("system", 0, 2), ("message", 2, 5)), 0, 64, 16)))
        store.save_sources(reply.id, [{"note_id": 1, "title": "N", "chunk": 0, "score": 0.5, "snippet": "s"}])
        session.apply(TokenEvent(0, 1, f"answer {n} alpacas", record(n), False))
        session.apply(Finished("stop", GenerationStats(5, 1, 1.0, 1.0, 0, 64)))
        messages += [user, reply]
        parent = reply.id
    return c.id, messages


def test_pinned_conversations_come_first_in_every_order(store):
    a = store.create_conversation("banana")
    b = store.create_conversation("Apple")
    c = store.create_conversation("cherry")
    store.add_message(a.id, "user", "newest activity")
    assert [x.id for x in store.list_conversations()] == [a.id, c.id, b.id]
    store.set_pinned(b.id, True)
    assert [x.id for x in store.list_conversations()] == [b.id, a.id, c.id]
    assert [x.id for x in store.list_conversations("title")] == [b.id, a.id, c.id]
    assert [x.id for x in store.list_conversations("created")] == [b.id, c.id, a.id]
    assert store.get_conversation(b.id).pinned is True and store.get_conversation(a.id).pinned is False
    with pytest.raises(KeyError):
        store.set_pinned(999, True)


def test_search_finds_words_by_prefix_newest_first_with_marked_snippets(store):
    conversation_id, messages = chat(store)
    hits = search_messages(store, "llam")
    assert [h.message_id for h in hits] == [m.id for m in messages[-2::-2]]  # the user messages, newest first
    assert hits[0].conversation_title == "Chat" and hits[0].role == "user"
    assert ("llamas", True) in hits[0].snippet_parts()
    assert [h.message_id for h in search_messages(store, "question 1")] == [messages[2].id]
    assert search_messages(store, "  ") == [] and search_messages(store, "zebra") == []
    assert search_messages(store, 'al"pa OR NOT') == []  # typed syntax is only ever words


def test_search_follows_streaming_updates_deletes_and_conversation_deletion(store):
    conversation_id, messages = chat(store, 1)
    assert [h.message_id for h in search_messages(store, "alpacas")] == [messages[1].id]
    store.update_message(messages[1].id, content="now about vicuñas")
    assert search_messages(store, "alpacas") == []
    assert [h.message_id for h in search_messages(store, "vicunas")] == [messages[1].id]  # diacritics folded
    store.delete_conversation(conversation_id)
    assert search_messages(store, "vicunas") == [] and search_messages(store, "llamas") == []


def test_fts_query_quotes_every_word_as_a_prefix():
    assert fts_query('say "hi" to 中文') == '"say"* "hi"* "to"* "中文"*'
    assert fts_query("*** ()") is None
    assert snippet_parts("a\x02b\x03c\x02d\x03") == [("a", False), ("b", True), ("c", False), ("d", True)]


def test_edit_makes_a_sibling_user_message_and_keeps_the_old_branch(store):
    conversation_id, messages = chat(store)
    before = everything(store)
    request = start_edit(store, messages[2].id, "  question 1, reworded  ", SamplerSettings(), "m")
    edited = store.get_message(store.get_message(request.message_id).parent_id)
    assert edited.content == "question 1, reworded" and edited.parent_id == messages[1].id
    assert [m.id for m in store.siblings(edited.id)] == [messages[2].id, edited.id]
    assert [m.content for m in request.history] == [
        "question 0 about llamas", "answer 0 alpacas", "question 1, reworded"]
    assert [m.id for m in store.thread(conversation_id)] == [messages[0].id, messages[1].id, edited.id, request.message_id]
    for table, rows in before.items():  # nothing that was there is gone or changed
        if table != "conversations":
            assert all(row in everything(store)[table] for row in rows)
    with pytest.raises(EditError):
        start_edit(store, messages[1].id, "x", SamplerSettings(), "m")
    with pytest.raises(EditError):
        start_edit(store, messages[0].id, "   ", SamplerSettings(), "m")


def test_regenerate_makes_a_sibling_reply_with_the_same_history(store):
    conversation_id, messages = chat(store)
    request = start_regenerate(store, messages[3].id, SamplerSettings(temperature=0.0), "m")
    reply = store.get_message(request.message_id)
    assert reply.parent_id == messages[2].id and reply.status == "streaming"
    assert [m.id for m in store.siblings(reply.id)] == [messages[3].id, reply.id]
    assert request.history == (
        ChatMessage("user", "question 0 about llamas"), ChatMessage("assistant", "answer 0 alpacas"),
        ChatMessage("user", "question 1 about llamas"))
    assert store.get_message(messages[5].id) is not None  # the old branch's later turns stay
    with pytest.raises(EditError, match="finished"):
        start_regenerate(store, reply.id, SamplerSettings(), "m")
    with pytest.raises(EditError):
        start_regenerate(store, messages[0].id, SamplerSettings(), "m")


def test_delete_removes_the_subtree_and_undo_restores_every_row(store):
    conversation_id, messages = chat(store)
    before = everything(store)
    deleted = delete_message(store, messages[2].id)
    assert [m.id for m in store.thread(conversation_id)] == [messages[0].id, messages[1].id]
    assert store.get_message(messages[5].id) is None and store.load_trace(messages[3].id) is None
    assert search_messages(store, "question 2") == []
    undo_delete(store, deleted)
    after = everything(store)
    assert after["messages"] == before["messages"]
    assert {t: r for t, r in after.items() if t not in ("conversations", "messages")} == \
        {t: r for t, r in before.items() if t not in ("conversations", "messages")}
    assert [m.id for m in store.thread(conversation_id)] == [m.id for m in messages]
    assert [h.message_id for h in search_messages(store, "question 2")] == [messages[4].id]


def test_delete_shows_a_sibling_branch_and_undo_works_even_when_the_id_was_reused(store):
    conversation_id, messages = chat(store, 2)
    request = start_regenerate(store, messages[3].id, SamplerSettings(), "m")
    store.update_message(request.message_id, content="other", status="complete")
    deleted = delete_message(store, request.message_id)
    assert store.thread(conversation_id)[-1].id == messages[3].id  # the remaining sibling is shown
    reused = store.add_message(conversation_id, "user", "new message", parent_id=messages[3].id)
    assert reused.id == request.message_id  # SQLite handed the freed id out again
    undo_delete(store, deleted)
    back = [m for m in store.siblings(messages[3].id) if m.content == "other"]
    assert len(back) == 1 and back[0].id != reused.id
    assert store.thread(conversation_id)[-1].id == back[0].id


def test_delete_of_a_root_with_nothing_left_empties_the_conversation(store):
    conversation_id, messages = chat(store, 1)
    deleted = delete_message(store, messages[0].id)
    assert store.thread(conversation_id) == [] and store.get_conversation(conversation_id).leaf_message_id is None
    store.delete_conversation(conversation_id)
    with pytest.raises(EditError):
        undo_delete(store, deleted)


def test_duplicate_copies_the_branch_with_traces_sources_and_prompts(store):
    conversation_id, messages = chat(store)
    copy = duplicate_from(store, messages[3].id)
    assert copy.title == "Chat (copy)" and copy.system_prompt == "Be brief." and copy.id != conversation_id
    thread = store.thread(copy.id)
    assert [m.content for m in thread] == [m.content for m in store.thread(conversation_id)][:4]
    assert all(m.conversation_id == copy.id for m in thread)
    assert store.load_trace(thread[3].id) == store.load_trace(messages[3].id)
    assert store.load_sources(thread[3].id) == store.load_sources(messages[3].id)
    assert store.load_prompt_tokens(thread[3].id) == [1, 2, 3, 4, 5]
    assert PromptRecord.decode(store.load_prompt_record(thread[3].id)).counts()["message"] == 3
    assert len(store.thread(conversation_id)) == 6  # the original is untouched


def test_history_before_skips_failed_replies(store):
    c = store.create_conversation()
    user = store.add_message(c.id, "user", "hi")
    failed = store.add_message(c.id, "assistant", "half", parent_id=user.id, status="error")
    again = store.add_message(c.id, "user", "again", parent_id=failed.id)
    assert history_before(store, again) == [ChatMessage("user", "hi")]
    assert subtree_ids(store, user.id) == [user.id, failed.id, again.id]
    assert [r["id"] for r in read_rows(store, [again.id, user.id]).messages] == [again.id, user.id]
