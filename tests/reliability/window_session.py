"""Drives the real window as a user would for the offline test: start, ask once with notes on, quit."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import run_window
from desktop.ui.main_window import MainWindow


def drive() -> None:
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

    def ask() -> None:
        if window.models.info is None or (window.notes.library is None and window.notes.available):
            QTimer.singleShot(200, ask)
            return
        window.replyFinished.connect(lambda *_: QTimer.singleShot(500, window.close))
        window.send("What does the note say about otters?")

    ask()


if __name__ == "__main__":
    QApplication(sys.argv)
    QTimer.singleShot(0, drive)
    QTimer.singleShot(240_000, QApplication.quit)  # a hung window still ends the test
    sys.exit(run_window())
