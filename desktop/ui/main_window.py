"""The main window: sidebar, transcript, composer, Sampling and System prompt docks, status bar."""

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QDockWidget, QFileDialog, QHBoxLayout, QMainWindow, QMessageBox, QPushButton,
    QApplication, QSplitter, QVBoxLayout, QWidget,
)

from desktop.core.conversation.branching import BranchError, start_branch
from desktop.core.conversation.notebook import NEW_NOTEBOOK, NOTEBOOK
from desktop.core.conversation.turns import start_turn
from desktop.core.engine.remote.servers import KeyStore
from desktop.core.engine.types import ASSUMED, EngineConfig, ModelInfo
from desktop.core.models import default_chat_model
from desktop.core.models.library import ModelLibrary
from desktop.core.paths import data_dir
from desktop.core.errors import InklingError
from desktop.core.presets import DEFAULT_SYSTEM_PROMPT
from desktop.core.settings import load_sampler_settings, save_sampler_settings
from desktop.core.store import Store
from desktop.ui.chat_view import ChatView
from desktop.ui.lab_controller import LabController
from desktop.ui.composer import Composer
from desktop.ui.conversation_files import ConversationFiles
from desktop.ui.conversation_tools import ConversationTools
from desktop.ui.engine_choice import EngineChoice, choice_of
from desktop.ui.engine_menu import EngineMenu
from desktop.ui.help import HelpMenu
from desktop.ui.model_loader import MODEL_PATH_KEY, ModelLoader
from desktop.ui.notebook_controller import NotebookController
from desktop.ui.notes_controller import NotesController
from desktop.ui.relaunch import Handover
from desktop.ui.reply_controller import ReplyController, stats_line
from desktop.ui.inspector import TokenInspector
from desktop.ui.language import LANGUAGE_KEY, SYSTEM, LanguageMenu, said
from desktop.ui.sampling_panel import SamplingPanel
from desktop.ui.status_line import StatusLine
from desktop.ui.sidebar import ORDER_KEY, ConversationList, shown_title
from desktop.ui.transcript import Transcript
from desktop.ui.system_prompt_panel import SystemPromptPanel
from desktop.ui.theme import ThemeController
from desktop.ui.welcome import WelcomeView
from desktop.ui.worker import EngineController
from desktop.ui.library_controller import LibraryController
from desktop.ui.inert import message_box

GEOMETRY_KEY = "window_geometry"  # base64 of QMainWindow.saveGeometry()
LAYOUT_KEY = "window_layout"  # base64 of saveState(): docks and toolbar
DEFAULT_SIZE = (1200, 780)
SCREEN_SHARE = 0.9  # the default size leaves room for a panel and the title bar


class MainWindow(QMainWindow):
    replyFinished = Signal(int)  # message id; emitted on the GUI thread once the reply is saved
    restoreRequested = Signal(object)  # Path of a backup: the window closes so the composition root can put it back
    languageChosen = Signal(str)  # View → Language: the window is built again in it (desktop.ui.relaunch)

    def __init__(self, store: Store, engine_factory, model_path: Path, engine_config: EngineConfig = EngineConfig(),
                 handover: Handover | None = None):
        super().__init__()
        self.setWindowTitle(self.tr("Inkling"))
        self.resize(*default_size(self.screen().availableGeometry().size()))
        self.store = store
        self.library = LibraryController(store, ModelLibrary(), store.get_setting(MODEL_PATH_KEY), self)
        self.conversation_id: int | None = None
        self._language_after_reply: str | None = None  # chosen while a reply was being written

        kept = handover.engine if handover is not None else None
        if kept is not None:  # the window is built again in another language: the loaded model stays loaded
            self.engine = kept.controller
            self.engine.setParent(self)
        else:
            self.engine = EngineController(engine_factory, self)
        # model_path, else the bundled chat model: loaded if the first conversation's engine cannot be
        self.models = ModelLoader(store, self.engine, engine_config, (model_path, default_chat_model().path),
                                  lambda: self.replies.busy, self)
        self.replies = ReplyController(store, self.engine, self)
        self.labs = LabController(store, self.engine, lambda: self.conversation_id, lambda: self.sampling.chosen(), self,
                                  engine_factory=engine_factory, engine_config=lambda: self.models.engine_config,
                                  notes=lambda: self.notes)
        self.files = ConversationFiles(store, lambda: self.conversation_id, self)

        self.theme = ThemeController(QApplication.instance(), store, self)
        self._build_widgets()
        self._build_menus()
        self._connect_signals()
        # after the inspector's own first dock sizes (queued the same way), so a saved layout wins
        QTimer.singleShot(0, self, self._restore_layout)

        if handover is not None and self.store.get_conversation(handover.conversation_id or 0) is not None:
            self.conversation_id = handover.conversation_id  # opened first: its engine is the one handed over
        if kept is not None:
            self.models.adopt(kept)  # before the conversation opens: it finds its engine loaded
        self.refresh_conversations(select_first=True)
        if self.engine_choice.wanted is None:
            self.models.load_model(model_path)

    # --- layout --------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.sampling = SamplingPanel(load_sampler_settings(self.store))
        self.sampling.changed.connect(lambda settings: save_sampler_settings(self.store, settings))
        self.system_prompt = SystemPromptPanel()
        self.system_prompt.edited.connect(self._system_prompt_edited)
        self.sidebar = ConversationList(self.store.list_conversations, self.store.get_setting(ORDER_KEY, "updated"))
        new_chat = self.new_button = QPushButton(self.tr("New chat"))
        new_chat.setObjectName("newChat")
        new_chat.clicked.connect(self.new_conversation)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(new_chat)
        left_layout.addWidget(self.sidebar)

        self.chat = ChatView()
        self.transcript = Transcript(self.store, self.chat, self._author, lambda: self.replies.active, self)
        self.composer = Composer()
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("send")
        self.send_button.clicked.connect(self.composer.submit)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        composer_row = QHBoxLayout()
        composer_row.addWidget(self.composer, 1)
        composer_row.addLayout(buttons)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(4, 4, 4, 4)
        center_layout.addWidget(self.chat, 1)
        self.welcome = WelcomeView()
        self.welcome.setVisible(False)
        center_layout.addWidget(self.welcome, 1)
        self.notebooks = NotebookController(
            self.store, self.sampling, self.system_prompt, lambda: self.conversation_id, lambda: self.replies.busy,
            lambda: self.replies.active, self.engine.next_request_id, self,
        )
        self.notebook = self.notebooks.view
        center_layout.addWidget(self.notebook, 1)
        center_layout.addLayout(composer_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(center)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 700])
        self.setCentralWidget(splitter)

        self.sampling_dock = self._dock(self.tr("Sampling"), self.sampling, "samplingDock")
        self.system_dock = self._dock(self.tr("System prompt"), self.system_prompt, "systemPromptDock")
        self.tabifyDockWidget(self.sampling_dock, self.system_dock)
        self.sampling_dock.raise_()
        self.inspector = TokenInspector(self, self.store, self.chat, self.sampling_dock)

        self.status_line = StatusLine(self.statusBar(), self)
        status = self.statusBar()
        status.addWidget(self.models.label)
        status.addWidget(self.models.progress)
        status.addPermanentWidget(self.status_line.stats)
        status.addWidget(self.files.importer.status)
        self.notes = NotesController(self.store, lambda title, text: self.confirm(title, text), parent=self)
        keys = KeyStore(data_dir())
        self.engine_menu = EngineMenu(self.store, keys, self)
        self.engine_choice = EngineChoice(self.store, keys, self)
        self.notes_dock = self._dock(self.tr("Notes"), self.notes.panel, "notesDock")
        self.tools = ConversationTools(
            self.store, self.engine, self.chat, self.composer, self.sampling, self.system_prompt, self.sidebar,
            is_busy=lambda: self.replies.busy, has_notes=lambda: self.notes.has_notes, parent=self,
        )
        self.prompt_dock = self._dock(self.tr("Prompt"), self.tools.inspector, "promptDock")
        for dock in (self.notes_dock, self.prompt_dock):
            self.tabifyDockWidget(self.sampling_dock, dock)
        self.sampling_dock.raise_()
        status.addPermanentWidget(self.notes.use_notes)
        status.addPermanentWidget(self.tools.undo_button)
        left_layout.insertWidget(1, self.tools.search)
        left_layout.insertWidget(2, self.tools.order)
        center_layout.insertWidget(1, self.tools.edit_banner)
        center_layout.addWidget(self.tools.meter)

    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&New chat"), QKeySequence.StandardKey.New, self.new_conversation)
        self._action(file_menu, self.tr("&Open model…"), QKeySequence.StandardKey.Open, self.choose_model)
        self.files.install(file_menu)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        chat_menu = self.menuBar().addMenu(self.tr("&Conversation"))
        self._action(chat_menu, self.tr("&Rename"), QKeySequence(Qt.Key.Key_F2), self._rename_current)
        self._action(chat_menu, self.tr("&Delete…"), None, self.sidebar.request_delete_current)
        self._action(chat_menu, self.tr("&Stop reply"), QKeySequence(Qt.Key.Key_Escape), self.stop)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.sampling_dock.toggleViewAction())
        view_menu.addAction(self.system_dock.toggleViewAction())
        view_menu.addSeparator()
        self.inspector.install(view_menu)
        self.tools.install(chat_menu)
        view_menu.addAction(self.prompt_dock.toggleViewAction())
        notes_menu = self.menuBar().addMenu(self.tr("&Notes"))
        self.notes.install(notes_menu)
        notes_menu.addAction(self.notes_dock.toggleViewAction())
        view_menu.addSeparator()
        self.theme.install(view_menu)
        language = view_menu.addMenu(self.tr("&Language"))
        language.setObjectName("languageMenu")
        self.language_menu = LanguageMenu(language, self.store.get_setting(LANGUAGE_KEY, SYSTEM))
        self.model_menu = self.menuBar().addMenu(self.tr("&Model"))
        self.model_menu.setObjectName("modelMenu")
        self.models.install(self.model_menu)
        self.engine_menu.install(self.menuBar().addMenu(self.tr("&Engine")))
        lab_menu = self.menuBar().addMenu(self.tr("&Lab"))
        lab_menu.setObjectName("labMenu")
        self._action(lab_menu, self.tr("&How likely is this?…"), None, lambda: self.labs.show("score"))
        self._action(lab_menu, self.tr("&Sample many…"), None, lambda: self.labs.show("sample"))
        self._action(lab_menu, self.tr("&Compare setups…"), QKeySequence("Ctrl+Shift+C"), lambda: self.labs.show("compare"))
        self.help = HelpMenu(self, lambda: self.models.name)
        self.help.install(self.menuBar().addMenu(self.tr("&Help")))

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- who talks to whom ------------------------------------------------------------------------
    def _connect_signals(self) -> None:
        """Who talks to whom: the only place the window's children are connected to each other."""
        replies, notes, tools = self.replies, self.notes, self.tools
        self.sidebar.selected.connect(self.open_conversation)
        self.sidebar.renamed.connect(self.rename_conversation)
        self.sidebar.deleteRequested.connect(self.delete_conversation)
        self.composer.submitted.connect(self.send)
        self.transcript.viewAdded.connect(self._decorate)
        self.transcript.threadShown.connect(self._thread_shown)
        self.inspector.continueRequested.connect(self.continue_from)
        self.inspector.switchRequested.connect(self.switch_branch)
        replies.started.connect(self._reply_started)
        replies.groundRequested.connect(notes.ground)
        notes.grounded.connect(replies.on_grounded)
        tools.replyRequested.connect(replies.begin)
        tools.resumeRequested.connect(lambda request, records: replies.begin(request, records, grounded=True))
        tools.threadChanged.connect(self.show_changes)
        tools.revealRequested.connect(self.transcript.reveal)
        tools.openRequested.connect(self.open_conversation)
        tools.failed.connect(lambda title, text: self.show_error(title, text))  # looked up when shown
        models = self.models
        models.loadRequested.connect(self.engine_choice.on_load_requested)
        models.loadFailed.connect(self.engine_choice.on_load_failed)
        models.loaded.connect(self._model_changed)
        models.failed.connect(lambda title, text: self.show_error(title, text))
        self.engine_menu.serverChosen.connect(models.load_server)
        self.engine_menu.localChosen.connect(models.use_local_model)
        self.engine_menu.failed.connect(lambda text: self.show_error(self.tr("Cannot use this server"), text))
        self.engine_menu.notify.connect(self.notify)
        self.engine.worker.modelInfoChanged.connect(self.engine_menu.on_model_info_changed)  # a server's real context
        self.engine.worker.modelInfoChanged.connect(replies.set_model)
        self.engine_choice.fileWanted.connect(models.load_model)
        self.engine_choice.serverWanted.connect(models.load_server)
        self.engine_choice.failed.connect(self.notify)
        self.language_menu.chosen.connect(self.choose_language)
        tools.inspectorWanted.connect(lambda: (self.prompt_dock.show(), self.prompt_dock.raise_()))
        notes.panelWanted.connect(lambda: (self.notes_dock.show(), self.notes_dock.raise_()))
        self.files.imported.connect(self._imported)
        self.files.restoreChosen.connect(self._restore)
        self.files.failed.connect(lambda title, text: self.show_error(title, text))
        for child in (replies, notes, tools, models, self.notebooks, self.files):
            child.notify.connect(self.notify)
        replies.streamed.connect(self._reply_streamed)
        replies.ended.connect(self._reply_ended)
        replies.statsChanged.connect(self._stats_changed)
        self.inspector.useSettings.connect(self.sampling.on_use)
        replies.busyChanged.connect(self._set_streaming)
        replies.prompted.connect(tools.reply_prompted)
        replies.reading.connect(self._reply_reading)
        self.welcome.promptChosen.connect(self._fill_composer)
        self.welcome.libraryWanted.connect(self.show_model_library)
        models.libraryWanted.connect(self.show_model_library)
        self.library.offerChanged.connect(self.welcome.on_library_offer)
        self.library.openRequested.connect(models.load_model)
        self.library.samplersChanged.connect(self.sampling.on_model_samplers)
        self.library.notify.connect(self.notify)
        self.labs.failed.connect(lambda text: self.show_error(self.tr("Lab"), text))
        self.labs.notify.connect(self.notify)
        self.labs.branchKept.connect(self.show_changes)
        self.labs.libraryWanted.connect(self.library.scan)
        self.library.modelsFound.connect(self.labs.on_library_models)
        self.notebooks.replyRequested.connect(replies.begin)
        self.notebooks.pageShown.connect(self._page_shown)
        self.notebooks.converted.connect(lambda conversation_id: (self.sidebar.refresh(conversation_id),
                                                                  self.open_conversation(conversation_id)))
        self.notebooks.notebookWanted.connect(self.engine_choice.keep_previous)  # the chat keeps its engine; then
        self.notebooks.notebookWanted.connect(self.new_conversation)  # the new notebook gets the base model
        self.notebooks.draftSaved.connect(self._touched)
        self.notebook.stopRequested.connect(self.stop)
        self.notebook.tokenSelected.connect(self.inspector.select)
        self.notebook.switchRequested.connect(self.switch_branch)
        self.inspector.heatmap_action.toggled.connect(self.notebook.set_heatmap)
        self.inspector.colouring.currentIndexChanged.connect(
            lambda _index: self.notebook.set_colouring(self.inspector.colouring_key))
        self.theme.changed.connect(self._theme_changed)

    # --- language, handover, notices ---------------------------------------------------------------
    def choose_language(self, choice: str) -> None:
        """View → Language: remembered, and the window is built again in it at once (languageChosen); while a
        reply is being written, as soon as it ends (a new window would cut it off)."""
        self.store.set_setting(LANGUAGE_KEY, choice)
        if self.replies.busy:
            self._language_after_reply = choice
            self.notify(self.tr("The window changes language when the reply being written ends."), 15000)
            return
        self.languageChosen.emit(choice)

    def handover(self) -> Handover:
        """What a window built in another language takes over: the conversation, the draft, the model in use."""
        self.system_prompt.flush()
        self.notebook.flush()
        server = self.models.server
        kept = self.models.hand_over()  # None while a load is in progress: the new window asks for it again
        return Handover(self.conversation_id, self.composer.toPlainText(), self.models.local_path(), server,
                        self.saveGeometry().data(), self.saveState().data(), kept)

    def take_over(self, handover: Handover) -> None:
        self.restoreGeometry(QByteArray(handover.geometry))
        QTimer.singleShot(0, self, lambda: self.restoreState(QByteArray(handover.layout)))  # after _restore_layout
        if handover.server is not None and handover.engine is None:
            self.models.load_server(handover.server)
        if handover.conversation_id is not None and self.store.get_conversation(handover.conversation_id) is not None:
            self.conversation_id = handover.conversation_id
            self.refresh_conversations(select_first=True)
        self.composer.setPlainText(handover.draft)

    def notify(self, text: str, milliseconds: int = 8000) -> None:
        """Every notice of the window's children (and of the app around it) reaches the status bar here."""
        self.status_line.notify(text, milliseconds)

    # --- dialogs (tests replace these) ---------------------------------------------------------
    def show_error(self, title: str, text: str) -> None:
        message_box(self, QMessageBox.Icon.Critical, title, text)

    def confirm(self, title: str, text: str) -> bool:
        answer = message_box(self, QMessageBox.Icon.Question, title, text,
                             QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # --- model ---------------------------------------------------------------------------------
    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open model"), "", self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.models.load_model(Path(path))

    def show_model_library(self) -> None:
        """Model → Model library (Ctrl+M): the dialog asks for a model with its settings; the window loads it."""
        self.model_library_dialog = self.library.show(self.models.local_path(), self)

    def _model_changed(self, info: ModelInfo, server: str | None, opening: bool) -> None:
        """The model loaded (now, or by the window this one was built in place of) is the one chatted with;
        `opening`: no conversation is shown yet (the one about to open was already the model's)."""
        self.replies.set_model(info)
        self.engine_menu.on_engine_changed(server)
        self.welcome.on_engine(self.models.server.address.url if server is not None else None)
        self.sampling.on_engine_samplers(info.ignored_samplers, server)
        self.system_prompt.set_completion_mode(info.mode == "completion")
        self.new_button.setText(self.tr("New notebook") if info.mode == "completion" else self.tr("New chat"))
        self.notebooks.on_model_loaded(info, self.models.name, opening)  # a base model gets a notebook
        self.status_line.on_model_loaded(info.n_ctx, info.n_ctx_source == ASSUMED)
        self.tools.set_model(info, self.models.name, self.models.engine_description)
        self.library.on_model_loaded(info.path if server is None else None, info.runtime)
        self.engine_choice.on_loaded(choice_of(info, server))

    # --- conversations ---------------------------------------------------------------------------
    def refresh_conversations(self, select_first: bool = False) -> None:
        conversations = self.store.list_conversations(self.sidebar.order)
        if select_first and conversations and self.conversation_id is None:
            self.conversation_id = conversations[0].id
        self.sidebar.set_conversations(conversations, self.conversation_id)
        if select_first:
            if self.conversation_id is None:
                self.new_conversation()
            else:
                self.open_conversation(self.conversation_id)

    def new_conversation(self) -> None:
        """A chat, or with a base model (no chat template) a notebook, with no chat system prompt."""
        self.system_prompt.flush()
        self.notebook.flush()
        if self.models.info is not None and self.models.info.mode == "completion":
            conversation = self.store.create_conversation(NEW_NOTEBOOK, kind=NOTEBOOK)
        else:
            conversation = self.store.create_conversation(system_prompt=self.models.system_prompt() or DEFAULT_SYSTEM_PROMPT)
        self.conversation_id = conversation.id
        self.sidebar.refresh(conversation.id)
        self.open_conversation(conversation.id)
        self.composer.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        """Switch to a conversation: the one full build of the transcript, its end first.

        The last messages are built at once (the transcript opens scrolled to its end); the older
        ones are added above them a few per turn of the event loop, and every reply's trace, summary
        and heat document is prepared after the first paint, newest first.
        """
        self.system_prompt.flush()
        self.notebook.flush()
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        self.conversation_id = conversation_id
        self.engine_choice.on_conversation_opened(conversation_id)
        self.system_prompt.set_text(conversation.system_prompt)
        self.notes.conversation_opened(conversation_id)
        self.inspector.forget_pending()
        self.inspector.clear_selection()
        self._set_notebook_mode(conversation.kind == NOTEBOOK)
        if conversation.kind == NOTEBOOK:
            self.transcript.clear()
            self.notebooks.show(conversation_id)
            self._show_title()
            return
        self.transcript.open(conversation_id)
        self._show_title()

    def show_changes(self, conversation_id: int) -> None:
        """The conversation's thread changed (a turn, an edit, a branch, a deletion): redraw only below the fork."""
        if conversation_id != self.conversation_id:
            self.open_conversation(conversation_id)
        elif self.notebook.isVisibleTo(self):
            self.notebooks.show(self.conversation_id)
        else:
            self.transcript.show_changes(conversation_id)

    def _thread_shown(self, conversation_id: int, thread: list, complete: bool) -> None:
        self.tools.conversation_opened(conversation_id, thread if complete else None)
        self._follow_shown(thread)
        self._update_welcome()

    def _decorate(self, view, message, lazy: bool) -> None:
        """A new view gets its probabilities, its sources and its actions."""
        self.inspector.attach(view, message, lazy)
        self.notes.attach(view, message)
        self.tools.attach(view, message)

    def _set_notebook_mode(self, notebook: bool) -> None:
        """A notebook replaces the transcript and the chat composer (with its budget meter)."""
        self.notebook.setVisible(notebook)
        for widget in (self.composer, self.send_button, self.stop_button, self.tools.meter):
            widget.setVisible(not notebook)
        if notebook:
            self.welcome.setVisible(False)
            self.chat.setVisible(False)

    def _page_shown(self, view, continuation, thread: list) -> None:
        """A notebook's page is drawn: its continuation's probabilities, coloured as the inspector colours."""
        if view is not None:
            self.inspector.attach(view, continuation)
        self.notebook.set_colouring(self.inspector.colouring_key)
        self.notebook.set_heatmap(self.inspector.heatmap_on)
        self._follow_shown(thread)

    def _touched(self, conversation_id: int) -> None:
        """A conversation changed (a message, a draft): first in the sidebar, its title shown."""
        self.sidebar.touch(self.store.get_conversation(conversation_id))
        self._show_title()

    def _view_for(self, message_id: int):
        return self.chat.view_for(message_id) or self.notebook.view_for(message_id)

    def _follow_shown(self, thread) -> None:
        """The Prompt panel and the status bar belong to a reply on screen, or show nothing."""
        shown = {message.id for message in thread}
        self.tools.inspector.on_thread_shown(shown)
        self.inspector.on_thread_shown(shown)
        if self.replies.busy and self.replies.request.conversation_id == self.conversation_id:
            return  # the reply being written reports its own figures
        last = next((m for m in reversed(thread) if m.role == "assistant" and m.stats), None)
        self.status_line.show_stats(stats_line(last.stats) if last is not None else "")

    def _stats_changed(self, text: str) -> None:
        request = self.replies.request
        if request is not None and request.conversation_id == self.conversation_id:
            self.status_line.show_stats(text)

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)
        self._show_title()

    def _show_title(self) -> None:
        conversation = self.store.get_conversation(self.conversation_id) if self.conversation_id else None
        self.setWindowTitle(f"{shown_title(conversation.title)} — Inkling" if conversation else "Inkling")

    def _update_welcome(self) -> None:
        """An empty conversation shows the welcome view instead of an empty transcript."""
        empty = not self.chat.views()
        self.welcome.setVisible(empty)
        self.chat.setVisible(not empty)

    def _rename_current(self) -> None:
        item = self.sidebar.currentItem()
        if item is not None:
            self.sidebar.editItem(item)

    def delete_conversation(self, conversation_id: int) -> None:
        """Deleted at once, with Undo (as for a message): its reply is stopped, the next conversation shown."""
        if self.store.get_conversation(conversation_id) is None:
            return
        self.replies.drop(conversation_id)
        self.tools.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.conversation_id = None
        self.refresh_conversations(select_first=True)

    def _imported(self, ids: list) -> None:
        """Conversations read from a file: the last one is shown."""
        if ids:
            self.conversation_id = ids[-1]
        self.refresh_conversations(select_first=True)

    def _system_prompt_edited(self, text: str) -> None:
        if self.conversation_id is not None:
            self.store.set_system_prompt(self.conversation_id, text)

    def _author(self, message) -> str:
        return self.tr("You") if message.role == "user" else (message.model or self.tr("Assistant"))

    # --- sending and streaming -------------------------------------------------------------------
    def _fill_composer(self, text: str) -> None:
        self.composer.setPlainText(text)
        self.composer.moveCursor(QTextCursor.MoveOperation.End)
        self.composer.setFocus()

    def _theme_changed(self, _dark: bool) -> None:
        """Views that styled themselves from the palette are built again in the new one."""
        if self.conversation_id is not None and not self.replies.busy:
            self.open_conversation(self.conversation_id)

    def send(self, text: str) -> None:
        if self.replies.busy:
            return  # one reply at a time; Stop first
        if self.tools.editing is not None:
            self.tools.submit_edit(text)  # an edited message goes on a new branch
            return
        if self.models.connecting is not None:
            self.notify(self.tr("Connecting to {name}: send when it is ready.").format(name=self.models.connecting), 6000)
            return  # the reply would be written by the engine being replaced
        self.system_prompt.flush()
        if self.conversation_id is None:
            self.new_conversation()
        request = start_turn(
            self.store, self.conversation_id, text, self.sampling.settings(), self.models.reply_name(),
            request_id=self.engine.next_request_id(), engine=self.models.engine_description,
        )
        self.composer.clear()
        self.replies.begin(request)

    def continue_from(self, message_id: int, position: int, token_id: int) -> None:
        """A new branch of a reply: its tokens up to `position`, then `token_id`, then generated on."""
        if self.replies.busy:
            self.notify(self.tr("Wait for the reply being written to finish (or stop it) first."), 6000)
            return
        try:
            request, records = start_branch(
                self.store, message_id, position, token_id, self.models.name, request_id=self.engine.next_request_id(),
            )
        except BranchError as error:
            self.show_error(self.tr("Cannot continue from this token"), said(error))
            return
        self.replies.begin(request, records, grounded=True)

    def switch_branch(self, message_id: int) -> None:
        """Show another branch: that message and the newest conversation below it."""
        self.store.show_branch(message_id)
        self.show_changes(self.conversation_id)

    def stop(self) -> None:
        self.replies.stop()

    def _set_streaming(self, streaming: bool) -> None:
        if not streaming and self._language_after_reply is not None:
            choice, self._language_after_reply = self._language_after_reply, None
            QTimer.singleShot(0, self, lambda: self.languageChosen.emit(choice))
        self.send_button.setEnabled(not streaming)
        self.stop_button.setEnabled(streaming)
        self.notebook.set_busy(streaming)

    def _reply_started(self, _session, conversation_id: int) -> None:
        self.show_changes(conversation_id)
        self._touched(conversation_id)  # the first message names a new chat

    def _reply_reading(self, session, done: int, total: int) -> None:
        view = self.chat.view_for(session.message_id)
        if view is not None:
            if done < total:
                view.show_reading(done, total)
            else:
                view.set_status("streaming")
        elif self.notebook.view_for(session.message_id) is not None:
            self.notebook.show_reading(done, total)

    def _reply_streamed(self, session, text: str) -> None:
        view = self._view_for(session.message_id)
        if view is not None:
            view.append_text(text)
            self.inspector.draw_stream(view, session.table)
            if view is self.notebook.reply_view:
                self.notebook.append_text(text, session.table)

    def _reply_ended(self, session) -> None:
        message = session.message
        view = self._view_for(message.id)
        if view is not None:
            view.show_message(message)
            self.inspector.finished(view, message, session.table)
            self.notes.attach(view, message)
            if view is self.notebook.reply_view:
                self.notebook.finished(message, session.table)
        self.sidebar.touch(self.store.get_conversation(message.conversation_id))
        self.tools.reply_ended(message)
        self.replyFinished.emit(message.id)

    # --- shutdown --------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry, layout = self.store.get_setting(GEOMETRY_KEY), self.store.get_setting(LAYOUT_KEY)
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if layout:
            self.restoreState(QByteArray.fromBase64(layout.encode()))

    def _save_layout(self) -> None:
        self.store.set_setting(GEOMETRY_KEY, self.saveGeometry().toBase64().data().decode())
        self.store.set_setting(LAYOUT_KEY, self.saveState().toBase64().data().decode())

    def _restore(self, backup: Path) -> None:
        """File → Restore from backup: the window closes so the composition root can put the backup back."""
        self.restoreRequested.emit(backup)
        self.close()

    def closeEvent(self, event):  # noqa: N802
        try:
            self._save_layout()
            self.system_prompt.flush()
            self.notebook.flush()
        except InklingError as error:  # a full disk: the window still closes, and says what was not kept
            self.show_error(self.tr("Inkling"), self.tr("The layout and an unsaved system prompt were not kept: {error}").format(
                error=said(error)))
        self.transcript.stop()
        self.inspector.forget_pending()
        self.inspector.clear_selection()  # views deleted with the window must not find a panel gone before them
        self.replies.abandon()
        self.tools.shutdown()
        self.notes.shutdown()
        self.library.shutdown()
        self.labs.shutdown()
        self.files.shutdown()
        self.models.shutdown()
        super().closeEvent(event)


def default_size(screen) -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a small screen (1200×780 ran off a 1280×720 one)."""
    return (min(DEFAULT_SIZE[0], int(screen.width() * SCREEN_SHARE)),
            min(DEFAULT_SIZE[1], int(screen.height() * SCREEN_SHARE)))
