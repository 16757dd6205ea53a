"""Hybrid retrieval: chromadb vector search fused with SQLite FTS5 keyword search by reciprocal rank."""

import re
from dataclasses import dataclass

import numpy as np

from desktop.core.notes.db import NotesDB, blob_vectors
from desktop.core.notes.keywords import cjk_characters, query_terms

RRF_K = 60  # the constant from Cormack et al. (2009); it damps the weight of the very first ranks
CANDIDATES = 30  # per retriever, before fusion
SNIPPET_CHARS = 240
MODES = ("hybrid", "vector", "keyword")
# Question words would make every chunk a keyword match; they carry no topic.
_STOPWORDS = frozenset(
    "a an and are as at be by can could did do does for from had has have how i if in is it its me my of on or"
    " our she he should so than that the their them then there these they this to was we were what when where"
    " which who whom whose why will with would you your about into any all tell please".split()
)


@dataclass(frozen=True, slots=True)
class Source:
    """One retrieved chunk, as shown under an answer and numbered in the prompt."""

    note_id: int
    title: str
    source: str | None  # the file path, or None for a typed note
    chunk: int
    score: float  # cosine similarity of the chunk to the question, 0..1 in practice
    snippet: str
    text: str  # the whole chunk: what goes into the prompt

    def to_json(self) -> dict:
        """What is saved with a message and printed by `inkling ask --json`."""
        return {"note_id": self.note_id, "title": self.title, "chunk": self.chunk,
                "score": round(self.score, 4), "snippet": self.snippet}

    def to_search_json(self) -> dict:
        """What `inkling notes search --json` prints."""
        return {"note_id": self.note_id, "title": self.title, "source": self.source, "chunk": self.chunk,
                "score": round(self.score, 4), "snippet": self.snippet}


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def keyword_query(text: str) -> str | None:
    """An FTS5 query matching any of the question's content terms (each quoted: no FTS syntax gets through).

    Words as they are; runs of CJK characters as the bigrams the index stores (notes.keywords).
    """
    terms = query_terms(text, _STOPWORDS) or query_terms(text, frozenset())
    return " OR ".join(f'"{term}"' for term in terms) if terms else None


def identifier_phrases(text: str) -> list[str]:
    """FTS5 phrases for the codes in a question (INK-0000-339563, E12345678): joined parts with a digit."""
    codes = re.findall(r"[A-Za-z0-9]+(?:[-_./:#][A-Za-z0-9]+)+|[A-Za-z]+\d[A-Za-z0-9]*|\d+[A-Za-z][A-Za-z0-9]*", text)
    phrases = []
    for code in codes:
        if any(c.isdigit() for c in code) and len(code) >= 4:
            phrases.append('"' + " ".join(re.findall(r"[a-z0-9]+", code.lower())) + '"')
    return list(dict.fromkeys(phrases))


def cjk_share(text: str) -> float:
    """The share of CJK characters among the question's letters and digits (0 for English)."""
    letters = re.findall(r"[^\W_]", text)
    return len(cjk_characters(text)) / len(letters) if letters else 0.0


def fuse(rankings: list[list[int]], weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion of several best-first id lists: (id, fused score) best first."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class StoredVectors:
    """Exact vector search over the embeddings kept in SQLite, for a process that may not open chromadb."""

    notice: str | None = None

    def __init__(self, db_for_thread):
        self._db_for_thread = db_for_thread

    def query(self, vector: np.ndarray, limit: int) -> list[tuple[tuple[int, int], float]]:
        keys, blobs = [], []
        for rows in self._db_for_thread().iter_all_chunks():
            keys += [(note_id, chunk) for note_id, chunk, _blob in rows]
            blobs += [blob for _note_id, _chunk, blob in rows]
        if not keys:
            return []
        scores = blob_vectors(blobs) @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-scores)[:limit]
        return [(keys[i], float(scores[i])) for i in best]

    def close(self) -> None:
        """Nothing of its own to free: it reads through the library's SQLite connections."""


def search(db: NotesDB, index, embedder, query: str, k: int = 5, min_score: float = 0.0,
           mode: str = "hybrid") -> list[Source]:
    """The k best chunks for query whose similarity is at least min_score, best first."""
    if mode not in MODES:
        raise ValueError(f"unknown retrieval mode {mode!r}")
    if not query.strip() or k <= 0:
        return []
    vector = embedder.embed([query])[0]
    rankings, weights = [], []
    similarity: dict[int, float] = {}
    # The bundled embedder (all-MiniLM-L6-v2) reads English only: its vote shrinks with the question's
    # share of CJK characters, and a Chinese question is ranked by the keyword side.
    share = cjk_share(query)
    if mode != "keyword":
        hits = index.query(vector, CANDIDATES)
        row_ids = db.chunk_ids_for([key for key, _score in hits])
        ranking = []
        for key, score in hits:
            if key in row_ids:  # a vector the SQLite side no longer has: ignore it, a rebuild will drop it
                ranking.append(row_ids[key])
                similarity[row_ids[key]] = score
        rankings.append(ranking)
        weights.append(1.0 - share if mode == "hybrid" else 1.0)
    sure: list[int] = []  # chunks kept whatever their similarity, in this order, before the fused rest
    if mode != "vector":
        match = keyword_query(query)
        rankings.append([row_id for row_id, _rank in db.keyword_search(match, CANDIDATES)] if match else [])
        weights.append(1.0)
        sure = exact_matches(db, query, k)
    fused = [row_id for row_id, _ in fuse(rankings, weights) if row_id not in sure]
    missing = [row_id for row_id in sure + fused if row_id not in similarity]
    for row_id, embedding in db.embeddings_by_ids(missing).items():
        similarity[row_id] = float(np.dot(embedding, vector))
    # The similarity floor is the English embedder's judgement; for a CJK question a chunk sharing one of
    # its words (two characters or more) passes too, since the embedder cannot judge it.
    worded = set(worded_matches(db, query)) if share > 0 and mode != "vector" else set()
    chosen = sure + [row_id for row_id in fused if similarity.get(row_id, -1.0) >= min_score or row_id in worded]
    return _sources(db, chosen[:k], similarity)


def exact_matches(db: NotesDB, query: str, k: int) -> list[int]:
    """Chunks holding a code the question names, when that code is in at most k chunks: what was asked for.

    Reciprocal-rank fusion of an OR query buries them (a code sharing INK- and a vocabulary with 300
    notes is first by keywords and nowhere by vectors); a rare exact code is the surest signal there is.
    """
    found: list[int] = []
    for phrase in identifier_phrases(query):
        rows = [row_id for row_id, _rank in db.keyword_search(phrase, k + 1)]
        if len(rows) <= k:
            found += [row_id for row_id in rows if row_id not in found]
    return found


def worded_matches(db: NotesDB, query: str) -> list[int]:
    """Chunks sharing a word of the question (a CJK bigram or a whole word), not just one character."""
    terms = [term for term in query_terms(query, _STOPWORDS) if len(term) > 1]
    match = " OR ".join(f'"{term}"' for term in terms)
    return [row_id for row_id, _rank in db.keyword_search(match, CANDIDATES)] if match else []


def _sources(db: NotesDB, row_ids: list[int], similarity: dict[int, float]) -> list[Source]:
    chunks = db.chunks_by_ids(row_ids)
    notes = db.notes_by_ids(sorted({c.note_id for c in chunks.values()}))
    sources = []
    for row_id in row_ids:
        chunk = chunks[row_id]
        note = notes[chunk.note_id]
        sources.append(Source(chunk.note_id, note.title, note.source, chunk.chunk, similarity[row_id],
                              snippet(chunk.text), chunk.text))
    return sources
