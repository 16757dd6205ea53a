"""The small buttons in a message's header: edit, regenerate or continue, the prompt inspector, and a menu (copy, duplicate, delete)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from desktop.core.store import Message


class MessageActions(QWidget):
    """Emits the message id; the window decides what happens (and refuses while a reply is being written)."""

    editRequested = Signal(int)
    regenerateRequested = Signal(int)
    continueRequested = Signal(int)  # a reply that failed midway: resume it from its last token
    inspectRequested = Signal(int)
    deleteRequested = Signal(int)
    duplicateRequested = Signal(int)
    copyRequested = Signal(int, bool)  # message id, as Markdown

    def __init__(self, message: Message, parent=None):
        super().__init__(parent)
        self.setObjectName("messageActions")
        self.message_id = message.id
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        if message.role == "user":
            self._button("edit", self.tr("Edit"), self.tr("Edit this message: the reply is written again on a new branch"),
                         self.editRequested)
        else:
            self._button("regenerate", self.tr("Regenerate"), self.tr("Write this reply again, as a new branch"),
                         self.regenerateRequested)
            self._button("continue", self.tr("Continue"),
                         self.tr("Continue this reply from its last token (it stopped on an error), as a new branch"),
                         self.continueRequested)
            self._button("prompt", self.tr("Prompt"), self.tr("Show exactly what the model read for this reply"),
                         self.inspectRequested)
        more = QToolButton()
        more.setObjectName("more")
        more.setText("⋯")
        more.setAccessibleName(self.tr("More actions"))
        more.setToolTip(self.tr("More actions"))
        more.setAutoRaise(True)
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(more)
        self.menu.addAction(self.tr("Copy message"), lambda: self.copyRequested.emit(self.message_id, False))
        self.menu.addAction(self.tr("Copy as Markdown"), lambda: self.copyRequested.emit(self.message_id, True))
        self.menu.addSeparator()
        self.menu.addAction(self.tr("Duplicate conversation from here"), lambda: self.duplicateRequested.emit(self.message_id))
        self.menu.addAction(self.tr("Delete message and the replies below it"), lambda: self.deleteRequested.emit(self.message_id))
        more.setMenu(self.menu)
        layout.addWidget(more)
        self.buttons["more"] = more
        self.set_status(message.status)

    def _button(self, name: str, text: str, tip: str, signal) -> None:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: signal.emit(self.message_id))
        self.layout().addWidget(button)
        self.buttons[name] = button

    def set_status(self, status: str) -> None:
        """Continue is offered only on a reply that ended on an error (a server that went away, a stall)."""
        if "continue" in self.buttons:
            self.buttons["continue"].setVisible(status == "error")
        self.set_busy(status == "streaming")

    def set_busy(self, busy: bool) -> None:
        """While this reply is being written, only its prompt can be looked at."""
        for name, button in self.buttons.items():
            button.setEnabled(not busy or name == "prompt")
