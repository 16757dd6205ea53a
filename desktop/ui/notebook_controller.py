"""A base model's notebooks in the window: the page shown, Tab to continue it, drafts kept as typed."""

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.core.conversation.notebook import (
    NOTEBOOK, EmptyDocumentError, Page, page, save_draft, start_continuation, turn_into_notebook,
)
from desktop.core.engine.types import ModelInfo
from desktop.core.store import Store
from desktop.ui.language import said
from desktop.ui.notebook import NotebookView
from desktop.ui.sampling_panel import SamplingPanel
from desktop.ui.system_prompt_panel import SystemPromptPanel


class NotebookController(QObject):
    """Owns the notebook view (the window places it and shows it for a notebook conversation) and what its
    document asks of the store; the reply itself goes through the window's reply controller (replyRequested)."""

    replyRequested = Signal(object)  # the continuation's ReplyRequest: generate it
    pageShown = Signal(object, object, list)  # the continuation's view (or None), its Message (or None), the thread
    converted = Signal(int)  # an empty chat became a notebook for the base model just loaded: show it again
    notebookWanted = Signal()  # a base model was loaded while a chat with messages is shown: open a new notebook
    draftSaved = Signal(int)  # conversation id: its document was saved as the user left it
    notify = Signal(str, int)  # a status line, milliseconds

    def __init__(self, store: Store, sampling: SamplingPanel, system_prompt: SystemPromptPanel,
                 conversation: Callable[[], int | None], is_busy: Callable[[], bool],
                 active_reply: Callable[[], object], next_request_id: Callable[[], int], parent=None):
        """`conversation()`: the conversation shown; `active_reply()`: the ReplySession being written, if any."""
        super().__init__(parent)
        self.store = store
        self.sampling = sampling
        self.system_prompt = system_prompt
        self._conversation = conversation
        self._is_busy = is_busy
        self._active_reply = active_reply
        self._next_request_id = next_request_id
        self.model_info: ModelInfo | None = None
        self.model_name = ""
        self.view = NotebookView(store.load_trace_table)
        self.view.setVisible(False)
        self.view.continueRequested.connect(self.continue_document)
        self.view.draftChanged.connect(self._save_draft)

    def on_model_loaded(self, info: ModelInfo, name: str, opening: bool = False) -> None:
        """A base model writes in a notebook: an empty chat becomes one, otherwise a new notebook is wanted.
        `opening`: no conversation is shown yet (the one about to open was already the model's)."""
        self.model_info, self.model_name = info, name
        if info.mode != "completion" or opening:
            return
        conversation_id = self._conversation()
        conversation = self.store.get_conversation(conversation_id) if conversation_id else None
        if conversation is not None and conversation.kind == NOTEBOOK:
            return
        if conversation is not None and conversation.leaf_message_id is None and not self._is_busy():
            turn_into_notebook(self.store, conversation.id)
            self.converted.emit(conversation.id)
        else:
            self.notebookWanted.emit()

    def show(self, conversation_id: int) -> None:
        """The notebook's page from the branch shown, with the text of a continuation still being written."""
        thread = self.store.thread(conversation_id, 2)
        shown = page(thread)
        session = self._active_reply()
        if shown.continuation is not None and session is not None and session.message_id == shown.continuation.id:
            # the store lags the reply being written by up to a second: the page shows the reply's own text
            shown = Page(shown.document, dataclasses.replace(shown.continuation, content=session.text))
        siblings = [m.id for m in self.store.siblings(shown.continuation.id) if m.role == "assistant"] \
            if shown.continuation else []
        view = self.view.show_page(shown, siblings)
        self.pageShown.emit(view, shown.continuation, thread)
        self.view.editor.setFocus()

    def continue_document(self, text: str) -> None:
        """Tab in a notebook: the document is saved and the model writes on from its end."""
        if self._is_busy():
            self.notify.emit(self.tr("Wait for the text being written to finish (or stop it) first."), 6000)
            return
        self.system_prompt.flush()
        try:
            request = start_continuation(self.store, self._conversation(), text, self.sampling.settings(),
                                         self.model_name, request_id=self._next_request_id())
        except EmptyDocumentError as error:
            self.notify.emit(said(error), 6000)
            return
        if self.model_info is not None and self.model_info.mode == "chat":
            self.notify.emit(self.tr("A chat model answers the document as a message; a base model continues it "
                                     "(Model → Bundled models)."), 8000)
        self.replyRequested.emit(request)

    def _save_draft(self, text: str) -> None:
        conversation_id = self._conversation()
        if conversation_id is not None and not self._is_busy():
            if save_draft(self.store, conversation_id, text) is not None:
                self.draftSaved.emit(conversation_id)
