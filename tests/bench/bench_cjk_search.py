"""Conversation search in Chinese: latency of CJK queries by length, beside English ones, and the trigram index's size.

A library of INKLING_BENCH_CJK_MESSAGES messages (default 100,000), 30% of them Chinese (random common
characters) and the rest made-up English, is written through the store, so the triggers of migration
m007 build messages_cjk as they would for a user. Queries (median and p95 over interleaved rounds):
  cjk1          one character: scanned newest first (the trigram index needs three)
  cjk2          two characters: every indexed trigram that begins with them (messages_cjk_terms)
  cjk2_none     two characters no message holds (by a scan, the worst case: 126 ms p50 at 100,000)
  cjk3 / cjk4   three or four characters: through the trigram index
  english       one made-up word: unicode61 prefix search, as before
"""

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchlib import progress, rounded
from desktop.core.store import open_store
from desktop.core.store.search import search_messages

MESSAGES = int(os.environ.get("INKLING_BENCH_CJK_MESSAGES", "100000"))
ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "3"))
PER_ROUND = 20
CHINESE_SHARE = 0.3
POOL = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学"
        "法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政"
        "四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立")
WORDS = ["alpaca", "llama", "vicuna", "model", "token", "branch", "the", "of", "and", "to", "notes", "search"]


def build(path: Path, rng: random.Random) -> list[str]:
    """The library; returns the Chinese messages' texts (queries are cut from them)."""
    store = open_store(path)
    chinese = []
    try:
        with store.db.atomic():
            conversation = None
            for n in range(MESSAGES):
                if n % 20 == 0:
                    conversation = store.create_conversation(f"c{n // 20}")
                if rng.random() < CHINESE_SHARE:
                    text = "".join(rng.choices(POOL, k=rng.randint(20, 200)))
                    chinese.append(text)
                else:
                    text = " ".join(rng.choices(WORDS, k=rng.randint(8, 60)))
                store.db.execute(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)"
                    " VALUES (?, 'user', ?, 'complete', 'x', 'x')", [conversation.id, text])
                if n % 20000 == 19999:
                    progress(f"  {n + 1} messages")
    finally:
        store.close()
    return chinese


def queries(kind: str, rng: random.Random, chinese: list[str]) -> str:
    if kind == "english":
        return rng.choice(WORDS[:6])
    if kind == "cjk2_none":
        return rng.choice(POOL) + "鐵"  # 鐵 is not in the pool: no message holds the pair
    length = int(kind[-1])
    text = rng.choice(chinese)
    start = rng.randrange(len(text) - length)
    return text[start:start + length]


def main() -> dict:
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="inkling-bench-cjk-"))
    started = time.perf_counter()
    chinese = build(folder / "inkling.db", rng)
    progress(f"library of {MESSAGES} messages built in {time.perf_counter() - started:.0f} s")
    kinds = ["cjk1", "cjk2", "cjk2_none", "cjk3", "cjk4", "english"]
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    store = open_store(folder / "inkling.db")
    try:
        for _round in range(ROUNDS):
            for _ in range(PER_ROUND):
                for kind in kinds:  # interleaved: the machine's load falls on every kind alike
                    text = queries(kind, rng, chinese)
                    began = time.perf_counter()
                    search_messages(store, text)
                    timings[kind].append((time.perf_counter() - began) * 1000.0)
        pages = store.db.execute("SELECT sum(length(block)) FROM messages_cjk_data").fetchone()[0] or 0
        words = store.db.execute("SELECT sum(length(block)) FROM messages_fts_data").fetchone()[0] or 0
    finally:
        store.close()
    figures = {"messages": MESSAGES, "chinese_share": CHINESE_SHARE,
               "trigram_index_mb": rounded(pages / 2**20, 1), "word_index_mb": rounded(words / 2**20, 1)}
    for kind, values in timings.items():
        figures[f"{kind}_p50_ms"] = rounded(statistics.median(values), 2)
        figures[f"{kind}_p95_ms"] = rounded(statistics.quantiles(values, n=20)[-1], 2)
    figures["load_average"] = rounded(os.getloadavg()[0], 2)
    return figures
