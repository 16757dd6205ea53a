"""SQLite source of truth: schema migrations, conversations, message trees, token traces, settings."""

from desktop.core.dbfiles import DatabaseDamagedError
from desktop.core.store.store import Conversation, DatabaseTooNewError, Message, Store, open_store

__all__ = ["Conversation", "DatabaseDamagedError", "DatabaseTooNewError", "Message", "Store", "open_store"]
