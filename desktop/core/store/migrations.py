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


@migrations()
def m005_long_conversations(db: Database) -> None:
    # Pinned conversations stay at the top of the list; the index serves the list's default order.
    db.execute("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX idx_conversations_list ON conversations(pinned DESC, updated_at DESC, id DESC)")
    # Search over every message: FTS5 with the messages table as its external content (no second
    # copy of the text), kept in step by triggers; a streaming reply is re-indexed on each save.
    db.execute(
        "CREATE VIRTUAL TABLE messages_fts USING fts5("
        "content, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        """
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END
        """
    )
    db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    # What each reply's prompt looked like: its text, token boundaries and parts (desktop.core.prompt.record),
    # for the prompt inspector. The token ids themselves are in prompt_tokens.
    db.execute(
        """
        CREATE TABLE prompt_records (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            data BLOB NOT NULL
        )
        """
    )


@migrations()
def m006_reply_engine(db: Database) -> None:
    # Which engine wrote a reply (in-process, or a named server and its kind) beside `model`, as JSON
    # (store.shapes.EngineJson): a server's replies carry estimated entropy, and the views must say so.
    db.execute("ALTER TABLE messages ADD COLUMN engine TEXT")


@migrations()
def m007_cjk_search(db: Database) -> None:
    # Chinese and Japanese are written without spaces, so unicode61 sees 我的护照什么时候到期 as one word
    # and 护照 matched only as its prefix. A trigram index finds any substring of three characters or more
    # (two through its list of trigrams, messages_cjk_terms; one by a scan). It holds only messages with CJK characters:
    # English prefix search and its diacritic folding stay on messages_fts, and English-only users pay nothing.
    # The character class is core.text.CJK_CLASS, written out here because a shipped migration never changes.
    cjk = "'*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]*'"
    # Each text is indexed with a newline after it, so a pair of characters that ends a message still begins
    # a trigram (护照 in 我的护照 is found through "护照\n"); every statement below passes the same value.
    db.execute("CREATE VIRTUAL TABLE messages_cjk USING fts5(content, content='messages', content_rowid='id', tokenize='trigram')")
    db.execute("CREATE VIRTUAL TABLE messages_cjk_terms USING fts5vocab(messages_cjk, 'row')")
    db.execute(
        f"""
        CREATE TRIGGER messages_cjk_insert AFTER INSERT ON messages WHEN new.content GLOB {cjk} BEGIN
            INSERT INTO messages_cjk (rowid, content) VALUES (new.id, new.content || char(10));
        END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER messages_cjk_delete AFTER DELETE ON messages WHEN old.content GLOB {cjk} BEGIN
            INSERT INTO messages_cjk (messages_cjk, rowid, content) VALUES ('delete', old.id, old.content || char(10));
        END
        """
    )
    # One update trigger, so the old text leaves the index (if it was in it) before the new one enters.
    db.execute(
        f"""
        CREATE TRIGGER messages_cjk_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_cjk (messages_cjk, rowid, content)
                SELECT 'delete', old.id, old.content || char(10) WHERE old.content GLOB {cjk};
            INSERT INTO messages_cjk (rowid, content) SELECT new.id, new.content || char(10) WHERE new.content GLOB {cjk};
        END
        """
    )
    db.execute(f"INSERT INTO messages_cjk (rowid, content) SELECT id, content || char(10) FROM messages WHERE content GLOB {cjk}")


@migrations()
def m008_experiments(db: Database) -> None:
    # The lab's experiments (a comparison, a sample set, a scoring), each kept whole as JSON: its setups,
    # seeds, prompt token ids, engine and every column's trace, so it reopens and runs again exactly.
    # Under the conversation it was made in; SET NULL keeps it when its message is deleted.
    db.execute(
        """
        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NULL REFERENCES conversations(id) ON DELETE CASCADE,
            message_id INTEGER NULL REFERENCES messages(id) ON DELETE SET NULL,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_experiments_conversation ON experiments(conversation_id, id)")


@migrations()
def m009_notebook(db: Database) -> None:
    # A base model (no chat template) gets a notebook: one document the model continues. It is stored
    # like a chat (document and continuation as messages), so history, search and export keep working;
    # the kind says how the window shows it.
    db.execute("ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'")


@migrations()
def m010_conversation_engine(db: Database) -> None:
    # Each conversation remembers the engine it chats with (a model file, or a server's model), so
    # switching conversations switches the engine. JSON (shapes.EngineChoiceJson); NULL: none chosen yet.
    db.execute("ALTER TABLE conversations ADD COLUMN engine TEXT NULL")
