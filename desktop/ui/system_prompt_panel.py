"""The System prompt side panel: edit the conversation's system prompt or start from a preset."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.core.presets import PRESETS
from desktop.ui.language import said

CUSTOM = QT_TRANSLATE_NOOP("SystemPromptPanel", "Custom")
SAVE_DELAY_MS = 400  # save after typing pauses, not on every keystroke


class SystemPromptPanel(QWidget):
    edited = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("systemPromptPanel")
        self.presets = QComboBox()
        self.presets.setObjectName("systemPromptPreset")
        self.presets.addItem(self.tr(CUSTOM), CUSTOM)
        for name in PRESETS:  # shown in the window's language; the prompt itself stays as written
            self.presets.addItem(said(name), name)
        self.presets.setAccessibleName(self.tr("System prompt preset"))
        self.presets.activated.connect(self._preset_chosen)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("systemPromptEditor")
        self.editor.setAccessibleName(self.tr("System prompt"))
        self.editor.setPlaceholderText(self.tr("Instructions the model sees before the conversation (saved with this conversation)."))
        self.editor.textChanged.connect(self._text_changed)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self._loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Preset")))
        layout.addWidget(self.presets)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.note)

    def set_text(self, text: str) -> None:
        """Show a conversation's prompt without reporting it as an edit."""
        self._save_timer.stop()
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self._sync_preset(text)

    def set_completion_mode(self, completion: bool) -> None:
        self.note.setText(
            self.tr("This model has no chat template: the system prompt is placed before the text as plain text.")
            if completion else ""
        )

    def text(self) -> str:
        return self.editor.toPlainText()

    def flush(self) -> None:
        """Report a pending edit now (before sending, or switching conversations)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.edited.emit(self.text())

    def _text_changed(self) -> None:
        if not self._loading:
            self._sync_preset(self.text())
            self._save_timer.start()

    def _preset_chosen(self, index: int) -> None:
        name = self.presets.itemData(index)
        if name in PRESETS:
            self.editor.setPlainText(PRESETS[name])
            self.flush()

    def _sync_preset(self, text: str) -> None:
        name = next((n for n, preset in PRESETS.items() if preset == text), CUSTOM)
        self.presets.setCurrentIndex(self.presets.findData(name))
