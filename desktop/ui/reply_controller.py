"""The reply being written, on the GUI thread: ground → generate → stop, drawn in batches, one ReplySession."""

import time

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from desktop.core.conversation.turns import ReplyRequest
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.types import ASSUMED, Finished, ModelInfo, TokenEvent
from desktop.core.store import Store
from desktop.core.probability.trace import TokenRecord
from desktop.ui.worker import EngineController
from desktop.ui.language import said

DRAW_INTERVAL_MS = 40  # tokens are drawn in batches, never one relayout per token
NOTICE_MS = 8000


def context_size(n_ctx: int, assumed: bool) -> str:
    """A context size as the status bar shows it: a server that names none gets a guess, and it says so."""
    return QCoreApplication.translate("ReplyController", "{n_ctx} (assumed)").format(n_ctx=n_ctx) if assumed else str(n_ctx)


def stats_line(stats: dict) -> str:
    """A finished reply's speed and context use, for the status bar (also for a reply shown later)."""
    if not {"tokens_per_s", "ttft_ms", "prompt_tokens", "completion_tokens", "n_ctx"} <= stats.keys():
        return ""  # saved by an engine that did not measure them all
    n_ctx = context_size(stats["n_ctx"], bool(stats.get("n_ctx_assumed")))
    if not stats["completion_tokens"]:  # stopped (or failed) before its first token: no speed, no first token to time
        return QCoreApplication.translate("ReplyController", "no token written · context {used} / {n_ctx}").format(
            used=stats["prompt_tokens"], n_ctx=n_ctx)
    return QCoreApplication.translate("ReplyController", "{rate} tok/s · TTFT {ttft} ms · context {used} / {n_ctx}").format(
        rate=f"{stats['tokens_per_s']:.1f}", ttft=f"{stats['ttft_ms']:.0f}",
        used=stats['prompt_tokens'] + stats['completion_tokens'], n_ctx=n_ctx)


class ReplyController(QObject):
    """Owns the active ReplySession; the engine worker's signals come in tagged with a request id.

    Views never read the session's state from here: they are told, through signals, what to show.
    """

    started = Signal(object, int)  # the ReplySession just begun (its message saved, streaming), conversation id
    groundRequested = Signal(object)  # ReplyRequest: find its notes, then call on_grounded
    streamed = Signal(object, str)  # ReplySession, the text that arrived since the last draw
    prompted = Signal(object)  # ReplySession whose prompt is built (session.prompt: what was left out)
    reading = Signal(object, int, int)  # ReplySession, prompt tokens read, of how many (a long prompt)
    ended = Signal(object)  # the ReplySession, ended; session.message is the saved message
    statsChanged = Signal(str)
    notify = Signal(str, int)  # text, milliseconds
    busyChanged = Signal(bool)

    def __init__(self, store: Store, engine: EngineController, parent=None):
        super().__init__(parent)
        self.store = store
        self.engine = engine
        self.model_info: ModelInfo | None = None
        self.active: ReplySession | None = None
        self.request: ReplyRequest | None = None
        self.stopped = False
        self._pending: list[str] = []
        self._first_token_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(DRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._draw)
        # Queued explicitly: the session writes SQLite, which only the GUI thread may touch.
        worker, queued = engine.worker, Qt.ConnectionType.QueuedConnection
        worker.promptReady.connect(self.on_prompt_ready, queued)
        worker.promptProgress.connect(self.on_prompt_progress, queued)
        worker.token.connect(self.on_token, queued)
        worker.finished.connect(self.on_finished, queued)
        worker.failed.connect(self.on_failed, queued)

    @property
    def busy(self) -> bool:
        return self.active is not None

    def set_model(self, info: ModelInfo) -> None:
        self.model_info = info

    # --- starting and stopping --------------------------------------------------------------------------
    def begin(self, request: ReplyRequest, prefix: list[TokenRecord] = (), grounded: bool = False) -> None:
        """A saved turn: show it, then find its notes (unless given) and generate."""
        self.active = ReplySession(self.store, request.message_id, prefix)
        self.request = request
        self.stopped = False
        self._pending.clear()
        self._first_token_at = None
        self._timer.start()
        self.busyChanged.emit(True)
        self.started.emit(self.active, request.conversation_id)
        if grounded:
            self.on_grounded(request)
        else:
            self.groundRequested.emit(request)

    def on_grounded(self, request: ReplyRequest) -> None:
        if not self._is_current(request.request_id):
            return  # abandoned (its conversation deleted) while its notes were searched
        self.request = request
        self.engine.generate(request)
        if self.stopped:  # Stop was pressed while the notes were searched
            self.engine.cancel(request.request_id)

    def stop(self) -> None:
        if self.active is not None:
            self.stopped = True
            self.engine.cancel(self.request.request_id)

    def drop(self, conversation_id: int) -> None:
        """The conversation is being deleted: stop its reply without saving anything more."""
        if self.active is not None and self.request.conversation_id == conversation_id:
            self.engine.cancel(self.request.request_id)
            self._reset()

    def abandon(self) -> None:
        """The window closes: the partial reply is kept, marked stopped."""
        if self.active is not None:
            self.engine.cancel(self.request.request_id)
            self.active.abandon()
            self._reset()

    # --- the worker's events ------------------------------------------------------------------------------
    def _is_current(self, request_id: int) -> bool:
        return self.active is not None and self.request.request_id == request_id

    def on_prompt_ready(self, request_id: int, prompt) -> None:
        if not self._is_current(request_id):
            return
        self.active.apply(prompt)
        if self.active.text:  # a branch starts with its prefix's text
            self._pending.append(self.active.text)
        if prompt.dropped_messages:
            self.notify.emit(self.tr("The conversation is longer than the context: the {count} oldest messages were left out.")
                             .format(count=prompt.dropped_messages), NOTICE_MS)
        self.prompted.emit(self.active)

    def on_prompt_progress(self, request_id: int, done: int, total: int) -> None:
        if self._is_current(request_id):
            self.reading.emit(self.active, done, total)

    def on_token(self, request_id: int, event: TokenEvent) -> None:
        if not self._is_current(request_id):
            return  # a superseded request
        if self._first_token_at is None:
            self._first_token_at = time.perf_counter()
        if self.active.apply(event) is not None:  # a save failed (a full disk): the reply ended as an error
            self.engine.cancel(request_id)
            self._pending.clear()  # text past the last save is not drawn: the view shows what was kept
            self._say_save_error()
            self._end()
            return
        if event.delta:
            self._pending.append(event.delta)

    def on_finished(self, request_id: int, finished: Finished) -> None:
        if not self._is_current(request_id):
            return
        self._draw()
        self.active.apply(finished)
        self.statsChanged.emit(stats_line(finished.stats.to_dict()))
        self._say_save_error()
        self._end()

    def _say_save_error(self) -> None:
        if self.active.save_error is not None:
            self.notify.emit(self.tr("The reply could not be saved: {error}").format(error=said(self.active.save_error)), NOTICE_MS)

    def on_failed(self, request_id: int, error: str) -> None:
        if not self._is_current(request_id):
            return
        self._draw()
        self.active.fail(error)
        self.notify.emit(self.tr("The reply failed: {error}").format(error=error), NOTICE_MS)
        self._end()

    def _draw(self) -> None:
        session = self.active
        if session is None or not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self.streamed.emit(session, text)
        self._show_live_stats()

    def _show_live_stats(self) -> None:
        if self._first_token_at is None or self.model_info is None:
            return
        tokens = self.active.generated
        elapsed = time.perf_counter() - self._first_token_at
        rate = (tokens - 1) / elapsed if elapsed > 0 and tokens > 1 else 0.0
        used = (self.active.prompt.prompt_tokens if self.active.prompt else 0) + tokens
        self.statsChanged.emit(self.tr("{rate} tok/s · context {used} / {n_ctx}").format(
            rate=f"{rate:.1f}", used=used,
            n_ctx=context_size(self.model_info.n_ctx, self.model_info.n_ctx_source == ASSUMED)))

    def _end(self) -> None:
        session = self.active
        self._reset()
        self.ended.emit(session)

    def _reset(self) -> None:
        self.active = None
        self.request = None
        self.stopped = False
        self._pending.clear()
        self._timer.stop()
        self.busyChanged.emit(False)
