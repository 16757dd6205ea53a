"""Run something once a widget has painted: background work that must not delay what the user sees first."""

from PySide6.QtCore import QEvent, QObject, QTimer


class AfterPaint(QObject):
    """`arm()` calls `callback` after the widget's next paint, or after `fallback_ms` if it does not paint.

    A zero-interval timer started with new widgets runs before Qt paints them (their layout request comes
    first), so work queued that way would hold back the first paint of a conversation.
    """

    def __init__(self, widget, callback, fallback_ms: int = 100, parent=None):
        super().__init__(parent)
        self._callback = callback
        self.armed = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self._fire)
        widget.installEventFilter(self)

    def arm(self) -> None:
        if not self.armed:
            self.armed = True
            self._fallback.start()

    def cancel(self) -> None:
        self.armed = False
        self._fallback.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if self.armed and event.type() == QEvent.Type.Paint:
            self._fire()
        return False

    def _fire(self) -> None:
        if self.armed:
            self.cancel()
            self._callback()
