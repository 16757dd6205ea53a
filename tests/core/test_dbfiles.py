"""dbfiles: what SQLite says of a file in trouble, in words naming the file; the cheap check of a file cut short."""

import sqlite3

import pytest

from desktop.core.dbfiles import DatabaseDamagedError, DatabaseReadOnlyError, check_header, explain, reraise


def a_database(path, rows=300) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * rows)
    connection.commit()
    connection.close()


def test_a_file_that_is_not_sqlite_is_damaged(tmp_path):
    path = tmp_path / "inkling.db"
    path.write_bytes(b"hello" * 100)
    with pytest.raises(DatabaseDamagedError, match="file is not a database"):
        check_header(path)


def test_a_file_cut_short_is_damaged_before_sqlite_reads_a_page(tmp_path):
    path = tmp_path / "inkling.db"
    a_database(path)
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])
    with pytest.raises(DatabaseDamagedError, match=f"the file is cut short: {size // 2} of {size} bytes"):
        check_header(path)


def test_pages_still_in_the_wal_are_not_a_file_cut_short(tmp_path):
    path = tmp_path / "inkling.db"
    a_database(path)
    path.write_bytes(path.read_bytes()[:4096])
    (tmp_path / "inkling.db-wal").write_bytes(b"\0" * 4096)  # SQLite reads the missing pages from there
    check_header(path)


def test_a_missing_or_empty_file_is_a_new_database(tmp_path):
    check_header(tmp_path / "missing.db")
    (tmp_path / "empty.db").touch()
    check_header(tmp_path / "empty.db")


def test_sqlites_own_errors_become_words_naming_the_file(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not sqlite" * 500)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()
    assert isinstance(explain(raised.value, garbage), DatabaseDamagedError)
    sound = tmp_path / "sound.db"
    a_database(sound, rows=1)
    with pytest.raises(sqlite3.OperationalError) as raised:
        sqlite3.connect(f"file:{sound}?mode=ro", uri=True).execute("INSERT INTO t VALUES ('y')")
    assert isinstance(explain(raised.value, sound), DatabaseReadOnlyError)
    with pytest.raises(DatabaseReadOnlyError, match=f"{sound} cannot be written") as said:
        reraise(raised.value, sound)
    assert said.value.__cause__ is raised.value
    with pytest.raises(sqlite3.OperationalError) as raised:
        sqlite3.connect(sound).execute("SELECT * FROM no_such_table")
    assert explain(raised.value, sound) is None  # a bug, not the environment: raised as it is


READER = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
          "print(','.join(sorted(r[0] for r in c.execute('SELECT key FROM settings')))); c.close()")


def test_the_daily_backup_keeps_the_windows_changes_visible_to_other_processes(tmp_path):
    """The window's daily backup checks the header of the database the window has open: with open()/close(), POSIX
    dropped the window's SQLite locks, the next `inkling` command to close the database deleted the -wal the window
    still wrote to, and every later change was lost (before: the second read said "a" and the -wal was gone)."""
    import subprocess
    import sys

    from desktop.core.backups import make_backup
    from desktop.core.store import open_store

    path = tmp_path / "inkling.db"
    store = open_store(path)
    try:
        store.set_setting("a", 1)
        make_backup(tmp_path, "inkling.db")  # what DailyBackups does in the window's process
        def read() -> str:
            return subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True,
                                  check=True, timeout=60).stdout.strip()
        assert read() == "a"  # another process (an `inkling` command) reads and closes
        store.set_setting("b", 2)  # the window goes on writing
        assert read() == "a,b" and (tmp_path / "inkling.db-wal").exists()
    finally:
        store.close()
