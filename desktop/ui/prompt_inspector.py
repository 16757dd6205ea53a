"""The prompt inspector: the exact text a reply was generated from, its parts with token counts, and its tokens one by one."""

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSizePolicy, QStackedWidget, QTableView,
    QVBoxLayout, QWidget,
)

from desktop.core.errors import DamagedDataError
from desktop.core.prompt.record import PARTS, PromptRecord, PromptRecordError
from desktop.core.store import Store
from desktop.ui.budget_meter import PART_COLOURS, PART_LABELS
from desktop.ui.inert import InertTextBrowser
from desktop.ui.language import said

CHOOSE_HINT = QT_TRANSLATE_NOOP("PromptInspector", "Choose “Prompt” on a reply to see exactly what the model read.")
TINT = 70  # alpha of a part's colour behind its text: readable in light and dark themes


def visible(piece: str) -> str:
    """A token's text with its whitespace made visible, for the token table."""
    return piece.replace(" ", "·").replace("\n", "↵").replace("\t", "→") or "∅"


class TokenTableModel(QAbstractTableModel):
    """One row per prompt token: position, id, text, part; built only when asked for."""

    HEADERS = ("#", "id", QT_TRANSLATE_NOOP("TokenTableModel", "text"), QT_TRANSLATE_NOOP("TokenTableModel", "part"))

    def __init__(self, record: PromptRecord, token_ids: list[int] | None, parent=None):
        super().__init__(parent)
        self.pieces = record.token_texts()
        self.ids = token_ids if token_ids is not None and len(token_ids) == len(self.pieces) else None
        self.parts = [part for part, start, end in record.parts for _ in range(start, end)]

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.pieces)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row
            if column == 1:
                return "?" if self.ids is None else self.ids[row]
            if column == 2:
                return visible(self.pieces[row])
            return QCoreApplication.translate("BudgetMeter", PART_LABELS[self.parts[row]])
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            colour = QColor(PART_COLOURS[self.parts[row]])
            colour.setAlpha(TINT)
            return colour
        return None


class PromptText(InertTextBrowser):
    """Inert like a message, but scrolls instead of growing to fit: a prompt can be thousands of tokens."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("promptText")
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _fit_height(self, *_):
        return  # keep the size the layout gives


class PromptInspector(QWidget):
    """For a dock: shows the prompt of one reply, read from the store (no model needed)."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.setObjectName("promptInspector")
        self.store = store
        self.message_id: int | None = None
        self.record: PromptRecord | None = None
        self._token_ids: list[int] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel(self.tr(CHOOSE_HINT))
        self.title.setObjectName("promptTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.counts = QLabel()
        self.counts.setObjectName("promptCounts")
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.tokens_button = QPushButton(self.tr("Show tokens"))
        self.tokens_button.setObjectName("showTokens")
        self.tokens_button.setCheckable(True)
        self.tokens_button.setEnabled(False)
        self.tokens_button.toggled.connect(self._show_tokens)
        row = QHBoxLayout()
        row.addWidget(self.counts, 1)
        row.addWidget(self.tokens_button)
        self.text = PromptText()
        self.table = QTableView()
        self.table.setObjectName("promptTokens")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.text)
        self.pages.addWidget(self.table)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.pages, 1)

    def on_thread_shown(self, message_ids: set[int]) -> None:
        """The transcript changed: a prompt of a reply no longer on screen is not shown."""
        if self.message_id is not None and self.message_id not in message_ids:
            self.message_id = self.record = self._token_ids = None
            self.tokens_button.setChecked(False)
            self.tokens_button.setEnabled(False)
            self.table.setModel(None)
            self.title.setText(self.tr(CHOOSE_HINT))
            self.counts.setText("")
            self.text.clear()

    def show_message(self, message_id: int) -> None:
        self.message_id = message_id
        message = self.store.get_message(message_id)
        record_id = message_id
        blob = self.store.load_prompt_record(message_id)
        if blob is None and message is not None and message.branch_of is not None:
            record_id = message.branch_of  # a continued reply was fed its source's prompt
            blob = self.store.load_prompt_record(record_id)
        self.tokens_button.setChecked(False)
        self.table.setModel(None)
        if message is None or blob is None:
            self._show_none(self.tr("No prompt was recorded for this reply (it was written before Inkling kept prompts, "
                                    "or it failed before the prompt was built)."))
            return
        try:
            self.record = record = PromptRecord.decode(blob)
        except PromptRecordError as error:
            self._show_none(self.tr("This reply's prompt cannot be shown: its {error}.").format(error=said(error)))
            return
        try:
            self._token_ids = self.store.load_prompt_tokens(record_id)
        except DamagedDataError:  # the record alone still shows the prompt; only the ids column is missing
            self._token_ids = None
        total = len(record.token_ends)
        dropped = self.tr(" · {count} oldest messages left out").format(count=record.dropped_messages) \
            if record.dropped_messages else ""
        estimated = "" if record.exact else self.tr(" · token boundaries estimated")
        self.title.setText(
            self.tr("Prompt of the reply by {model}: {total} tokens of a {n_ctx}-token context, {reserve} kept for the reply")
            .format(model=message.model or self.tr("the model"), total=f"{total:,}", n_ctx=f"{record.n_ctx:,}",
                    reserve=f"{record.reserve:,}") + dropped + estimated
        )
        counts = record.counts()
        self.counts.setText(" ".join(
            f"<span style='color:{PART_COLOURS[part]}'>■</span>&nbsp;{QCoreApplication.translate('BudgetMeter', PART_LABELS[part])}"
            f"&nbsp;{counts[part]:,}&nbsp;"
            for part in PARTS if counts[part]
        ))
        self.text.setHtml(self._html(record))
        self.tokens_button.setEnabled(True)

    def _show_none(self, why: str) -> None:
        self.record = None
        self.title.setText(why)
        self.counts.setText("")
        self.text.clear()
        self.tokens_button.setEnabled(False)

    @staticmethod
    def _html(record: PromptRecord) -> str:
        spans = []
        starts = (0, *record.token_ends)
        for part, first, end in record.parts:
            colour = QColor(PART_COLOURS[part])
            colour.setAlpha(TINT)
            text = record.text[starts[first]:starts[end]]
            spans.append(
                f"<span style='background-color: rgba({colour.red()},{colour.green()},{colour.blue()},{TINT})'>"
                f"{html.escape(text)}</span>"
            )
        return f"<pre style='white-space: pre-wrap'>{''.join(spans)}</pre>"

    def _show_tokens(self, on: bool) -> None:
        if on and self.record is not None and self.table.model() is None:
            self.table.setModel(TokenTableModel(self.record, self._token_ids, self.table))
        self.pages.setCurrentWidget(self.table if on else self.text)
        self.tokens_button.setText(self.tr("Show text") if on else self.tr("Show tokens"))
