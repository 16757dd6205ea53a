"""The window's model library: one scan thread for its life, the dialog on demand, and the welcome view's first offer."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.models.bundled import is_bundled
from desktop.core.models.library import ModelLibrary, Scan
from desktop.core.models.settings import library_folders, opened_models
from desktop.core.store import Store
from desktop.ui.library_scanner import LibraryScanner
from desktop.ui.model_library import ModelLibraryDialog


class LibraryController(QObject):
    openRequested = Signal(object, object)  # Path, EngineConfig: a model the user chose in the library
    offerChanged = Signal(str, str)  # the welcome view's offer (title, description); ("", "") when none

    def __init__(self, store: Store, library: ModelLibrary, parent=None):
        super().__init__(parent)
        self.store = store
        self.scanner = LibraryScanner(library, self)
        self.scanner.scanned.connect(self._scanned)
        self.dialog: ModelLibraryDialog | None = None
        self._offer_request: int | None = None

    def show(self, current: Path | None, parent) -> ModelLibraryDialog:
        if self.dialog is not None:
            self.dialog.reject()  # it stops listening to the scanner
        self.dialog = ModelLibraryDialog(self.store, self.scanner, current, parent)
        self.dialog.openRequested.connect(self.openRequested)
        self.dialog.open()
        return self.dialog

    def on_model_loaded(self, path: Path | None) -> None:
        """While the bundled model is the only one ever used, the library is the first thing offered (its scan counts what it adds)."""
        if self.dialog is not None:
            self.dialog.on_model_loaded(path)
        only_bundled = path is not None and is_bundled(path) and all(is_bundled(p) for p in opened_models(self.store))
        if not only_bundled:
            self._offer_request = None
            self.offerChanged.emit("", "")
            return
        self._offer_request = self.scanner.scan(library_folders(self.store), opened_models(self.store))

    def _scanned(self, request_id: int, scan: Scan) -> None:
        if request_id != self._offer_request:
            return
        self._offer_request = None
        others = [m for m in scan.models if m.places[0].source != "Bundled"]
        if others:
            sources = dict.fromkeys(m.places[0].source for m in others)  # in the library's order
            title = self.tr("Use a model already on this computer: {count} found").format(count=len(others))
            description = self.tr("In {sources}. The model library (Ctrl+M) shows what each one is and whether it fits; "
                                  "nothing is copied or moved.").format(sources=", ".join(sources))
        else:
            title = self.tr("Find the models on this computer")
            description = self.tr("The model library (Ctrl+M) looks where LM Studio, Ollama, Jan, GPT4All, llama.cpp and "
                                  "the Hugging Face cache keep GGUF files, and in folders you add.")
        self.offerChanged.emit(title, description)

    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()  # it stops listening to the scanner
        self.scanner.shutdown()
