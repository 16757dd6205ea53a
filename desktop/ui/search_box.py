"""Search over all conversations: a box above the list, results with highlighted snippets, a click jumps to the message."""

import html

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from desktop.core.store.search import DEFAULT_LIMIT, SearchHit
from desktop.ui.ime import guard_enter

DEBOUNCE_MS = 150  # one query per pause in typing, not per key
HIT_ROLE = Qt.ItemDataRole.UserRole


def hit_html(hit: SearchHit) -> str:
    """Title and snippet as rich text; every piece of stored text is escaped first."""
    snippet = "".join(
        f"<b style='background-color:#fde68a; color:#1f2937'>{html.escape(text)}</b>" if matched else html.escape(text)
        for text, matched in hit.snippet_parts()
    )
    who = QCoreApplication.translate("SearchBox", "You") if hit.role == "user" else QCoreApplication.translate("SearchBox", "Reply")
    return (f"<span style='color:gray'>{html.escape(hit.conversation_title)} · {who} · "
            f"{hit.created_at[:10]}</span><br>{snippet}")


class SearchBox(QWidget):
    """`search(text) -> list[SearchHit]` is given by the window (the GUI thread owns the database)."""

    openMessage = Signal(int, int)  # conversation id, message id
    searching = Signal(bool)  # results are shown instead of the conversation list

    def __init__(self, search, parent=None):
        super().__init__(parent)
        self.setObjectName("searchBox")
        self._search = search
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText(self.tr("Search all conversations…"))
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.field.returnPressed.connect(self._open_first)
        guard_enter(self.field)  # Enter that commits pinyin must not open the first result
        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setVisible(False)
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._open)
        self.results.itemClicked.connect(self._open)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run)
        self.hits: list[SearchHit] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def stop(self) -> None:
        """No pending search: the window is closing."""
        self._timer.stop()

    def run(self) -> None:
        """Search now for the text in the box (also called by the debounce timer)."""
        self._timer.stop()
        text = self.field.text().strip()
        self.results.clear()
        active = bool(text)
        self.hits = self._search(text) if active else []
        for hit in self.hits:
            item = QListWidgetItem()
            item.setData(HIT_ROLE, (hit.conversation_id, hit.message_id))
            label = QLabel(hit_html(hit))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(4, 2, 4, 2)
            item.setSizeHint(label.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        count = len(self.hits)
        self.status.setText(self.tr("No messages match.") if not count else (
            self.tr("%n message(s) (newest first; type more to narrow)", "", count) if count >= DEFAULT_LIMIT
            else self.tr("%n message(s), newest first", "", count)))
        self.status.setVisible(active)
        self.results.setVisible(active)
        # while results show, they take the conversation list's place (the window hides the list)
        self.setSizePolicy(QSizePolicy.Policy.Preferred,
                           QSizePolicy.Policy.Expanding if active else QSizePolicy.Policy.Maximum)
        self.searching.emit(active)

    def _open(self, item: QListWidgetItem) -> None:
        conversation_id, message_id = item.data(HIT_ROLE)
        self.openMessage.emit(conversation_id, message_id)

    def _open_first(self) -> None:
        self.run()
        if self.results.count():
            self._open(self.results.item(0))
