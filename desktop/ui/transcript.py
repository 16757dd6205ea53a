"""Which messages of the open conversation have views: one full build on a switch, in-place changes after it."""

import dataclasses
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.text import shown_part
from desktop.ui.after_paint import AfterPaint

FIRST_VIEWS = 6  # built at once when a conversation opens: more than a window shows at its end...
FIRST_CHARS = 4_000  # ...unless fewer already hold more text than a window shows (a long reply takes ~50 ms)
FILL_MS = 25  # older messages are added above for this long per turn of the event loop (at least one)
# At most this many messages are read and built per step: a conversation of 200,000 messages opens
# as fast as one of 200, and "Show earlier messages" adds the next ones above.
SHOWN_MESSAGES = 200
SHOWN_CHARS = 100_000  # of one message: Qt lays a 50 MB message out for minutes and gigabytes


def first_views(thread: list) -> int:
    """How many of the newest messages to build at once: FIRST_VIEWS, or fewer when they hold FIRST_CHARS."""
    count = chars = 0
    for message in reversed(thread[-FIRST_VIEWS:]):
        count += 1
        chars += len(message.content)
        if chars >= FIRST_CHARS:
            break
    return count


class Transcript(QObject):
    """Gives the chat view the views of the conversation's shown branch and keeps them in step with the store.

    Who decorates a view (probabilities, sources, actions) listens to viewAdded; who follows the
    thread (budget meter, status line) listens to threadShown.
    """

    viewAdded = Signal(object, object, bool)  # view, message, lazy (its trace prepared later, newest first)
    threadShown = Signal(int, object, bool)  # conversation id, messages shown, whether that is the whole thread

    def __init__(self, store, chat, author: Callable, active_session: Callable, parent=None):
        super().__init__(parent)
        self.store = store
        self.chat = chat
        self._author = author
        self._active_session = active_session
        self.conversation_id: int | None = None
        self.older: list = []  # messages of the open conversation not yet given a view (oldest first)
        self._fill_timer = QTimer(self)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_older)
        self._after_paint = AfterPaint(chat.widget(), self._fill_timer.start, parent=self)  # the end first
        chat.earlierRequested.connect(self.show_earlier)

    @property
    def filling(self) -> bool:
        """Older messages are still being added above the ones shown."""
        return bool(self.older)

    def clear(self) -> None:
        self.stop()
        self.older = []
        self.chat.clear()

    def stop(self) -> None:
        """No more older views are added (the window is closing)."""
        self._after_paint.cancel()
        self._fill_timer.stop()

    def open(self, conversation_id: int) -> None:
        """The one full build: the last messages at once (it opens at its end), the older ones above, a few per turn."""
        self.clear()
        self.conversation_id = conversation_id
        thread = self.store.thread(conversation_id, SHOWN_MESSAGES + 1)
        complete = len(thread) <= SHOWN_MESSAGES
        thread = thread[-SHOWN_MESSAGES:]
        self.chat.set_earlier(0 if complete else None)
        first = first_views(thread)
        self.older, newest = thread[:len(thread) - first], thread[len(thread) - first:]
        for message in newest:
            self._add_view(message, lazy=True)
        if self.older:
            self._after_paint.arm()
        self.chat.scroll_to_end()
        self.threadShown.emit(conversation_id, thread, complete)

    def show_changes(self, conversation_id: int) -> None:
        """The thread changed (a turn, an edit, a branch, a deletion): views are replaced only below the fork."""
        if conversation_id != self.conversation_id:
            self.open(conversation_id)
            return
        if self.older:
            self._fill_older(len(self.older))  # the comparison below needs the whole transcript
        shown = self.chat.views()
        # Read as far back as the transcript goes, and a little more: a change only ever replaces its end.
        limit = len(shown) + FIRST_VIEWS
        thread = self.store.thread(conversation_id, limit)
        complete = len(thread) < limit
        start = next((i for i, m in enumerate(thread) if shown and m.id == shown[0].message_id), None)
        if start is None and not (complete and not shown):
            self.open(conversation_id)  # the fork is above what is shown
            return
        thread = thread[start or 0:]
        kept = self.chat.keep_prefix([m.id for m in thread])
        for message in thread[kept:]:
            self._add_view(message)
        self.threadShown.emit(conversation_id, thread, complete and not start)

    def show_earlier(self, until: int | None = None) -> None:
        """Add the next SHOWN_MESSAGES messages above the transcript (`until`: as many as it takes to show that one)."""
        self._fill_older(len(self.older))
        views = self.chat.views()
        if not views:
            return
        limit = SHOWN_MESSAGES + 2  # the first shown message, the batch, and one more to know if any are left
        while True:
            earlier = self.store.path(views[0].message_id, limit)[:-1]
            complete = len(earlier) < limit - 1
            wanted = until is None or any(m.id == until for m in earlier)
            if complete or wanted:
                break
            limit *= 4
        if not complete:
            earlier = earlier[1:]
        if until is not None:
            index = next((i for i, m in enumerate(earlier) if m.id == until), None)
            if index is None:
                return
            earlier = earlier[max(0, min(index, len(earlier) - SHOWN_MESSAGES)):]
            complete = complete and index == 0
        self.chat.set_earlier(0 if complete else None)
        self.older = earlier
        self._fill_older(len(earlier) if until is not None else first_views(earlier))
        if self.older:
            self._fill_timer.start()

    def reveal(self, message_id: int) -> None:
        """Make sure the message has a view (a search result may be older than what is shown)."""
        if self.chat.view_for(message_id) is None:
            self.show_earlier(until=message_id)

    def _fill_older(self, count: int | None = None) -> None:
        """Add `count` older views above the transcript, or (None) as many as FILL_MS allows, at least one."""
        deadline = time.perf_counter() + FILL_MS / 1000
        added = 0
        while self.older and (added < count if count is not None else added == 0 or time.perf_counter() < deadline):
            self._add_view(self.older.pop(), lazy=True, above=True)
            added += 1
        if not self.older:
            self._fill_timer.stop()

    def fill_now(self) -> None:
        """Every older message given its view at once (the old full build; the transcript benchmark compares with it)."""
        self._fill_older(len(self.older))

    def _add_view(self, message, lazy: bool = False, above: bool = False) -> None:
        if len(message.content) > SHOWN_CHARS:
            message = dataclasses.replace(message, content=shown_part(message.content, SHOWN_CHARS))
        view = self.chat.add_message(message, self._author(message), above)
        session = self._active_session()
        if session is not None and message.id == session.message_id:
            view.show_streaming(session.text)  # the store lags by up to a second
        self.viewAdded.emit(view, message, lazy)
