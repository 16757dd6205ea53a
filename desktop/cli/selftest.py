"""`inkling --self-test`: generate, retrieve notes and store headless in a temp folder; print one JSON line."""

import hashlib
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop import __version__
from desktop.core.errors import InklingError

PROMPT = "What colour is the sky on a clear day? Answer in one word."
MAX_TOKENS = 8
TOP_LOGPROBS = 5


class CheckFailed(InklingError):
    """A check ran but found something wrong; the message is the reason shown to the user."""


def check_llama_cpp() -> dict:
    """llama.cpp's libraries load, and this CPU has the instruction sets they were built for."""
    from desktop.cli.about import cpu_lacks, llama_cpp_build

    build = llama_cpp_build()
    missing = cpu_lacks(build["features"])
    if missing:
        raise CheckFailed(f"this llama.cpp was built for {' '.join(missing)}, which this CPU lacks: "
                          "build llama-cpp-python on this machine instead (see the README)")
    return build


def check_model_files() -> dict:
    """Every bundled model file is present and has the sha256 of the manifest (a damaged install shows here)."""
    from desktop.core.models import bundled_models

    checked = []
    for model in bundled_models():
        if not model.path.is_file():
            raise CheckFailed(f"bundled model file missing: {model.path}")
        digest = hashlib.sha256()
        with open(model.path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != model.sha256:
            raise CheckFailed(f"bundled model file damaged (sha256 differs): {model.path}")
        checked.append(model.path.name)
    return {"files": checked}


def check_generation() -> dict:
    """The default chat model loads and generates greedily at temperature 0, with sane probabilities, twice alike."""
    from desktop.core.engine import EngineConfig
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.engine.types import Finished
    from desktop.core.models import default_chat_model
    from desktop.core.probability.sampling import SamplerSettings

    started = time.perf_counter()
    engine = LlamaEngine(default_chat_model().path, EngineConfig(n_ctx=512))
    load_ms = (time.perf_counter() - started) * 1000.0
    try:
        prompt = engine.tokenize(engine.render([{"role": "user", "content": PROMPT}]))
        settings = SamplerSettings(temperature=0.0, top_p=1.0, top_k=0, min_p=0.0, repeat_penalty=1.0,
                                   seed=0, max_tokens=MAX_TOKENS)
        runs = []
        for _ in range(2):
            events = list(engine.stream(prompt, settings, top_logprobs=TOP_LOGPROBS))
            runs.append(([e for e in events if not isinstance(e, Finished)], events[-1]))
    finally:
        engine.close()
    (tokens, finished), (again, _) = runs
    if not tokens:
        raise CheckFailed("the model generated no token")
    for event in tokens:
        record = event.record
        if record is None or not record.top:
            raise CheckFailed(f"token {event.index} has no probability record")
        if not (math.isfinite(record.logprob) and record.logprob <= 0.0 and record.entropy >= 0.0):
            raise CheckFailed(f"token {event.index} has an impossible log-probability or entropy: {record}")
        if record.top[0].id != event.token_id:
            raise CheckFailed(f"token {event.index} is not the most likely one at temperature 0")
    if [e.token_id for e in again] != [e.token_id for e in tokens]:
        raise CheckFailed("two runs at temperature 0 gave different tokens")
    return {
        "model": default_chat_model().name,
        "load_ms": round(load_ms, 1),
        "text": "".join(e.delta for e in tokens) + finished.tail,
        "tokens": len(tokens),
        "first_token_prob": round(math.exp(tokens[0].record.logprob), 4),
        "ttft_ms": round(finished.stats.ttft_ms, 1),
        "tokens_per_s": round(finished.stats.tokens_per_s, 1),
    }


def check_notes(folder: Path) -> dict:
    """Notes are embedded by the bundled MiniLM model and the right one comes back by meaning alone."""
    from desktop.core.notes import NotesLibrary

    with NotesLibrary.open(folder) as notes:
        target = notes.add_text("Lighthouse", "The lighthouse keeper's cat is called Biscuit and sleeps by the lamp.")
        notes.add_text("Bread", "Sourdough needs a starter, flour, water and salt, and a long slow rise.")
        notes.add_text("Trains", "The night train to Vienna leaves at ten and has sleeping cars.")
        # vector mode: no keyword shared with the note, so only the embeddings can find it
        sources = notes.search("What is the kitten's name?", k=3, mode="vector")
    if not sources or sources[0].note_id != target.id:
        raise CheckFailed(f"the note search returned {[s.title for s in sources]} instead of 'Lighthouse' first")
    return {"notes": 3, "found": sources[0].title, "score": round(sources[0].score, 3)}


def check_store(folder: Path) -> dict:
    """A conversation with a token trace is written to a fresh database, and read back equal after reopening."""
    from desktop.core.store import open_store
    from desktop.core.probability.trace import TokenRecord, TopToken

    trace = [TokenRecord(7, "Blue", -0.25, 1.0, 0.5, (TopToken(7, "Blue", -0.25), TopToken(9, "Grey", -2.0)))]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "inkling.db"
    store = open_store(path)
    try:
        conversation = store.create_conversation(title="self-test")
        user = store.add_message(conversation.id, "user", PROMPT)
        reply = store.add_message(conversation.id, "assistant", "Blue", parent_id=user.id)
        store.save_trace(reply.id, trace)
    finally:
        store.close()
    store = open_store(path)
    try:
        thread = [(m.role, m.content) for m in store.thread(conversation.id)]
        loaded = store.load_trace(reply.id)
    finally:
        store.close()
    if thread != [("user", PROMPT), ("assistant", "Blue")]:
        raise CheckFailed(f"the conversation read back differs: {thread}")
    if loaded is None or [(r.id, r.top[1].text) for r in loaded] != [(7, "Grey")]:
        raise CheckFailed("the token trace read back differs")
    return {"messages": len(thread), "bytes": path.stat().st_size}


def _run_check(name: str, check: Callable[[], dict], report: dict) -> None:
    started = time.perf_counter()
    try:
        report["checks"][name] = {"ok": True, **check()}
    except CheckFailed as failure:
        report["checks"][name] = {"ok": False, "reason": str(failure)}
    except Exception as error:  # noqa: BLE001 - a self-test reports any failure of a part instead of dying
        report["checks"][name] = {"ok": False, "reason": f"{type(error).__name__}: {error}"}
    report["timings_ms"][name] = round((time.perf_counter() - started) * 1000.0, 1)


def run() -> dict:
    started = time.perf_counter()
    report = {"ok": False, "inkling": __version__, "packaged": bool(getattr(sys, "frozen", False)),
              "checks": {}, "timings_ms": {}}
    with tempfile.TemporaryDirectory(prefix="inkling-self-test-") as temp:
        folder = Path(temp)
        _run_check("llama_cpp", check_llama_cpp, report)
        _run_check("model_files", check_model_files, report)
        _run_check("generate", check_generation, report)
        _run_check("notes", lambda: check_notes(folder / "notes"), report)
        _run_check("store", lambda: check_store(folder / "store"), report)
    report["ok"] = all(check["ok"] for check in report["checks"].values())
    report["timings_ms"]["total"] = round((time.perf_counter() - started) * 1000.0, 1)
    return report


def main() -> int:
    report = run()
    print(json.dumps(report, ensure_ascii=False), flush=True)
    for name, check in report["checks"].items():
        if not check["ok"]:
            print(f"inkling: self-test failed: {name}: {check['reason']}", file=sys.stderr)
    return 0 if report["ok"] else 1
