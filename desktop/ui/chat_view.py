"""The transcript: one view per message; a reply's Markdown is rendered while it streams (throttled) and at the end."""

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from desktop.core.conversation.provenance import made_with
from desktop.core.markdown import COPY_SCHEME, render_markdown
from desktop.core.store import Message
from desktop.ui.inert import ElidedLabel, InertDocument, InertTextBrowser, plain_label, plain_tip
from desktop.ui.language import said

# A streaming reply is re-rendered at most this often, and never spends more than a fifth of the time
# rendering: so it looks like the final reply all along, and nothing re-flows when it completes.
RENDER_INTERVAL_MS = 150
RENDER_SHARE = 5
UNSENT_BATCH = 12  # views dimmed per turn of the event loop (each re-lays out its header)
DIM_STYLE = "color: palette(placeholder-text); font-style: italic;"  # quiet but readable in light and dark
# shown through QCoreApplication.translate("MessageView", badge)
STATUS_BADGES = {
    "streaming": QT_TRANSLATE_NOOP("MessageView", "writing…"),
    "cancelled": QT_TRANSLATE_NOOP("MessageView", "stopped"),
    "interrupted": QT_TRANSLATE_NOOP("MessageView", "interrupted: Inkling closed while this was being written"),
    "error": QT_TRANSLATE_NOOP("MessageView", "error"),
}


def status_badge(status: str) -> str:
    return QCoreApplication.translate("MessageView", STATUS_BADGES[status]) if status in STATUS_BADGES else ""


# Rows a reply's decorators fill, in their order on screen whichever is filled first (a live reply gets its
# summary before its sources, a reopened one the other way round): the heatmap (or why there is none) in
# place of the text, then the status badge, the sources, the confidence summary.
UNDER_TEXT, FOOTER = ("heat_note", "heat"), ("sources", "summary")


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
        self.header = ElidedLabel(author)  # a server's model path can be long: cut, never wider than the window
        bold = self.header.font()
        bold.setBold(True)
        self.header.setFont(bold)
        self.badge = plain_label()  # an error may quote the model or a file name
        self.badge.setObjectName("messageStatus")
        self.badge.setStyleSheet(DIM_STYLE)
        self.body = InertTextBrowser()
        self.body.setObjectName("messageBody")
        self.made_with = plain_label()  # how a reply was made: model, temperature, seed, system prompt, notes
        self.made_with.setObjectName("madeWith")
        self.made_with.setStyleSheet(DIM_STYLE)
        self.made_with.setWordWrap(True)  # its own line under the header: wraps, never widens the transcript
        if message.role != "assistant":
            self.made_with.hide()  # (never show(): before it has a parent that opens a window of its own)
        self.header_row = QHBoxLayout()  # the author, then whatever decorates it (branch arrows)
        self.header_row.addWidget(self.header, 1)
        layout.addLayout(self.header_row)
        layout.addWidget(self.made_with)
        layout.addWidget(self.body)
        self._rows = {name: QVBoxLayout() for name in UNDER_TEXT + FOOTER}
        for name in UNDER_TEXT:
            layout.addLayout(self._rows[name])
        layout.addWidget(self.badge)
        for name in FOOTER:
            layout.addLayout(self._rows[name])
        for row in self._rows.values():
            row.setContentsMargins(0, 0, 0, 0)
        self.unsent = False
        self.unsent_label = plain_label(self.tr("not sent to the model"))
        self.unsent_label.setObjectName("unsentNote")
        self.unsent_label.setStyleSheet(DIM_STYLE)
        self.unsent_label.setVisible(False)
        self.header_row.addWidget(self.unsent_label)
        self.content = ""
        self.code_blocks: tuple[str, ...] = ()
        self._render_cost_ms = 0.0
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render)
        self.body.anchorClicked.connect(self._anchor_clicked)
        self.show_message(message)

    def set_row(self, name: str, widget: QWidget | None) -> None:
        """Put `widget` in the row `name` (UNDER_TEXT or FOOTER), replacing what was there; None empties it."""
        row = self._rows[name]
        while row.count():
            old = row.takeAt(0).widget()
            old.hide()
            old.deleteLater()
        if widget is not None:
            row.addWidget(widget)

    def show_message(self, message: Message) -> None:
        self.content = message.content
        self._render_timer.stop()
        if message.role == "assistant":
            self._render()
            self.set_made_with(message)
        else:
            self.body.setPlainText(message.content)
        self.set_status(message.status, message.error, message.damaged)

    def set_made_with(self, message: Message, system_prompt: str | None = None, notes: int | None = None) -> None:
        """How the reply was made, on it: branches made at different settings read differently."""
        short, full = made_with(message, system_prompt, notes)
        self.made_with.setText(said(short))
        self.made_with.setToolTip(plain_tip(said(full)))

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128

    def _render(self) -> None:
        started = time.perf_counter()
        rendered = render_markdown(self.content, self._dark())
        self.code_blocks = rendered.code_blocks
        self.body.setHtml(rendered.html)
        self._render_cost_ms = (time.perf_counter() - started) * 1000.0

    def _anchor_clicked(self, url: QUrl) -> None:
        """A code block's Copy button; every other link is the browser's (InertTextBrowser) to refuse or open."""
        if url.scheme() == COPY_SCHEME and url.path().isdigit() and int(url.path()) < len(self.code_blocks):
            QGuiApplication.clipboard().setText(self.code_blocks[int(url.path())])

    def set_status(self, status: str, error: str | None = None, damaged: tuple[str, ...] = ()) -> None:
        badge = status_badge(status)
        if status == "error" and error:
            # kept in the store as said then; a fixed reason of the core's (a full disk) reads translated
            badge = self.tr("error: {error}").format(error=QCoreApplication.translate("core", error))
        if damaged:  # the text is shown; the stored values that could not be read are named
            badge = " · ".join(filter(None, [badge, self.tr("damaged {parts}: could not be read").format(
                parts=self.tr(" and ").join(damaged))]))
        self.badge.setText(badge)
        self.badge.setVisible(bool(badge))

    def show_reading(self, done: int, total: int) -> None:
        """A long prompt is read before the first token: how far it got (Stop cancels it)."""
        self.badge.setText(self.tr("reading the conversation: {done} of {total} tokens").format(done=f"{done:,}", total=f"{total:,}"))
        self.badge.setVisible(True)

    def set_unsent(self, unsent: bool) -> None:
        """Dimmed, and said so, when the last reply's prompt left this message out to fit the context."""
        if unsent == self.unsent:
            return
        self.unsent = unsent
        # The text greyed through the palette: a style sheet per view cost ~1.5 ms to apply (150 ms for a
        # long transcript at once), and a QGraphicsOpacityEffect inside a scroll area leaves ghost text behind.
        palette = self.body.palette()
        palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.PlaceholderText) if unsent
                         else self.palette().color(QPalette.ColorRole.Text))
        self.body.setPalette(palette)
        self.setToolTip(self.tr("Not sent to the model: the conversation is longer than its context, so the last "
                                "reply was written without this message.") if unsent else "")
        self.unsent_label.setVisible(unsent)

    def append_text(self, text: str) -> None:
        """Streaming: the text grows now, the view on the next throttled render."""
        self.show_streaming(self.content + text)

    def show_streaming(self, content: str) -> None:
        self.content = content
        if not self._render_timer.isActive():
            self._render_timer.start(max(RENDER_INTERVAL_MS, int(RENDER_SHARE * self._render_cost_ms)))

    def text(self) -> str:
        """The text as the transcript shows it (a code block's label and Copy button left out)."""
        if self.role != "assistant":
            return self.body.toPlainText()
        document = InertDocument()
        document.setHtml(render_markdown(self.content, plain=True).html)
        return document.toPlainText()


class ChatView(QScrollArea):
    """A scrolling column of messages that follows new text while the user is at the bottom.

    A long conversation shows only its later part; a button above it asks for earlier messages.
    """

    earlierRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setWidgetResizable(True)
        self._column = QWidget()
        self._layout = QVBoxLayout(self._column)
        self._earlier = QPushButton(self.tr("Show earlier messages"))
        self._earlier.setObjectName("earlierMessages")
        self._earlier.setFlat(True)
        self._earlier.hide()
        self._earlier.clicked.connect(self.earlierRequested)
        self._layout.addWidget(self._earlier)
        self._layout.addStretch(1)
        self.setWidget(self._column)
        self._views: list[MessageView] = []
        self._unsent_ids: set[int] = set()
        self._unsent_pending: list[MessageView] = []
        self._unsent_timer = QTimer(self)
        self._unsent_timer.setSingleShot(True)
        self._unsent_timer.timeout.connect(self._mark_unsent_batch)
        self._follow = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda value: setattr(self, "_follow", value >= bar.maximum() - 4))
        bar.rangeChanged.connect(lambda _low, high: bar.setValue(high) if self._follow else None)

    def clear(self) -> None:
        for view in self._views:
            self._layout.removeWidget(view)
            view.deleteLater()
        self._views.clear()
        self._earlier.hide()
        self._follow = True

    def set_earlier(self, count: int | None) -> None:
        """Messages before the first view exist (`count` of them, None: more than was counted) or not (0)."""
        self._earlier.setVisible(count != 0)
        self._earlier.setText(self.tr("Show earlier messages") if count is None
                              else self.tr("Show {count} earlier messages").format(count=f"{count:,}"))

    def mark_unsent(self, message_ids: set[int]) -> None:
        """Dim the views of these messages and undim the others; the bottom (what is on screen) first.

        A long conversation's first prompt that drops its history dims a hundred views at once:
        they change UNSENT_BATCH per turn of the event loop, so the window never stalls for it.
        """
        self._unsent_pending = [v for v in reversed(self._views) if v.unsent != (v.message_id in message_ids)]
        self._unsent_ids = message_ids
        self._mark_unsent_batch()

    def _mark_unsent_batch(self) -> None:
        batch, self._unsent_pending = self._unsent_pending[:UNSENT_BATCH], self._unsent_pending[UNSENT_BATCH:]
        for view in batch:
            if view in self._views:  # not removed since
                view.set_unsent(view.message_id in self._unsent_ids)
        if self._unsent_pending:
            self._unsent_timer.start()

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
        self._layout.insertWidget(1 if above else self._layout.count() - 1, view)  # below the earlier button
        self._views.insert(0 if above else len(self._views), view)
        return view

    def views(self) -> list[MessageView]:
        return list(self._views)

    def view_for(self, message_id: int) -> MessageView | None:
        return next((v for v in self._views if v.message_id == message_id), None)

    def scroll_to_end(self) -> None:
        self._follow = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
