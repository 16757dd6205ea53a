"""Import conversations: the file is read and checked on its own thread, and the GUI thread writes it in batches."""

import itertools
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.core.conversation.export_stream import Begin
from desktop.core.conversation.transfer import ImportProgress, ImportWriter, encoded, import_parts
from desktop.core.errors import InklingError
from desktop.core.store import Store
from desktop.ui.language import said
from desktop.ui.thread_stop import stop_thread

# Parts read ahead of the writer: the reader waits beyond this, so memory holds a few batches, never the file.
READ_AHEAD = 3
USER_ERRORS = (InklingError, OSError)  # said in words; anything else is a bug, reported and raised


class ImportReader(QObject):
    """Lives in the import thread: reads and checks exports. Never touches the store or widgets."""

    part = Signal(int, object, int, int)  # request id, a part (export_stream; Messages encoded), bytes read, of how many
    done = Signal(int)
    failed = Signal(int, str)

    @Slot(int, object, object, object)
    def read(self, request_id: int, path: Path, cancel: threading.Event, credits: threading.Semaphore) -> None:
        progress = ImportProgress()
        parts = import_parts(path, progress=progress)
        try:
            for part in parts:
                while not credits.acquire(timeout=0.1):  # the GUI thread has not written the earlier parts yet
                    if cancel.is_set():
                        return
                if cancel.is_set():
                    return
                self.part.emit(request_id, encoded(part), progress.done, progress.total)  # encoded here, not on the GUI thread
        except USER_ERRORS as error:
            self.failed.emit(request_id, said(error))
            return
        except Exception as error:
            self.failed.emit(request_id, f"Internal error: {error!r}")
            raise
        finally:
            parts.close()  # closes the file at once when cancelled
        self.done.emit(request_id)


class ImportController(QObject):
    """GUI side: starts an import, writes each part as it arrives, shows progress and a Cancel button in `status`.

    A cancelled or refused import deletes what it had written, so the database is as it was.
    """

    notify = Signal(str, int)  # a status line, milliseconds
    failed = Signal(str, str)  # a dialog: title, text
    imported = Signal(list)  # ids of the conversations added, in the file's order
    busyChanged = Signal(bool)
    _readRequested = Signal(int, object, object, object)

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self._ids = itertools.count(1)
        self._request: int | None = None
        self._cancel = threading.Event()
        self._credits = threading.Semaphore(READ_AHEAD)
        self._writer: ImportWriter | None = None
        self._path: Path | None = None
        self.status = QWidget()
        layout = QHBoxLayout(self.status)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(160)
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.label, self.progress, self.cancel_button):
            layout.addWidget(widget)
        self.status.hide()
        self._thread = QThread()
        self._thread.setObjectName("import-reader")
        self.reader = ImportReader()
        self.reader.moveToThread(self._thread)
        self._readRequested.connect(self.reader.read)
        self.reader.part.connect(self._on_part)
        self.reader.done.connect(self._on_done)
        self.reader.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._request is not None

    def start(self, path: Path) -> None:
        """Import an exported JSON file or archive; the window stays usable while it is read."""
        if self.busy:
            self.notify.emit(self.tr("An import is already running: wait for it, or cancel it."), 6000)
            return
        self._request, self._path = next(self._ids), Path(path)
        self._cancel, self._credits = threading.Event(), threading.Semaphore(READ_AHEAD)
        self._writer = ImportWriter(self.store)
        self.label.setText(self.tr("Importing {name}…").format(name=self._path.name))
        self.progress.setValue(0)
        self.status.setVisible(self.status.parentWidget() is not None)  # unplaced, it would open as a window
        self.busyChanged.emit(True)
        self._readRequested.emit(self._request, self._path, self._cancel, self._credits)

    @Slot()
    def cancel(self) -> None:
        """Stop the import and delete what it wrote."""
        if not self.busy:
            return
        self._end()
        self.notify.emit(self.tr("Import cancelled: nothing was added."), 8000)

    @Slot(int, object, int, int)
    def _on_part(self, request_id: int, part, done: int, total: int) -> None:
        if request_id != self._request:
            return  # cancelled: the reader's last parts are dropped
        try:
            self._writer.write(part)
        except InklingError as error:  # a full disk, a damaged database: what the import wrote is taken back
            self._end()
            self.failed.emit(self.tr("Cannot import"), said(error))
            return
        if isinstance(part, Begin):
            self.label.setText(self.tr("Importing {name}…").format(name=part.name))
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self._credits.release()

    @Slot(int)
    def _on_done(self, request_id: int) -> None:
        if request_id != self._request:
            return
        ids, name = list(self._writer.ids), self._path.name
        self._writer.ids.clear()  # kept: _end discards nothing
        self._end()
        self.imported.emit(ids)
        self.notify.emit(self.tr("Imported %n conversation(s) from {name}.", "", len(ids)).format(name=name), 8000)

    @Slot(int, str)
    def _on_failed(self, request_id: int, text: str) -> None:
        if request_id != self._request:
            return
        self._end()
        self.failed.emit(self.tr("Cannot import"), text)

    def _end(self) -> None:
        """Stop the reader, and delete the conversations the import wrote but did not finish."""
        self._cancel.set()
        self._credits.release()  # wakes a reader waiting for room
        self._request = None
        writer, self._writer = self._writer, None
        self.status.hide()
        self.busyChanged.emit(False)
        try:
            writer.discard()
        except InklingError as error:  # the database cannot be written: said, never raised into Qt
            self.failed.emit(self.tr("Cannot import"), said(error))

    def shutdown(self) -> None:
        """The window closes: an import in progress is cancelled (and taken back), then the thread ends."""
        if self.busy:
            self._end()
        self._thread.quit()
        stop_thread(self._thread)
