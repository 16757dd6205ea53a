"""The notebook of a base model: one editable document the model continues in place (Tab), its words coloured."""

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QTextEdit, QVBoxLayout, QWidget,
)

from desktop.core.conversation.notebook import Page
from desktop.core.probability.heatmap import swatch, utf16_length
from desktop.core.probability.trace import TraceTable
from desktop.core.store import Message
from desktop.ui.chat_view import DIM_STYLE, MessageView, status_badge
from desktop.ui.token_view import BranchNavigator

DRAFT_DELAY_MS = 600  # the document is saved once typing pauses
PLACEHOLDER = QT_TRANSLATE_NOOP("NotebookView", "Write the start of a document (a story, a list, a few examples of a pattern) and press Tab: "
               "the model writes on from where the text ends.")
SEARCH_AHEAD = 8  # characters a byte token's character may lie ahead of where the text was expected


def token_spans(texts: list[str], content: str) -> list[tuple[int, int]]:
    """Where each token's text lies in the continuation (character offsets); a byte token of a character
    split over several tokens gets the span up to the character it completes."""
    spans: list[tuple[int, int]] = []
    position = 0
    for text in texts:
        if content.startswith(text, position):
            span = (position, position + len(text))
        else:
            found = content.find(text, position, position + len(text) + SEARCH_AHEAD) if text else -1
            if found > position and spans and spans[-1][0] == spans[-1][1]:
                spans[-1] = (spans[-1][0], found)  # the character the byte tokens before this one made
                span = (found, found + len(text))
            else:
                span = (position, found + len(text) if found >= 0 else position)
        spans.append(span)
        position = span[1]
    if spans and position < len(content) and spans[-1][0] == spans[-1][1]:
        spans[-1] = (spans[-1][0], len(content))
    return spans


class DocumentEditor(QPlainTextEdit):
    """The document: Tab asks for a continuation; a click on a continued word selects its token."""

    continueRequested = Signal()
    clicked = Signal(int)  # character position (UTF-16) of a plain click

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notebookDocument")
        self.setPlaceholderText(QCoreApplication.translate("NotebookView", PLACEHOLDER))
        self.setTabChangesFocus(False)

    def keyPressEvent(self, event):  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Tab and not event.modifiers():
            self.continueRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event):  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.clicked.emit(self.cursorForPosition(event.position().toPoint()).position())


class NotebookView(QWidget):
    """Shows one notebook page; the window asks for continuations and routes the reply's events here.

    The continuation also has a MessageView that is never shown (`view_for`): the token inspector and the
    reply's flow work on it as on a chat reply, while the document shows the same text inline.
    """

    continueRequested = Signal(str)  # the whole document, to be continued
    stopRequested = Signal()
    draftChanged = Signal(str)  # the document as edited (typing paused)
    tokenSelected = Signal(int, int)  # message id, token index
    switchRequested = Signal(int)  # show another continuation (branch) of the same document

    def __init__(self, load_table: Callable[[int], TraceTable | None], parent=None):
        super().__init__(parent)
        self.setObjectName("notebook")
        self._load_table = load_table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = DocumentEditor()
        self.editor.continueRequested.connect(self.request_continue)
        self.editor.clicked.connect(self._clicked)
        self.editor.textChanged.connect(self._edited)
        layout.addWidget(self.editor, 1)
        row = QHBoxLayout()
        self.continue_button = QPushButton(self.tr("Continue ⇥"))
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setToolTip(self.tr("The model writes on from the end of the document (Tab)"))
        self.continue_button.clicked.connect(self.request_continue)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("notebookStop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stopRequested)
        self.status = QLabel()
        self.status.setObjectName("notebookStatus")
        self.status.setStyleSheet(DIM_STYLE)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the column
        self.branch_row = QHBoxLayout()
        row.addWidget(self.continue_button)
        row.addWidget(self.stop_button)
        row.addLayout(self.branch_row)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(lambda: self.draftChanged.emit(self.text()))
        self.page = Page("")
        self.reply_view: MessageView | None = None
        self.table: TraceTable | None = None
        self.heat_on = False
        self.drawn_colours = False  # colour by the probability each token was drawn with, not the model's
        self.selected: int | None = None
        self.starts: list[int] = []  # UTF-16 start of each continuation token in the editor, then its end
        self._loading = False

    # --- what is shown ----------------------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def show_page(self, page: Page, siblings: list[int] = ()) -> MessageView | None:
        """Show the document and its continuation; returns the continuation's (hidden) view to attach."""
        self._draft_timer.stop()
        self.page = page
        self.table = None
        self.selected = None
        self._set_text(page.text)
        if self.reply_view is not None:
            self.reply_view.deleteLater()
            self.reply_view = None
        while self.branch_row.count():
            self.branch_row.takeAt(0).widget().deleteLater()
        message = page.continuation
        if message is None:
            self._paint()
            self.status.setText("")
            return None
        self.reply_view = MessageView(message, message.model or self.tr("Model"), self)
        self.reply_view.hide()
        if len(siblings) > 1:
            navigator = BranchNavigator(list(siblings), message.id, self)
            navigator.switchTo.connect(self.switchRequested)
            self.branch_row.addWidget(navigator)
        if message.status != "streaming":
            self.table = self._load_table(message.id)
        self._show_status(message)
        self._paint()
        return self.reply_view

    def view_for(self, message_id: int) -> MessageView | None:
        view = self.reply_view
        return view if view is not None and view.message_id == message_id else None

    def set_heatmap(self, on: bool) -> None:
        self.heat_on = on
        self._paint()

    def set_colouring(self, key: str) -> None:
        """The heatmap's colouring chosen in the toolbar: "model" or "drawn" probability."""
        self.drawn_colours = key == "drawn"
        self._paint()

    def set_busy(self, busy: bool) -> None:
        self.continue_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.editor.setReadOnly(busy)  # the model is writing at the end of it

    # --- the continuation as it is written ------------------------------------------------------------
    def append_text(self, text: str, table: TraceTable | None = None) -> None:
        """Streaming: the new text at the end of the document, coloured as it comes when the trace is given."""
        self._loading = True
        try:
            cursor = QTextCursor(self.editor.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text)
        finally:
            self._loading = False
        if table is not None and self.heat_on:
            self.table = table
            self._paint()
        self.editor.ensureCursorVisible()

    def show_reading(self, done: int, total: int) -> None:
        self.status.setText(self.tr("reading the document: {done} of {total} tokens").format(done=f"{done:,}", total=f"{total:,}"))

    def finished(self, message: Message, table: TraceTable | None) -> None:
        if self.page.continuation is None or self.page.continuation.id != message.id:
            return
        self.page = Page(self.page.document, message)
        self.table = table
        if self.text() != self.page.text:  # the stream's pieces and the saved text differ (a held-back byte)
            self._set_text(self.page.text)
        self._show_status(message)
        self._paint()

    def _show_status(self, message: Message) -> None:
        state = (self.tr("error: {error}").format(error=message.error or "") if message.status == "error"
                 else status_badge(message.status))
        tokens = self.tr("{count} tokens continued").format(count=f"{len(self.table):,}") if self.table is not None else ""
        self.status.setText(" · ".join(part for part in (message.model or "", tokens, state) if part))

    # --- heat and selection ---------------------------------------------------------------------------
    def _paint(self) -> None:
        """Colour the continuation's tokens by probability (extra selections: the document is not touched)."""
        self.starts = []
        message, table = self.page.continuation, self.table
        if message is None or table is None or not len(table):
            self.editor.setExtraSelections([])
            return
        base = utf16_length(self.page.document)
        content = self.text()[len(self.page.document):]  # the continuation as written so far (or saved)
        spans = token_spans(table.token_texts(), content)
        offsets = np.cumsum([0] + [utf16_length(c) for c in content])
        self.starts = [base + int(offsets[a]) for a, _ in spans] + [base + int(offsets[spans[-1][1]])]
        if not self.heat_on:
            self.editor.setExtraSelections([])
            return
        selections = []
        values = table.sampled_probs if self.drawn_colours else np.exp(table.logprobs.astype(np.float64))
        for index, (start, end) in enumerate(zip(self.starts, self.starts[1:])):
            if end <= start:
                continue
            colours = swatch(float(values[index]))
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colours.background))
            fmt.setForeground(QColor(colours.foreground))
            if index == self.selected:
                fmt.setFontUnderline(True)
                fmt.setFontWeight(QFont.Weight.Bold)
            selections.append(self._selection(start, end, fmt))
        self.editor.setExtraSelections(selections)

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format = fmt
        return selection

    def token_at(self, position: int) -> int | None:
        """The continuation token at a character position of the editor, or None outside the continuation."""
        starts = self.starts
        if len(starts) < 2 or not starts[0] <= position < starts[-1]:
            return None
        index = int(np.searchsorted(starts, position, side="right")) - 1
        return min(index, len(starts) - 2)

    def select(self, index: int | None) -> None:
        """Mark a continuation token as the one the Probabilities panel shows (underlined, in bold)."""
        self.selected = index
        self._paint()

    def _clicked(self, position: int) -> None:
        index = self.token_at(position)
        if index is not None and self.page.continuation is not None:
            self.select(index)
            self.tokenSelected.emit(self.page.continuation.id, index)

    # --- editing ------------------------------------------------------------------------------------
    def request_continue(self) -> None:
        if self.continue_button.isEnabled():
            self._draft_timer.stop()
            self.continueRequested.emit(self.text())

    def _set_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
        finally:
            self._loading = False

    def _edited(self) -> None:
        if self._loading:
            return
        if self.page.continuation is not None and self.text() != self.page.text:
            # edited: the continuation is now part of the document, its colours no longer line up
            self.page = Page(self.text())
            self.table = None
            self._paint()
        self._draft_timer.start()

    def flush(self) -> None:
        """Save a pending edit now (before switching conversations or closing)."""
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self.draftChanged.emit(self.text())
