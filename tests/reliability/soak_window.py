"""The real window for `make soak`: once the model is loaded it asks for a long reply and prints what it draws."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import run_window
from desktop.ui.main_window import MainWindow

PROMPT = "Write a very long story about a family of otters who build a boat."
SEPARATOR = "\x1e"


def drive() -> None:
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

    def ask() -> None:
        if window.models.info is None:
            QTimer.singleShot(100, ask)
            return
        # What the transcript is handed to draw is what is on screen: soak.py compares it with what was
        # saved. Each reply starts with a record separator, so only the newest one is compared.
        window.replies.started.connect(lambda *_: (sys.stdout.write(SEPARATOR), sys.stdout.flush()))
        window.replies.streamed.connect(lambda _session, text: (sys.stdout.write(text), sys.stdout.flush()))
        window.replies.ended.connect(lambda *_: QTimer.singleShot(0, lambda: window.send(PROMPT)))
        window.send(PROMPT)

    ask()


if __name__ == "__main__":
    QApplication(sys.argv)
    QTimer.singleShot(0, drive)
    sys.exit(run_window())
