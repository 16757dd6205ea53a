"""View → Language at once: the window is built again in the new language and takes over what the old one showed."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Handover:
    """What the window built in the new language takes over from the one it replaces."""

    conversation_id: int | None
    draft: str  # the composer's unsent text
    model_path: Path | None  # the model file in use (None: none loaded, or a server's)
    server: object | None  # the RemoteTarget in use, if a server's model was
    geometry: bytes
    layout: bytes
    engine: "KeptEngine | None" = None  # the engine loaded now: the new window keeps it (no second load)


@dataclass(frozen=True)
class KeptEngine:
    """The engine thread with its model loaded, handed from the window it served to the one built after it."""

    controller: object  # desktop.ui.worker.EngineController, no longer the old window's child
    info: object  # the ModelInfo of the loaded model
    server: object | None  # the RemoteTarget it is, if a server's model


class Relauncher(QObject):
    """Owns the one main window: builds it, and builds it again when the user picks another language.

    Every string of the window is read through tr() when it is built, so building it again in the new
    language translates all of it, whoever added the string: no widget needs a retranslate step of its own.
    The data it shows lives in the store; what is only on screen is handed over (Handover).
    """

    def __init__(self, app: QApplication, language, build: Callable[[Handover | None], QObject]):
        super().__init__()
        self.app = app
        self.language = language  # desktop.ui.language.Language
        self.build = build  # (handover or None) -> a MainWindow, connected by the composition root
        self.window = None

    def start(self):
        self.window = self._made(None)
        return self.window

    def notify(self, text: str, milliseconds: int) -> None:
        """A notice from outside the window (the daily backup's thread) reaches the window shown now."""
        self.window.notify(text, milliseconds)

    def _made(self, handover: Handover | None):
        window = self.build(handover)
        window.languageChosen.connect(self.on_language_chosen)
        return window

    def on_language_chosen(self, choice: str) -> None:
        old = self.window
        handover = old.handover()
        quits = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)  # between the two windows none is shown: Inkling goes on
        old.close()  # its notes and reply threads end here; its engine, with the model loaded, is handed over
        old.deleteLater()
        self.language.apply(choice)
        self.window = self._made(handover)
        self.window.show()
        self.app.setQuitOnLastWindowClosed(quits)
