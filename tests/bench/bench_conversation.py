"""Long conversations: time to first token with KV-cache reuse, decode speed deep into a reply, a big library.

Per bundled model (n_ctx 4096, 2 threads, temperature 0), through the app's own path
(desktop.core.conversation.turns.generate_reply: prompt budgeting, prompt record, probability capture on):
  ttft_reuse_ms   turn 12 of a conversation whose history is ~1,500 tokens, right after turn 11's
                  reply was generated (the KV cache holds everything but the new turn)
  ttft_full_ms    the same turn 12 after the cache was cleared (the whole prompt is evaluated)
  ttft_turn1_ms   the same new message as turn 1 (system prompt + message only)
  tps_at_50       decode tokens/s around token 50 of a long reply (tokens 25-125) ...
  tps_at_2000     ... and around token 2,000 (tokens 1,950-2,050), measured alternately (see
                  decode_figures). llama_cpp_tps_at_50/2000: llama.cpp alone decoding the same tokens
                  at the same depths, the reference for what attention itself costs deeper in. End-of-generation is ignored for these, as llama-bench does, so
                  the reply is long whatever the model would say; tokens go through ReplySession
                  into SQLite like in the window.
Then, in a temporary data folder holding 5,000 conversations and 100,000 messages written through
the store: app start to usable window (a fresh process: interpreter, imports, database, window
shown and painted; the model loads in the background), the conversation list's first paint, and
the p95 latency of 200 searches. Figures are medians over rounds (the machine is shared).
"""

import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import llama_cpp

from benchlib import in_fresh_process, median, model_path, progress, rounded
from desktop.core.conversation.turns import ReplyRequest, generate_reply
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, TokenEvent
from desktop.core.prompt.build import ChatMessage
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from desktop.core.store.rows import MessageRows, insert_rows
from desktop.core.store.search import search_messages

N_CTX = 4096
THREADS = 2
ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "3"))
MODELS = (("smollm2", "chat"), ("gemma", "base"))
ONLY = os.environ.get("INKLING_BENCH_MODELS", "")  # e.g. "smollm2" for a quick run of one model
SYSTEM = "You are a helpful assistant. Answer clearly and in a few sentences."
NEW_MESSAGE = "Thanks. Now summarise in two sentences what we said about the harbour town."
LONG_REPLY = 2100
CONVERSATIONS, MESSAGES = 5000, 100_000
SEARCHES = 200

TOPICS = ["harbour town", "lighthouse", "fishing boats", "old market", "winter storms", "railway station",
          "town library", "bakery", "river bridge", "school choir", "ferry timetable"]


def greedy(max_tokens: int) -> SamplerSettings:
    return SamplerSettings(temperature=0.0, max_tokens=max_tokens, seed=1)


def history_before_turn_12() -> list[ChatMessage]:
    """Ten synthetic turns and the user's turn-11 message (~1,300 tokens); turn 11's reply is generated."""
    history = []
    for n, topic in enumerate(TOPICS[:10]):
        history.append(ChatMessage("user", f"Tell me about the {topic} in the harbour town, and why people "
                                           f"there care about it. Please mention anything unusual (question {n + 1})."))
        history.append(ChatMessage("assistant", (
            f"The {topic} is one of the oldest parts of the harbour town. Locals remember how it changed over "
            "the years, from the first settlers to the busy summers of today. Visitors often notice how "
            "quiet it is in the early morning, when the light comes in from the sea and the streets are "
            f"empty. What is unusual is that the {topic} still keeps a small book where anyone may write "
            "a line about their day, and the oldest pages go back almost two hundred years.")))
    history.append(ChatMessage("user", f"And what about the {TOPICS[10]}? Is it still used?"))
    return history


def first_token_ms(engine, history: list[ChatMessage], max_tokens: int = 1) -> float:
    """Milliseconds from asking (prompt building included) to the first token, through generate_reply."""
    request = ReplyRequest(0, 0, 0, SYSTEM, tuple(history), greedy(max_tokens), 10)
    started = time.perf_counter()
    first = None
    for event in generate_reply(engine, request, threading.Event()):
        if isinstance(event, TokenEvent) and first is None:
            first = time.perf_counter()
    return ((first or time.perf_counter()) - started) * 1000.0


def reply_text(engine, history: list[ChatMessage], max_tokens: int) -> str:
    request = ReplyRequest(0, 0, 0, SYSTEM, tuple(history), greedy(max_tokens), 10)
    return "".join(e.delta for e in generate_reply(engine, request, threading.Event()) if isinstance(e, TokenEvent))


def ttft_figures(engine) -> dict:
    history = history_before_turn_12()
    engine.clear_cache()
    turn_11_reply = reply_text(engine, history, 64) or "It is."
    turn_12 = history + [ChatMessage("assistant", turn_11_reply), ChatMessage("user", NEW_MESSAGE)]
    prompt_tokens = len(engine.tokenize(engine.render(
        [{"role": "system", "content": SYSTEM}] + [{"role": m.role, "content": m.content} for m in turn_12])))
    progress(f"  turn 12 prompt: {prompt_tokens} tokens")
    reuse, full, turn1 = [], [], []
    for _ in range(ROUNDS + 1):  # the first round warms caches up and is dropped
        engine.clear_cache()
        reply_text(engine, history, 64)  # turn 11 again: the cache now holds its prompt and reply
        reuse.append(first_token_ms(engine, turn_12))
        engine.clear_cache()
        full.append(first_token_ms(engine, turn_12))
        engine.clear_cache()
        turn1.append(first_token_ms(engine, [ChatMessage("user", NEW_MESSAGE)]))
    figures = {"ttft_reuse_ms": median(reuse[1:]), "ttft_full_ms": median(full[1:]), "ttft_turn1_ms": median(turn1[1:])}
    progress(f"  reuse/full {figures['ttft_reuse_ms'] / figures['ttft_full_ms']:.2f} (target <= 0.3), "
             f"reuse/turn1 {figures['ttft_reuse_ms'] / figures['ttft_turn1_ms']:.2f} (target <= 1.3)")
    return figures


def decode_figures(engine, folder: Path) -> dict:
    """Per-token decode speed around token 50 and token 2,000 of one long reply, measured alternately.

    The reply (2,100 tokens, end-of-generation ignored) is written once. Then, round after round,
    the engine continues it greedily from token 25 and from token 1,950 for 100 tokens (the cache
    already holds the text before: only the decode is timed), each time into a ReplySession that
    already holds the reply's records up to there, so a save costs what it would at that length.
    Alternating the two positions keeps a busy machine from favouring one of them.
    """
    store = open_store(folder / "decode.db")
    real_is_eog = llama_cpp.llama_vocab_is_eog
    llama_cpp.llama_vocab_is_eog = lambda _vocab, _token: False  # let the reply run on (bench only)
    try:
        prompt = engine.tokenize(engine.render([{"role": "system", "content": SYSTEM},
                                                {"role": "user", "content": "Write a long story about the harbour town."}]))
        engine.clear_cache()
        records = [e.record for e in engine.stream(prompt, greedy(LONG_REPLY), top_logprobs=10) if isinstance(e, TokenEvent)]
        at = {50: [], 2000: []}
        raw = {50: [], 2000: []}
        for _ in range(ROUNDS):
            for position, start in ((50, 25), (2000, 1950)):
                at[position].append(continue_tps(engine, store, prompt, records, start))
                raw[position].append(raw_decode_tps(engine, prompt + [r.id for r in records], len(prompt) + start))
    finally:
        llama_cpp.llama_vocab_is_eog = real_is_eog
        store.close()
    figures = {"tps_at_50": median(at[50]), "tps_at_2000": median(at[2000]),
               "llama_cpp_tps_at_50": median(raw[50]), "llama_cpp_tps_at_2000": median(raw[2000])}
    progress(f"  tps at 2000 / at 50: {figures['tps_at_2000'] / figures['tps_at_50']:.2f} (target >= 0.8), "
             f"llama.cpp alone {figures['llama_cpp_tps_at_2000'] / figures['llama_cpp_tps_at_50']:.2f}; "
             f"rounds {[round(x, 1) for x in at[50]]} / {[round(x, 1) for x in at[2000]]}")
    return figures


def raw_decode_tps(engine, tokens: list[int], start: int, count: int = 100) -> float:
    """llama.cpp alone at the same depth: the same tokens fed one by one, no sampling, capture or store.

    Attention reads the whole KV cache for every token, so llama.cpp itself slows down deeper in a
    reply; this is the reference that tells that cost apart from the app's own per-token work.
    """
    llm = engine._llm
    llm.reset()
    llm.eval(tokens[:start])
    started = time.perf_counter()
    for token in tokens[start:start + count]:
        llm.eval([token])
    return count / (time.perf_counter() - started)


def continue_tps(engine, store, prompt: list[int], records: list, start: int, count: int = 100) -> float:
    """Decode `count` tokens after the reply's first `start` tokens, recording them as the window does."""
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, "user", "Write a long story about the harbour town.")
    reply = store.add_message(conversation.id, "assistant", "", parent_id=user.id, status="streaming")
    session = ReplySession(store, reply.id, records[:start])
    session.flush()  # what was there before was saved already; only the saves from here on are timed
    times = []
    for event in engine.stream(prompt + [r.id for r in records[:start]], greedy(count), top_logprobs=10):
        if isinstance(event, TokenEvent):
            session.apply(event)
            times.append(time.perf_counter())
        else:
            session.apply(event)
    return (len(times) - 1) / (times[-1] - times[0])


def model_figures(role: str, folder: Path) -> dict:
    engine = LlamaEngine(model_path(role), EngineConfig(n_ctx=N_CTX, n_threads=THREADS))
    try:
        figures = {**ttft_figures(engine), **decode_figures(engine, folder)}
    finally:
        engine.close()
    return {key: rounded(value, 1) for key, value in figures.items()}


# --- a big library ---------------------------------------------------------------------------------
def words(rng: random.Random) -> tuple[list[str], list[str]]:
    """Made-up words (what searches look for) and the text's vocabulary (those plus frequent short words)."""
    syllables = ["ka", "lo", "mi", "ner", "sta", "vi", "qua", "zen", "tor", "pel", "ru", "dan", "ish", "ol"]
    made_up = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(4000)})
    common = "the a of and to in is it that for on with as was this be by are from at".split()
    return made_up, made_up + common * 40


def build_library(home: Path) -> list[str]:
    """5,000 conversations of 20 messages each, through the store; returns the made-up words to search for."""
    rng = random.Random(5)
    made_up, vocabulary = words(rng)
    store = open_store(home / "inkling.db")
    per_conversation = MESSAGES // CONVERSATIONS
    try:
        with store.db.atomic():
            for n in range(CONVERSATIONS):
                conversation = store.create_conversation(" ".join(rng.choices(made_up, k=3)).capitalize())
                rows = MessageRows([])
                for i in range(per_conversation):
                    text = " ".join(rng.choices(vocabulary, k=rng.randint(8, 60)))
                    rows.messages.append({
                        "id": i + 1, "conversation_id": conversation.id, "parent_id": i or None,
                        "role": "user" if i % 2 == 0 else "assistant", "content": text, "status": "complete",
                        "model": None if i % 2 == 0 else "SmolLM2-135M-Instruct", "sampler": None, "stats": None,
                        "finish_reason": None, "error": None, "created_at": conversation.created_at,
                        "updated_at": conversation.created_at, "branch_of": None, "branch_position": None,
                    })
                ids = insert_rows(store, rows, conversation.id)
                store.db.execute("UPDATE conversations SET leaf_message_id = ? WHERE id = ?",
                                 [ids[per_conversation], conversation.id])
                if n % 1000 == 999:
                    progress(f"  library: {n + 1} conversations")
    finally:
        store.close()
    return made_up


def search_p95(home: Path, made_up: list[str]) -> float:
    rng = random.Random(9)
    store = open_store(home / "inkling.db")
    timings = []
    try:
        for n in range(SEARCHES):
            word = rng.choice(made_up)  # 4 to 12 letters
            query = word[: rng.randint(3, len(word))] if n % 2 else f"{word} {rng.choice(made_up)}"
            started = time.perf_counter()
            search_messages(store, query)
            timings.append((time.perf_counter() - started) * 1000.0)
    finally:
        store.close()
    return statistics.quantiles(timings, n=20)[-1]


def window_start(home: str, started_at: float) -> dict:
    """In a fresh process: the app's start-up path up to a shown, painted window; then the list's repaint."""
    os.environ["INKLING_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.app import startup_model
    from desktop.core.paths import database_path
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = open_store(database_path())
    store.recover_interrupted()
    window = MainWindow(store, LlamaEngine, startup_model(store, None))
    window.show()
    app.processEvents()
    window.repaint()  # painted, list included: the window is usable (the model still loads in the background)
    usable_at = time.time()
    paints = []
    for _ in range(5):
        started = time.perf_counter()
        window.sidebar.set_conversations(store.list_conversations(), window.conversation_id)
        window.sidebar.repaint()
        paints.append((time.perf_counter() - started) * 1000.0)
    count = window.sidebar.count()
    window.close()
    store.close()
    return {"start_to_window_ms": (usable_at - started_at) * 1000.0, "list_first_paint_ms": median(paints),
            "listed": count}


def main() -> dict:
    figures = {}
    with tempfile.TemporaryDirectory(prefix="inkling-bench-") as folder:
        for name, role in MODELS:
            if ONLY and name not in ONLY.split(","):
                continue
            progress(f"{name}: time to first token (turn 12 with and without reuse, turn 1), decode at 50 and 2,000")
            figures[name] = model_figures(role, Path(folder))
            progress(f"{name}: {figures[name]}")
        home = Path(folder) / "home"
        home.mkdir()
        progress(f"library: writing {CONVERSATIONS} conversations with {MESSAGES} messages through the store")
        made_up = build_library(home)
        starts = [in_fresh_process("bench_conversation", "window_start", home=str(home), started_at=time.time())
                  for _ in range(ROUNDS)]
        assert all(s["listed"] == CONVERSATIONS for s in starts), starts
        figures["start_to_window_ms"] = rounded(median([s["start_to_window_ms"] for s in starts]), 1)
        figures["list_first_paint_ms"] = rounded(median([s["list_first_paint_ms"] for s in starts]), 1)
        figures["search_p95_ms"] = rounded(search_p95(home, made_up), 2)
        progress(f"library: start {figures['start_to_window_ms']} ms, list {figures['list_first_paint_ms']} ms, "
                 f"search p95 {figures['search_p95_ms']} ms (target <= 50)")
    return figures
