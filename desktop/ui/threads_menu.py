"""Model → CPU threads: how many threads llama.cpp decodes with, automatic or a number; the window remembers it."""

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu


class ThreadsMenu(QMenu):
    """One checkable choice per count; emits the choice (0: automatic), the window saves it and reloads the model."""

    chosen = Signal(int)

    def __init__(self, current: int | None, cores: int, automatic: int, parent=None):
        super().__init__(self.tr("CPU &threads"), parent)
        self.setObjectName("threadsMenu")
        self.setToolTipsVisible(True)
        group = QActionGroup(self)
        self.choices: dict[int, QAction] = {}
        for count in (0, *range(1, cores + 1)):
            label = self.tr("Automatic ({count})").format(count=automatic) if count == 0 else str(count)
            action = QAction(label, self, checkable=True)
            action.setToolTip(
                self.tr("Fewer threads than cores keeps replies fast while other programs are busy: llama.cpp's "
                        "threads wait for each other whenever one of them is not running")
                if count == 0 else self.tr("Decode with %n thread(s)", "", count)
            )
            action.setChecked(count == (current or 0))
            action.triggered.connect(lambda _checked=False, n=count: self.chosen.emit(n))
            group.addAction(action)
            self.addAction(action)
            self.choices[count] = action
