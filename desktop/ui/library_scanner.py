"""The model library's own thread: scans (folders, other apps' trees, GGUF headers) never block the window."""

import itertools
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.models.library import ModelLibrary
from desktop.ui.thread_stop import stop_thread


class _ScanWorker(QObject):
    """Lives in the scan thread and owns the ModelLibrary, whose header cache makes a rescan cheap."""

    progress = Signal(int, str)  # request id, the place being read
    scanned = Signal(int, object)  # request id, Scan

    def __init__(self, library: ModelLibrary):
        super().__init__()
        self.library = library

    @Slot(int, object, object)
    def scan(self, request_id: int, folders: list[Path], opened: list[Path]) -> None:
        result = self.library.scan(folders, opened, progress=lambda where: self.progress.emit(request_id, where))
        self.scanned.emit(request_id, result)


class LibraryScanner(QObject):
    """GUI-side handle: `scan()` returns a request id; `progress` and `scanned` carry it back (stale ids are the caller's to drop)."""

    progress = Signal(int, str)
    scanned = Signal(int, object)
    _scanRequested = Signal(int, object, object)

    def __init__(self, library: ModelLibrary, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.latest: tuple[int, object] | None = None  # (request id, Scan) of the newest finished scan
        self._thread = QThread()
        self._thread.setObjectName("model-library")
        self._worker = _ScanWorker(library)
        self._worker.moveToThread(self._thread)
        self._scanRequested.connect(self._worker.scan)
        self._worker.progress.connect(self.progress)
        self._worker.scanned.connect(self._finished)
        self._thread.start()

    def scan(self, folders: list[Path], opened: list[Path]) -> int:
        request_id = next(self._ids)
        self._scanRequested.emit(request_id, list(folders), list(opened))
        return request_id

    @Slot(int, object)
    def _finished(self, request_id: int, scan) -> None:
        self.latest = (request_id, scan)
        self.scanned.emit(request_id, scan)

    def shutdown(self) -> None:
        """Ends the thread after the scan in progress (a scan reads headers only: it ends within the stop bound)."""
        self._thread.quit()
        stop_thread(self._thread)
