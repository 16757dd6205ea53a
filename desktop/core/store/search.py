"""Search over every message of every conversation (SQLite FTS5), newest first, with highlighted snippets."""

import re
from dataclasses import dataclass

from desktop.core.store.store import Store

# Around each matched word in a snippet; control characters never appear in typed or model text we index.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_TOKENS = 12
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    conversation_id: int
    conversation_title: str
    role: str
    snippet: str  # with MARK_START/MARK_END around the matches
    created_at: str

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) pieces, for a renderer to highlight."""
        return snippet_parts(self.snippet)


def fts_query(text: str) -> str | None:
    """Every word of the query as a prefix, all required; quoted, so no FTS5 syntax gets through."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words) if words else None


def search_messages(store: Store, text: str, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    query = fts_query(text)
    if query is None:
        return []
    # rowid order walks the index backwards and stops at the limit: fast however many messages match
    rows = store.db.query(
        f"""
        SELECT messages.id AS message_id, messages.conversation_id, conversations.title, messages.role,
               snippet(messages_fts, 0, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet, messages.created_at
        FROM messages_fts
        JOIN messages ON messages.id = messages_fts.rowid
        JOIN conversations ON conversations.id = messages.conversation_id
        WHERE messages_fts MATCH ?
        ORDER BY messages_fts.rowid DESC
        LIMIT ?
        """,
        [MARK_START, MARK_END, query, limit],
    )
    return [
        SearchHit(row["message_id"], row["conversation_id"], row["title"], row["role"], row["snippet"], row["created_at"])
        for row in rows
    ]


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    parts = []
    for index, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet)):
        if piece:
            parts.append((piece, index % 2 == 1))
    return parts
