"""Long-conversation tools in the window: budget meter, prompt inspector, edit/regenerate/delete/duplicate, search, pin, sort."""

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.budget import BudgetRequest, BudgetSplit
from desktop.core.chat import belongs_in_history
from desktop.core.edits import EditError, delete_message, duplicate_from, history_before, start_edit, start_regenerate, undo_delete
from desktop.core.grounding import retrieval_settings
from desktop.core.prompt import ChatMessage
from desktop.core.prompt_record import PromptRecord
from desktop.core.store.search import search_messages
from desktop.ui.budget_meter import BudgetMeter
from desktop.ui.message_actions import MessageActions
from desktop.ui.prompt_inspector import PromptInspector
from desktop.ui.search_box import SearchBox
from desktop.ui.sidebar import ORDERS

MEASURE_DELAY_MS = 120  # re-measure once typing pauses, not on every key
NOTE_TOKENS_GUESS = 200  # a notes chunk is ~800 characters; used before any reply of the conversation had notes
ORDER_KEY = "conversation_order"
UNDO_VISIBLE_MS = 15000
HIGHLIGHT_MS = 2500  # a message found by search is outlined for a moment
FOUND_COLOUR = "#f59e0b"


class ConversationTools(QObject):
    """Owned by the main window; reads and writes the store on the GUI thread, asks the worker only to measure."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.editing: int | None = None  # the user message being edited in the composer
        self.deleted = None  # the last deletion, until undone or replaced
        self.actions: dict[int, MessageActions] = {}
        self._history: tuple[ChatMessage, ...] = ()
        self._notes_used: int | None = None  # notes tokens of the last reply, for the meter
        self._measure_id = 0

        self.meter = BudgetMeter()
        self.search = SearchBox(lambda text: search_messages(self.store, text))
        self.search.openMessage.connect(self.jump_to)
        self.search.searching.connect(lambda on: window.sidebar.setVisible(not on))
        self.order = QComboBox()
        self.order.setObjectName("conversationOrder")
        self.order.setAccessibleName("Sort conversations by")
        for key, label in ORDERS.items():
            self.order.addItem(label, key)
        saved = self.store.get_setting(ORDER_KEY, "updated")
        self.order.setCurrentIndex(max(self.order.findData(saved), 0))
        window.sidebar.order = self.order.currentData()
        self.order.currentIndexChanged.connect(self._order_changed)
        window.sidebar.pinRequested.connect(self.pin)

        self.edit_banner = QWidget()
        self.edit_banner.setObjectName("editBanner")
        banner = QHBoxLayout(self.edit_banner)
        banner.setContentsMargins(0, 0, 0, 0)
        banner.addWidget(QLabel("Editing an earlier message: sending starts a new branch (the old one is kept)."), 1)
        cancel = QPushButton("Cancel edit")
        cancel.setObjectName("cancelEdit")
        cancel.clicked.connect(self.cancel_edit)
        banner.addWidget(cancel)
        self.edit_banner.setVisible(False)

        self.undo_button = QPushButton("Undo delete")
        self.undo_button.setObjectName("undoDelete")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_VISIBLE_MS)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))

        self.inspector = PromptInspector(self.store)
        self.inspector_dock = QDockWidget("Prompt", window)
        self.inspector_dock.setObjectName("promptDock")
        self.inspector_dock.setWidget(self.inspector)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)
        window.tabifyDockWidget(window.sampling_dock, self.inspector_dock)
        window.sampling_dock.raise_()

        self._measure_timer = QTimer(self)
        self._measure_timer.setSingleShot(True)
        self._measure_timer.setInterval(MEASURE_DELAY_MS)
        self._measure_timer.timeout.connect(self.measure)
        window.composer.textChanged.connect(self._measure_timer.start)
        window.sampling.changed.connect(lambda _settings: self._measure_timer.start())
        window.system_prompt.edited.connect(lambda _text: self._measure_timer.start())
        window.engine.worker.budgetMeasured.connect(self._measured)
        window.statusBar().addPermanentWidget(self.undo_button)

    def install(self, chat_menu, view_menu) -> None:
        search = QAction("&Search all conversations", self.window)
        search.setShortcut(QKeySequence.StandardKey.Find)
        search.triggered.connect(lambda: (self.search.field.setFocus(), self.search.field.selectAll()))
        chat_menu.addAction(search)
        undo = QAction("&Undo delete", self.window)
        undo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        undo.triggered.connect(self.undo)
        chat_menu.addAction(undo)
        view_menu.addAction(self.inspector_dock.toggleViewAction())

    def shutdown(self) -> None:
        """The window is closing: no timer may reach the store after it is closed."""
        self._measure_timer.stop()
        self._undo_timer.stop()
        self.search.stop()

    # --- messages on screen ---------------------------------------------------------------------
    def attach(self, view, message) -> None:
        actions = MessageActions(message)
        actions.editRequested.connect(self.begin_edit)
        actions.regenerateRequested.connect(self.regenerate)
        actions.inspectRequested.connect(self.inspect)
        actions.deleteRequested.connect(self.delete)
        actions.duplicateRequested.connect(self.duplicate)
        view.header_row.addWidget(actions)
        self.actions[message.id] = actions
        view.destroyed.connect(lambda *_, key=message.id: self.actions.pop(key, None))

    def conversation_opened(self) -> None:
        """The transcript was redrawn: cache its history for the meter and measure again."""
        window = self.window
        thread = self.store.thread(window.conversation_id) if window.conversation_id is not None else []
        if self.editing is not None and self.editing not in {m.id for m in thread}:
            self.cancel_edit()
        if self.editing is not None:
            self._history = tuple(history_before(self.store, self.store.get_message(self.editing)))
        else:
            self._history = tuple(ChatMessage(m.role, m.content) for m in thread if belongs_in_history(m))
        self._notes_used = self._last_notes_tokens(thread)
        self._measure_timer.start()

    def reply_ended(self, message) -> None:
        actions = self.actions.get(message.id)
        if actions is not None:
            actions.set_busy(False)
        if self.inspector.message_id == message.id:
            self.inspector.show_message(message.id)
        self.conversation_opened()

    # --- the budget meter ------------------------------------------------------------------------
    def measure(self) -> None:
        window = self.window
        if window.model_info is None:
            return
        self._measure_id += 1
        request = BudgetRequest(
            self._measure_id, window.system_prompt.text(),
            self._history, window.composer.toPlainText().strip(), window.sampling.settings().max_tokens,
            self._notes_estimate(),
        )
        window.engine.measure(request)

    def _notes_estimate(self) -> int:
        window = self.window
        conversation_id = window.conversation_id
        notes = getattr(window, "notes", None)
        has_notes = bool(notes is not None and notes.has_notes)
        settings = retrieval_settings(self.store, conversation_id, has_notes)
        if not (settings.use_notes and has_notes):
            return 0
        return self._notes_used if self._notes_used is not None else settings.top_k * NOTE_TOKENS_GUESS

    def _last_notes_tokens(self, thread) -> int | None:
        """What the conversation's last reply spent on notes; read when the transcript is drawn, not per keystroke."""
        for message in reversed(thread):
            blob = self.store.load_prompt_record(message.id) if message.role == "assistant" else None
            if blob is not None:
                return PromptRecord.decode(blob).counts()["notes"]
        return None

    def _measured(self, request_id: int, split) -> None:
        if request_id != self._measure_id:
            return
        if isinstance(split, BudgetSplit):
            self.meter.show_split(split)
        else:
            self.meter.show_problem(f"Context budget unavailable: {split}")

    # --- edit, regenerate, delete, duplicate -----------------------------------------------------
    def _refuse_while_busy(self) -> bool:
        if self.window.active is not None:
            self.window.statusBar().showMessage("Wait for the reply being written to finish (or stop it) first.", 6000)
            return True
        return False

    def begin_edit(self, message_id: int) -> None:
        if self._refuse_while_busy():
            return
        message = self.store.get_message(message_id)
        if message is None:
            return
        self.editing = message_id
        self.edit_banner.setVisible(True)
        self.window.composer.setPlainText(message.content)
        self.window.composer.setFocus()
        self.conversation_opened()

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.edit_banner.setVisible(False)
        self.window.composer.clear()
        self.conversation_opened()

    def submit_edit(self, text: str) -> None:
        """The composer's text replaces the edited message on a new branch, and a reply is written to it."""
        window = self.window
        editing, self.editing = self.editing, None
        self.edit_banner.setVisible(False)
        self._start(lambda request_id: start_edit(
            self.store, editing, text, window.sampling.settings(), window.model_name, request_id=request_id))
        window.composer.clear()

    def regenerate(self, message_id: int) -> None:
        if self._refuse_while_busy():
            return
        window = self.window
        self._start(lambda request_id: start_regenerate(
            self.store, message_id, window.sampling.settings(), window.model_name, request_id=request_id))

    def _start(self, make_request) -> None:
        window = self.window
        window.system_prompt.flush()
        try:
            request = make_request(window.engine.next_request_id())
        except EditError as error:
            window.show_error("Cannot do that", str(error))
            return
        window.begin_reply(request)

    def delete(self, message_id: int) -> None:
        if self._refuse_while_busy():
            return
        try:
            self.deleted = delete_message(self.store, message_id)
        except EditError as error:
            self.window.show_error("Cannot delete", str(error))
            return
        if self.editing is not None and self.store.get_message(self.editing) is None:
            self.cancel_edit()
        self.undo_button.setVisible(True)
        self._undo_timer.start()
        self.window.statusBar().showMessage("Message deleted.", UNDO_VISIBLE_MS)
        self.window.open_conversation(self.deleted.conversation_id)

    def undo(self) -> None:
        deleted, self.deleted = self.deleted, None
        self.undo_button.setVisible(False)
        if deleted is None:
            return
        try:
            undo_delete(self.store, deleted)
        except EditError as error:
            self.window.show_error("Cannot undo", str(error))
            return
        self.window.open_conversation(deleted.conversation_id)

    def duplicate(self, message_id: int) -> None:
        self.window.system_prompt.flush()  # a pending edit belongs to the original, and so to its copy
        try:
            copy = duplicate_from(self.store, message_id)
        except EditError as error:
            self.window.show_error("Cannot duplicate", str(error))
            return
        self.window.open_conversation(copy.id)
        self.refresh_list()

    def inspect(self, message_id: int) -> None:
        self.inspector.show_message(message_id)
        self.inspector_dock.show()
        self.inspector_dock.raise_()

    # --- the conversation list -------------------------------------------------------------------
    def refresh_list(self) -> None:
        self.window.sidebar.set_conversations(self.store.list_conversations(), self.window.conversation_id)

    def pin(self, conversation_id: int, pinned: bool) -> None:
        self.store.set_pinned(conversation_id, pinned)
        self.refresh_list()

    def _order_changed(self) -> None:
        order = self.order.currentData()
        self.store.set_setting(ORDER_KEY, order)
        self.window.sidebar.set_order(order)

    def jump_to(self, conversation_id: int, message_id: int) -> None:
        """Show the branch holding the message, open its conversation and scroll to it."""
        if self.store.get_message(message_id) is None:
            return
        self.store.show_branch(message_id)
        self.window.open_conversation(conversation_id)
        self.refresh_list()
        view = self.window.chat.view_for(message_id)
        if view is not None:
            # once the transcript is laid out; scrolling up also stops it following the end
            QTimer.singleShot(0, view, lambda: self.window.chat.ensureWidgetVisible(view))
            view.setStyleSheet(f"#{view.objectName()} {{ border: 2px solid {FOUND_COLOUR}; }}")
            QTimer.singleShot(HIGHLIGHT_MS, view, lambda: view.setStyleSheet(""))
