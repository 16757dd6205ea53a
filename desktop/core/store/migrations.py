"""Append-only schema migrations of the Inkling database; never edit or reorder one that has shipped."""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("inkling")


@migrations()
def m001_initial_schema(db: Database) -> None:
    # Raw SQL because sqlite-utils' table creation cannot declare ON DELETE actions.
    # Roles and statuses are checked in Python, not by CHECK constraints: SQLite cannot
    # alter a CHECK, so a new status would otherwise mean rebuilding the messages table.
    db.execute(
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            -- SET NULL so deleting the shown message can never leave a dangling leaf
            leaf_message_id INTEGER NULL REFERENCES messages(id) ON DELETE SET NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id INTEGER NULL REFERENCES messages(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            status TEXT NOT NULL,
            model TEXT NULL,
            sampler TEXT NULL,
            stats TEXT NULL,
            finish_reason TEXT NULL,
            error TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_messages_conversation_id ON messages(conversation_id)")
    db.execute("CREATE INDEX idx_messages_parent_id ON messages(parent_id)")
    db.execute(
        """
        CREATE TABLE token_traces (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            format INTEGER NOT NULL,
            n_tokens INTEGER NOT NULL,
            data BLOB NOT NULL
        )
        """
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m002_message_branches(db: Database) -> None:
    # A reply made by "continue from this alternative": the reply it branched from and the token
    # position where the alternative replaced the drawn token. SET NULL keeps a branch readable
    # when its source is deleted.
    db.execute("ALTER TABLE messages ADD COLUMN branch_of INTEGER NULL REFERENCES messages(id) ON DELETE SET NULL")
    db.execute("ALTER TABLE messages ADD COLUMN branch_position INTEGER NULL")


@migrations()
def m003_message_sources(db: Database) -> None:
    # The notes a reply was grounded on, decided before generation: a JSON list of
    # {note_id, title, chunk, score, snippet}. Its own table, like traces, so chat lists stay lean.
    db.execute(
        """
        CREATE TABLE message_sources (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            data TEXT NOT NULL
        )
        """
    )


@migrations()
def m004_prompt_tokens(db: Database) -> None:
    # The exact prompt token ids a reply was generated from, so "continue from this alternative"
    # can feed the model the same ids even after the system prompt or history changed.
    db.execute(
        """
        CREATE TABLE prompt_tokens (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            data BLOB NOT NULL
        )
        """
    )
