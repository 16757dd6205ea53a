"""The Lab window's wiring: the turn it works on, runs kept under their message, replies kept as branches."""

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.conversation.grounding import retrieval_settings
from desktop.core.engine.remote.servers import KeyStore, find, load_entries, target_of
from desktop.core.errors import InklingError
from desktop.core.lab.context import latest_turn
from desktop.core.lab.keep import keep_as_branch
from desktop.core.models import bundled_models
from desktop.core.models.settings import model_engine_config
from desktop.core.paths import data_dir
from desktop.core.store.experiments import list_experiments, load_experiment, save_experiment
from desktop.core.text import one_line
from desktop.ui.lab_dialog import LabDialog
from desktop.ui.lab_engines import LabEngines
from desktop.ui.language import said
from desktop.ui.model_library import source_name


class LabController(QObject):
    """Owns the Lab window (made when first asked for); the main window places it and shows what it reports."""

    failed = Signal(str)  # said in words, under the title "Lab"
    notify = Signal(str)
    branchKept = Signal(int)  # the conversation that got a new branch: the window shows it
    libraryWanted = Signal()  # a scan of the model library, whose models a column can use (on_library_models)

    def __init__(self, store, engine, conversation_id: Callable[[], int | None], settings: Callable, parent=None, *,
                 engine_factory=None, engine_config: Callable | None = None, notes: Callable | None = None):
        """`engine_factory` and `engine_config()` open the engines compare columns name (as the window opens its
        own); `notes()` is the NotesController whose search finds the notes a column with notes on gets."""
        super().__init__(parent)
        self.store, self.engine = store, engine
        self.conversation_id, self.settings = conversation_id, settings
        self._parent = parent
        self._engine_config, self._notes = engine_config, notes
        self.engines = LabEngines(engine_factory or (lambda path, config: None), self._open_args, self)
        self._notes_waiting: dict[int, Callable[[list], None]] = {}  # search id -> what gets the notes found
        self._library: list[tuple[str, str]] = []  # the model library's models, as (label, key) for a column
        self.dialog: LabDialog | None = None

    def show(self, kind: str) -> None:
        """The Lab window on the newest message of the open conversation, with the runs kept under it."""
        if self.dialog is None:
            self.dialog = LabDialog(self.engine, lambda: latest_turn(self.store, self.conversation_id()),
                                    self.settings, self._parent, lab_engines=self.engines,
                                    engine_choices=self.engine_choices(), find_notes=self.find_notes)
            self.dialog.runFinished.connect(self._keep_experiment)
            self.dialog.failed.connect(self.failed)
            self.dialog.reopenRequested.connect(self._reopen)
            self.dialog.keepRequested.connect(self._keep_reply)
            # closed: the engines its columns opened are released (each holds a whole model), once no run uses them
            self.dialog.finished.connect(self._release_engines)
            self.dialog.compare_tab.finished.connect(self._release_engines)
            self.dialog.compare_tab.failed.connect(self._release_engines)
        else:  # servers added in the Engine menu since
            self.dialog.compare_tab.set_engine_choices(self.engine_choices())
        self.libraryWanted.emit()  # its models join the columns' engines when the scan ends
        self._list()
        self.dialog.open_tab(kind)
        self.dialog.show()
        self.dialog.raise_()

    def _release_engines(self, *_args) -> None:
        if self.dialog is not None and not self.dialog.isVisible() and not self.dialog.compare_tab.busy:
            self.engines.release()

    def _list(self) -> None:
        self.dialog.set_history(list_experiments(self.store, self.conversation_id()))

    def _keep_experiment(self, kind: str, data: dict, message_id) -> None:
        """A finished run, kept under the message it answered (the newest of yours when it started)."""
        message = self.store.get_message(message_id) if message_id is not None else None
        if message is None:  # deleted while the run went on: kept under nothing rather than lost
            title, conversation_id = kind.capitalize(), self.conversation_id()
        else:
            title, conversation_id = f"{kind.capitalize()}: {one_line(message.content, 40)}", message.conversation_id
        save_experiment(self.store, kind, title, data, conversation_id, message.id if message else None)
        self._list()

    def _keep_reply(self, reply: dict) -> None:
        """A compare column or a sample becomes a reply to the message its run answered: a branch, shown."""
        message_id = reply.get("message_id")
        if message_id is None or self.store.get_message(message_id) is None:
            self.failed.emit(self.tr("The message this run answered was deleted: its replies cannot be kept as a branch."))
            return
        kept = keep_as_branch(self.store, message_id, reply)
        self.branchKept.emit(kept.conversation_id)
        self.notify.emit(self.tr("Kept as a new branch of the conversation."))

    def _reopen(self, experiment_id: int) -> None:
        try:
            experiment = load_experiment(self.store, experiment_id)
        except InklingError as error:
            self.failed.emit(said(error))
            return
        if experiment is not None:
            self.dialog.show_result(experiment.kind, experiment.data, experiment.message_id)

    # --- what compare columns use -----------------------------------------------------------------
    def engine_choices(self) -> list[tuple[str, str]]:
        """The bundled models, the model library's and the servers added in the Engine menu, as (label, key) for a column."""
        models = [(self.tr("{name} (this laptop)").format(name=m.name), f"model:{m.path}") for m in bundled_models()
                  if m.role in ("chat", "base") and m.path.is_file()]
        return models + self._library + [(self.tr("{name} (server)").format(name=e.name), f"server:{e.name}")
                                         for e in load_entries(self.store)]

    def on_library_models(self, models: list) -> None:
        """The model library's chat and completion models (LibraryModel, from its scan) offered to every column,
        each where it was found first; the bundled ones are offered already."""
        bundled = {os.path.realpath(m.path) for m in bundled_models()}
        self._library = [(self.tr("{name} ({source})").format(name=m.name, source=source_name(m.places[0].source)),
                          f"model:{m.path}") for m in models
                         if m.places[0].source != "Bundled" and os.path.realpath(m.path) not in bundled]
        if self.dialog is not None:
            self.dialog.compare_tab.set_engine_choices(self.engine_choices())

    def _open_args(self, key: str) -> tuple[str, object]:
        """What EngineController.load_model takes for a column's engine key."""
        kind, _, name = key.partition(":")
        if kind == "server":
            entry = find(load_entries(self.store), name)
            return f"server:{name}", target_of(entry, KeyStore(data_dir()))
        return name, model_engine_config(self.store, Path(name), self._engine_config())

    def find_notes(self, query: str, done: Callable[[list], None]) -> None:
        """The notes a reply to `query` would be grounded on (the Notes panel's limits), given to done(sources)."""
        notes = self._notes() if self._notes is not None else None
        if notes is None or notes.library is None or not notes.has_notes:
            done([])
            return
        if not self._notes_waiting:
            notes.threads.searcher.found.connect(self._notes_found)
            notes.threads.searcher.failed.connect(self._notes_failed)
        limits = retrieval_settings(self.store, None, True)
        self._notes_waiting[notes.threads.search(notes.library, query, limits.top_k, limits.min_score)] = done

    def _notes_found(self, search_id: int, sources: list) -> None:
        done = self._notes_waiting.pop(search_id, None)
        if done is not None:
            self._disconnect_notes()
            done(sources)

    def _notes_failed(self, search_id: int, message: str) -> None:
        if self._notes_waiting.pop(search_id, None) is not None:
            self._disconnect_notes()
            self.failed.emit(self.tr("Your notes could not be searched: {message}").format(message=message))

    def _disconnect_notes(self) -> None:
        if not self._notes_waiting:
            searcher = self._notes().threads.searcher
            searcher.found.disconnect(self._notes_found)
            searcher.failed.disconnect(self._notes_failed)

    def shutdown(self) -> None:
        self.engines.shutdown()
