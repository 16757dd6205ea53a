"""Drives the real window started on a damaged database: the recovery dialog appears, a choice is clicked, the window opens."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.app import run_window
from desktop.ui.main_window import MainWindow


def choose(label: str) -> None:
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox) or box.objectName() != "recoveryDialog":
        QTimer.singleShot(100, lambda: choose(label))
        return
    print("dialog:", box.text().replace("\n", " "), flush=True)
    next(button for button in box.buttons() if button.text().startswith(label)).click()
    QTimer.singleShot(100, opened)


def opened() -> None:
    window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
    if window is None:
        QTimer.singleShot(100, opened)
        return
    print("window shown:", [c.title for c in window.store.list_conversations()], flush=True)
    window.close()


if __name__ == "__main__":
    QApplication(sys.argv[:1])
    QTimer.singleShot(0, lambda: choose(sys.argv[1]))
    QTimer.singleShot(120_000, QApplication.quit)  # a hung window still ends the test
    sys.exit(run_window())
