"""The status bar's notices and figures: what any child says, and the context and speed of the reply on screen."""

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from desktop.ui.reply_controller import context_size


class StatusLine(QObject):
    """Shows notices on the window's status bar and owns its figures label; the window places the other
    widgets (the model label, Use notes, Undo) on the same bar."""

    def __init__(self, bar: QStatusBar, parent=None):
        super().__init__(parent)
        self.bar = bar
        self.stats = QLabel()
        self.stats.setObjectName("statsLabel")
        self._before_show: tuple[str, int] | None = None  # a notice given before the bar was shown
        bar.installEventFilter(self)

    def notify(self, text: str, milliseconds: int = 8000) -> None:
        self.bar.showMessage(text, milliseconds)
        # QStatusBar hides its left-hand widgets (the model label) under a message only if they are
        # visible; before the window is shown they are not, and would be painted over the message.
        self._before_show = None if self.bar.isVisible() else (text, milliseconds)

    def show_stats(self, text: str) -> None:
        """The figures of the reply on screen ("" for none)."""
        self.stats.setText(text)

    def on_model_loaded(self, n_ctx: int, assumed: bool = False) -> None:
        """An empty context of the model just loaded, unless a shown reply's own figures are up; `assumed`: a size
        the server did not name, shown as such."""
        idle = self.tr("context 0 / {n_ctx}")
        if not self.stats.text() or self.stats.text().startswith(idle.split("{")[0]):
            self.stats.setText(idle.format(n_ctx=context_size(n_ctx, assumed)))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.bar and event.type() == QEvent.Type.Show and self._before_show is not None:
            # again once the bar's widgets are shown too (after this event: they are shown before it ends)
            QTimer.singleShot(0, self, lambda notice=self._before_show: self._show_again(*notice))
            self._before_show = None
        return False

    def _show_again(self, text: str, milliseconds: int) -> None:
        if self.bar.currentMessage() == text:
            self.bar.clearMessage()  # showMessage() of the same text changes nothing, hiding included
            self.bar.showMessage(text, milliseconds)
