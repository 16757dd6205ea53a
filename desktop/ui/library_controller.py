"""The window's model library: one scan thread for its life, the dialog on demand, and the welcome view's first offer."""

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.engine.runtime import LoadReport
from desktop.core.models.bundled import display_name, is_bundled
from desktop.core.models.library import ModelLibrary, Scan
from desktop.core.models.settings import library_folders, opened_models, settings_for_file
from desktop.core.store import Store
from desktop.ui.library_scanner import LibraryScanner
from desktop.ui.model_library import ModelLibraryDialog


class LibraryController(QObject):
    openRequested = Signal(object, object)  # Path, EngineConfig: a model the user chose in the library
    offerChanged = Signal(str, str)  # the welcome view's offer (title, description); ("", "") when none
    # the loaded model's own sampler values (SamplerSettings fields), and whether they replace the panel's now
    samplersChanged = Signal(object, bool)
    notify = Signal(str)
    modelsFound = Signal(list)  # the chat and completion models of every finished scan (LibraryModel), bundled first

    def __init__(self, store: Store, library: ModelLibrary, last_model: str | None, parent=None):
        """`last_model`: the model file loaded when Inkling last ran (its samplers are not imposed again at start)."""
        super().__init__(parent)
        self.store = store
        self._loaded = Path(last_model) if last_model else None
        self._runtime: LoadReport | None = None  # what llama.cpp used for the loaded model
        self.scanner = LibraryScanner(library, self)
        self.scanner.scanned.connect(self._scanned)
        self.dialog: ModelLibraryDialog | None = None
        self._offer_request: int | None = None

    def show(self, current: Path | None, parent) -> ModelLibraryDialog:
        if self.dialog is not None:
            self.dialog.reject()  # it stops listening to the scanner
        self.dialog = ModelLibraryDialog(self.store, self.scanner, current, parent, self._runtime)
        self.dialog.openRequested.connect(self.openRequested)
        self.dialog.settingsSaved.connect(self._settings_saved)
        self.dialog.open()
        return self.dialog

    def on_model_loaded(self, path: Path | None, runtime: LoadReport | None = None) -> None:
        """While the bundled model is the only one ever used, the library is the first thing offered (its scan counts what it adds).

        Switching to a model file starts the Sampling panel from that model's samplers, when it has any.
        """
        self._runtime = runtime
        if self.dialog is not None:
            self.dialog.on_model_loaded(path, runtime)
        switched = path is not None and (self._loaded is None or os.path.realpath(path) != os.path.realpath(self._loaded))
        self._loaded = path
        if path is not None:
            self._samplers(path, apply=switched)
        only_bundled = path is not None and is_bundled(path) and all(is_bundled(p) for p in opened_models(self.store))
        if not only_bundled:
            self._offer_request = None
            self.offerChanged.emit("", "")
            return
        self._offer_request = self.scanner.scan(library_folders(self.store), opened_models(self.store))

    def _settings_saved(self, path: Path) -> None:
        """The loaded model's samplers edited in the library take effect now."""
        if self._loaded is not None and os.path.realpath(path) == os.path.realpath(self._loaded):
            self._samplers(path, apply=True)

    def _samplers(self, path: Path, apply: bool) -> None:
        values = settings_for_file(self.store, path).sampling
        self.samplersChanged.emit(values, apply)
        if apply and values:
            shown = ", ".join(f"{name.replace('_', ' ')} {value:g}" for name, value in values.items())
            self.notify.emit(self.tr("Sampling set from {name}'s defaults: {values} (Model library to change them).").format(
                name=display_name(path), values=shown))

    def scan(self) -> None:
        """Scan the library for whoever lists its models (the Lab's engines): the result comes as modelsFound."""
        self.scanner.scan(library_folders(self.store), opened_models(self.store))

    def _scanned(self, request_id: int, scan: Scan) -> None:
        self.modelsFound.emit(list(scan.models))
        if request_id != self._offer_request:
            return
        self._offer_request = None
        others = [m for m in scan.models if m.places[0].source != "Bundled"]
        if others:
            sources = dict.fromkeys(m.places[0].source for m in others)  # in the library's order
            title = self.tr("Use a model already on this computer: {count} found").format(count=len(others))
            description = self.tr("In {sources}. The model library (Ctrl+M) shows what each one is and whether it fits; "
                                  "nothing is copied or moved.").format(sources=", ".join(sources))
            # also when a conversation is open (the welcome view shows only for an empty one)
            self.notify.emit(self.tr("Models found on this computer: {count}. Model → Model library (Ctrl+M) shows them.").format(
                count=len(others)))
        else:
            title = self.tr("Find the models on this computer")
            description = self.tr("The model library (Ctrl+M) looks where LM Studio, Ollama, Jan, GPT4All, llama.cpp and "
                                  "the Hugging Face cache keep GGUF files, and in folders you add.")
        self.offerChanged.emit(title, description)

    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()  # it stops listening to the scanner
        self.scanner.shutdown()
