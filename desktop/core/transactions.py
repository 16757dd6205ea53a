"""Write transactions that take SQLite's write lock when they begin, for databases shared by several connections."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from desktop.core.dbfiles import database_file, reraise


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """Commit the block as one transaction begun with BEGIN IMMEDIATE (a savepoint when one is open).

    A full disk, a read-only file or a damaged one becomes its InklingError naming the file; the
    transaction is rolled back, so what was committed before stays as it was.
    """
    try:
        with _transaction(db):
            yield
    except sqlite3.Error as error:
        reraise(error, database_file(db.conn))


@contextmanager
def _transaction(db: Database) -> Iterator[None]:
    """The transaction itself.

    sqlite-utils' atomic() begins a deferred transaction. In WAL mode one that reads before it
    writes fails at once with "database is locked" (busy_timeout is not consulted) when another
    connection, such as `inkling ask` beside the window, committed in between. Taking the lock at
    BEGIN makes such a writer wait for its turn instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:  # an error may already have ended the transaction
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
