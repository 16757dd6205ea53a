"""Long-conversation tools in the window: budget meter, prompt inspector, edit/regenerate/delete/duplicate, search, pin, sort."""

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.prompt.budget import BudgetRequest, BudgetSplit
from desktop.core.conversation.branching import BranchError, start_resume
from desktop.core.conversation.turns import HISTORY_LIMIT, belongs_in_history
from desktop.core.conversation.edits import EditError, delete_message, duplicate_from, history_before, start_edit, start_regenerate, undo_delete
from desktop.core.conversation.grounding import retrieval_settings
from desktop.core.prompt.build import ChatMessage
from desktop.core.prompt.record import PromptRecord, PromptRecordError
from desktop.core.store.rows import DeletedConversation, delete_conversation, restore_conversation
from desktop.core.store.search import search_messages
from desktop.ui.budget_meter import BudgetMeter
from desktop.ui.message_actions import MessageActions
from desktop.ui.prompt_inspector import PromptInspector
from desktop.ui.search_box import SearchBox
from desktop.ui.sidebar import ORDER_KEY, ORDERS
from desktop.ui.language import said

MEASURE_DELAY_MS = 120  # re-measure once typing pauses, not on every key
NOTE_TOKENS_GUESS = 200  # a notes chunk is ~800 characters; used before any reply of the conversation had notes
UNDO_VISIBLE_MS = 15000
HIGHLIGHT_MS = 2500  # a message found by search is outlined for a moment
FOUND_COLOUR = "#f59e0b"


class ConversationTools(QObject):
    """Owned by the main window; reads and writes the store on the GUI thread, asks the worker only to measure."""

    replyRequested = Signal(object)  # a saved ReplyRequest (edit, regenerate) to generate
    resumeRequested = Signal(object, object)  # a BranchRequest continuing a failed reply, and its tokens so far
    threadChanged = Signal(int)  # conversation id whose thread changed (delete, undo, a branch shown)
    openRequested = Signal(int)  # conversation id to switch to (a duplicate)
    revealRequested = Signal(int)  # message id that must have a view (a search result in a long conversation)

    notify = Signal(str, int)  # a status line, milliseconds
    failed = Signal(str, str)  # a dialog: title, text
    inspectorWanted = Signal()  # the prompt inspector shows a message: bring its dock forward

    def __init__(self, store, engine, chat, composer, sampling, system_prompt, sidebar,
                 is_busy: Callable[[], bool], has_notes: Callable[[], bool], parent=None):
        super().__init__(parent)
        self.store = store
        self.engine = engine
        self.chat = chat
        self.composer = composer
        self.sampling = sampling
        self.system_prompt = system_prompt
        self.sidebar = sidebar
        self._is_busy = is_busy
        self._has_notes = has_notes
        self.conversation_id: int | None = None
        self.model_info = None
        self.model_name = ""
        self.engine_description: dict | None = None
        self.editing: int | None = None  # the user message being edited in the composer
        self.deleted = None  # the last deletion, until undone or replaced
        self.actions: dict[int, MessageActions] = {}
        self._thread: list = []  # the conversation's history as last read (at most HISTORY_LIMIT messages)
        self._history: tuple[ChatMessage, ...] = ()
        self._notes_used: int | None = None  # notes tokens of the last reply, for the meter
        self._unsent: set[int] = set()  # messages the last reply's prompt left out (dimmed)
        self._measure_id = 0

        self.meter = BudgetMeter()
        self.search = SearchBox(lambda text: search_messages(self.store, text))
        self.search.openMessage.connect(self.jump_to)
        self.search.searching.connect(lambda on: sidebar.setVisible(not on))
        self.order = QComboBox()
        self.order.setObjectName("conversationOrder")
        self.order.setAccessibleName(self.tr("Sort conversations by"))
        for key, label in ORDERS.items():
            self.order.addItem(QCoreApplication.translate("ConversationList", label), key)
        saved = self.store.get_setting(ORDER_KEY, "updated")
        self.order.setCurrentIndex(max(self.order.findData(saved), 0))
        self.order.currentIndexChanged.connect(self._order_changed)
        sidebar.pinRequested.connect(self.pin)

        self.edit_banner = QWidget()
        self.edit_banner.setObjectName("editBanner")
        banner = QHBoxLayout(self.edit_banner)
        banner.setContentsMargins(0, 0, 0, 0)
        banner.addWidget(QLabel(self.tr("Editing an earlier message: sending starts a new branch (the old one is kept).")), 1)
        cancel = QPushButton(self.tr("Cancel edit"))
        cancel.setObjectName("cancelEdit")
        cancel.clicked.connect(self.cancel_edit)
        banner.addWidget(cancel)
        self.edit_banner.setVisible(False)

        self.undo_button = QPushButton(self.tr("Undo delete"))
        self.undo_button.setObjectName("undoDelete")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_VISIBLE_MS)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))

        self.inspector = PromptInspector(self.store)

        self._measure_timer = QTimer(self)
        self._measure_timer.setSingleShot(True)
        self._measure_timer.setInterval(MEASURE_DELAY_MS)
        self._measure_timer.timeout.connect(self.measure)
        composer.textChanged.connect(self._measure_timer.start)
        sampling.changed.connect(lambda _settings: self._measure_timer.start())
        system_prompt.edited.connect(lambda _text: self._measure_timer.start())
        engine.worker.budgetMeasured.connect(self._measured)

    def set_model(self, info, name: str, engine: dict | None = None) -> None:
        """The loaded model, its name and what a remote engine says of itself (kept with each new reply)."""
        self.model_info, self.model_name, self.engine_description = info, name, engine
        self._measure_timer.start()  # the budget is in this model's tokens

    def install(self, chat_menu) -> None:
        search = QAction(self.tr("&Search all conversations"), self)
        search.setShortcut(QKeySequence.StandardKey.Find)
        search.triggered.connect(lambda: (self.search.field.setFocus(), self.search.field.selectAll()))
        chat_menu.addAction(search)
        undo = QAction(self.tr("&Undo delete"), self)
        undo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        undo.triggered.connect(self.undo)
        chat_menu.addAction(undo)

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
        actions.continueRequested.connect(self.resume)
        actions.inspectRequested.connect(self.inspect)
        actions.deleteRequested.connect(self.delete)
        actions.duplicateRequested.connect(self.duplicate)
        actions.copyRequested.connect(self.copy)
        view.header_row.addWidget(actions)
        self.actions[message.id] = actions
        view.set_unsent(message.id in self._unsent)
        view.destroyed.connect(lambda *_, key=message.id: self.actions.pop(key, None))

    def conversation_opened(self, conversation_id: int | None, thread: list | None = None) -> None:
        """The transcript changed: cache its history for the meter and measure again (`thread`: already read)."""
        self.conversation_id = conversation_id
        if thread is None:
            thread = self.store.thread(conversation_id, HISTORY_LIMIT) if conversation_id is not None else []
        self._thread = thread
        if self.editing is not None and self.editing not in {m.id for m in thread}:
            self.cancel_edit()
        if self.editing is not None:
            self._history = tuple(history_before(self.store, self.store.get_message(self.editing)))
        else:
            self._history = tuple(ChatMessage(m.role, m.content) for m in thread if belongs_in_history(m))
        self._notes_used = self._last_notes_tokens(thread)
        self._measure_timer.start()
        reply = next((m for m in reversed(thread) if m.role == "assistant" and m.stats), None)
        self.mark_unsent(thread, reply.id if reply else None, reply.stats.get("dropped_messages", 0) if reply else 0)

    def reply_prompted(self, session) -> None:
        """A reply's prompt is built: dim what it left out, at once (its stats are saved only when it ends)."""
        if self.conversation_id is not None and session.prompt is not None:
            thread = self._thread if any(m.id == session.message_id for m in self._thread) \
                else self.store.thread(self.conversation_id, HISTORY_LIMIT)
            self.mark_unsent(thread, session.message_id, session.prompt.dropped_messages)

    def mark_unsent(self, thread, reply_id: int | None, dropped: int) -> None:
        """The oldest `dropped` messages of the reply's history were not sent to the model: dim their views."""
        index = next((i for i, m in enumerate(thread) if m.id == reply_id), None) if dropped else None
        history = [m for m in thread[:index] if belongs_in_history(m)] if index is not None else []
        self._unsent = {m.id for m in history[:dropped]}
        self.chat.mark_unsent(self._unsent)

    def reply_ended(self, message) -> None:
        actions = self.actions.get(message.id)
        if actions is not None:
            actions.set_status(message.status)
        if self.inspector.message_id == message.id:
            self.inspector.show_message(message.id)
        # The thread read when the reply began, with the reply as it ended: no second read of the history.
        index = next((i for i, m in enumerate(self._thread) if m.id == message.id), None)
        if index is None:
            self.conversation_opened(self.conversation_id)
        else:
            self.conversation_opened(self.conversation_id, [*self._thread[:index], message, *self._thread[index + 1:]])

    # --- the budget meter ------------------------------------------------------------------------
    def measure(self) -> None:
        if self.model_info is None:
            return
        self._measure_id += 1
        request = BudgetRequest(
            self._measure_id, self.system_prompt.text(),
            self._history, self.composer.toPlainText().strip(), self.sampling.settings().max_tokens,
            self._notes_estimate(),
        )
        self.engine.measure(request)

    def _notes_estimate(self) -> int:
        has_notes = self._has_notes()
        settings = retrieval_settings(self.store, self.conversation_id, has_notes)
        if not (settings.use_notes and has_notes):
            return 0
        return self._notes_used if self._notes_used is not None else settings.top_k * NOTE_TOKENS_GUESS

    def _last_notes_tokens(self, thread) -> int | None:
        """What the conversation's last reply spent on notes; read when the transcript is drawn, not per keystroke."""
        blob = self.store.latest_prompt_record([m.id for m in thread if m.role == "assistant"])
        try:
            return PromptRecord.decode(blob).counts()["notes"] if blob is not None else None
        except PromptRecordError:  # a damaged record: the meter estimates, as for a reply without one
            return None

    def _measured(self, request_id: int, split) -> None:
        if request_id != self._measure_id:
            return
        if isinstance(split, BudgetSplit):
            self.meter.show_split(split)
        else:
            self.meter.show_problem(self.tr("Context budget unavailable: {reason}").format(reason=split))

    # --- edit, regenerate, delete, duplicate -----------------------------------------------------
    def _refuse_while_busy(self) -> bool:
        if self._is_busy():
            self.notify.emit(self.tr("Wait for the reply being written to finish (or stop it) first."), 6000)
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
        self.composer.setPlainText(message.content)
        self.composer.setFocus()
        self.conversation_opened(self.conversation_id)

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.edit_banner.setVisible(False)
        self.composer.clear()
        self.conversation_opened(self.conversation_id)

    def submit_edit(self, text: str) -> None:
        """The composer's text replaces the edited message on a new branch, and a reply is written to it."""
        editing, self.editing = self.editing, None
        self.edit_banner.setVisible(False)
        self._start(lambda request_id: start_edit(
            self.store, editing, text, self.sampling.settings(), self.model_name, request_id=request_id,
            engine=self.engine_description))
        self.composer.clear()

    def regenerate(self, message_id: int) -> None:
        if self._refuse_while_busy():
            return
        self._start(lambda request_id: start_regenerate(
            self.store, message_id, self.sampling.settings(), self.model_name, request_id=request_id,
            engine=self.engine_description))

    def resume(self, message_id: int) -> None:
        """Continue a reply that failed midway: a new branch with its tokens so far, generated on (start_resume)."""
        if self._refuse_while_busy():
            return
        try:
            request, records = start_resume(self.store, message_id, self.model_name, request_id=self.engine.next_request_id())
        except BranchError as error:
            self.failed.emit(self.tr("Cannot continue this reply"), str(error))
            return
        self.resumeRequested.emit(request, records)

    def _start(self, make_request) -> None:
        self.system_prompt.flush()
        try:
            request = make_request(self.engine.next_request_id())
        except EditError as error:
            self.failed.emit(self.tr("Cannot do that"), said(error))
            return
        self.replyRequested.emit(request)

    def delete(self, message_id: int) -> None:
        if self._refuse_while_busy():
            return
        try:
            self.deleted = delete_message(self.store, message_id)
        except EditError as error:
            self.failed.emit(self.tr("Cannot delete"), said(error))
            return
        if self.editing is not None and self.store.get_message(self.editing) is None:
            self.cancel_edit()
        self.undo_button.setVisible(True)
        self._undo_timer.start()
        self.notify.emit(self.tr("Message deleted."), UNDO_VISIBLE_MS)
        self.threadChanged.emit(self.deleted.conversation_id)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a whole conversation; the same Undo as for a message brings it back (the window shows another)."""
        self.deleted = delete_conversation(self.store, conversation_id)
        self.undo_button.setVisible(True)
        self._undo_timer.start()
        self.notify.emit(self.tr("Conversation “{title}” deleted.").format(title=self.deleted.conversation['title']),
                         UNDO_VISIBLE_MS)

    def undo(self) -> None:
        deleted, self.deleted = self.deleted, None
        self.undo_button.setVisible(False)
        if deleted is None:
            return
        if isinstance(deleted, DeletedConversation):
            restored = restore_conversation(self.store, deleted)
            self.sidebar.refresh(restored)
            self.openRequested.emit(restored)
            return
        try:
            undo_delete(self.store, deleted)
        except EditError as error:
            self.failed.emit(self.tr("Cannot undo"), said(error))
            return
        self.threadChanged.emit(deleted.conversation_id)

    def duplicate(self, message_id: int) -> None:
        self.system_prompt.flush()  # a pending edit belongs to the original, and so to its copy
        try:
            copy = duplicate_from(self.store, message_id)
        except EditError as error:
            self.failed.emit(self.tr("Cannot duplicate"), said(error))
            return
        self.openRequested.emit(copy.id)
        self.refresh_list()

    def copy(self, message_id: int, markdown: bool) -> None:
        """Copy message: its Markdown source, or the text as the transcript shows it."""
        message = self.store.get_message(message_id)
        if message is None:
            return
        data = QMimeData()
        if markdown:
            data.setText(message.content)
            data.setData("text/markdown", message.content.encode("utf-8"))
        else:
            view = self.chat.view_for(message_id)
            data.setText(view.text().rstrip() if view is not None else message.content)
        QGuiApplication.clipboard().setMimeData(data)
        self.notify.emit(self.tr("Message copied as Markdown.") if markdown else self.tr("Message copied."), 3000)

    def inspect(self, message_id: int) -> None:
        self.inspector.show_message(message_id)
        self.inspectorWanted.emit()

    # --- the conversation list -------------------------------------------------------------------
    def refresh_list(self) -> None:
        self.sidebar.refresh(self.conversation_id)

    def pin(self, conversation_id: int, pinned: bool) -> None:
        self.store.set_pinned(conversation_id, pinned)
        self.refresh_list()

    def _order_changed(self) -> None:
        order = self.order.currentData()
        self.store.set_setting(ORDER_KEY, order)
        self.sidebar.set_order(order)

    def jump_to(self, conversation_id: int, message_id: int) -> None:
        """Show the branch holding the message, open its conversation and scroll to it."""
        if self.store.get_message(message_id) is None:
            return
        self.store.show_branch(message_id)
        self.threadChanged.emit(conversation_id)
        self.revealRequested.emit(message_id)
        self.refresh_list()
        view = self.chat.view_for(message_id)
        if view is not None:
            # once the transcript is laid out; scrolling up also stops it following the end
            QTimer.singleShot(0, view, lambda: self.chat.ensureWidgetVisible(view))
            view.setStyleSheet(f"#{view.objectName()} {{ border: 2px solid {FOUND_COLOUR}; }}")
            QTimer.singleShot(HIGHLIGHT_MS, view, lambda: view.setStyleSheet(""))
