"""The main window: sidebar, transcript, composer, Sampling and System prompt docks, status bar."""

import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton,
    QSplitter, QVBoxLayout, QWidget,
)

from desktop.core.branching import BranchError, BranchReady, start_branch
from desktop.core.chat import PromptReady, ReplyRecorder, start_turn
from desktop.core.engine.types import EngineConfig, Finished, ModelInfo, TokenEvent
from desktop.core.models import display_name
from desktop.core.presets import DEFAULT_SYSTEM_PROMPT
from desktop.core.settings import load_sampler_settings, save_sampler_settings
from desktop.core.store import Store
from desktop.ui.chat_view import ChatView, MessageView
from desktop.ui.composer import Composer
from desktop.ui.conversation_tools import ConversationTools
from desktop.ui.notes_controller import NotesController
from desktop.ui.inspector import TokenInspector
from desktop.ui.sampling_panel import SamplingPanel
from desktop.ui.sidebar import ConversationList
from desktop.ui.system_prompt_panel import SystemPromptPanel
from desktop.ui.worker import EngineController
from desktop.ui.inert import message_box, plain_label, plain_tip

DRAW_INTERVAL_MS = 40  # tokens are drawn in batches, never one relayout per token
MODEL_PATH_KEY = "model_path"


@dataclass
class ActiveReply:
    """The reply being generated, as the GUI thread tracks it."""

    request_id: int
    conversation_id: int
    recorder: ReplyRecorder
    pending: list[str] = field(default_factory=list)
    first_token_at: float | None = None
    tokens: int = 0
    prompt: PromptReady | None = None


class MainWindow(QMainWindow):
    replyFinished = Signal(int)  # message id; emitted on the GUI thread once the reply is saved

    def __init__(self, store: Store, engine_factory, model_path: Path, engine_config: EngineConfig = EngineConfig()):
        super().__init__()
        self.setWindowTitle("Inkling")
        self.resize(1200, 780)
        self.store = store
        self.engine_config = engine_config
        self.model_info: ModelInfo | None = None
        self.model_name = ""
        self.conversation_id: int | None = None
        self.active: ActiveReply | None = None
        self._loading_request: int | None = None
        self._loading_path: Path | None = None
        self._stopped = False

        self.engine = EngineController(engine_factory, self)
        worker = self.engine.worker
        worker.modelLoaded.connect(self._model_loaded)
        worker.modelFailed.connect(self._model_failed)
        worker.promptReady.connect(self._prompt_ready)
        worker.token.connect(self._token)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)

        self._build_widgets()
        self._build_menus()
        self.notes = NotesController(self)
        self._draw_timer = QTimer(self)
        self._draw_timer.setInterval(DRAW_INTERVAL_MS)
        self._draw_timer.timeout.connect(self._draw_pending)

        self.refresh_conversations(select_first=True)
        self.load_model(model_path)

    # --- layout --------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.sidebar = ConversationList()
        self.sidebar.selected.connect(self.open_conversation)
        self.sidebar.renamed.connect(self.rename_conversation)
        self.sidebar.deleteRequested.connect(self.delete_conversation)
        new_chat = QPushButton("New chat")
        new_chat.setObjectName("newChat")
        new_chat.clicked.connect(self.new_conversation)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(new_chat)
        left_layout.addWidget(self.sidebar)

        self.chat = ChatView()
        self.composer = Composer()
        self.composer.submitted.connect(self.send)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("send")
        self.send_button.clicked.connect(self.composer.submit)
        self.stop_button = QPushButton("Stop")
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
        center_layout.addLayout(composer_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(center)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 700])
        self.setCentralWidget(splitter)

        self.sampling = SamplingPanel(load_sampler_settings(self.store))
        self.sampling.changed.connect(lambda settings: save_sampler_settings(self.store, settings))
        self.system_prompt = SystemPromptPanel()
        self.system_prompt.edited.connect(self._system_prompt_edited)
        self.sampling_dock = self._dock("Sampling", self.sampling, "samplingDock")
        self.system_dock = self._dock("System prompt", self.system_prompt, "systemPromptDock")
        self.tabifyDockWidget(self.sampling_dock, self.system_dock)
        self.sampling_dock.raise_()
        self.inspector = TokenInspector(self, self.store, self.chat, self.sampling, self.sampling_dock)
        self.inspector.continueRequested.connect(self.continue_from)
        self.inspector.switchRequested.connect(self.switch_branch)

        self.model_label = plain_label("No model")
        self.model_label.setObjectName("modelLabel")
        self.load_progress = QProgressBar()
        self.load_progress.setRange(0, 0)  # llama.cpp gives no load progress through this API: busy indicator
        self.load_progress.setMaximumWidth(120)
        self.load_progress.setVisible(False)
        self.stats_label = QLabel()
        self.stats_label.setObjectName("statsLabel")
        status = self.statusBar()
        status.addWidget(self.model_label)
        status.addWidget(self.load_progress)
        status.addPermanentWidget(self.stats_label)
        self.tools = ConversationTools(self)
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
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New chat", QKeySequence.StandardKey.New, self.new_conversation)
        self._action(file_menu, "&Open model…", QKeySequence.StandardKey.Open, self.choose_model)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        chat_menu = self.menuBar().addMenu("&Conversation")
        self._action(chat_menu, "&Rename", QKeySequence(Qt.Key.Key_F2), self._rename_current)
        self._action(chat_menu, "&Delete…", None, self.sidebar.request_delete_current)
        self._action(chat_menu, "&Stop reply", QKeySequence(Qt.Key.Key_Escape), self.stop)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.sampling_dock.toggleViewAction())
        view_menu.addAction(self.system_dock.toggleViewAction())
        view_menu.addSeparator()
        self.inspector.install(view_menu)
        self.tools.install(chat_menu, view_menu)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- dialogs (tests replace these) ---------------------------------------------------------
    def show_error(self, title: str, text: str) -> None:
        message_box(self, QMessageBox.Icon.Critical, title, text)

    def confirm(self, title: str, text: str) -> bool:
        answer = message_box(self, QMessageBox.Icon.Question, title, text,
                             QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # --- model ---------------------------------------------------------------------------------
    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", "", "GGUF models (*.gguf);;All files (*)")
        if path:
            self.load_model(Path(path))

    def load_model(self, path: Path) -> None:
        self._loading_path = Path(path)
        self._loading_request = self.engine.load_model(str(path), self.engine_config)
        self.model_label.setText(f"Loading {display_name(Path(path))}…")
        self.load_progress.setVisible(True)

    def _model_loaded(self, request_id: int, info: ModelInfo) -> None:
        if request_id != self._loading_request:
            return
        self._loading_request = None
        self.load_progress.setVisible(False)
        self.model_info = info
        self.model_name = display_name(info.path)
        mode = "chat" if info.mode == "chat" else "text completion (no chat template)"
        self.model_label.setText(f"{self.model_name} · {mode}")
        self.model_label.setToolTip(plain_tip(str(info.path)))
        self.system_prompt.set_completion_mode(info.mode == "completion")
        self.stats_label.setText(f"context 0 / {info.n_ctx}")
        self.store.set_setting(MODEL_PATH_KEY, str(info.path))
        self.tools.conversation_opened()  # the budget is in this model's tokens

    def _model_failed(self, request_id: int, message: str) -> None:
        if request_id != self._loading_request:
            return
        self._loading_request = None
        self.load_progress.setVisible(False)
        if self.model_info is not None:
            self.model_label.setText(f"{self.model_name} · {self.model_info.mode}")
        else:
            self.model_label.setText("No model: open one with File → Open model…")
        kept = f"\n\n{self.model_name} is still loaded." if self.model_info else ""
        self.show_error("Cannot open model", f"{message}{kept}")

    # --- conversations ---------------------------------------------------------------------------
    def refresh_conversations(self, select_first: bool = False) -> None:
        conversations = self.store.list_conversations()
        if select_first and conversations and self.conversation_id is None:
            self.conversation_id = conversations[0].id
        self.sidebar.set_conversations(conversations, self.conversation_id)
        if select_first:
            if self.conversation_id is None:
                self.new_conversation()
            else:
                self.open_conversation(self.conversation_id)

    def new_conversation(self) -> None:
        self.system_prompt.flush()
        conversation = self.store.create_conversation(system_prompt=DEFAULT_SYSTEM_PROMPT)
        self.conversation_id = conversation.id
        self.sidebar.set_conversations(self.store.list_conversations(), conversation.id)
        self.open_conversation(conversation.id)
        self.composer.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        self.system_prompt.flush()
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        self.conversation_id = conversation_id
        self.system_prompt.set_text(conversation.system_prompt)
        self.notes.conversation_opened(conversation_id)
        self.chat.clear()
        for message in self.store.thread(conversation_id):
            view = self.chat.add_message(message, self._author(message))
            if self.active and message.id == self.active.recorder.message_id:
                view.body.setPlainText(self.active.recorder.text)  # the store lags by up to a second
            self.inspector.attach(view, message)
            self.notes.attach(view, message)
            self.tools.attach(view, message)
        self.chat.scroll_to_end()
        self.tools.conversation_opened()

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)

    def _rename_current(self) -> None:
        item = self.sidebar.currentItem()
        if item is not None:
            self.sidebar.editItem(item)

    def delete_conversation(self, conversation_id: int) -> None:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None or not self.confirm(
            "Delete conversation", f"Delete “{conversation.title}” and all its messages? This cannot be undone."
        ):
            return
        if self.active and self.active.conversation_id == conversation_id:
            self.engine.cancel(self.active.request_id)
            self.active = None
            self._set_streaming(False)
        self.store.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.conversation_id = None
        self.refresh_conversations(select_first=True)

    def _system_prompt_edited(self, text: str) -> None:
        if self.conversation_id is not None:
            self.store.set_system_prompt(self.conversation_id, text)

    def _author(self, message) -> str:
        return "You" if message.role == "user" else (message.model or "Assistant")

    # --- sending and streaming -------------------------------------------------------------------
    def send(self, text: str) -> None:
        if self.active is not None:
            return  # one reply at a time; Stop first
        if self.tools.editing is not None:
            self.tools.submit_edit(text)  # an edited message goes on a new branch
            return
        self.system_prompt.flush()
        if self.conversation_id is None:
            self.new_conversation()
        model_name = self.model_name or (display_name(self._loading_path) if self._loading_path else "")
        request = start_turn(
            self.store, self.conversation_id, text, self.sampling.settings(), model_name,
            request_id=self.engine.next_request_id(),
        )
        self.composer.clear()
        self.begin_reply(request)

    def begin_reply(self, request) -> None:
        """Show the saved turn, then find its notes and generate (a new message, an edit or a regeneration)."""
        recorder = ReplyRecorder(self.store, request.message_id)
        self.active = ActiveReply(request.request_id, request.conversation_id, recorder)
        self.open_conversation(request.conversation_id)
        self.sidebar.set_conversations(self.store.list_conversations(), self.conversation_id)
        self._set_streaming(True)
        self.notes.ground_then_generate(request)

    def continue_from(self, message_id: int, position: int, token_id: int) -> None:
        """A new branch of a reply: its tokens up to `position`, then `token_id`, then generated on."""
        if self.active is not None:
            self.statusBar().showMessage("Wait for the reply being written to finish (or stop it) first.", 6000)
            return
        try:
            request, records = start_branch(
                self.store, message_id, position, token_id, self.model_name, request_id=self.engine.next_request_id(),
            )
        except BranchError as error:
            self.show_error("Cannot continue from this token", str(error))
            return
        recorder = ReplyRecorder(self.store, request.message_id)
        recorder.records = records
        self.active = ActiveReply(request.request_id, request.conversation_id, recorder)
        self.open_conversation(request.conversation_id)
        self._set_streaming(True)
        self.engine.generate(request)

    def switch_branch(self, message_id: int) -> None:
        """Show another branch: that message and the newest conversation below it."""
        self.store.show_branch(message_id)
        self.open_conversation(self.conversation_id)

    def stop(self) -> None:
        if self.active is not None:
            self._stopped = True
            self.engine.cancel(self.active.request_id)

    def _set_streaming(self, streaming: bool) -> None:
        self.send_button.setEnabled(not streaming)
        self.stop_button.setEnabled(streaming)
        if streaming:
            self._draw_timer.start()
        else:
            self._draw_timer.stop()

    def _is_current(self, request_id: int) -> bool:
        return self.active is not None and self.active.request_id == request_id

    def _prompt_ready(self, request_id: int, prompt: PromptReady) -> None:
        if self._is_current(request_id):
            self.active.prompt = prompt
            self.active.recorder.prompt = prompt
            if isinstance(prompt, BranchReady):
                self.active.recorder.text = prompt.prefix_text
                self.active.pending.append(prompt.prefix_text)
            if prompt.dropped_messages:
                self.statusBar().showMessage(
                    f"The conversation is longer than the context: the {prompt.dropped_messages} oldest messages were left out.",
                    8000,
                )

    def _token(self, request_id: int, event: TokenEvent) -> None:
        if not self._is_current(request_id):
            return  # a superseded request
        active = self.active
        if active.first_token_at is None:
            active.first_token_at = time.perf_counter()
        active.tokens += 1
        active.recorder.add(event)
        if event.delta:
            active.pending.append(event.delta)

    def _draw_pending(self) -> None:
        active = self.active
        if active is None or not active.pending:
            return
        text = "".join(active.pending)
        active.pending.clear()
        view = self._active_view()
        if view is not None:
            view.append_text(text)
            self.inspector.draw_stream(view, active.recorder.records)
        self._show_live_stats()

    def _active_view(self) -> MessageView | None:
        if self.active is None or self.active.conversation_id != self.conversation_id:
            return None
        return self.chat.view_for(self.active.recorder.message_id)

    def _show_live_stats(self) -> None:
        active = self.active
        if active.first_token_at is None or self.model_info is None:
            return
        elapsed = time.perf_counter() - active.first_token_at
        rate = (active.tokens - 1) / elapsed if elapsed > 0 and active.tokens > 1 else 0.0
        used = (active.prompt.prompt_tokens if active.prompt else 0) + active.tokens
        self.stats_label.setText(f"{rate:.1f} tok/s · context {used} / {self.model_info.n_ctx}")

    def _finished(self, request_id: int, finished: Finished) -> None:
        if not self._is_current(request_id):
            return
        self._draw_pending()
        message = self.active.recorder.finish(finished)
        self._end_reply(message)
        stats = finished.stats
        self.stats_label.setText(
            f"{stats.tokens_per_s:.1f} tok/s · TTFT {stats.ttft_ms:.0f} ms · "
            f"context {stats.prompt_tokens + stats.completion_tokens} / {stats.n_ctx}"
        )

    def _failed(self, request_id: int, error: str) -> None:
        if not self._is_current(request_id):
            return
        self._draw_pending()
        message = self.active.recorder.fail(error)
        self._end_reply(message)
        self.statusBar().showMessage(f"The reply failed: {error}", 10000)

    def _end_reply(self, message) -> None:
        self.active = None
        self._stopped = False
        self._set_streaming(False)
        view = self.chat.view_for(message.id)
        if view is not None:
            view.show_message(message)
            self.inspector.finished(view, message)
            self.notes.attach(view, message)
        self.sidebar.set_conversations(self.store.list_conversations(), self.conversation_id)
        self.tools.reply_ended(message)
        self.replyFinished.emit(message.id)

    # --- shutdown --------------------------------------------------------------------------------
    def closeEvent(self, event):  # noqa: N802
        self.system_prompt.flush()
        if self.active is not None:
            # Keep the partial reply: it is saved as stopped, exactly as if Stop had been pressed.
            self.engine.cancel(self.active.request_id)
            recorder = self.active.recorder
            recorder.flush()
            self.store.update_message(recorder.message_id, status="cancelled", finish_reason="cancelled")
            self.active = None
        self._draw_timer.stop()
        self.tools.shutdown()
        self.notes.shutdown()
        self.engine.shutdown()
        super().closeEvent(event)
