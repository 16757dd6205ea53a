"""ReplySession: the one owner of a reply's text, trace, prompt and status while it is written, and its saves."""

import dataclasses
import time
from collections.abc import Callable

from desktop.core.conversation.branching import BranchReady
from desktop.core.conversation.turns import PromptReady
from desktop.core.dbfiles import DiskFullError
from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.errors import InklingError
from desktop.core.store import Message, Store
from desktop.core.probability.trace import TokenRecord, TraceBuilder, TraceTable
from desktop.core.words import translate

FLUSH_INTERVAL_S = 1.0
DISK_FULL_REPLY = translate("core", "the disk is full; what was written so far is kept up to the last save")


class ReplyNotSavedError(InklingError):
    """A save of the reply failed (a full disk, a read-only file); the reply ended as an error."""


class ReplySession:
    """Apply the engine's events in order; the store gets the text and trace together, at least once a second.

    The first token is saved at once (a kill in the first second used to lose everything on screen),
    then at most once per FLUSH_INTERVAL_S. When the reply ends, `table` is the in-memory trace: views
    use it as it is instead of reading back and decoding what was just saved.
    """

    def __init__(self, store: Store, message_id: int, prefix: list[TokenRecord] = (),
                 clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.message_id = message_id
        self.text = ""
        self.trace = TraceBuilder()
        for record in prefix:  # a branch starts with its source's tokens up to the alternative
            self.trace.add(record)
        self.generated = 0  # tokens this session received from the engine (a branch prefix is not counted)
        self.prompt: PromptReady | None = None
        self.message: Message | None = None  # the saved message, once the reply ended
        self.save_error: ReplyNotSavedError | None = None  # why the reply ended early: a save failed
        self._clock = clock
        self._last_flush: float | None = None
        self._dirty = False
        self._prompt_saved = False

    @property
    def ended(self) -> bool:
        return self.message is not None

    @property
    def table(self) -> TraceTable:
        return self.trace.table()

    def apply(self, event: PromptReady | TokenEvent | Finished) -> Message | None:
        """One event from the engine; returns the saved message when the event ends the reply.

        A save that fails (a full disk) ends the reply at once as an error, returning its message; the
        caller stops the engine. Events after the end change nothing.
        """
        if self.ended:
            return self.message
        try:
            if isinstance(event, TokenEvent):
                self._add(event)
            elif isinstance(event, Finished):
                return self._finish(event)
            elif isinstance(event, PromptReady):
                self.prompt = event
                if isinstance(event, BranchReady):
                    self.text = event.prefix_text
        except InklingError as error:
            return self._save_failed(error)
        return None

    def _add(self, event: TokenEvent) -> None:
        self.text += event.delta
        if event.record is not None:
            self.trace.add(event.record)
        self.generated += 1
        self._dirty = True
        if self._last_flush is None or self._clock() - self._last_flush >= FLUSH_INTERVAL_S:
            self.flush()

    def _save_prompt(self) -> None:
        if self.prompt is not None and not self._prompt_saved:
            if self.prompt.token_ids:
                self.store.save_prompt_tokens(self.message_id, list(self.prompt.token_ids))
            # also without ids (a server known by token texts): a branch by text reads the prompt's text from it
            if self.prompt.record is not None:
                self.store.save_prompt_record(self.message_id, self.prompt.record.encode())
            self._prompt_saved = True

    def flush(self) -> None:
        self._save_prompt()
        if self._dirty:
            self.store.save_partial_reply(self.message_id, self.text, self.trace)
            self._dirty = False
        self._last_flush = self._clock()

    def _finish(self, finished: Finished) -> Message:
        self.text += finished.tail
        stats = finished.stats.to_dict()
        if self.prompt is not None:
            stats["dropped_messages"] = self.prompt.dropped_messages
            saved = self.store.load_sources(self.message_id)
            if len(saved) > self.prompt.sources_used:  # the budget left some out: keep only those sent
                self.store.save_sources(self.message_id, saved[: self.prompt.sources_used])
        status = "cancelled" if finished.finish_reason == "cancelled" else "complete"
        return self._end(status, stats=stats, finish_reason=finished.finish_reason)

    def fail(self, error: Exception | str) -> Message:
        """Keep whatever arrived and mark the reply as failed, with the reason in words."""
        return self._end("error", error=str(error))

    def abandon(self) -> Message:
        """The window closes mid-reply: keep what arrived, exactly as if Stop had been pressed."""
        return self._end("cancelled", finish_reason="cancelled")

    def _end(self, status: str, **fields) -> Message:
        try:
            self._save_prompt()
            self.store.save_partial_reply(self.message_id, self.text, self.trace)
            self.store.update_message(self.message_id, status=status, **fields)
        except InklingError as error:
            return self._save_failed(error)
        self.message = self.store.get_message(self.message_id)
        return self.message

    def _save_failed(self, error: InklingError) -> Message:
        """End as an error showing what the database holds (text and trace of the last save), so views agree."""
        reason = DISK_FULL_REPLY if isinstance(error, DiskFullError) else translate(
            "core", "the reply could not be saved ({error}); what was written so far is kept up to the last save").format(error=error)
        self.save_error = ReplyNotSavedError(reason)
        self.save_error.__cause__ = error
        try:
            self.store.update_message(self.message_id, status="error", error=reason)
        except InklingError:
            pass  # left "streaming" on disk: the next start marks it interrupted, with the text of the last save
        saved = self.store.get_message(self.message_id)
        self.text = saved.content
        self.trace = TraceBuilder()
        for record in self.store.load_trace(self.message_id) or []:
            self.trace.add(record)
        self.message = dataclasses.replace(saved, status="error", error=reason)
        return self.message
