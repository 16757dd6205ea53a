"""m006_reply_engine: a reply keeps which engine wrote it, through a migration, branching, export and import."""

from sqlite_utils import Database

from desktop.core.conversation.transfer import export_json, import_json
from desktop.core.store import open_store
from desktop.core.store.migrations import migrations

SERVER = {"kind": "llama-server", "server": "gpu-box", "model": "SmolLM2", "entropy": "lower bound from the stored alternatives"}


def test_an_old_database_gains_the_column_and_its_replies_read_as_in_process(tmp_path):
    path = tmp_path / "inkling.db"
    db = Database(path)
    migrations.apply(db, stop_before="m006_reply_engine")
    stamp = "2026-01-01T00:00:00"
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 'old', ?, ?)", [stamp, stamp])
    db.execute("INSERT INTO messages (id, conversation_id, role, content, status, model, created_at, updated_at)"
               " VALUES (1, 1, 'assistant', 'hello', 'complete', 'SmolLM2', ?, ?)", [stamp, stamp])
    db.conn.commit()
    db.close()
    store = open_store(path)
    try:
        assert "m006_reply_engine" in {m.name for m in migrations.applied(store.db)}
        assert store.get_message(1).engine is None
    finally:
        store.close()


def test_the_engine_is_kept_exported_and_imported(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    try:
        conversation = store.create_conversation()
        user = store.add_message(conversation.id, "user", "hi")
        reply = store.add_message(conversation.id, "assistant", "hello", parent_id=user.id, model="SmolLM2 @ gpu-box",
                                  engine=SERVER)
        assert store.get_message(reply.id).engine == SERVER
        exported = export_json(store, conversation.id)
        assert [m.get("engine") for m in exported["messages"]] == [None, SERVER]
        assert "engine" not in exported["messages"][0]  # in-process messages export as before
        copy = import_json(store, exported)
        assert [m.engine for m in store.thread(copy)] == [None, SERVER]
    finally:
        store.close()
