"""Search over every message of every conversation (SQLite FTS5), newest first, with highlighted snippets.

Words of space-separated scripts are matched as prefixes in messages_fts (unicode61, diacritics folded);
runs of Chinese, Japanese or Korean characters as substrings: through the trigram index messages_cjk
(migration m007) from three characters, through the trigrams that begin with them for two, by a scan
of the messages for one.
"""

import re
from dataclasses import dataclass

from desktop.core.store.store import Store
from desktop.core.text import CJK_RUN as _CJK_RUN  # the class the GLOB of migration m007 spells out

# Around each matched word in a snippet; control characters never appear in typed or model text we index.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_TOKENS = 12
SNIPPET_CHARS = 24  # each side of the first match, in a snippet made in Python (CJK queries)
DEFAULT_LIMIT = 50
TRIGRAM = 3  # the shortest substring the trigram index can look up
MAX_PAIR_TRIGRAMS = 2000  # a pair of characters begun more ways than this is looked up by a scan instead


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


@dataclass(frozen=True)
class QueryTerms:
    """A typed query split into words (prefix search) and CJK runs (substring search)."""

    words: list[str]
    cjk: list[str]

    @classmethod
    def parse(cls, text: str) -> "QueryTerms":
        words, cjk = [], []
        for word in re.findall(r"\w+", text):
            cjk += _CJK_RUN.findall(word)
            words += [rest for rest in _CJK_RUN.split(word) if rest]
        return cls(list(dict.fromkeys(words)), list(dict.fromkeys(cjk)))


def search_messages(store: Store, text: str, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    terms = QueryTerms.parse(text)
    if terms.cjk:
        return _search_cjk(store, terms, limit)
    query = fts_query(text)
    if query is None:
        return []
    hits = _search_words(store, query, limit)
    if any(len(word) >= TRIGRAM for word in terms.words):
        # A word written against CJK text (iPhone in 我的iPhone手机) is inside one unicode61 token: the CJK
        # index finds it. Only when a word can use that index, so a short query never scans every message.
        seen = {hit.message_id for hit in hits}
        hits += [hit for hit in _search_cjk(store, terms, limit) if hit.message_id not in seen]
        hits = sorted(hits, key=lambda hit: -hit.message_id)[:limit]
    return hits


def _search_words(store: Store, query: str, limit: int) -> list[SearchHit]:
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


def _search_cjk(store: Store, terms: QueryTerms, limit: int) -> list[SearchHit]:
    """Every message holding each term as a substring (case-insensitive), newest first.

    Such a message has CJK characters, so it is in messages_cjk, which also finds the query's words
    where unicode61 could not (iPhone in 我的iPhone手机 is inside one unicode61 token).
    """
    conditions, params = [], []
    long_terms = [term for term in terms.cjk + terms.words if len(term) >= TRIGRAM]
    if long_terms:
        conditions.append("messages.id IN (SELECT rowid FROM messages_cjk WHERE messages_cjk MATCH ?)")
        params.append(" ".join(f'"{term}"' for term in long_terms))
    # Terms too short for trigrams: instr() on the text, over the rows the index left (all, if it had no term).
    # The newest-first walk stops at the limit, so a common character costs little; a rare one scans.
    # SQLite's trigram index cannot look up fewer than three characters. A pair is looked up as every
    # trigram that begins with it (the index's term list, messages_cjk_terms; each text is indexed with a
    # newline after it, so a pair at the very end is one too). Measured (tests/bench/bench_cjk_search.py,
    # 100,000 messages, 30% Chinese): a pair no message holds took 126 ms by a scan, a few ms this way.
    # A single character stays a scan, newest first: a common one is found at once (~1 ms), and its
    # trigrams would be thousands.
    for run in terms.cjk:
        if len(run) == TRIGRAM - 1:
            trigrams = _trigrams_beginning(store, run)
            if trigrams is not None:
                if not trigrams:
                    return []
                conditions.append("messages.id IN (SELECT rowid FROM messages_cjk WHERE messages_cjk MATCH ?)")
                params.append(" OR ".join('"' + trigram.replace('"', '""') + '"' for trigram in trigrams))
                continue
        if len(run) < TRIGRAM:
            conditions.append("instr(messages.content, ?) > 0")  # no case to fold: no lower() copy per row
            params.append(run)
    for word in terms.words:
        if len(word) < TRIGRAM:
            conditions.append("instr(lower(messages.content), ?) > 0")
            params.append(word.lower())
    rows = store.db.query(
        f"""
        SELECT messages.id AS message_id, messages.conversation_id, conversations.title, messages.role,
               messages.content, messages.created_at
        FROM messages JOIN conversations ON conversations.id = messages.conversation_id
        WHERE {" AND ".join(conditions)}
        ORDER BY messages.id DESC
        LIMIT ?
        """,
        [*params, limit],
    )
    return [
        SearchHit(row["message_id"], row["conversation_id"], row["title"], row["role"],
                  marked_snippet(row["content"], terms), row["created_at"])
        for row in rows
    ]


def _trigrams_beginning(store: Store, pair: str) -> list[str] | None:
    """The indexed trigrams that begin with `pair` (None: too many, scan instead)."""
    rows = store.db.execute(
        "SELECT term FROM messages_cjk_terms WHERE term >= ? AND term < ? LIMIT ?",
        [pair, pair + "\U0010ffff", MAX_PAIR_TRIGRAMS + 1],
    ).fetchall()
    return None if len(rows) > MAX_PAIR_TRIGRAMS else [term for (term,) in rows]


def marked_snippet(content: str, terms: QueryTerms) -> str:
    """The text around the first match, each match marked."""
    alternatives = [re.escape(term) for term in terms.cjk + terms.words]
    pattern = re.compile("|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE)
    flat = " ".join(content.split())
    first = pattern.search(flat)
    start = max(0, first.start() - SNIPPET_CHARS) if first else 0
    end = min(len(flat), (first.end() if first else 0) + SNIPPET_CHARS)
    window = pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_END}", flat[start:end])
    return ("…" if start > 0 else "") + window + ("…" if end < len(flat) else "")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    parts = []
    for index, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet)):
        if piece:
            parts.append((piece, index % 2 == 1))
    return parts
