"""The conversation list: switch, rename (double-click or F2), delete (with confirmation), pin, sort."""

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QMenu

from desktop.core.store import Conversation
from desktop.ui.inert import plain_tip

ID_ROLE = Qt.ItemDataRole.UserRole
ORDER_KEY = "conversation_order"  # the setting that remembers the order chosen
# Shown through QCoreApplication.translate("ConversationList", label).
# the titles a conversation starts with (saved in English: the first message replaces them) read translated
STARTING_TITLES = {"New chat": QT_TRANSLATE_NOOP("ConversationList", "New chat"),
                   "New notebook": QT_TRANSLATE_NOOP("ConversationList", "New notebook")}


def shown_title(title: str) -> str:
    return QCoreApplication.translate("ConversationList", STARTING_TITLES[title]) if title in STARTING_TITLES else title


ORDERS = {"updated": QT_TRANSLATE_NOOP("ConversationList", "Recent activity"),
          "created": QT_TRANSLATE_NOOP("ConversationList", "Newest first"), "title": QT_TRANSLATE_NOOP("ConversationList", "Title")}
EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable


def _pin_icon() -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#c0392b"))
    painter.drawLine(QPointF(6, 6), QPointF(6, 12))
    painter.setBrush(QColor("#e74c3c"))
    painter.drawEllipse(QPointF(6, 4), 3.5, 3.5)
    painter.end()
    return QIcon(pixmap)


class ConversationList(QListWidget):
    selected = Signal(int)
    renamed = Signal(int, str)
    deleteRequested = Signal(int)
    pinRequested = Signal(int, bool)

    def __init__(self, fetch: Callable[[str], list[Conversation]], order: str = "updated", parent=None):
        """`fetch(order)` lists the conversations in that order: the store's SQL is the one ordering rule."""
        super().__init__(parent)
        self.setObjectName("conversationList")
        self._fetch = fetch
        self.setUniformItemSizes(True)  # thousands of conversations lay out without measuring each
        # A long title ends in "…" at the list's edge instead of widening the list behind a sideways scroll bar.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.order = order
        self._conversations: list[Conversation] = []
        self._pin_icon = _pin_icon()
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.currentItemChanged.connect(self._current_changed)
        self.itemChanged.connect(self._item_changed)
        self._filling = False
        delete = QAction(self.tr("Delete conversation"), self)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.request_delete_current)
        self.addAction(delete)

    def refresh(self, current_id: int | None) -> None:
        self.set_conversations(self._fetch(self.order), current_id)

    def set_conversations(self, conversations: list[Conversation], current_id: int | None) -> None:
        """Fill the list with conversations already in the list's order."""
        self._conversations = conversations
        self._filling = True
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            self.addItems([shown_title(c.title) for c in conversations])  # one call for all: fast with thousands
            for row, conversation in enumerate(conversations):
                item = self.item(row)
                item.setData(ID_ROLE, conversation.id)
                item.setFlags(EDITABLE)
                if conversation.pinned:
                    item.setIcon(self._pin_icon)
                    item.setToolTip(plain_tip(conversation.title + "\n" + self.tr("pinned")))
                if conversation.id == current_id:
                    self.setCurrentItem(item)
        finally:
            self.setUpdatesEnabled(True)
            self._filling = False

    def set_order(self, order: str) -> None:
        """Sort by "updated", "created" or "title"; pinned conversations stay on top."""
        self.order = order
        self.refresh(self.current_id())

    def touch(self, conversation: Conversation) -> None:
        """One conversation changed (a reply, a rename): update its row, not the list.

        In "recent activity" order it moves to the top of its group (pinned or not); a conversation
        the list does not hold, or a title change in title order, refills the list.
        """
        row = next((i for i, c in enumerate(self._conversations) if c.id == conversation.id), None)
        if row is None or (self.order == "title" and self._conversations[row].title != conversation.title):
            self.refresh(self.current_id())
            return
        was_current = self.current_id() == conversation.id
        self._filling = True
        try:
            self._conversations.pop(row)
            item = self.takeItem(row)
            item.setText(shown_title(conversation.title))
            target = row
            if self.order == "updated":
                target = sum(1 for c in self._conversations if c.pinned) if not conversation.pinned else 0
            self._conversations.insert(target, conversation)
            self.insertItem(target, item)
            if was_current:
                self.setCurrentItem(item)
        finally:
            self._filling = False

    def current_id(self) -> int | None:
        item = self.currentItem()
        return item.data(ID_ROLE) if item else None

    def item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == conversation_id:
                return self.item(row)
        return None

    def request_delete_current(self) -> None:
        conversation_id = self.current_id()
        if conversation_id is not None:
            self.deleteRequested.emit(conversation_id)

    def _current_changed(self, current, _previous) -> None:
        if current is not None and not self._filling:
            self.selected.emit(current.data(ID_ROLE))

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        title = " ".join(item.text().split())
        if title:
            self.renamed.emit(item.data(ID_ROLE), title)

    def _menu(self, position) -> None:
        item = self.itemAt(position)
        if item is None:
            return
        menu = QMenu(self)
        conversation_id = item.data(ID_ROLE)
        pinned = any(c.pinned for c in self._conversations if c.id == conversation_id)
        menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin to top"), lambda: self.pinRequested.emit(conversation_id, not pinned))
        menu.addAction(self.tr("Rename"), lambda: self.editItem(item))
        menu.addAction(self.tr("Delete…"), lambda: self.deleteRequested.emit(item.data(ID_ROLE)))
        menu.exec(self.viewport().mapToGlobal(position))
