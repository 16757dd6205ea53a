"""The Notes dock: every note and file with its status, search, a small editor, progress and retrieval settings."""

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from desktop.core.conversation.grounding import MAX_TOP_K
from desktop.core.notes import Folder, Note, Source
from desktop.core.notes.readers import stored_words
from desktop.ui.inert import plain_label, plain_tip
from desktop.ui.language import said

NOTE_ROLE = Qt.ItemDataRole.UserRole  # ("note", id) / ("folder", id) / ("hit", (note id, chunk))
SEARCH_DELAY_MS = 250
FILE_TYPES = {".txt": (".txt",), ".md": (".md", ".markdown"), ".pdf": (".pdf",), ".html": (".html", ".htm")}


def status_text(note: Note) -> str:
    translate = QCoreApplication.translate
    if note.status == "indexed":
        return translate("NotesPanel", "indexed, with a warning") if note.warning else translate("NotesPanel", "indexed")
    # the reason is kept in notes.db as the core said it, in English: read back as the message it was, translated
    reason = said(stored_words(note.error)) if note.error else note.error
    if note.status == "error":
        return translate("NotesPanel", "error: {reason}").format(reason=reason)
    if note.status == "cancelled":
        return translate("NotesPanel", "cancelled: {reason}").format(reason=reason)
    return {"pending": translate("NotesPanel", "waiting"),
            "indexing": translate("NotesPanel", "indexing…")}.get(note.status, note.status)


class NotesPanel(QWidget):
    """Only widgets: it asks for work through signals; NotesController does it on the notes threads."""

    newNoteRequested = Signal()
    importFilesRequested = Signal()
    importFolderRequested = Signal()
    saveRequested = Signal(object, str, str)  # note id (None: a new note), title, text
    deleteRequested = Signal(str, int)  # "note" | "folder", id
    noteSelected = Signal(int, object)  # note id, chunk to show (or None)
    searchChanged = Signal(str)
    cancelRequested = Signal()
    limitsChanged = Signal(int, float)

    def __init__(self, top_k: int, min_score: float, parent=None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.editing: int | None = None  # id of the note in the editor, None for a new one
        self.search = QLineEdit()
        self.search.setObjectName("notesSearch")
        self.search.setPlaceholderText(self.tr("Search notes…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.searchChanged.emit(self.search.text().strip()))
        self.search.textChanged.connect(lambda _text: self._search_timer.start())

        buttons = QHBoxLayout()
        for text, name, signal in ((self.tr("New note"), "newNote", self.newNoteRequested),
                                   (self.tr("Import files…"), "importFiles", self.importFilesRequested),
                                   (self.tr("Import folder…"), "importFolder", self.importFolderRequested)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(signal)
            buttons.addWidget(button)

        self.notice = plain_label()
        self.notice.setObjectName("notesNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff3cd; color: #664d03; padding: 4px; border-radius: 3px;")
        self.notice.setVisible(False)

        self.tree = QTreeWidget()
        self.tree.setObjectName("notesList")
        self.tree.setHeaderLabels([self.tr("Title"), self.tr("Status"), self.tr("Chunks"), self.tr("Last indexed")])
        self.tree.header().setStretchLastSection(False)
        self._fit_columns(stretch=0)
        self.tree.itemActivated.connect(self._item_chosen)
        self.tree.itemClicked.connect(self._item_chosen)

        self.progress_label = plain_label()
        self.progress = QProgressBar()
        self.progress.setObjectName("notesProgress")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("notesCancel")
        self.cancel_button.clicked.connect(self.cancelRequested)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        box_layout = QVBoxLayout(self.progress_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(self.progress_label)
        box_layout.addLayout(progress_row)
        self.progress_box.setVisible(False)

        self.title = QLineEdit()
        self.title.setObjectName("noteTitle")
        self.title.setPlaceholderText(self.tr("Title"))
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText(self.tr("Write a note (markdown allowed), then Save."))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("noteSave")
        self.save_button.clicked.connect(self._save)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("noteDelete")
        self.delete_button.clicked.connect(self._delete)
        self.editor_hint = plain_label()
        self.editor_hint.setWordWrap(True)
        self.editor_hint.setStyleSheet("color: palette(placeholder-text);")
        editor_buttons = QHBoxLayout()
        editor_buttons.addWidget(self.editor_hint, 1)
        editor_buttons.addWidget(self.delete_button)
        editor_buttons.addWidget(self.save_button)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.title)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addLayout(editor_buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(editor_box)
        splitter.setSizes([200, 280])

        self.top_k = QSpinBox()
        self.top_k.setObjectName("notesTopK")
        self.top_k.setRange(1, MAX_TOP_K)
        self.top_k.setValue(top_k)
        self.min_score = QDoubleSpinBox()
        self.min_score.setObjectName("notesMinScore")
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setValue(min_score)
        self.min_score.setToolTip(self.tr("Chunks that match the question less than this (cosine similarity) are left out."))
        for box in (self.top_k, self.min_score):
            box.valueChanged.connect(lambda _value: self.limitsChanged.emit(self.top_k.value(), self.min_score.value()))
        limits = QHBoxLayout()
        for text, box in ((self.tr("Sources per answer"), self.top_k), (self.tr("min. score"), self.min_score)):
            label = QLabel(text)
            label.setBuddy(box)
            limits.addWidget(label)
            limits.addWidget(box)
        limits.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress_box)
        layout.addLayout(limits)
        self.new_note()

    # --- list and search results -------------------------------------------------------------
    def set_notes(self, notes: list[Note], folders: list[Folder]) -> None:
        if self.search.text().strip():
            return  # search results are showing; the list is redrawn when the search is cleared
        selected = self._selected_key()
        self.tree.clear()
        self.tree.setHeaderLabels([self.tr("Title"), self.tr("Status"), self.tr("Chunks"), self.tr("Last indexed")])
        self._fit_columns(stretch=0)
        folder_items = {}
        for folder in folders:
            members = [n for n in notes if n.folder_id == folder.id]
            item = QTreeWidgetItem([folder.path, self.tr("folder, %n file(s)", "", len(members)), "", ""])
            item.setData(0, NOTE_ROLE, ("folder", folder.id))
            item.setToolTip(0, plain_tip(folder.path + "\n" + self.tr("kept in sync; file types: {types}").format(
                types=" ".join(folder.extensions))))
            folder_items[folder.id] = item
            self.tree.addTopLevelItem(item)
        for note in notes:
            item = QTreeWidgetItem([note.title, status_text(note), str(note.n_chunks), (note.indexed_at or "")[:16].replace("T", " ")])
            item.setData(0, NOTE_ROLE, ("note", note.id))
            tip = "\n".join(t for t in (note.source or self.tr("typed note"), *(said(stored_words(reason))
                                         for reason in (note.error, note.warning) if reason)) if t)
            for column in range(4):
                item.setToolTip(column, plain_tip(tip))
            parent = folder_items.get(note.folder_id)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            if ("note", note.id) == selected:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()

    def show_results(self, sources: list[Source]) -> None:
        self.tree.clear()
        self.tree.setHeaderLabels([self.tr("Title"), self.tr("Score"), self.tr("Chunk"), self.tr("Snippet")])
        self._fit_columns(stretch=3)
        for source in sources:
            item = QTreeWidgetItem([source.title, f"{source.score:.2f}", str(source.chunk + 1), source.snippet])
            item.setData(0, NOTE_ROLE, ("hit", (source.note_id, source.chunk)))
            item.setToolTip(3, plain_tip(source.snippet))
            self.tree.addTopLevelItem(item)
        if not sources:
            self.tree.addTopLevelItem(QTreeWidgetItem([self.tr("No matching notes")]))

    def _fit_columns(self, stretch: int) -> None:
        """The dock is narrow: one column takes the room left (cut with …), the others fit their contents."""
        header = self.tree.header()
        for column in range(self.tree.columnCount()):
            mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(column, mode)
        if stretch != 0:  # a result's title: room for a short one, the snippet takes the rest
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(0, 110)

    def _selected_key(self):
        item = self.tree.currentItem()
        return item.data(0, NOTE_ROLE) if item is not None else None

    def _item_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, NOTE_ROLE)
        if key is None:
            return
        kind, value = key
        if kind == "note":
            self.noteSelected.emit(value, None)
        elif kind == "hit":
            self.noteSelected.emit(value[0], value[1])
        else:
            self.editing = None
            self.show_folder(value)

    # --- editor ----------------------------------------------------------------------------------
    def new_note(self) -> None:
        self.editing = None
        self._folder = None
        self.title.clear()
        self.editor.clear()
        for widget in (self.title, self.editor):
            widget.setReadOnly(False)
        self.save_button.setEnabled(True)
        self.delete_button.setEnabled(False)
        self.editor_hint.setText(self.tr("New note"))

    def show_note(self, note: Note, text: str, span: tuple[int, int] | None = None) -> None:
        """Show a note; a typed one can be edited, a file is shown read-only; span selects a chunk."""
        self.editing = note.id
        self._folder = None
        self.title.setText(note.title)
        self.editor.setPlainText(text)
        typed = note.source is None
        for widget in (self.title, self.editor):
            widget.setReadOnly(not typed)
        self.save_button.setEnabled(typed)
        self.delete_button.setEnabled(note.folder_id is None)
        hint = self.tr("typed note") if typed else note.source
        if note.folder_id is not None:
            hint += self.tr(" (in an imported folder: edit or delete the file itself)")
        self.editor_hint.setText(hint)
        if span is not None:
            cursor = self.editor.textCursor()
            cursor.setPosition(min(span[0], len(text)))
            cursor.setPosition(min(span[1], len(text)), QTextCursor.MoveMode.KeepAnchor)
            self.editor.setTextCursor(cursor)
            self.editor.centerCursor()

    def show_folder(self, folder_id: int) -> None:
        self._folder = folder_id
        self.title.clear()
        self.editor.clear()
        self.save_button.setEnabled(False)
        self.delete_button.setEnabled(True)
        self.editor_hint.setText(self.tr("Delete removes the folder and its notes from Inkling; the files stay on disk."))

    def _save(self) -> None:
        self.saveRequested.emit(self.editing, self.title.text(), self.editor.toPlainText())

    def _delete(self) -> None:
        if self._folder is not None:
            self.deleteRequested.emit("folder", self._folder)
        elif self.editing is not None:
            self.deleteRequested.emit("note", self.editing)

    # --- progress and notices -----------------------------------------------------------------------
    def show_progress(self, text: str, done: int, total: int) -> None:
        self.progress_box.setVisible(True)
        self.progress_label.setText(text)
        self.progress.setRange(0, total)  # 0..0 before the first figure: a busy indicator
        self.progress.setValue(done)

    def hide_progress(self) -> None:
        self.progress_box.setVisible(False)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))


class FileTypesDialog(QDialog):
    """Which file types to take from a folder being imported."""

    def __init__(self, folder: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import folder"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr("Import these file types from {folder} and its subfolders:").format(folder=folder)))
        self.boxes = {}
        for extension in FILE_TYPES:
            box = QCheckBox(extension)
            box.setChecked(True)
            layout.addWidget(box)
            self.boxes[extension] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def extensions(self) -> tuple[str, ...]:
        return tuple(e for name, box in self.boxes.items() if box.isChecked() for e in FILE_TYPES[name])
