"""The engine's worker: work queued behind a failed load says why the load failed, whichever signal is heard first."""

import threading

from desktop.core.engine.types import EngineError
from desktop.ui.worker import EngineWorker


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
