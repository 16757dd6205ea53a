"""The engine's worker: work behind a failed load says why it failed; loads not begun can be dropped, never one begun."""

import threading
from pathlib import Path

from desktop.core.engine.types import EngineConfig, EngineError
from desktop.ui.worker import EngineController, EngineWorker
from tests.fakes import FakeEngine


def refuse(path, _config):
    raise EngineError(f"{path} is not a GGUF model file")


def test_a_job_after_a_failed_load_reports_the_load_s_words(qtbot):
    worker = EngineWorker(refuse)
    loads, failures = [], []
    worker.modelFailed.connect(lambda _id, text: loads.append(text))
    worker.failed.connect(lambda _id, text: failures.append(text))
    worker.load_model(1, "/tmp/broken.gguf", None)
    worker.run_job(2, lambda engine, cancel, report: None, threading.Event())
    assert loads == ["/tmp/broken.gguf is not a GGUF model file"]
    assert failures == loads  # not "No model is loaded": a listener connected after the load still hears why


def test_with_no_load_tried_a_job_says_no_model_is_loaded(qtbot):
    worker = EngineWorker(refuse)
    failures = []
    worker.failed.connect(lambda _id, text: failures.append(text))
    worker.run_job(1, lambda engine, cancel, report: None, threading.Event())
    assert failures == ["No model is loaded. Open one with File → Open model…."]


def test_loads_not_begun_are_dropped_and_the_one_begun_is_named(qtbot):
    begun, release, loads, answers, done = threading.Event(), threading.Event(), [], [], []

    def held_first(path, config):
        loads.append(path)
        if path == "first.gguf":
            begun.set()
            release.wait(10)
        return FakeEngine(path, config)

    engine = EngineController(held_first)
    engine.worker.modelLoaded.connect(lambda request_id, _info: answers.append(request_id))
    try:
        assert engine.drop_queued_loads() == 0  # none begun yet
        first = engine.load_model("first.gguf", EngineConfig())
        assert begun.wait(10)
        engine.load_model("second.gguf", EngineConfig())  # waits its turn behind the first
        assert engine.drop_queued_loads() == first  # begun: it goes on, and its answer comes
        release.set()
        engine.run_job(lambda held, _cancel, _report: done.append(held.info.path))  # after anything still queued
        qtbot.waitUntil(lambda: bool(done), timeout=10000)
        assert loads == ["first.gguf"] and answers == [first] and done == [Path("first.gguf")]
    finally:
        engine.shutdown()
