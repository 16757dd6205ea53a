"""Drives the real window started on a damaged database: the recovery dialog appears, a choice is clicked, the window
opens. Usage: damaged_window.py BUTTON_LABEL REPORT_FILE"""

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
    report("dialog: " + box.text().replace("\n", " "))
    next(button for button in box.buttons() if button.text().startswith(label)).click()
    QTimer.singleShot(100, opened)


def opened() -> None:
    window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
    if window is None:
        QTimer.singleShot(100, opened)
        return
    report(f"window shown: {[c.title for c in window.store.list_conversations()]}")
    window.close()


def report(line: str) -> None:
    # To a file, not stdout: the engine's thread points fd 1 at /dev/null while llama.cpp loads a model,
    # and Inkling may leave by os._exit at Quit.
    with open(sys.argv[2], "a") as out:
        out.write(line + "\n")


if __name__ == "__main__":
    QApplication(sys.argv[:1])
    QTimer.singleShot(0, lambda: choose(sys.argv[1]))
    QTimer.singleShot(120_000, QApplication.quit)  # a hung window still ends the test
    sys.exit(run_window())
