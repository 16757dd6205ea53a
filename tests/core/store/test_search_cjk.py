"""Conversation search finds any Chinese, Japanese or Korean substring, in new and in migrated databases."""

import pytest
from sqlite_utils import Database

from desktop.core.store import Store
from desktop.core.store.migrations import migrations
from desktop.core.store.search import QueryTerms, search_messages
from desktop.core.store.store import open_store

MESSAGES = [
    ("user", "我的护照什么时候到期？"),
    ("assistant", "请查看护照的最后一页。"),
    ("user", "去日本需要带护照吗"),
    ("assistant", "パスポートの有効期限を確認してください。"),
    ("user", "여권을 어디에 두었나요? I left my passport at home"),
    ("assistant", "我用iPhone手机拍了照片"),
    ("user", "An English message about llamas"),
    ("user", "别忘了带护照"),  # a pair of characters at the very end of a message
]


def fill(store: Store) -> dict[str, int]:
    conversation = store.create_conversation("旅行")
    parent, ids = None, {}
    for role, text in MESSAGES:
        parent = store.add_message(conversation.id, role, text, parent_id=parent).id
        ids[text] = parent
    return ids


def found(store: Store, query: str) -> set[str]:
    return {hit.snippet.replace("\x02", "").replace("\x03", "").strip("…") for hit in search_messages(store, query)}


def containing(ids: dict[str, int], needle: str) -> set[int]:
    return {message_id for text, message_id in ids.items() if needle.lower() in text.lower()}


@pytest.fixture
def store():
    s = Store(Database(memory=True))
    yield s
    s.close()


@pytest.mark.parametrize("query", ["护照", "护", "照什么时", "什么时候到期", "パスポート", "有効", "期限を確認", "여권", "여권을",
                                   "iPhone", "iphone手机", "拍了", "照", "带护", "照吗", "鐵照"])
def test_every_message_holding_a_cjk_substring_is_found(store, query):
    ids = fill(store)
    needles = QueryTerms.parse(query)
    expected = {i for text, i in ids.items() if all(n.lower() in text.lower() for n in needles.cjk + needles.words)}
    assert expected or query == "鐵照", query  # 鐵照: a pair no message holds
    assert {hit.message_id for hit in search_messages(store, query)} == expected


def test_every_passport_message_newest_first_with_the_match_marked(store):
    ids = fill(store)
    hits = search_messages(store, "护照")
    assert [h.message_id for h in hits] == sorted(containing(ids, "护照"), reverse=True)
    assert len(hits) == 4 and all(("护照", True) in h.snippet_parts() for h in hits)
    assert hits[0].conversation_title == "旅行"


def test_mixed_query_needs_every_term_and_english_search_is_unchanged(store):
    ids = fill(store)
    assert [h.message_id for h in search_messages(store, "passport 여권")] == [ids[MESSAGES[4][1]]]
    assert search_messages(store, "passport 护照") == []
    assert [h.message_id for h in search_messages(store, "llam")] == [ids[MESSAGES[6][1]]]  # still a prefix search


def test_the_index_follows_edits_streaming_and_deletes(store):
    ids = fill(store)
    english = ids[MESSAGES[6][1]]
    store.update_message(english, content="现在这条消息也提到护照了")
    assert english in {h.message_id for h in search_messages(store, "提到护照")}
    store.update_message(english, content="no more Chinese here")
    assert english not in {h.message_id for h in search_messages(store, "护照")}
    assert [h.message_id for h in search_messages(store, "no more")] == [english]
    store.delete_conversation(store.list_conversations()[0].id)
    assert search_messages(store, "护照") == [] and search_messages(store, "护") == []


def test_an_old_database_is_migrated_and_its_messages_found(tmp_path):
    path = tmp_path / "inkling.db"
    db = Database(path)
    migrations.apply(db, stop_before="m007_cjk_search")  # a database written before CJK search
    stamp = "2026-01-01T00:00:00"
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, '旅行', ?, ?)", [stamp, stamp])
    for n, (role, text) in enumerate(MESSAGES, start=1):
        db.execute("INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)"
                   " VALUES (?, 1, ?, ?, 'complete', ?, ?)", [n, role, text, stamp, stamp])
    db.conn.commit()
    db.close()
    ids = {text: n for n, (_role, text) in enumerate(MESSAGES, start=1)}
    store = open_store(path)
    try:
        assert "m007_cjk_search" in {m.name for m in migrations.applied(store.db)}
        for query in ("护照什么", "护照", "確認して", "여권을"):
            assert {h.message_id for h in search_messages(store, query)} == containing(ids, query), query
    finally:
        store.close()


def test_the_migration_indexes_exactly_the_characters_search_treats_as_cjk():
    from desktop.core.store.migrations import m007_cjk_search
    from desktop.core.text import CJK_CLASS

    class Recorder:
        statements: list[str] = []

        def execute(self, sql, *_params):
            self.statements.append(sql)

    m007_cjk_search(Recorder())
    assert sum(f"[{CJK_CLASS}]" in sql for sql in Recorder.statements) == 4  # two triggers, the update, the fill
