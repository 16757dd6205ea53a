"""The per-token probability view: capture cost at k=10 and k=20, trace storage, heatmap paint, scrolling, streaming.

- smollm2/gemma: tokens/s with capture at k=10, k=20 and without, through bench_decode's own runs
  (256 greedy tokens, 2 threads, interleaved rounds, medians).
- bytes_per_token_k10 / db_bytes_2000_tokens: a real 2,000-token SmolLM2 trace at k=10 (sampled at
  temperature 0.8 and continued until 2,000 tokens), encoded, and saved as one reply in a new database
  (file size after a WAL checkpoint).
- first_paint_ms_2000: a window showing another conversation opens the one with that reply, heatmap on;
  time from the call until the reply's heatmap has painted (median of 5; memory added in MB reported too).
- max_stall_ms_scroll: a conversation of 50 such replies, heatmap on, scrolled top to bottom in 100-px
  steps; the longest single step (scroll, layout and paint all happen on the GUI thread).
- tps_heatmap_on/off: the real window streams a SmolLM2 reply (256 tokens max, temperature 0) with the
  heatmap on and off, interleaved rounds, median of the reply's own decode tokens/s.
Qt runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise (raster painting either way).
"""

import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

import bench_decode
from benchlib import median, model_path, progress, pump, rounded

ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "5"))
TRACE_TOKENS = 2000
SCROLL_REPLIES = 50
SCROLL_STEP_PX = 100
PAINT_RUNS = 5
STREAM_TOKENS = 256
STREAM_PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle."


# --- capture at k=10 and k=20 ---------------------------------------------------------------------
def run_capture(engine, prompt: list[int], k: int):
    """bench_decode.run_engine at capture size k (it reads its module's TOP_LOGPROBS when capturing)."""
    saved = bench_decode.TOP_LOGPROBS
    bench_decode.TOP_LOGPROBS = k
    try:
        return bench_decode.run_engine(engine, prompt, capture=k > 0)
    finally:
        bench_decode.TOP_LOGPROBS = saved


def capture_rates(key: str, role: str) -> dict:
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.engine.types import EngineConfig

    engine = LlamaEngine(model_path(role), EngineConfig(n_ctx=bench_decode.N_CTX, n_threads=bench_decode.THREADS))
    try:
        prompt = bench_decode.pick_prompt(engine, [])
        sizes = (10, 20, 0)
        rates: dict[int, list[float]] = {k: [] for k in sizes}
        for k in sizes:
            run_capture(engine, prompt, k)  # warm-up: piece caches, pages
        for round_ in range(ROUNDS):
            for k in sizes[round_ % 3:] + sizes[:round_ % 3]:
                gc.collect()
                rates[k].append(run_capture(engine, prompt, k).tps)
            progress(f"{key} round {round_ + 1}/{ROUNDS}: " + ", ".join(f"k={k} {rates[k][-1]:.1f}" for k in sizes))
    finally:
        engine.close()
    result = {
        "tps_capture_k10": rounded(median(rates[10]), 1),
        "tps_capture_k20": rounded(median(rates[20]), 1),
        "tps_no_capture": rounded(median(rates[0]), 1),
    }
    progress(f"{key}: a/b k=10 {result['tps_capture_k10'] / result['tps_no_capture']:.3f}, "
             f"k=20 {result['tps_capture_k20'] / result['tps_no_capture']:.3f}")
    return result


# --- a real 2,000-token trace and its storage ----------------------------------------------------------
def real_trace(n_tokens: int = TRACE_TOKENS) -> tuple[str, list]:
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.engine.types import EngineConfig, TokenEvent
    from desktop.core.probability.sampling import SamplerSettings

    engine = LlamaEngine(model_path("chat"), EngineConfig(n_ctx=4096, n_threads=bench_decode.THREADS))
    records, text = [], ""
    try:
        prompt = engine.tokenize(bench_decode.PROMPTS[0])
        seed = 1
        while len(records) < n_tokens:
            settings = SamplerSettings(temperature=0.8, seed=seed, max_tokens=n_tokens - len(records))
            for event in engine.stream(prompt + [r.id for r in records], settings, top_logprobs=10):
                if isinstance(event, TokenEvent) and not event.end_of_text:
                    records.append(event.record)
                    text += event.delta
            seed += 1  # an end of text: continue the document with another seed
    finally:
        engine.close()
    return text, records[:n_tokens]


def storage(text: str, records: list) -> dict:
    from desktop.core.store import open_store
    from desktop.core.probability.trace import encode_trace

    blob = encode_trace(records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inkling.db"
        store = open_store(path)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        empty = path.stat().st_size
        conversation = store.create_conversation("Bench")
        user = store.add_message(conversation.id, "user", "Continue the chapter.")
        reply = store.add_message(conversation.id, "assistant", text, parent_id=user.id)
        store.save_trace(reply.id, records)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        store.close()
    progress(f"trace: {len(blob)} bytes for {len(records)} tokens; database {size} bytes ({empty} empty)")
    return {"bytes_per_token_k10": rounded(len(blob) / len(records), 1), "db_bytes_2000_tokens": size}


# --- the window -------------------------------------------------------------------------------------
def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fill_store(store, text: str, records: list, replies: int) -> int:
    conversation = store.create_conversation(f"{replies} long replies")
    parent = None
    sampler = {"temperature": 0.8, "top_p": 0.9, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.1}
    for number in range(replies):
        user = store.add_message(conversation.id, "user", f"Go on ({number + 1}).", parent_id=parent)
        reply = store.add_message(conversation.id, "assistant", text, parent_id=user.id, model="bench", sampler=sampler)
        store.save_trace(reply.id, records)
        parent = reply.id
    return conversation.id


class PaintWatch:
    """Notes when a widget's viewport paints."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        watch = self

        class Filter(QObject):
            def eventFilter(self, _obj, event):  # noqa: N802
                if event.type() == QEvent.Type.Paint and watch.painted_at is None:
                    watch.painted_at = time.perf_counter()
                return False

        self.painted_at = None
        self._filter = Filter()
        widget.installEventFilter(self._filter)


def window_figures(text: str, records: list) -> dict:
    from PySide6.QtWidgets import QApplication

    from desktop.core.paths import database_path
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow
    from tests.fakes import FakeEngine

    app = QApplication.instance() or QApplication([])
    store = open_store(database_path())
    store.set_setting("heatmap", True)
    single = fill_store(store, text, records, 1)
    many = fill_store(store, text, records, SCROLL_REPLIES)
    other = store.create_conversation("Empty").id
    window = MainWindow(store, FakeEngine, Path("fake.gguf"))
    window.resize(1280, 900)
    window.show()
    settle(app, 0.5)

    paints, memory = [], []
    for _ in range(PAINT_RUNS):
        window.open_conversation(other)
        settle(app, 0.2)
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        window.open_conversation(single)
        reply = window.inspector.replies[window.chat.views()[-1].message_id]
        watch = PaintWatch(reply.heat.viewport())
        while watch.painted_at is None:
            pump(app)
        paints.append((watch.painted_at - started) * 1000)
        memory.append(rss_mb() - before)
    progress("first paint of a 2,000-token reply (ms): " + ", ".join(f"{p:.0f}" for p in paints)
             + f"; memory added {median(memory):.1f} MB")

    started = time.perf_counter()
    window.open_conversation(many)
    opened = time.perf_counter() - started
    bar = window.chat.verticalScrollBar()
    while bar.maximum() < SCROLL_REPLIES * 1000:  # the transcript's layout is done on a later turn of the loop
        settle(app, 0.05)
    progress(f"opening {SCROLL_REPLIES} replies of {TRACE_TOKENS} tokens, heatmap on: {opened:.2f} s, "
             f"laid out after {time.perf_counter() - started:.2f} s")
    settle(app, 0.5)
    progress(f"scroll range {bar.maximum()} px, {len(window.chat.views())} messages")
    stalls = []
    for position in range(0, bar.maximum() + SCROLL_STEP_PX, SCROLL_STEP_PX):
        started = time.perf_counter()
        bar.setValue(min(position, bar.maximum()))
        pump(app)
        stalls.append((time.perf_counter() - started) * 1000)
    progress(f"scrolled {len(stalls)} steps: median {statistics.median(stalls):.1f} ms, max {max(stalls):.1f} ms")
    window.close()
    store.close()
    return {
        "first_paint_ms_2000": rounded(median(paints), 1),
        "max_stall_ms_scroll": rounded(max(stalls), 1),
        "mem_added_mb_2000": rounded(median(memory), 1),
    }


def quiet_offscreen() -> None:
    """The offscreen platform says it cannot resize docks on every window shown: not news, not a problem."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message):
        if "does not support propagateSizeHints" not in message:
            if previous is not None:
                previous(kind, context, message)
            else:
                print(message, flush=True)

    previous = qInstallMessageHandler(handler)


def settle(app, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pump(app)
        time.sleep(0.005)


def streaming_rates() -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.paths import database_path
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = open_store(database_path())
    window = MainWindow(store, LlamaEngine, model_path("chat"))
    window.resize(1280, 900)
    window.show()
    while window.models.info is None:
        settle(app, 0.05)
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(STREAM_TOKENS)
    rates: dict[bool, list[float]] = {True: [], False: []}
    ratios = []
    tokens = set()
    loop = QEventLoop()
    window.replyFinished.connect(lambda _id: QTimer.singleShot(0, loop.quit))
    for round_ in range(ROUNDS + 1):  # the first round warms up
        for heatmap in ((True, False) if round_ % 2 else (False, True)):
            window.inspector.heatmap_action.setChecked(heatmap)
            window.new_conversation()
            window.send(STREAM_PROMPT)
            loop.exec()
            stats = window.store.get_message(window.chat.views()[-1].message_id).stats
            tokens.add(stats["completion_tokens"])
            if round_:
                rates[heatmap].append(stats["tokens_per_s"])
        if round_:
            ratios.append(rates[True][-1] / rates[False][-1])
            progress(f"stream round {round_}/{ROUNDS}: heatmap on {rates[True][-1]:.1f}, off {rates[False][-1]:.1f} tok/s")
    window.close()
    store.close()
    progress(f"streamed replies of {sorted(tokens)} tokens; on/off paired by round: median {median(ratios):.3f}")
    return {"tps_heatmap_on": rounded(median(rates[True]), 1), "tps_heatmap_off": rounded(median(rates[False]), 1)}


def main() -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INKLING_HOME"] = tempfile.mkdtemp(prefix="inkling-bench-")
    quiet_offscreen()
    progress("generating a real 2,000-token SmolLM2 trace at k=10")
    text, records = real_trace()
    result = storage(text, records)
    result.update(window_figures(text, records))
    result.update(streaming_rates())
    for key, role in (("smollm2", "chat"), ("gemma", "base")):
        progress(f"{key}: capture k=10 / k=20 / off")
        result[key] = capture_rates(key, role)
    ordered = ("bytes_per_token_k10", "db_bytes_2000_tokens", "first_paint_ms_2000", "max_stall_ms_scroll",
               "tps_heatmap_on", "tps_heatmap_off", "smollm2", "gemma", "mem_added_mb_2000")
    return {key: result[key] for key in ordered}


if __name__ == "__main__":
    import json

    print(json.dumps({"bench": "probview", **main()}))
