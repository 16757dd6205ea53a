"""The message box: Enter sends, Shift+Enter adds a line, and an input-method composition never sends."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit

SEND_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class Composer(QPlainTextEdit):
    submitted = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("composer")
        self.setPlaceholderText(self.tr("Message Inkling…  (Enter to send, Shift+Enter for a new line)"))
        self.setTabChangesFocus(True)
        self.setFixedHeight(84)  # about four lines; longer messages scroll inside
        self._composing = False

    def inputMethodEvent(self, event):  # noqa: N802 (Qt override)
        # While an IME shows a pre-edit string (e.g. pinyin), Enter belongs to the IME.
        self._composing = bool(event.preeditString())
        super().inputMethodEvent(event)

    def keyPressEvent(self, event: QKeyEvent):  # noqa: N802
        if event.key() in SEND_KEYS and self._composing:
            event.accept()  # it commits the composition: no send, and no newline in the middle of pinyin
            return
        sends = event.key() in SEND_KEYS and not (event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if sends:
            self.submit()
            event.accept()
            return
        if event.key() in SEND_KEYS:
            self.insertPlainText("\n")  # Shift+Enter: a plain newline, not a paragraph separator
            event.accept()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        text = self.toPlainText().strip()
        if text:
            self.submitted.emit(text)
