"""m010_conversation_engine: each conversation remembers the engine it chats with."""

from sqlite_utils import Database

from desktop.core.store import open_store
from desktop.core.store.migrations import migrations

SERVER = {"server": "gpu-box", "model": "SmolLM2"}


def test_an_old_database_gains_the_column_and_its_conversations_have_no_choice(tmp_path):
    path = tmp_path / "inkling.db"
    db = Database(path)
    migrations.apply(db, stop_before="m010_conversation_engine")
    stamp = "2026-01-01T00:00:00"
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 'old', ?, ?)", [stamp, stamp])
    db.conn.commit()
    db.close()
    store = open_store(path)
    try:
        assert "m010_conversation_engine" in {m.name for m in migrations.applied(store.db)}
        assert store.conversation_engine(1) is None
    finally:
        store.close()


def test_the_choice_is_kept_without_reordering_and_a_damaged_one_reads_as_none(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    try:
        first, second = store.create_conversation("first"), store.create_conversation("second")
        store.set_conversation_engine(first.id, SERVER)
        store.set_conversation_engine(second.id, {"path": "/models/a.gguf"})
        assert store.conversation_engine(first.id) == SERVER
        assert store.conversation_engine(second.id) == {"path": "/models/a.gguf"}
        assert store.get_conversation(first.id).updated_at == first.updated_at  # choosing is not an edit
        store.db.execute("UPDATE conversations SET engine = '{\"server\": 7' WHERE id = ?", [first.id])
        assert store.conversation_engine(first.id) is None
    finally:
        store.close()
