"""Backups: a copy before every migration (from every old schema, rows kept), a failed migration changes nothing,
the newest copies kept, a day apart while running, and `inkling backup` / `inkling restore` as a user runs them."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop.core import backups
from desktop.core.backups import DailyBackups, list_backups, make_backup, restore
from desktop.core.notes import db as notes_db
from desktop.core.store import DatabaseDamagedError, open_store
from desktop.core.store import store as store_module
from desktop.core.store.migrations import migrations as inkling_migrations
from tests.e2e.runner import another_inkling_holding, inkling


def names(migrations: Migrations) -> list[str]:
    return [m.name for m in migrations.pending(Database(memory=True))]


def fill_chats(db: Database) -> None:
    # Only m001's columns: every later schema keeps them.
    db.execute("INSERT INTO conversations (title, system_prompt, created_at, updated_at) VALUES ('old chat', 'be brief', 't0', 't0')")
    db.execute("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)"
               " VALUES (1, 'user', 'How do otters sleep?', 'complete', 't1', 't1')")
    db.execute("INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, updated_at)"
               " VALUES (1, 1, 'assistant', 'Holding hands.', 'complete', 't2', 't2')")
    db.execute("INSERT INTO settings (key, value) VALUES ('sampler', '{\"temperature\": 0.3}')")
    db.conn.commit()


def fill_notes(db: Database) -> None:
    db.execute("INSERT INTO note_folders (path, extensions, added_at) VALUES ('/notes', '.md', 't0')")
    db.execute("INSERT INTO notes (title, body, status, created_at, updated_at)"
               " VALUES ('Otters', 'They hold hands.', 'pending', 't0', 't0')")
    db.conn.commit()


CHATS = {"conversations": "id, title, system_prompt", "messages": "id, parent_id, role, content, status",
         "settings": "key, value"}
NOTES = {"note_folders": "id, path", "notes": "id, title, body, status"}


def rows(path, tables: dict) -> dict:
    connection = sqlite3.connect(path)
    try:
        return {table: connection.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
                for table, columns in tables.items()}
    finally:
        connection.close()


def old_database(path, migrations: Migrations, applied: int, fill) -> None:
    """A database as an older Inkling left it: the first `applied` migrations, with rows in it."""
    db = Database(path)
    db.enable_wal()
    every = names(migrations)
    migrations.apply(db, stop_before=every[applied] if applied < len(every) else None)
    fill(db)
    db.close()


@pytest.mark.parametrize("applied", range(1, len(names(inkling_migrations)) + 1))
def test_every_old_chat_schema_is_copied_before_it_is_migrated(inkling_home, applied):
    inkling_home.mkdir()
    path = inkling_home / "inkling.db"
    old_database(path, inkling_migrations, applied, fill_chats)
    before = rows(path, CHATS)
    open_store(path).close()
    copies = list_backups(inkling_home, "inkling.db")
    if applied == len(names(inkling_migrations)):  # today's schema: nothing to migrate, nothing copied
        assert copies == []
        copies = [make_backup(inkling_home, "inkling.db")]
    else:
        assert [c.before for c in copies] == [names(inkling_migrations)[-1]]
        copy_schema = {r[0] for r in sqlite3.connect(copies[0].path).execute("SELECT name FROM _sqlite_migrations")}
        assert copy_schema == set(names(inkling_migrations)[:applied])  # the schema as it was
    assert rows(copies[0].path, CHATS) == before == rows(path, CHATS)
    assert sqlite3.connect(copies[0].path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("applied", range(1, len(names(notes_db.migrations)) + 1))
def test_every_old_notes_schema_is_copied_before_it_is_migrated(inkling_home, applied):
    inkling_home.mkdir()
    path = inkling_home / "notes.db"
    old_database(path, notes_db.migrations, applied, fill_notes)
    before = rows(path, NOTES)
    notes_db.connect(path).close()
    copies = list_backups(inkling_home, "notes.db")
    if applied == len(names(notes_db.migrations)):
        assert copies == []
        copies = [make_backup(inkling_home, "notes.db")]
    else:
        assert [c.before for c in copies] == [names(notes_db.migrations)[-1]]
    assert rows(copies[0].path, NOTES) == before == rows(path, NOTES)


def test_a_failed_migration_leaves_the_database_as_it_was(inkling_home, monkeypatch):
    inkling_home.mkdir()
    path = inkling_home / "inkling.db"
    old_database(path, inkling_migrations, 1, fill_chats)
    before = list(sqlite3.connect(path).iterdump())
    failing = Migrations("inkling")
    for migration in inkling_migrations.pending(Database(memory=True)):
        failing(name=migration.name)(migration.fn)

    @failing()
    def m999_breaks_halfway(db):
        db.execute("DELETE FROM messages")
        raise RuntimeError("a bug in a migration")

    monkeypatch.setattr(store_module, "migrations", failing)
    with pytest.raises(RuntimeError, match="a bug in a migration"):
        open_store(path)
    assert list(sqlite3.connect(path).iterdump()) == before  # not even the migrations before the failing one
    assert [c.before for c in list_backups(inkling_home)] == ["m999_breaks_halfway"]


def test_the_newest_three_copies_and_the_newest_pre_migration_copy_are_kept(inkling_home):
    inkling_home.mkdir()
    open_store(inkling_home / "inkling.db").close()
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    source = sqlite3.connect(inkling_home / "inkling.db")
    for day in range(2):
        make_backup(inkling_home, "inkling.db", before=f"m00{day}_x", source=source, now=start + timedelta(days=day))
    for day in range(5):
        make_backup(inkling_home, "inkling.db", now=start + timedelta(days=10 + day))
    source.close()
    kept = list_backups(inkling_home, "inkling.db")
    assert [(c.made_at.day, c.before) for c in kept] == [(15, None), (14, None), (13, None), (2, "m001_x")]
    assert not list((inkling_home / "backups").glob("*.part"))


def test_while_running_a_copy_is_made_once_a_day(inkling_home, monkeypatch):
    inkling_home.mkdir()
    store = open_store(inkling_home / "inkling.db")
    store.create_conversation(title="kept")
    daily = DailyBackups(inkling_home)
    assert [b.database for b in daily.run_once()] == ["inkling.db"]
    assert daily.run_once() == []  # the copy is fresh
    later = datetime.now(timezone.utc) + timedelta(days=1, minutes=1)
    monkeypatch.setattr(backups, "datetime", type("Later", (datetime,), {"now": staticmethod(lambda tz=None: later)}))
    assert len(daily.run_once()) == 1
    store.close()


def test_the_background_thread_copies_and_stops(inkling_home):
    inkling_home.mkdir()
    open_store(inkling_home / "inkling.db").close()
    daily = DailyBackups(inkling_home, check_every_s=0.05)
    daily.start()
    try:
        deadline = datetime.now() + timedelta(seconds=20)
        while not list_backups(inkling_home) and datetime.now() < deadline:
            pass
    finally:
        daily.stop()
    assert len(list_backups(inkling_home)) == 1 and not daily._thread.is_alive()


def test_restore_moves_the_current_file_aside_and_puts_the_copy_in_place(inkling_home):
    inkling_home.mkdir()
    store = open_store(inkling_home / "inkling.db")
    store.create_conversation(title="in the backup")
    copy = make_backup(inkling_home, "inkling.db")
    store.create_conversation(title="after the backup")
    store.close()
    restored, aside = restore(inkling_home, copy.path)
    assert restored == inkling_home / "inkling.db" and aside.name.startswith("inkling.db.replaced-")
    assert [c.title for c in open_store(aside).list_conversations()] == ["after the backup", "in the backup"]
    assert [c.title for c in open_store(restored).list_conversations()] == ["in the backup"]


def test_backup_and_restore_from_the_command_line(inkling_home, tmp_path):
    inkling_home.mkdir()
    store = open_store(inkling_home / "inkling.db")
    store.create_conversation(title="kept")
    store.close()
    made = inkling("backup")
    assert made.returncode == 0 and "backed up inkling.db to" in made.stdout, made.stderr
    (inkling_home / "inkling.db").write_bytes(b"garbage" * 1000)
    for side in ("-wal", "-shm"):
        (inkling_home / f"inkling.db{side}").unlink(missing_ok=True)
    done = inkling("restore")
    assert done.returncode == 0, done.stderr
    assert [c.title for c in open_store(inkling_home / "inkling.db").list_conversations()] == ["kept"]
    aside = next(inkling_home.glob("inkling.db.replaced-*"))
    assert aside.read_bytes() == b"garbage" * 1000  # moved aside, never deleted
    listed = inkling("backup", "--list")
    assert listed.returncode == 0 and "inkling.db of" in listed.stdout


def test_restore_is_refused_while_the_window_holds_the_folder(inkling_home):
    inkling_home.mkdir()
    open_store(inkling_home / "inkling.db").close()
    make_backup(inkling_home, "inkling.db")
    with another_inkling_holding(inkling_home):
        done = inkling("restore")
    assert done.returncode == 2 and "close it before restoring" in done.stderr
    assert not list(inkling_home.glob("inkling.db.replaced-*"))


def test_a_file_that_is_not_a_backup_is_refused(inkling_home, tmp_path):
    inkling_home.mkdir()
    stranger = tmp_path / "stranger.db"
    sqlite3.connect(stranger).execute("CREATE TABLE t (x)")
    done = inkling("restore", str(stranger))
    assert done.returncode == 2 and "is not a usable Inkling backup" in done.stderr
    assert not (inkling_home / "inkling.db").exists()


def test_a_damaged_database_is_not_copied_over_sound_backups(inkling_home):
    inkling_home.mkdir()
    path = inkling_home / "inkling.db"
    store = open_store(path)
    conversation = store.create_conversation(title="kept")
    for n in range(200):
        store.add_message(conversation.id, "user", f"message {n} " * 40)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    sound = [make_backup(inkling_home, "inkling.db", now=datetime(2026, 1, day, tzinfo=timezone.utc)) for day in (1, 2, 3)]
    with open(path, "r+b") as handle:  # header and schema intact, the rest garbage
        handle.seek(2 * 4096)
        handle.write(b"\xff" * (path.stat().st_size - 2 * 4096))
    with pytest.raises(DatabaseDamagedError, match="inkling.db is damaged"):
        make_backup(inkling_home, "inkling.db")
    assert list_backups(inkling_home) == sorted(sound, key=lambda b: b.made_at, reverse=True)
    assert not list((inkling_home / "backups").glob("*.part"))


def test_two_restores_in_one_second_keep_both_replaced_files(inkling_home):
    inkling_home.mkdir()
    store = open_store(inkling_home / "inkling.db")
    store.create_conversation(title="first")
    copy = make_backup(inkling_home, "inkling.db")
    store.close()
    restore(inkling_home, copy.path)
    restore(inkling_home, copy.path)
    assert len(list(inkling_home.glob("inkling.db.replaced-*[0-9Z]"))) == 2
