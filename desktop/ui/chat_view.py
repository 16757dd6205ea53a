"""The transcript: one view per message; streamed text is appended, markdown is rendered once at the end."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.core.store import Message
from desktop.ui.inert import InertTextBrowser, plain_label

MARKDOWN_FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML
STATUS_BADGES = {
    "streaming": "writing…",
    "cancelled": "stopped",
    "interrupted": "interrupted: Inkling closed while this was being written",
    "error": "error",
}


class MessageView(QFrame):
    """One message: who wrote it, a status badge, and the text."""

    def __init__(self, message: Message, author: str, parent=None):
        super().__init__(parent)
        self.message_id = message.id
        self.role = message.role
        self.setObjectName(f"message-{message.role}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.header = QLabel(f"<b>{_escape(author)}</b>")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.badge = plain_label()  # an error may quote the model or a file name
        self.badge.setObjectName("messageStatus")
        self.badge.setStyleSheet("color: palette(mid); font-style: italic;")
        self.body = InertTextBrowser()
        self.body.setObjectName("messageBody")
        self.header_row = QHBoxLayout()  # the author, then whatever decorates it (branch arrows)
        self.header_row.addWidget(self.header, 1)
        layout.addLayout(self.header_row)
        layout.addWidget(self.body)
        layout.addWidget(self.badge)
        self.show_message(message)

    def show_message(self, message: Message) -> None:
        if message.role == "assistant" and message.status != "streaming":
            self.body.document().setMarkdown(message.content, MARKDOWN_FEATURES)
        else:
            self.body.setPlainText(message.content)
        self.set_status(message.status, message.error)

    def set_status(self, status: str, error: str | None = None) -> None:
        badge = STATUS_BADGES.get(status, "")
        if status == "error" and error:
            badge = f"error: {error}"
        self.badge.setText(badge)
        self.badge.setVisible(bool(badge))

    def append_text(self, text: str) -> None:
        cursor = QTextCursor(self.body.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)

    def text(self) -> str:
        return self.body.toPlainText()


class ChatView(QScrollArea):
    """A scrolling column of messages that follows new text while the user is at the bottom."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setWidgetResizable(True)
        self._column = QWidget()
        self._layout = QVBoxLayout(self._column)
        self._layout.addStretch(1)
        self.setWidget(self._column)
        self._views: list[MessageView] = []
        self._follow = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda value: setattr(self, "_follow", value >= bar.maximum() - 4))
        bar.rangeChanged.connect(lambda _low, high: bar.setValue(high) if self._follow else None)

    def clear(self) -> None:
        for view in self._views:
            self._layout.removeWidget(view)
            view.deleteLater()
        self._views.clear()
        self._follow = True

    def keep_prefix(self, message_ids: list[int]) -> int:
        """Keep the views that still show the start of `message_ids`, remove the rest; returns how many were kept."""
        kept = 0
        for view, message_id in zip(self._views, message_ids):
            if view.message_id != message_id:
                break
            kept += 1
        for view in self._views[kept:]:
            self._layout.removeWidget(view)
            view.deleteLater()
        del self._views[kept:]
        return kept

    def add_message(self, message: Message, author: str, above: bool = False) -> MessageView:
        """A view at the end, or (`above`) before the first one: a long transcript is filled upwards."""
        view = MessageView(message, author, self._column)
        self._layout.insertWidget(0 if above else self._layout.count() - 1, view)
        self._views.insert(0 if above else len(self._views), view)
        return view

    def views(self) -> list[MessageView]:
        return list(self._views)

    def view_for(self, message_id: int) -> MessageView | None:
        return next((v for v in self._views if v.message_id == message_id), None)

    def scroll_to_end(self) -> None:
        self._follow = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
