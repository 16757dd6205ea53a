"""`make soak`: kill -9 during `ask`, `notes add` and the window, N times each; integrity and decoding lost per kill.

Each kind runs in its own data folder, kept across its trials (damage would accumulate). After every
kill: PRAGMA integrity_check on inkling.db, notes.db and chromadb's SQLite file. For a reply, what was
on screen (the CLI's streamed output, the text the window was handed to draw) is compared with what
the database kept: the saved text must be a prefix of it, and the time from the first character
on screen that was not saved to the kill is the decoding lost (target: at most 1 s). At the end the
data folder is opened as the app does (crash recovery) and every reply must have a final status.

Environment: SOAK_N (kills at work per kind, default 20; a fifth as many more while the process starts),
SOAK_KINDS (default "ask,notes,window").
Last line: one JSON object {"bench": "soak", ...}.
"""

import codecs
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINDOW_DRIVER = Path(__file__).with_name("soak_window.py")
SEPARATOR = "\x1e"  # soak_window.py starts each reply with it
ASK = ["ask", "--max-tokens", "600", "--temperature", "1", "--no-notes",
       "Write a very long story about a family of otters who build a boat."]
START_TIMEOUT_S = 300  # model load on a machine shared by many processes
SEED = int(os.environ.get("SOAK_SEED", "12"))
TARGET_LOST_S = 1.0


class Run:
    """One process of the app, its stdout timed as it arrives."""

    def __init__(self, command: list[str], home: Path, **env: str):
        environment = {**os.environ, "INKLING_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **env}
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.chunks: list[tuple[float, str]] = []  # (arrival, text)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while chunk := self.process.stdout.read1(65536):
            self.chunks.append((time.monotonic(), decoder.decode(chunk)))

    def first_output(self, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if any(text.strip(SEPARATOR) for _, text in self.chunks):
                return next(at for at, text in self.chunks if text.strip(SEPARATOR))
            time.sleep(0.005)
        return None

    def kill(self) -> float:
        killed = time.monotonic()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        self.process.stdout.close()
        return killed

    def screen(self) -> list[tuple[float, str]]:
        """The newest reply's text as it arrived: (arrival, text)."""
        text = "".join(chunk for _, chunk in self.chunks)
        start = len(text) - len(text.split(SEPARATOR)[-1])
        kept, position = [], 0
        for at, chunk in self.chunks:
            position += len(chunk)
            if position > start:
                kept.append((at, chunk[max(0, len(chunk) - (position - start)):]))
        return kept


def integrity(home: Path) -> dict[str, str]:
    results = {}
    for name in ("inkling.db", "notes.db", "chroma/chroma.sqlite3"):
        path = home / name
        if path.exists():
            with sqlite3.connect(path, timeout=30) as db:
                results[name] = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
    return results


def newest_reply(home: Path) -> str | None:
    with sqlite3.connect(home / "inkling.db", timeout=30) as db:
        row = db.execute("SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else row[0]


def lost(screen: list[tuple[float, str]], saved: str, killed: float) -> dict:
    """Characters on screen but not saved, and seconds from the first of them to the kill."""
    shown = "".join(text for _, text in screen)
    result = {"shown_chars": len(shown), "saved_chars": len(saved), "prefix": shown.startswith(saved)}
    if len(shown) <= len(saved):
        return {**result, "lost_chars": 0, "lost_s": 0.0}
    position = 0
    for at, text in screen:
        position += len(text)
        if position > len(saved):  # this chunk brought the first character that was not saved
            return {**result, "lost_chars": len(shown) - len(saved), "lost_s": round(killed - at, 3)}
    raise AssertionError("unreachable")


def reply_trial(kind: str, home: Path, rng: random.Random, early: bool) -> dict:
    """Killed 0-2.5 s after its first text (the first second included), or early: while it starts or loads."""
    command = [sys.executable, "-m", "desktop", *ASK] if kind == "ask" else [sys.executable, str(WINDOW_DRIVER)]
    run = Run(command, home)
    if early:
        time.sleep(rng.uniform(0.5, 6.0))
    else:
        if run.first_output(START_TIMEOUT_S) is None:
            raise RuntimeError(f"{kind}: no output within {START_TIMEOUT_S} s (exit {run.process.poll()})")
        time.sleep(rng.uniform(0.0, 2.5))
    killed = run.kill()
    trial = {"kind": kind, "early": early, "integrity": integrity(home)}
    saved = newest_reply(home) if (home / "inkling.db").exists() else None
    screen = run.screen()
    if saved is not None and (screen or not early):  # a reply just begun has nothing on screen yet: lost 0
        trial.update(lost(screen, saved, killed))
    return trial


def notes_trial(home: Path, folder: Path, rng: random.Random, early: bool) -> dict:
    """A new folder each time (30 files), killed while it reads and embeds them, or early: while it starts."""
    make_vault(folder)
    run = Run([sys.executable, "-m", "desktop", "notes", "add", str(folder)], home)
    if early:
        time.sleep(rng.uniform(0.5, 6.0))
    else:
        deadline = time.monotonic() + START_TIMEOUT_S
        while _notes_from(home, folder) == (0, 0):  # its first note row: the import is under way
            if run.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"notes add: no note within {START_TIMEOUT_S} s (exit {run.process.poll()})")
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 3.0))
    finished = run.process.poll() is not None
    run.kill()
    rows, indexed = _notes_from(home, folder)
    return {"kind": "notes", "early": early, "finished_before_kill": finished, "notes": rows, "indexed": indexed,
            "integrity": integrity(home)}


def _notes_from(home: Path, folder: Path) -> tuple[int, int]:
    """(notes of this folder, of which indexed), read without waiting on the writer."""
    try:
        with sqlite3.connect(f"file:{home / 'notes.db'}?mode=ro", uri=True, timeout=0.2) as db:
            return db.execute("SELECT count(*), count(CASE WHEN status = 'indexed' THEN 1 END) FROM notes"
                              " WHERE source LIKE ?", [f"{folder}/%"]).fetchone()
    except sqlite3.Error:  # not created yet, or its schema not written yet
        return 0, 0


def make_vault(folder: Path) -> None:
    folder.mkdir(parents=True)
    words = "otters rivers kelp boats tides shells stones pups dens fish".split()
    rng = random.Random(folder.name)
    for n in range(30):
        body = " ".join(rng.choice(words) for _ in range(700))
        (folder / f"note-{n:03}.md").write_text(f"# Note {n}\n\n{body}\n")


def final_check(home: Path) -> dict:
    """Open the folder as the app does (recovery by the lock holder); every reply ends in a final status."""
    done = subprocess.run(
        [sys.executable, "-c", "from desktop.core.workspace import open_workspace\n"
                               "with open_workspace() as w: print(w.recovered)"],
        cwd=ROOT, env={**os.environ, "INKLING_HOME": str(home)}, capture_output=True, text=True, timeout=300,
    )
    if done.returncode != 0:
        return {"opens": False, "error": done.stderr[-500:]}
    with sqlite3.connect(home / "inkling.db") as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM messages WHERE role = 'assistant' GROUP BY status"))
    return {"opens": True, "recovered": int(done.stdout.strip() or 0), "statuses": statuses,
            "left_streaming": statuses.get("streaming", 0)}


def notes_usable(home: Path) -> bool:
    env = {**os.environ, "INKLING_HOME": str(home)}
    listed = subprocess.run([sys.executable, "-m", "desktop", "notes", "list", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    found = subprocess.run([sys.executable, "-m", "desktop", "notes", "search", "otters kelp"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    return listed.returncode == 0 and found.returncode == 0


def main() -> int:
    n = int(os.environ.get("SOAK_N", "20"))
    kinds = [k for k in os.environ.get("SOAK_KINDS", "ask,notes,window").split(",") if k]
    rng = random.Random(SEED)
    started = time.monotonic()
    trials, finals = [], {}
    with tempfile.TemporaryDirectory(prefix="inkling-soak-") as scratch:
        scratch = Path(scratch)
        for kind in kinds:
            home = scratch / kind
            for index in range(n + n // 5):  # n kills at work, then a fifth as many while starting
                early = index >= n
                if kind == "notes":
                    trial = notes_trial(home, scratch / "vault" / f"folder-{index:02}", rng, early)
                else:
                    trial = reply_trial(kind, home, rng, early)
                trials.append(trial)
                print(json.dumps({"trial": index + 1, **trial}), flush=True)
            finals[kind] = final_check(home)
            if kind == "notes":
                finals[kind]["usable"] = notes_usable(home)
    measured = [t["lost_s"] for t in trials if "lost_s" in t]
    corrupt = sum(1 for t in trials for result in t["integrity"].values() if result != "ok")
    summary = {
        "bench": "soak",
        "trials": len(trials),
        "per_kind": {kind: sum(1 for t in trials if t["kind"] == kind) for kind in kinds},
        "early_kills": sum(1 for t in trials if t["early"]),
        "corrupt": corrupt,
        "max_lost_s": max(measured, default=0.0),
        "median_lost_s": statistics.median(measured) if measured else 0.0,
        "over_target": sum(1 for value in measured if value > TARGET_LOST_S),
        "max_lost_chars": max((t["lost_chars"] for t in trials if "lost_chars" in t), default=0),
        "replies_measured": len(measured),
        "not_prefix": sum(1 for t in trials if t.get("prefix") is False),
        "left_streaming": sum(final.get("left_streaming", 0) for final in finals.values()),
        "folders_open": all(final["opens"] for final in finals.values()),
        "notes_usable": finals.get("notes", {}).get("usable", True),
        "seconds": round(time.monotonic() - started),
        "load": [round(value, 1) for value in os.getloadavg()],
    }
    print(json.dumps(summary))
    healthy = (corrupt == 0 and summary["not_prefix"] == 0 and summary["left_streaming"] == 0
               and summary["folders_open"] and summary["notes_usable"])
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
