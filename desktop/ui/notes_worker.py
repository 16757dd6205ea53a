"""The notes' own threads: one for indexing jobs (progress, cancel), one for searches; never the GUI thread."""

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.dbfiles import DatabaseDamagedError
from desktop.core.errors import InklingError
from desktop.core.notes import NotesLibrary
from desktop.core.notes.sync import FolderWatcher
from desktop.ui.thread_stop import stop_thread
from desktop.ui.language import said

# What a job is: work(library, cancel, progress) -> a one-line summary for the status bar ("" for none).
Work = Callable[[NotesLibrary, threading.Event, Callable[[str, int, int], None]], str]
# Shown as the job's outcome; anything else is a bug, reported as an internal error and raised.
# OSError: the disk itself (a file the user picked vanished, a full disk) says what went wrong.
USER_ERRORS = (InklingError, OSError)


class NotesIndexer(QObject):
    """Lives in the indexing thread: opens the library, runs jobs one at a time, watches folders."""

    opened = Signal(object, str)  # NotesLibrary, notice for the user ("" if none)
    openFailed = Signal(str)
    damaged = Signal(object)  # the DatabaseDamagedError of a notes.db that cannot be opened (before openFailed)
    jobStarted = Signal(int)
    progress = Signal(int, str, int, int)  # job id, what, done, total
    jobDone = Signal(int, str)  # job id, summary
    jobFailed = Signal(int, str)
    folderChanged = Signal(str)  # emitted from watchdog's thread; the GUI queues a sync job
    watchProblem = Signal(str)

    def __init__(self, folder: Path, library_factory):
        super().__init__()
        self._folder = folder
        self._factory = library_factory
        self.library: NotesLibrary | None = None
        self._watcher: FolderWatcher | None = None
        self._watched: set[str] = set()

    @Slot()
    def open(self) -> None:
        try:
            # Opening may re-index once after an upgrade (the keyword index, notes.db m002): shown as progress.
            self.library = self._factory(self._folder, progress=lambda what, done, total: self.progress.emit(0, what, done, total))
        except USER_ERRORS as error:
            if isinstance(error, DatabaseDamagedError):
                self.damaged.emit(error)
            self.openFailed.emit(self.tr("Notes are unavailable: {error}").format(error=said(error)))
            return
        self._watcher = FolderWatcher(lambda root: self.folderChanged.emit(str(root)))
        self.opened.emit(self.library, said(self.library.notice or ""))

    @Slot(int, object, object)
    def run(self, job_id: int, work: Work, cancel: threading.Event) -> None:
        if self.library is None:
            self.jobFailed.emit(job_id, self.tr("Notes are unavailable."))
            return
        self.jobStarted.emit(job_id)
        try:
            summary = work(self.library, cancel, lambda what, done, total: self.progress.emit(job_id, what, done, total))
        except USER_ERRORS as error:
            signal, message = self.jobFailed, said(error)
        except Exception as error:
            self.jobFailed.emit(job_id, f"Internal error: {error!r}")
            raise
        else:
            signal, message = self.jobDone, summary
        self._watch_folders()  # before reporting: a file written right after an import is then seen
        signal.emit(job_id, message)

    def _watch_folders(self) -> None:
        folders = {folder.path for folder in self.library.list_folders()}
        for path in self._watched - folders:
            self._watcher.unwatch(Path(path))
        for path in sorted(folders - self._watched):
            problem = self._watcher.watch(Path(path))
            if problem:
                self.watchProblem.emit(problem)
        self._watched = folders

    @Slot()
    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        if self.library is not None:
            self.library.close()
            self.library = None
        QThread.currentThread().quit()


class NotesSearcher(QObject):
    """Lives in the search thread, so a question is answered even while a large file is being indexed."""

    found = Signal(int, object)  # request id, list[Source]
    failed = Signal(int, str)

    @Slot(int, object, str, int, float)
    def search(self, request_id: int, library: NotesLibrary, query: str, k: int, min_score: float) -> None:
        try:
            self.found.emit(request_id, library.search(query, k, min_score))
        except USER_ERRORS as error:
            self.failed.emit(request_id, said(error))
        except Exception as error:
            self.failed.emit(request_id, f"Internal error: {error!r}")
            raise


@dataclass
class Job:
    id: int
    label: str
    cancel: threading.Event
    key: str | None = None  # a keyed job (a folder sync) is not queued twice while it waits
    started: bool = False


class NotesThreads(QObject):
    """GUI-side handle on both threads: submits jobs and searches, cancels, shuts down."""

    _openRequested = Signal()
    _runRequested = Signal(int, object, object)
    _searchRequested = Signal(int, object, str, int, float)
    _closeRequested = Signal()

    def __init__(self, folder: Path, library_factory=NotesLibrary.open, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.jobs: dict[int, Job] = {}
        self._index_thread = QThread()
        self._index_thread.setObjectName("notes-indexer")
        self._search_thread = QThread()
        self._search_thread.setObjectName("notes-search")
        self.indexer = NotesIndexer(folder, library_factory)
        self.indexer.moveToThread(self._index_thread)
        self.searcher = NotesSearcher()
        self.searcher.moveToThread(self._search_thread)
        self._openRequested.connect(self.indexer.open)
        self._runRequested.connect(self.indexer.run)
        self._searchRequested.connect(self.searcher.search)
        self._closeRequested.connect(self.indexer.close)  # queued: it waits for the job in progress
        self.indexer.jobStarted.connect(self._started)
        self.indexer.jobDone.connect(self._forget)
        self.indexer.jobFailed.connect(self._forget)
        self._index_thread.start()
        self._search_thread.start()

    def open(self) -> None:
        """Open the library (again, after a damaged notes.db was set aside or restored). Not done on construction:
        the indexer's outcome signals are queued to whoever is connected when it ends, so connect them first."""
        self._openRequested.emit()

    def submit(self, label: str, work: Work, key: str | None = None) -> int | None:
        """Queue a job; returns its id (None if an identical keyed job is already waiting)."""
        if key is not None and any(job.key == key and not job.started for job in self.jobs.values()):
            return None
        job = Job(next(self._ids), label, threading.Event(), key)
        self.jobs[job.id] = job
        self._runRequested.emit(job.id, work, job.cancel)
        return job.id

    def search(self, library: NotesLibrary, query: str, k: int, min_score: float) -> int:
        request_id = next(self._ids)
        self._searchRequested.emit(request_id, library, query, k, min_score)
        return request_id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or every job (what is finished is kept)."""
        for job in list(self.jobs.values()):
            if job_id is None or job.id == job_id:
                job.cancel.set()

    @Slot(int)
    def _started(self, job_id: int) -> None:
        if job_id in self.jobs:
            self.jobs[job_id].started = True

    @Slot(int, str)
    def _forget(self, job_id: int, _message: str) -> None:
        self.jobs.pop(job_id, None)

    def shutdown(self) -> None:
        """Cancel every job, close the library and end both threads; one still busy after a bound is abandoned."""
        self.cancel()
        if self._index_thread.isRunning():
            self._closeRequested.emit()  # after the running job, which stops at its next batch; then the thread ends
        self._search_thread.quit()
        stop_thread(self._index_thread)
        stop_thread(self._search_thread)
