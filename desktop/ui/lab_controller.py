"""The Lab window's wiring: the turn it works on, runs kept under their message, replies kept as branches."""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.core.errors import InklingError
from desktop.core.lab.context import latest_turn
from desktop.core.lab.keep import keep_as_branch
from desktop.core.store.experiments import list_experiments, load_experiment, save_experiment
from desktop.core.text import one_line
from desktop.ui.lab_dialog import LabDialog


class LabController(QObject):
    """Owns the Lab window (made when first asked for); the main window places it and shows what it reports."""

    failed = Signal(str)  # said in words, under the title "Lab"
    notify = Signal(str)
    branchKept = Signal(int)  # the conversation that got a new branch: the window shows it

    def __init__(self, store, engine, conversation_id: Callable[[], int | None], settings: Callable, parent=None):
        super().__init__(parent)
        self.store, self.engine = store, engine
        self.conversation_id, self.settings = conversation_id, settings
        self._parent = parent
        self.dialog: LabDialog | None = None

    def show(self, kind: str) -> None:
        """The Lab window on the newest message of the open conversation, with the runs kept under it."""
        if self.dialog is None:
            self.dialog = LabDialog(self.engine, lambda: latest_turn(self.store, self.conversation_id()),
                                    self.settings, self._parent)
            self.dialog.runFinished.connect(self._keep_experiment)
            self.dialog.failed.connect(self.failed)
            self.dialog.reopenRequested.connect(self._reopen)
            self.dialog.keepRequested.connect(self._keep_reply)
        self._list()
        self.dialog.open_tab(kind)
        self.dialog.show()
        self.dialog.raise_()

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
        kept = keep_as_branch(self.store, message_id, reply, reply["model"])
        self.branchKept.emit(kept.conversation_id)
        self.notify.emit(self.tr("Kept as a new branch of the conversation."))

    def _reopen(self, experiment_id: int) -> None:
        try:
            experiment = load_experiment(self.store, experiment_id)
        except InklingError as error:
            self.failed.emit(str(error))
            return
        if experiment is not None:
            self.dialog.show_result(experiment.kind, experiment.data, experiment.message_id)
