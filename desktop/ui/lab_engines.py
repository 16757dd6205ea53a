"""Compare columns on several engines: the Lab's own engine threads, and one comparison run across them."""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.core.lab.compare import compare_data
from desktop.ui.worker import EngineController


class LabEngines(QObject):
    """Engines the Lab opens for columns that name another model file or a server: each on its own thread
    (one long-lived worker per engine, as the window's), opened when first used, closed when no column uses it
    any more or the Lab window closes."""

    def __init__(self, engine_factory, open_args: Callable[[str], tuple[str, object]], parent=None):
        super().__init__(parent)
        self._factory = engine_factory
        self._open_args = open_args  # key -> (path, config) for EngineController.load_model
        self._controllers: dict[str, EngineController] = {}

    def controller(self, key: str) -> EngineController:
        """The engine for `key`, loading it first if needed: its worker runs the load, then queued jobs, in order."""
        controller = self._controllers.get(key)
        if controller is None:
            path, config = self._open_args(key)  # InklingError: a server whose key cannot be read, in words
            controller = self._controllers[key] = EngineController(self._factory, self)
            controller.worker.modelFailed.connect(self._forget_failed)
            controller.load_model(path, config)
        return controller

    def _forget_failed(self, _request_id: int, _text: str) -> None:
        """A load that failed (a missing file, a server down) is tried afresh next time."""
        worker = self.sender()
        for key, controller in list(self._controllers.items()):
            if controller.worker is worker:
                controller.shutdown()
                del self._controllers[key]

    def release(self, keep: set[str] = frozenset()) -> None:
        """Close the engines whose keys are not in `keep`: each holds a whole model in memory (the next column
        that names one loads it again)."""
        for key in [key for key in self._controllers if key not in keep]:
            controller = self._controllers.pop(key)
            controller.shutdown()
            controller.deleteLater()

    def shutdown(self) -> None:
        self.release()


class CompareRun(QObject):
    """One comparison: a job per engine, all started at once (so different engines work at the same time and
    each engine's columns go one after another); columns come back as each ends, the whole when all have."""

    columnDone = Signal(int, dict)  # column index, Column.to_json()
    tokensDrawn = Signal(int, list)  # column index, the tokens it drew since the last (token_json)
    finished = Signal(dict)  # compare_data: the comparison as it is kept
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._requests: dict[tuple[QObject, int], bool] = {}  # (engine worker, request id) -> on the window's engine
        self._controllers: dict[QObject, EngineController] = {}
        self._columns: dict[int, dict] = {}
        self._engines: list[dict] = []  # what each finished job ran on; the window's own engine first
        self._ended = False

    def start(self, controller: EngineController, job, own: bool) -> None:
        """Run `job` (a columns job) on `controller`'s thread; `own`: the window's engine (the run's engine)."""
        worker = controller.worker
        if worker not in self._controllers:
            self._controllers[worker] = controller
            # bound slots of this GUI-thread object: queued from the worker thread, sender() says which engine
            worker.jobProgress.connect(self._progress)
            worker.jobDone.connect(self._done)
            worker.failed.connect(self._failed)
            worker.modelFailed.connect(self._load_failed)
        self._requests[(worker, controller.run_job(job))] = own

    def cancel(self) -> None:
        for worker, request in self._requests:
            self._controllers[worker].cancel(request)

    def _progress(self, request_id: int, item) -> None:
        if (self.sender(), request_id) in self._requests and not self._ended:
            what, index, value = item
            if what == "tokens":
                self.tokensDrawn.emit(index, value)
            else:
                self._columns[index] = value
                self.columnDone.emit(index, value)

    def _done(self, request_id: int, data: dict) -> None:
        own = self._requests.pop((self.sender(), request_id), None)
        if own is None or self._ended:
            return
        self._engines.insert(0 if own else len(self._engines), data["engine"])
        if not self._requests:
            columns = [self._columns[i] for i in sorted(self._columns)]  # a stopped run keeps what ended
            self._end()
            self.finished.emit(compare_data(columns, self._engines[0]))

    def _failed(self, request_id: int, text: str) -> None:
        if (self.sender(), request_id) in self._requests:
            self._fail(text)

    def _load_failed(self, _request_id: int, text: str) -> None:
        if any(worker is self.sender() for worker, _ in self._requests):
            self._fail(text)

    def _fail(self, text: str) -> None:
        if not self._ended:
            self.cancel()
            self._end()
            self.failed.emit(text)

    def _end(self) -> None:
        self._ended = True
        for worker in self._controllers:
            for signal, slot in ((worker.jobProgress, self._progress), (worker.jobDone, self._done),
                                 (worker.failed, self._failed), (worker.modelFailed, self._load_failed)):
                signal.disconnect(slot)
