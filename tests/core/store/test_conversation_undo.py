"""A deleted conversation comes back whole: ids, branches, traces, sources, prompts, the branch shown, search."""

from desktop.core.paths import database_path
from desktop.core.probability.trace import TokenRecord, TopToken
from desktop.core.store import open_store
from desktop.core.store.rows import delete_conversation, restore_conversation
from desktop.core.store.search import search_messages


def test_delete_and_restore_a_conversation(inkling_home):
    store = open_store(database_path())
    kept = store.create_conversation("Other")
    store.add_message(kept.id, "user", "unrelated")
    doomed = store.create_conversation("Otters", "Be brief.", kind="notebook")
    store.set_pinned(doomed.id, True)
    user = store.add_message(doomed.id, "user", "Tell me about otters")
    first = store.add_message(doomed.id, "assistant", "Otters swim.", parent_id=user.id)
    record = TokenRecord(5, " swim", -0.5, 0.6, 1.2, (TopToken(5, " swim", -0.5),))
    store.save_trace(first.id, [record])
    store.save_sources(first.id, [{"note_id": 1, "title": "Notes", "chunk": 0, "score": 0.5, "snippet": "x"}])
    store.save_prompt_tokens(first.id, [1, 2, 3])
    branch = store.add_message(doomed.id, "assistant", "Otters float.", parent_id=user.id,
                               branch_of=first.id, branch_position=1)
    store.show_branch(first.id)
    before = store.get_conversation(doomed.id)
    trace = store.load_trace(first.id)

    deleted = delete_conversation(store, doomed.id)
    assert store.get_conversation(doomed.id) is None and store.get_message(first.id) is None
    assert not search_messages(store, "otters")

    restored = restore_conversation(store, deleted)
    assert restored == doomed.id
    assert store.get_conversation(doomed.id) == before  # title, prompt, kind, pin, times, the branch shown
    assert [m.id for m in store.thread(doomed.id)] == [user.id, first.id]
    assert store.get_message(branch.id).branch_of == first.id
    assert store.load_trace(first.id) == trace and trace[0].text == " swim"
    assert store.load_sources(first.id)[0]["title"] == "Notes"
    assert store.load_prompt_tokens(first.id) == [1, 2, 3]
    assert {hit.message_id for hit in search_messages(store, "otters")} >= {user.id, first.id, branch.id}
    store.close()


def test_a_conversation_longer_than_sqlites_trigger_depth_deletes_and_comes_back(inkling_home):
    # Each message is its predecessor's child: deleted by cascade alone, 1,200 of them nest 1,200 trigger levels.
    store = open_store(database_path())
    long = store.create_conversation("Long")
    parent = None
    for n in range(1_200):
        parent = store.add_message(long.id, "user" if n % 2 == 0 else "assistant", f"message {n}",
                                   parent_id=parent and parent.id)
    thread = [m.id for m in store.thread(long.id)]
    deleted = delete_conversation(store, long.id)
    assert store.get_conversation(long.id) is None
    assert store.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    restore_conversation(store, deleted)
    assert [m.id for m in store.thread(long.id)] == thread and len(thread) == 1_200
    store.close()
