"""The engine's own thread: one long-lived QThread owns the model; the GUI talks to it with tagged signals."""

import dataclasses
import itertools
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.conversation.branching import BranchRequest, generate_branch
from desktop.core.prompt.budget import BudgetRequest, measure_budget
from desktop.core.conversation.turns import PromptReady, ReplyRequest, generate_reply
from desktop.core.engine.types import EngineConfig, EngineError, Finished
from desktop.ui.thread_stop import stop_thread
from desktop.ui.language import said


class EngineWorker(QObject):
    """Lives in the worker thread. Never touches widgets or the store: it only emits plain data."""

    modelLoaded = Signal(int, object)  # request id, ModelInfo
    modelFailed = Signal(int, str)
    modelProgress = Signal(int, float)  # request id, fraction of the file llama.cpp has loaded
    promptReady = Signal(int, object)  # request id, PromptReady
    promptProgress = Signal(int, int, int)  # request id, prompt tokens read, of how many (a long prompt only)
    token = Signal(int, object)  # request id, TokenEvent
    finished = Signal(int, object)  # request id, Finished
    failed = Signal(int, str)
    budgetMeasured = Signal(int, object)  # request id, BudgetSplit, or a str saying why it cannot be measured
    jobProgress = Signal(int, object)  # request id, whatever a lab job reports as it goes
    jobDone = Signal(int, object)  # request id, the job's result
    modelInfoChanged = Signal(object)  # ModelInfo: the engine learned its model's real context while replying

    def __init__(self, engine_factory):
        super().__init__()
        self._engine_factory = engine_factory
        self._engine = None
        # Why the last load failed, said to work queued behind it on no engine: a request that follows a
        # failed load (a lab column on a broken file) reports the load's own words, whichever signal arrives first.
        self._load_error: str | None = None
        self.latest_measure = 0  # set by the GUI thread; older measure requests still queued are skipped
        self.latest_load = 0  # the same for loads: switching conversations quickly loads only the last one's engine
        self.started_load = 0  # the newest load this thread has begun (the GUI reads it under load_lock)
        # Taken to begin a load, and by the GUI to drop the loads not begun (EngineController.drop_queued_loads):
        # a load is either begun or dropped, never both.
        self.load_lock = threading.Lock()
        self.cancel_load = threading.Event()  # set by the GUI thread to stop a model load in progress

    @Slot(int, str, object)
    def load_model(self, request_id: int, path: str, config: EngineConfig) -> None:
        with self.load_lock:
            if request_id < self.latest_load:
                return  # superseded while it waited in the queue: the window no longer waits for it
            self.started_load = request_id
        self.cancel_load.clear()
        if isinstance(config, EngineConfig):  # a model file: llama.cpp reports its progress, and stops when asked
            config = dataclasses.replace(config, progress=lambda fraction: self._load_progress(request_id, fraction))
        try:
            engine = self._engine_factory(path, config)
        except EngineError as error:
            self._load_error = said(error)
            self.modelFailed.emit(request_id, self._load_error)  # the previous model stays loaded
            return
        if self._engine is not None:
            self._engine.close()
        self._engine, self._load_error = engine, None
        self.modelLoaded.emit(request_id, engine.info)

    def _load_progress(self, request_id: int, fraction: float) -> bool:
        self.modelProgress.emit(request_id, fraction)
        return not self.cancel_load.is_set()

    @Slot(object, object)
    def generate(self, request: ReplyRequest, cancel: threading.Event) -> None:
        if self._engine is None:
            self.failed.emit(request.request_id, self._no_engine())
            return
        # an engine that reads long prompts in steps reports them (LlamaEngine.prompt_progress)
        self._engine.prompt_progress = lambda done, total: self.promptProgress.emit(request.request_id, done, total)
        info = self._engine.info
        try:
            generate = generate_branch if isinstance(request, BranchRequest) else generate_reply
            for event in generate(self._engine, request, cancel):
                if isinstance(event, PromptReady):
                    self.promptReady.emit(request.request_id, event)
                elif isinstance(event, Finished):
                    self.finished.emit(request.request_id, event)
                else:
                    self.token.emit(request.request_id, event)
        except EngineError as error:
            if self._engine.info != info:  # a server named its context by refusing the prompt: known before the failure
                self.modelInfoChanged.emit(self._engine.info)
            self.failed.emit(request.request_id, said(error))
        except Exception as error:
            self.failed.emit(request.request_id, f"Internal error: {error!r}")
            raise
        finally:
            self._engine.prompt_progress = None

    @Slot(object)
    def measure(self, request: BudgetRequest) -> None:
        if self._engine is None or request.request_id != self.latest_measure:
            return
        try:
            split = measure_budget(self._engine, self._engine.info.n_ctx, request)
        except EngineError as error:
            split = said(error)
        self.budgetMeasured.emit(request.request_id, split)

    @Slot(int, object, object)
    def run_job(self, request_id: int, job, cancel: threading.Event) -> None:
        """A lab job, job(engine, cancel, report) -> result, on this thread: the one that owns the engine."""
        if self._engine is None:
            self.failed.emit(request_id, self._no_engine())
            return
        try:
            result = job(self._engine, cancel, lambda item: self.jobProgress.emit(request_id, item))
        except (EngineError, ValueError) as error:  # ValueError: a setup the core refused
            self.failed.emit(request_id, said(error))
            return
        self.jobDone.emit(request_id, result)

    def _no_engine(self) -> str:
        return self._load_error or self.tr("No model is loaded. Open one with File → Open model….")

    @Slot()
    def close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        QThread.currentThread().quit()


class EngineController(QObject):
    """GUI-side handle: starts the thread, issues request ids, and cancels through a threading.Event."""

    _loadRequested = Signal(int, str, object)
    _generateRequested = Signal(object, object)
    _measureRequested = Signal(object)
    _jobRequested = Signal(int, object, object)
    _closeRequested = Signal()

    def __init__(self, engine_factory, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._cancels: dict[int, threading.Event] = {}
        self._thread = QThread()
        self._thread.setObjectName("engine-worker")
        self.worker = EngineWorker(engine_factory)
        self.worker.moveToThread(self._thread)
        self._loadRequested.connect(self.worker.load_model)
        self._generateRequested.connect(self.worker.generate)
        self._measureRequested.connect(self.worker.measure)
        self._jobRequested.connect(self.worker.run_job)
        self.worker.jobDone.connect(self._forget)
        self._closeRequested.connect(self.worker.close_engine)  # queued: it waits for the step in progress
        self.worker.finished.connect(self._forget)
        self.worker.failed.connect(self._forget)
        self._thread.start()

    def next_request_id(self) -> int:
        return next(self._ids)

    def load_model(self, path: str, config: EngineConfig) -> int:
        request_id = self.next_request_id()
        self.worker.latest_load = request_id
        self._loadRequested.emit(request_id, path, config)
        return request_id

    def drop_queued_loads(self) -> int:
        """Every load asked for and not begun yet is dropped (never answered); returns the id of the newest load
        the engine thread has begun (0: none), whose answer may still be on its way."""
        with self.worker.load_lock:
            self.worker.latest_load = self.next_request_id()
            return self.worker.started_load

    def cancel_load(self) -> None:
        """Stop the model load in progress (the previous model stays loaded)."""
        self.worker.cancel_load.set()

    def generate(self, request: ReplyRequest) -> None:
        cancel = threading.Event()
        self._cancels[request.request_id] = cancel
        self._generateRequested.emit(request, cancel)

    def measure(self, request: BudgetRequest) -> None:
        """Ask for the context budget; only the newest request is answered (budgetMeasured)."""
        self.worker.latest_measure = request.request_id
        self._measureRequested.emit(request)

    def run_job(self, job) -> int:
        """Run job(engine, cancel, report) on the engine's thread; answers come as jobProgress/jobDone/failed."""
        request_id = self.next_request_id()
        self._cancels[request_id] = threading.Event()
        self._jobRequested.emit(request_id, job, self._cancels[request_id])
        return request_id

    def cancel(self, request_id: int) -> None:
        # Set directly, not through the worker's queue: the worker is busy in the token loop.
        cancel = self._cancels.get(request_id)
        if cancel is not None:
            cancel.set()

    @Slot(int, object)
    def _forget(self, request_id: int, _payload) -> None:
        self._cancels.pop(request_id, None)

    def cancel_all(self) -> None:
        """Stop every reply and job asked for so far (the window that asked is going); the engine stays loaded."""
        for cancel in self._cancels.values():
            cancel.set()

    def shutdown(self) -> None:
        """Cancel, close the engine and end the thread; a worker still busy after a bound is abandoned."""
        self.cancel_all()
        if self._thread.isRunning():
            self._closeRequested.emit()  # the worker closes the engine, then ends its thread
            stop_thread(self._thread)
