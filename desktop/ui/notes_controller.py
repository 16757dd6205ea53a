"""Notes in the window: the dock and menu, the "Use notes" switch, grounding replies, Sources rows."""

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog

from desktop.core.conversation.turns import ReplyRequest
from desktop.core.conversation.grounding import attach_sources, retrieval_settings, save_limits, set_use_notes
from desktop.core.notes import SUPPORTED_EXTENSIONS, NotesLibrary
from desktop.core.notes.server_setting import describe, load_server, new_server, save_server
from desktop.core.errors import DamagedDataError
from desktop.core.dbfiles import DatabaseDamagedError
from desktop.core.errors import InklingError
from desktop.core.paths import database_path
from desktop.core.workspace import set_aside_damaged
from desktop.ui.chroma_dialog import ChromaServerDialog
from desktop.ui.notes_panel import FileTypesDialog, NotesPanel
from desktop.ui.notes_worker import NotesThreads
from desktop.ui.recovery import ask_how_to_recover
from desktop.ui.inert import plain_label
from desktop.ui.sources_view import SOURCE_SCHEME, SourcesRow, link_citations
from desktop.ui.language import said

LIST_REFRESH_MS = 1000  # while a large file is indexed, the list is redrawn at most this often
FILE_FILTER = QT_TRANSLATE_NOOP("NotesController", "Notes (*.txt *.md *.markdown *.pdf *.html *.htm);;All files (*)")


def _unless_shut_down(slot):
    """Signals queued by the notes threads may arrive after shutdown (the store is closed by then): drop them."""

    @functools.wraps(slot)
    def guarded(self, *args):
        if not self.shut_down:
            slot(self, *args)

    return guarded


class NotesController(QObject):
    """GUI side of the notes: owns the panel and the notes threads; the window places the panel and wires the signals."""

    jobsIdle = Signal()  # no notes job left running or waiting
    grounded = Signal(object)  # the ReplyRequest with its sources saved and attached: generate it now
    opened = Signal()  # the library is open (or failed to open): replies no longer wait for it

    notify = Signal(str, int)  # a status line, milliseconds
    panelWanted = Signal()  # a source was clicked: bring the Notes panel forward

    def __init__(self, store, confirm: Callable[[str, str], bool], folder: Path | None = None,
                 library_factory=NotesLibrary.open, parent=None):
        super().__init__(parent)
        self.store = store
        self._confirm = confirm
        self.conversation_id: int | None = None
        self.library: NotesLibrary | None = None
        self.available = True  # False once opening failed: replies then go without notes
        self.shut_down = False
        self.has_notes = False
        self._waiting: dict[int, ReplyRequest] = {}  # search id -> reply waiting for its sources
        self._before_open: list[ReplyRequest] = []
        self._panel_search: int | None = None
        self._after: dict[int, object] = {}  # job id -> callback run on the GUI thread when it is done
        limits = retrieval_settings(self.store, None, False)
        self.panel = NotesPanel(limits.top_k, limits.min_score)
        self.use_notes = QCheckBox(self.tr("Use notes"))
        self.use_notes.setObjectName("useNotes")
        self.use_notes.setToolTip(self.tr("Ground this conversation's answers on your notes (Notes panel)"))
        self.use_notes.toggled.connect(self._use_notes_toggled)
        self._connect_panel()
        self.panel.setEnabled(False)  # until the notes are open
        self._damage: DatabaseDamagedError | None = None  # why notes.db could not be opened, while it cannot
        self.ask_recovery = ask_how_to_recover  # replaced in tests
        self.repair_action = QAction(self.tr("Repair damaged notes…"), self)  # enabled only while notes.db is damaged
        self.repair_action.setEnabled(False)
        self.repair_action.triggered.connect(self.repair)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(LIST_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.folder = folder or database_path().parent
        self.ask_index_place = self._ask_index_place  # replaced in tests
        self._index_notice: str | None = None  # the last notice about a Chroma server, shown once
        server = load_server(self.store, self.folder)  # the keyring is read here, on the GUI thread
        if server is not None:
            library_factory = functools.partial(library_factory, server=server)
        self.threads = NotesThreads(self.folder, library_factory, self)
        indexer = self.threads.indexer
        indexer.opened.connect(self._opened)
        indexer.openFailed.connect(self._open_failed)
        indexer.damaged.connect(self._damaged)
        indexer.progress.connect(self._progress)
        indexer.jobDone.connect(self._job_done)
        indexer.jobFailed.connect(self._job_failed)
        indexer.folderChanged.connect(self.sync_folder)
        indexer.watchProblem.connect(lambda text: self.notify.emit(text, 10000))
        self.threads.searcher.found.connect(self._found)
        self.threads.searcher.failed.connect(self._search_failed)
        self.threads.open()

    def install(self, menu) -> None:
        """The Notes menu's actions (the window adds the panel's dock toggle after them)."""
        for text, slot in ((self.tr("&New note"), self.new_note), (self.tr("&Import files…"), self.choose_files),
                           (self.tr("Import &folder…"), self.choose_folder), (None, None),
                           (self.tr("&Rebuild search index"), self.rebuild_index),
                           (self.tr("Use a &Chroma server…"), self.choose_index_place)):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.repair_action)

    def _connect_panel(self) -> None:
        panel = self.panel
        panel.newNoteRequested.connect(self.new_note)
        panel.importFilesRequested.connect(self.choose_files)
        panel.importFolderRequested.connect(self.choose_folder)
        panel.saveRequested.connect(self.save_note)
        panel.deleteRequested.connect(self.delete)
        panel.noteSelected.connect(self.show_note)
        panel.searchChanged.connect(self.search_panel)
        panel.cancelRequested.connect(lambda: self.threads.cancel())
        panel.limitsChanged.connect(lambda k, score: save_limits(self.store, k, score))

    # --- library state ------------------------------------------------------------------------------
    @_unless_shut_down
    def _opened(self, library: NotesLibrary, notice: str) -> None:
        self.library = library
        self._index_notice = library.index_notice  # said just below, with the opening notice
        self.panel.setEnabled(True)
        if notice:
            self.panel.show_notice(notice)
            self.notify.emit(notice, 15000)
        self.refresh()
        self.submit(self.tr("Checking imported folders for changes"), lambda lib, cancel, progress: _changes(lib.sync_all(cancel, progress)))
        self._release_waiting()
        self.opened.emit()

    @_unless_shut_down
    def _damaged(self, error: DatabaseDamagedError) -> None:
        self._damage = error
        self.repair_action.setEnabled(True)

    def repair(self) -> None:
        """Notes > Repair damaged notes…: restore a backup of notes.db or start with none; the damaged file is kept."""
        if self._damage is None:
            return
        choice = self.ask_recovery(self._damage, cancel=self.tr("Cancel"))
        if choice is None:
            return
        try:
            aside = set_aside_damaged(self._damage.path, choice.backup, lock_held=True)  # nothing has notes.db open
        except InklingError as error:
            self.notify.emit(said(error), 15000)
            return
        self._damage = None
        self.repair_action.setEnabled(False)
        self.available = True
        self.use_notes.setEnabled(True)
        self.panel.show_notice(self.tr("The damaged notes file was kept as {name}, beside the new one.").format(name=aside.name))
        self.threads.open()

    @_unless_shut_down
    def _open_failed(self, message: str) -> None:
        self.available = False
        if self._damage is not None:  # the CLI's `inkling restore` waits for the window to close: say this
            message += self.tr(" In this window: Notes → Repair damaged notes…")
        self.panel.show_notice(message)
        self.notify.emit(self.tr("{message} Chat works without them.").format(message=message), 30000)  # the panel may be hidden: say it once
        self.panel.setEnabled(False)
        self.use_notes.setEnabled(False)
        self._release_waiting()
        self.opened.emit()

    def refresh(self) -> None:
        if self.library is None:
            return
        notes = self.library.list_notes()
        self.panel.set_notes(notes, self.library.list_folders())
        had_notes, self.has_notes = self.has_notes, any(note.n_chunks for note in notes)
        if had_notes != self.has_notes:
            self.conversation_opened(self.conversation_id)

    # --- jobs ------------------------------------------------------------------------------------------
    def submit(self, label: str, work, after=None, key: str | None = None) -> int | None:
        job_id = self.threads.submit(label, work, key)
        if job_id is not None:
            if after is not None:
                self._after[job_id] = after
            self.panel.show_progress(label, 0, 0)
        return job_id

    @_unless_shut_down
    def _progress(self, job_id: int, what: str, done: int, total: int) -> None:
        self.panel.show_progress(self.tr("Indexing {what}: {percent}%").format(what=what, percent=100 * done // max(total, 1)), done, total)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @_unless_shut_down
    def _job_done(self, job_id: int, summary: str) -> None:
        after = self._after.pop(job_id, None)
        if after is not None:
            after()
        if summary:
            self.notify.emit(summary, 8000)
        self._job_ended()

    @_unless_shut_down
    def _job_failed(self, job_id: int, message: str) -> None:
        self._after.pop(job_id, None)
        self.notify.emit(self.tr("Notes: {message}").format(message=message), 10000)
        self.panel.show_notice(message)
        self._job_ended()

    def _job_ended(self) -> None:
        self.refresh()
        self._show_index_notice()
        if not self.threads.jobs:
            self.panel.hide_progress()
            self.jobsIdle.emit()

    # --- user actions ----------------------------------------------------------------------------------
    def new_note(self) -> None:
        self.panelWanted.emit()
        self.panel.new_note()
        self.panel.title.setFocus()

    def save_note(self, note_id: int | None, title: str, text: str) -> None:
        if not text.strip():
            self.notify.emit(self.tr("A note needs some text."), 5000)
            return
        saved = {}

        def work(lib, _cancel, _progress):
            note = lib.add_text(title, text) if note_id is None else lib.update_text(note_id, title, text)
            saved["note"] = note
            return self.tr("Note “{title}” saved (%n chunk(s)).", "", note.n_chunks).format(title=note.title)

        self.submit(self.tr("Saving the note"), work, after=lambda: self._show_saved(saved.get("note")))

    def _show_saved(self, note) -> None:
        if note is not None and self.panel.editing in (None, note.id):
            self.show_note(note.id, None)

    def delete(self, kind: str, item_id: int) -> None:
        if kind == "folder":
            folder = next((f for f in self.library.list_folders() if f.id == item_id), None)
            if folder is None or not self._confirm(
                self.tr("Remove folder"),
                self.tr("Stop syncing {path} and remove its notes from Inkling? The files stay on disk.").format(path=folder.path)
            ):
                return
            self.submit(self.tr("Removing the folder"), lambda lib, _c, _p: (lib.remove_folder(item_id), self.tr("Removed {path}.").format(path=folder.path))[1])
        else:
            note = self.library.get_note(item_id)
            if note is None or not self._confirm(self.tr("Delete note"), self.tr("Delete the note “{title}”?").format(title=note.title)):
                return
            self.submit(self.tr("Deleting the note"), lambda lib, _c, _p: (lib.remove(item_id), self.tr("Deleted “{title}”.").format(title=note.title))[1])
        self.panel.new_note()

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.panel, self.tr("Import files as notes"), "", self.tr(FILE_FILTER))
        if paths:
            self.import_paths([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.panel, self.tr("Import a folder of notes"))
        if not folder:
            return
        dialog = FileTypesDialog(folder, self.panel)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.extensions():
            self.import_paths([Path(folder)], dialog.extensions())

    def import_paths(self, paths: list[Path], extensions: tuple[str, ...] = SUPPORTED_EXTENSIONS) -> None:
        """Import files and folders in the background; each unreadable file is listed with its reason."""
        for path in paths:
            self.submit(self.tr("Importing {name}").format(name=path.name), lambda lib, cancel, progress, path=path: (
                f"{path.name}: {said(lib.add_path(path, extensions, cancel, progress).summary())}"))

    @_unless_shut_down
    def sync_folder(self, path: str) -> None:
        """A watched folder changed on disk."""
        if self.library is None:
            return
        folder = next((f for f in self.library.list_folders() if f.path == path), None)
        if folder is not None:
            self.submit(self.tr("Syncing {name}").format(name=Path(path).name), lambda lib, cancel, progress: _changes(
                lib.sync_folder(folder, cancel, progress)), key=f"sync:{path}")

    def rebuild_index(self) -> None:
        self.panel.show_notice("")
        self.submit(self.tr("Rebuilding the search index"), lambda lib, _c, progress: (
            self.tr("Search index rebuilt from your notes: %n chunk(s).", "", lib.rebuild_index(progress))))

    def choose_index_place(self) -> None:
        """Notes → Use a Chroma server…: the index moves (rebuilt from notes.db) and the choice is kept only if it works."""
        if self.library is None:
            return
        current = load_server(self.store, self.folder)
        answer = self.ask_index_place(said(describe(self.store)), current)
        if answer is None:
            return
        url, token, keep_token, certificate = answer
        if keep_token and current is not None:
            token = current.token
        try:
            server = new_server(self.store, url, token, certificate) if url is not None else None
        except InklingError as error:
            self.notify.emit(said(error), 10000)
            self.panel.show_notice(said(error))
            return
        self.panel.show_notice("")

        def work(lib, _cancel, progress):
            count = lib.use_index(server, progress)
            if server is None:
                return self.tr("The notes' search index is in this computer's data folder again (%n chunk(s)).", "", count)
            return self.tr("The notes' search index is now on {url}: %n chunk(s) pushed from your notes.", "", count).format(
                url=server.url)

        def keep() -> None:
            note = save_server(self.store, self.folder, server)
            if note:
                self.panel.show_notice(note)

        self.submit(self.tr("Moving the search index"), work, after=keep)

    def _ask_index_place(self, where: str, current):
        dialog = ChromaServerDialog(where, current.url if current else None, bool(current and current.token), self.panel,
                                    certificate=current.certificate if current else None)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _show_index_notice(self) -> None:
        """A Chroma server that went away or came back: said once, in the panel and the status bar."""
        notice = self.library.index_notice if self.library is not None else None
        if notice != self._index_notice:
            self._index_notice = notice
            if notice:
                self.panel.show_notice(said(notice))
                self.notify.emit(said(notice), 15000)

    def show_note(self, note_id: int, chunk: int | None) -> None:
        note = self.library.get_note(note_id) if self.library else None
        if note is None:
            self.notify.emit(self.tr("That note no longer exists."), 6000)
            return
        span = self.library.chunk_span(note_id, chunk) if chunk is not None else None
        self.panel.show_note(note, self.library.note_text(note_id), span)

    def open_source(self, note_id: int, chunk: int) -> None:
        """A source under an answer was clicked: show the note with that chunk selected."""
        self.panelWanted.emit()
        self.show_note(note_id, chunk)

    def search_panel(self, query: str) -> None:
        if not query:
            self._panel_search = None
            self.refresh()
        elif self.library is not None:
            self._panel_search = self.threads.search(self.library, query, 10, 0.0)

    # --- per conversation -----------------------------------------------------------------------------
    def conversation_opened(self, conversation_id: int | None) -> None:
        self.conversation_id = conversation_id
        use = retrieval_settings(self.store, conversation_id, self.has_notes).use_notes
        self.use_notes.blockSignals(True)
        self.use_notes.setChecked(use)
        self.use_notes.blockSignals(False)

    def _use_notes_toggled(self, checked: bool) -> None:
        if self.conversation_id is not None:
            set_use_notes(self.store, self.conversation_id, checked)

    def ground(self, request: ReplyRequest) -> None:
        """Decide the reply's sources (on the search thread), save them with it, then emit `grounded`."""
        if not self.available:
            self._grounded(request, [])
            return
        if self.library is None:
            self._before_open.append(request)  # notes are still opening (start-up): wait for them
            return
        settings = retrieval_settings(self.store, request.conversation_id, self.has_notes)
        if not (settings.use_notes and self.has_notes):
            self._grounded(request, [])
        else:
            search_id = self.threads.search(self.library, request.history[-1].content, settings.top_k, settings.min_score)
            self._waiting[search_id] = request

    def _release_waiting(self) -> None:
        waiting, self._before_open = self._before_open, []
        for request in waiting:
            self.ground(request)

    @_unless_shut_down
    def _found(self, search_id: int, sources: list) -> None:
        self._show_index_notice()
        if search_id == self._panel_search:
            self.panel.show_results(sources)
        elif search_id in self._waiting:
            self._grounded(self._waiting.pop(search_id), sources)

    @_unless_shut_down
    def _search_failed(self, search_id: int, message: str) -> None:
        self.notify.emit(self.tr("Notes could not be searched: {message}").format(message=message), 10000)
        if search_id in self._waiting:
            self._grounded(self._waiting.pop(search_id), [])

    def _grounded(self, request: ReplyRequest, sources: list) -> None:
        if sources and self.store.get_message(request.message_id) is not None:  # not deleted meanwhile
            request = attach_sources(self.store, request, sources)
        self.grounded.emit(request)

    def attach(self, view, message) -> None:
        """Put the Sources row under a finished answer and link its [n] markers."""
        if message.role != "assistant" or message.status == "streaming":
            return
        view.set_row("sources", None)
        view.sources_row = None
        try:
            sources = self.store.load_sources(message.id)
        except DamagedDataError:  # the answer is still shown; only its Sources row is marked
            view.sources_row = plain_label(self.tr("Sources: damaged, they could not be read."))
            view.sources_row.setObjectName("damagedSources")
            view.set_row("sources", view.sources_row)
            return
        if not sources:
            return
        row = SourcesRow(sources, view)
        row.sourceClicked.connect(self.open_source)
        view.set_row("sources", row)
        view.sources_row = row
        link_citations(view.body, len(sources))
        if not getattr(view, "citations_connected", False):
            view.body.anchorClicked.connect(lambda url, view=view: self._citation_clicked(view, url))
            view.citations_connected = True

    def _citation_clicked(self, view, url: QUrl) -> None:
        row = getattr(view, "sources_row", None)
        if row is not None and url.scheme() == SOURCE_SCHEME and url.path().isdigit():
            n = int(url.path())
            if 1 <= n <= len(row.sources):
                self.open_source(row.sources[n - 1]["note_id"], row.sources[n - 1]["chunk"])

    def shutdown(self) -> None:
        self.shut_down = True
        self._refresh_timer.stop()
        self.threads.shutdown()


def _changes(report) -> str:
    """A status-bar line for a sync, or "" when nothing changed (the start-up rescan is then silent)."""
    if report.added or report.updated or report.removed:
        return QCoreApplication.translate("NotesController", "Notes folders: {summary}.").format(summary=said(report.summary()))
    return ""
