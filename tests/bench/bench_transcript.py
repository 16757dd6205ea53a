"""The transcript updating in place: each action in a 50 × 2,000-token conversation, heatmap on, against a full rebuild.

For send, a reply ending, regenerate, edit, continue-from-alternative, branch switch and delete+undo:
- visible_ms: from the action until its result is on screen (the new views exist; for reply_end, from the
  last token's arrival until the reply is saved and redrawn);
- max_stall_ms: the longest lateness of a 5 ms timer on the GUI thread while it happens;
- max_stall_cpu_ms: the most CPU the GUI thread spent between two of those ticks (on a loaded machine a
  stall is mostly waiting for a core; this is what the window itself costs, and what an idle laptop sees);
- rebuild_ms: the old path for the same state, measured right after in the same run: open_conversation
  followed by every reply's trace, summary and heat document built at once (what every action used to do).
switch_conversation: from an empty conversation to this one, until its last message first paints, and the
longest stall while the heat documents are then built in the background.
queries_per_send: SQL statements of one send (start to saved reply), with 5 and 50 messages in the thread.
The window runs on the scripted fake engine (the replies are short and instant), so only the GUI is timed.
"""

import os
import tempfile
import time
from pathlib import Path

from benchlib import median, progress, pump, rounded

ROUNDS = int(os.environ.get("INKLING_BENCH_ROUNDS", "3"))
TICK_MS = 5


class StallMeter:
    """A 5 ms timer on the GUI thread; the longest gap between its ticks is the longest freeze.

    Each tick also reads the GUI thread's own CPU clock: on a loaded machine a gap is mostly time the
    thread waited for a core, so the CPU the thread spent within the gap is the figure that travels.
    """

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.cpu: list[float] = []
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())

    def worst_since(self, started: float) -> float:
        ticks = [started] + [t for t in self.ticks if t >= started]
        return max((b - a) * 1000 - TICK_MS for a, b in zip(ticks, ticks[1:])) if len(ticks) > 1 else 0.0

    def worst_cpu_since(self, started: float) -> float:
        """The most CPU the GUI thread spent between two ticks: the longest freeze on an idle machine."""
        cpu = [c for t, c in zip(self.ticks, self.cpu) if t >= started]
        return max((b - a) * 1000 for a, b in zip(cpu, cpu[1:])) if len(cpu) > 1 else 0.0


def settle(app, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pump(app)
        time.sleep(0.001)


def wait_for(app, condition, timeout: float = 60.0) -> float:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the action's result never appeared")
        pump(app)
    return time.perf_counter()


def quiet(app, window) -> None:
    """The transcript is whole and every reply prepared: the next action starts from rest."""
    wait_for(app, lambda: not window.transcript.filling and all(r.ready for r in window.inspector.replies.values()))
    settle(app, 0.3)


def full_rebuild_ms(app, window, conversation_id: int) -> float:
    """The old path: the whole transcript rebuilt, every reply's heat document built at once."""
    started = time.perf_counter()
    window.open_conversation(conversation_id)
    inspector = window.inspector
    window.transcript.fill_now()
    for reply in list(inspector.replies.values()):
        inspector._ready(reply)
    pump(app)
    return (time.perf_counter() - started) * 1000


def ids(window) -> list[int]:
    return [view.message_id for view in window.chat.views()]


def measure(app, window, meter, act, visible, conversation_id) -> dict:
    started = time.perf_counter()
    act()
    seen = wait_for(app, visible)
    wait_for(app, lambda: window.replies.active is None)
    settle(app, 0.2)
    stall, stall_cpu = meter.worst_since(started), meter.worst_cpu_since(started)
    return {"visible_ms": (seen - started) * 1000, "max_stall_ms": stall, "max_stall_cpu_ms": stall_cpu,
            "rebuild_ms": full_rebuild_ms(app, window, conversation_id)}


def actions_round(app, window, meter, conversation_id: int) -> dict:
    store, tools = window.store, window.tools
    window.open_conversation(conversation_id)
    quiet(app, window)
    figures = {}

    before = ids(window)
    figures["send"] = measure(app, window, meter, lambda: window.send("One more, please."),
                              lambda: len(ids(window)) == len(before) + 2, conversation_id)
    window.open_conversation(conversation_id)
    quiet(app, window)

    last_token = {}
    window.engine.worker.token.connect(lambda *_: last_token.__setitem__("at", time.perf_counter()))
    ended = {}
    window.replyFinished.connect(lambda *_: ended.__setitem__("at", time.perf_counter()))
    window.send("And another.")
    wait_for(app, lambda: "at" in ended)
    settle(app, 0.2)
    figures["reply_end"] = {"visible_ms": (ended["at"] - last_token["at"]) * 1000,
                            "max_stall_ms": meter.worst_since(last_token["at"]),
                            "max_stall_cpu_ms": meter.worst_cpu_since(last_token["at"]),
                            "rebuild_ms": full_rebuild_ms(app, window, conversation_id)}
    quiet(app, window)

    reply_id = ids(window)[-1]
    figures["regenerate"] = measure(app, window, meter, lambda: tools.regenerate(reply_id),
                                    lambda: ids(window)[-1] != reply_id, conversation_id)
    quiet(app, window)

    user_id = ids(window)[-2]

    def edit():
        tools.begin_edit(user_id)
        window.send("Edited question.")

    figures["edit"] = measure(app, window, meter, edit, lambda: ids(window)[-2] != user_id, conversation_id)
    quiet(app, window)

    reply_id = ids(window)[-1]
    alternative = store.load_trace_table(reply_id).top(1)[1].id
    figures["continue"] = measure(app, window, meter, lambda: window.continue_from(reply_id, 1, alternative),
                                  lambda: ids(window)[-1] != reply_id, conversation_id)
    quiet(app, window)

    shown = ids(window)[-1]
    sibling = next(m.id for m in store.siblings(shown) if m.id != shown)
    figures["branch_switch"] = measure(app, window, meter, lambda: window.switch_branch(sibling),
                                       lambda: ids(window)[-1] == sibling, conversation_id)
    quiet(app, window)

    before, user_id = ids(window), ids(window)[-2]
    started = time.perf_counter()
    tools.delete(user_id)
    wait_for(app, lambda: ids(window) != before)
    tools.undo()
    seen = wait_for(app, lambda: ids(window) == before)
    settle(app, 0.2)
    figures["delete_undo"] = {"visible_ms": (seen - started) * 1000, "max_stall_ms": meter.worst_since(started),
                              "max_stall_cpu_ms": meter.worst_cpu_since(started),
                              "rebuild_ms": 2 * full_rebuild_ms(app, window, conversation_id)}
    return figures


def switch_round(app, window, meter, conversation_id: int, other: int) -> dict:
    from bench_probview import PaintWatch

    window.open_conversation(other)
    settle(app, 0.5)
    started = time.perf_counter()
    window.open_conversation(conversation_id)
    watch = PaintWatch(window.chat.views()[-1])  # the transcript opens at its end: the last message is seen first
    wait_for(app, lambda: watch.painted_at is not None)
    wait_for(app, lambda: all(r.ready for r in window.inspector.replies.values()))
    settle(app, 0.2)
    return {"first_paint_ms": (watch.painted_at - started) * 1000, "max_stall_ms": meter.worst_since(started),
            "max_stall_cpu_ms": meter.worst_cpu_since(started)}


def queries_per_send(app, window, turns: int) -> int:
    from bench_probview import fill_store
    from tests.fakes import SCRIPT

    store = window.store
    conversation_id = fill_store(store, "".join(SCRIPT[:7]), [], turns // 2)
    window.open_conversation(conversation_id)
    quiet(app, window)
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    window.send("Count my queries.")
    wait_for(app, lambda: window.replies.active is None)
    store.db.conn.set_trace_callback(None)
    return len(statements)


def main() -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INKLING_HOME"] = tempfile.mkdtemp(prefix="inkling-bench-")
    from PySide6.QtWidgets import QApplication

    import bench_probview
    from desktop.core.paths import database_path
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow
    from tests.fakes import FakeEngine

    bench_probview.quiet_offscreen()
    app = QApplication.instance() or QApplication([])
    progress("generating a real 2,000-token SmolLM2 trace at k=10 (the probview fixture)")
    text, records = bench_probview.real_trace()
    store = open_store(database_path())
    store.set_setting("heatmap", True)
    window = MainWindow(store, FakeEngine, Path("fake.gguf"))
    window.resize(1280, 900)
    window.show()
    wait_for(app, lambda: window.models.info is not None)
    conversation_id = bench_probview.fill_store(store, text, records, 50)
    other = store.create_conversation("Empty").id
    meter = StallMeter()
    rounds, switches = [], []
    for round_ in range(ROUNDS):
        rounds.append(actions_round(app, window, meter, conversation_id))
        switches.append(switch_round(app, window, meter, conversation_id, other))
        progress(f"round {round_ + 1}/{ROUNDS}: " + ", ".join(
            f"{name} {f['visible_ms']:.0f}/{f['max_stall_ms']:.0f}/{f['max_stall_cpu_ms']:.0f}/{f['rebuild_ms']:.0f} ms"
            for name, f in rounds[-1].items()) + f"; switch first paint {switches[-1]['first_paint_ms']:.0f} ms")
    actions = {
        name: {key: rounded(median([r[name][key] for r in rounds]), 1) for key in ("visible_ms", "max_stall_ms", "max_stall_cpu_ms", "rebuild_ms")}
        for name in rounds[0]
    }
    for figures in actions.values():
        figures["speedup"] = rounded(figures["rebuild_ms"] / max(figures["visible_ms"], 0.1), 1)
    queries = {str(n): queries_per_send(app, window, n) for n in (5, 50)}
    window.close()
    store.close()
    return {
        "actions": actions,
        "switch_conversation": {key: rounded(median([s[key] for s in switches]), 1)
                                for key in ("first_paint_ms", "max_stall_ms", "max_stall_cpu_ms")},
        "queries_per_send": queries,
        "load": os.getloadavg()[0],
    }


if __name__ == "__main__":
    import json

    print(json.dumps({"bench": "transcript", **main()}))
