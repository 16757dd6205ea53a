"""The conversation list: switch, rename (double-click or F2), delete (with confirmation), new chat."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QMenu

from desktop.core.store import Conversation

ID_ROLE = Qt.ItemDataRole.UserRole


class ConversationList(QListWidget):
    selected = Signal(int)
    renamed = Signal(int, str)
    deleteRequested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.currentItemChanged.connect(self._current_changed)
        self.itemChanged.connect(self._item_changed)
        self._filling = False
        delete = QAction("Delete conversation", self)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.request_delete_current)
        self.addAction(delete)

    def set_conversations(self, conversations: list[Conversation], current_id: int | None) -> None:
        self._filling = True
        try:
            self.clear()
            for conversation in conversations:
                item = QListWidgetItem(conversation.title)
                item.setData(ID_ROLE, conversation.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(f"{conversation.title}\nupdated {conversation.updated_at[:16].replace('T', ' ')}")
                self.addItem(item)
                if conversation.id == current_id:
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
        menu.addAction("Rename", lambda: self.editItem(item))
        menu.addAction("Delete…", lambda: self.deleteRequested.emit(item.data(ID_ROLE)))
        menu.exec(self.viewport().mapToGlobal(position))
