"""The model chatted with: a file or a server's model, loaded on the engine thread, with its progress and errors."""

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QProgressBar

from desktop.core.engine.remote.engine import remote_model_name
from desktop.core.engine.remote.http import plain_http_warning
from desktop.core.engine.remote.target import RemoteTarget
from desktop.core.engine.types import EngineConfig, ModelInfo, default_threads
from desktop.core.models import bundled_models, display_name
from desktop.core.models.settings import load_model_settings, model_engine_config, remember_opened
from desktop.core.settings import load_threads, save_threads
from desktop.core.store import Store
from desktop.ui.inert import plain_label, plain_tip
from desktop.ui.language import said
from desktop.ui.relaunch import KeptEngine
from desktop.ui.threads_menu import ThreadsMenu
from desktop.ui.worker import EngineController

MODEL_PATH_KEY = "model_path"  # the model file loaded last: opened again at the next start


class ModelLoader(QObject):
    """Asks the engine thread for a model, follows the newest request only, and keeps what is loaded.

    It owns the status bar's model label and load progress bar and the Model menu's actions (the window
    places them) and, unless it was handed to a window built in another language, shuts the engine thread
    down with the window.
    """

    loadRequested = Signal(dict)  # the engine being loaded, as a conversation keeps it (engine_choice.choice_of)
    # ModelInfo, the server's label (None: a model file), and True when no conversation is shown yet (a window built again)
    loaded = Signal(object, object, bool)
    loadFailed = Signal()  # the model asked for did not open: the one loaded before (if any) stays
    failed = Signal(str, str)  # title, text: an error to show
    notify = Signal(str, int)  # a status line, milliseconds
    libraryWanted = Signal()  # Model → Model library…: the window opens the library

    def __init__(self, store: Store, engine: EngineController, engine_config: EngineConfig, fallbacks: Sequence[Path],
                 is_busy: Callable[[], bool], parent=None):
        """`fallbacks`: loaded in turn while no model has opened yet (the start-up model, then the bundled chat model),
        each at most once and never the file that just failed; `is_busy()`: a reply is being written (the model is
        not loaded again under it)."""
        super().__init__(parent)
        self.store = store
        self.engine = engine
        threads = load_threads(store)  # the user's choice outlives the default the app passes in
        self.engine_config = dataclasses.replace(engine_config, n_threads=threads) if threads else engine_config
        self._fallbacks = [Path(path) for path in fallbacks]
        self._is_busy = is_busy
        self.info: ModelInfo | None = None
        self.name = ""
        self.engine_description: dict | None = None  # what a reply keeps of a remote engine; None: in-process
        self._request: int | None = None  # the load the loader waits for; older answers are dropped
        # What each load asks for, ("path", resolved file, EngineConfig) or ("server", RemoteTarget): of the loads not
        # answered yet, and of the model the engine thread holds (with its ModelInfo), as its answers tell.
        self._asked: dict[int, tuple] = {}
        self._held: tuple[tuple, ModelInfo] | None = None
        self._path: Path | None = None
        self._server: RemoteTarget | None = None  # a server model being opened (or open) instead of a file
        self._handed_over = False  # to the window built in another language: not shut down with this one
        self.label = plain_label(self.tr("No model"))
        self.label.setObjectName("modelLabel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until llama.cpp reports progress (_progress)
        self.progress.setMaximumWidth(120)
        self.progress.setVisible(False)
        self._connect_worker(True)

    def install(self, menu: QMenu) -> None:
        """The Model menu: the bundled models, the library, Cancel loading and CPU threads."""
        bundled = menu.addMenu(self.tr("&Bundled models"))
        bundled.setObjectName("bundledModels")
        for model in bundled_models():
            if model.role in ("chat", "base"):
                kind = self.tr("chat") if model.role == "chat" else self.tr("base model: notebook")
                action = bundled.addAction(f"{model.name} ({kind})")
                action.setEnabled(model.path.is_file())
                action.triggered.connect(lambda _checked=False, path=model.path: self.load_model(path))
        library = QAction(self.tr("Model &library…"), menu)
        library.setObjectName("modelLibraryAction")
        library.setShortcut(QKeySequence("Ctrl+M"))
        library.triggered.connect(self.libraryWanted)
        menu.addAction(library)
        cancel = QAction(self.tr("&Cancel loading"), menu)
        cancel.triggered.connect(self.cancel)
        menu.addAction(cancel)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.threads_menu = ThreadsMenu(load_threads(self.store), cores, default_threads(), menu)
        self.threads_menu.chosen.connect(self.set_threads)
        menu.addMenu(self.threads_menu)

    def _connect_worker(self, connect: bool) -> None:
        worker = self.engine.worker
        for signal, slot in ((worker.modelLoaded, self._loaded), (worker.modelFailed, self._failed),
                             (worker.modelProgress, self._progress)):
            (signal.connect if connect else signal.disconnect)(slot)

    @property
    def loading(self) -> bool:
        return self._request is not None

    @property
    def connecting(self) -> str | None:
        """The server being connected to (a reply sent now would be written by the engine being replaced)."""
        return self._server.label if self._request is not None and self._server is not None else None

    @property
    def server(self) -> RemoteTarget | None:
        """The server whose model is in use (None: a model file, or none)."""
        return self._server if self.engine_description is not None else None

    def reply_name(self) -> str:
        """The name a reply is saved under: the loaded model's, else the one on its way."""
        return self.name or (display_name(self._path) if self._path else "")

    def local_path(self) -> Path | None:
        """The loaded model's file (None when none is loaded, or for a server's model)."""
        path = self.info.path if self.info is not None else None
        return Path(path) if path is not None and Path(path).is_file() else None

    def system_prompt(self) -> str | None:
        """The default system prompt the user gave the loaded model file in the library, if any."""
        path = self.local_path()
        return load_model_settings(self.store, path).system_prompt if path is not None else None

    def load_model(self, path: Path, config: EngineConfig | None = None) -> None:
        """Load a model file with the given settings, else those remembered for it, else the window's."""
        path = Path(path)
        config = config or model_engine_config(self.store, path, self.engine_config)
        self._path, self._server = path, None
        if self._ask(("path", path.resolve(), config), str(path), config, {"path": str(path)}):
            self.label.setText(self.tr("Loading {name}…").format(name=display_name(path)))

    def load_server(self, target: RemoteTarget) -> None:
        """Chat through a server's model: the engine thread probes it and opens it like a model file."""
        self._path, self._server = None, target
        choice = {"server": target.label} | ({"model": target.model} if target.model else {})
        if self._ask(("server", target), f"server:{target.label}", target, choice):
            self.label.setText(self.tr("Connecting to {name}…").format(name=target.label))

    def _ask(self, key: tuple, source: str, config, choice: dict) -> bool:
        """Ask the engine thread for a model, the newest request winning; True while it is on its way.

        While another load waits its turn (behind a reply being written, say), a request for the model the engine
        will hold anyway (the one in use, or the one it is loading) drops the loads not begun and loads nothing:
        back in the conversation of the model in use, it is not read from disk again and keeps its cache.
        """
        if self._request is not None:
            begun, kept = self._drop_queued()
            if kept is not None and kept == key:
                self.loadRequested.emit(choice)
                if begun is not None:  # on its way already: its answer is the one waited for
                    self._request = begun
                    self.progress.setVisible(True)
                    return True
                self._request = None
                held = self._held[1]
                if held is not self.info:  # it had loaded while the loader waited for a newer request
                    self._use(held)
                else:
                    self._show_model()
                return False
        self._request = self.engine.load_model(source, config)
        self._asked[self._request] = key
        self.loadRequested.emit(choice)
        self.progress.setRange(0, 0)  # busy until llama.cpp reports how far it is
        self.progress.setVisible(True)
        return True

    def _drop_queued(self) -> tuple[int | None, tuple | None]:
        """Drops the loads not begun; returns the load begun and not answered yet (or None) and what the engine
        holds once it is done (a load that fails leaves the model before it: the answer says so then)."""
        begun = self.engine.drop_queued_loads()
        coming = self._asked.get(begun)
        self._asked = {begun: coming} if coming is not None else {}
        if coming is not None:
            return begun, coming
        return None, self._held[0] if self._held is not None else None

    def use_local_model(self) -> None:
        """Back from a server: the model file used last, else the bundled chat model."""
        remembered = self.store.get_setting(MODEL_PATH_KEY)
        self.load_model(Path(remembered) if remembered else next(m.path for m in bundled_models() if m.role == "chat"))

    def cancel(self) -> None:
        self.engine.cancel_load()

    def set_threads(self, threads: int) -> None:
        """Model → CPU threads (0: automatic): remembered, and the open model file is loaded again with it."""
        save_threads(self.store, threads or None)
        self.engine_config = dataclasses.replace(self.engine_config, n_threads=threads or default_threads())
        path = self.info.path if self.info is not None and self.engine_description is None else None
        if path is None or self._is_busy():
            self.notify.emit(self.tr("CPU threads: {threads}, from the next model loaded.").format(
                threads=threads or self.tr("automatic")), 8000)
            return
        own = load_model_settings(self.store, path).n_threads  # the rule: a model's own number wins
        if own:
            self.notify.emit(self.tr("{name} keeps its own {own} threads (Model library); other models use this choice.")
                             .format(name=self.name, own=own), 8000)
            return
        self.load_model(path)

    def adopt(self, kept: KeptEngine) -> None:
        """The model the window built before this one had loaded is the one chatted with (no conversation shown yet)."""
        self._server = kept.server
        path = Path(kept.info.path)
        key = ("server", kept.server) if kept.server is not None else \
            ("path", path.resolve(), model_engine_config(self.store, path, self.engine_config))
        self._held = (key, kept.info)
        self._use(kept.info, opening=True)

    def hand_over(self) -> KeptEngine | None:
        """The engine with its model, for the window built in another language (None while a load is in progress:
        that window asks for it again); this loader no longer listens to it nor shuts it down."""
        if self.info is None or self._request is not None:
            return None
        self._connect_worker(False)
        self.engine.cancel_all()  # a Lab run of this window's: its answers would have no window to go to
        self.engine.setParent(None)  # not deleted with this window
        self._handed_over = True
        return KeptEngine(self.engine, self.info, self.server)

    def shutdown(self) -> None:
        if not self._handed_over:
            self.engine.shutdown()

    def _progress(self, request_id: int, fraction: float) -> None:
        if request_id == self._request:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))

    def _loaded(self, request_id: int, info: ModelInfo) -> None:
        key = self._asked.pop(request_id, None)
        if key is not None:  # the engine thread holds it now, even if the loader no longer waits for it
            self._held = (key, info)
        if request_id != self._request:
            return
        self._request = None
        self._use(info)

    def _use(self, info: ModelInfo, opening: bool = False) -> None:
        self.progress.setVisible(False)
        self.info = info
        server = self._server
        self.engine_description = info.engine
        self.name = remote_model_name(info.name, server.label) if server is not None else display_name(info.path)
        self.label.setText(f"{self.name} · {self._mode_name(info.mode)}")
        if server is None:
            used = "\n" + self.tr("llama.cpp used: {runtime}").format(runtime=said(info.runtime.describe())) \
                if info.runtime is not None else ""
            self.label.setToolTip(plain_tip(f"{info.path}{used}"))
            self.store.set_setting(MODEL_PATH_KEY, str(info.path))
            remember_opened(self.store, info.path)
        else:
            warning = plain_http_warning(server.address.url)
            self.label.setToolTip(plain_tip(f"{server.address.url}\n{said(warning)}" if warning else server.address.url))
        self.loaded.emit(info, server.label if server is not None else None, opening)

    def _failed(self, request_id: int, message: str) -> None:
        self._asked.pop(request_id, None)
        if request_id != self._request:
            return
        self._request = None
        self.loadFailed.emit()
        self._show_model()
        if self.info is not None:
            message += "\n\n" + self.tr("{name} is still loaded.").format(name=self.name)
        elif (fallback := self._next_fallback()) is not None:  # nothing loaded yet: shown loading in its place
            self.load_model(fallback)
            message += "\n\n" + self.tr("Opening {name} instead.").format(name=display_name(fallback))
        self.failed.emit(self.tr("Cannot open model"), message)

    def _next_fallback(self) -> Path | None:
        """The next start-up model to try: each once, and not the file that just failed (it would fail again)."""
        failed = self._path.resolve() if self._path is not None else None
        while self._fallbacks:
            path = self._fallbacks.pop(0)
            if path.resolve() != failed:
                return path
        return None

    def _show_model(self) -> None:
        """The status bar names the model in use (no load on its way)."""
        self.progress.setVisible(False)
        if self.info is not None:
            self.label.setText(f"{self.name} · {self._mode_name(self.info.mode)}")
        else:
            self.label.setText(self.tr("No model: open one with File → Open model…"))

    def _mode_name(self, mode: str) -> str:
        return self.tr("chat") if mode == "chat" else self.tr("text completion (no chat template)")
