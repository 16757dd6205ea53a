"""The transcript updates in place: a send reads the same number of rows whatever the conversation's length."""

import pytest
from PySide6.QtCore import QEvent, QObject

from desktop.core.probability.sampling import SamplerSettings
from tests.fakes import SCRIPT, FakeEngine
from tests.ui.conftest import send


def long_conversation(store, turns: int) -> int:
    conversation = store.create_conversation("Long")
    parent = None
    for n in range(turns):
        user = store.add_message(conversation.id, "user", f"question {n}", parent_id=parent)
        reply = store.add_message(conversation.id, "assistant", f"answer {n}", parent_id=user.id, model="fake.gguf",
                                  sampler=SamplerSettings().to_dict())
        parent = reply.id
    return conversation.id


def statements_of_one_send(qtbot, window, turns: int) -> int:
    window.open_conversation(long_conversation(window.store, turns))
    qtbot.waitUntil(lambda: not window.transcript.filling and all(r.ready for r in window.inspector.replies.values()))
    window.tools.model_info = None  # the meter re-measures on a debounce timer: when it fires is timing, not a send
    statements = []
    window.store.db.conn.set_trace_callback(statements.append)
    try:
        send(qtbot, window, "One more?")
    finally:
        window.store.db.conn.set_trace_callback(None)
    return len(statements)


def test_queries_per_send_do_not_grow_with_the_conversation(qtbot, make_window):
    # a reply of seven tokens takes milliseconds: one save on its first token, one at its end, whatever the load
    window = make_window(lambda path, config: FakeEngine(path, config, script=SCRIPT[:7]))
    short = statements_of_one_send(qtbot, window, 2)
    long = statements_of_one_send(qtbot, window, 25)
    assert long == short


def test_a_send_keeps_the_views_above_and_adds_two(qtbot, make_window):
    window = make_window()
    window.open_conversation(long_conversation(window.store, 3))
    before = window.chat.views()
    send(qtbot, window, "And then?")
    after = window.chat.views()
    assert after[:len(before)] == before  # the same widgets, not rebuilt
    assert [v.role for v in after[len(before):]] == ["user", "assistant"]


def test_regenerate_replaces_only_the_reply(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Hi")
    views = window.chat.views()
    window.tools.regenerate(views[-1].message_id)
    qtbot.waitUntil(lambda: window.replies.active is None and window.chat.views()[-1] is not views[-1])
    assert window.chat.views()[:-1] == views[:-1]


def test_a_long_conversation_opens_at_its_end_and_fills_upwards(qtbot, make_window):
    from desktop.ui.transcript import FIRST_VIEWS

    window = make_window()
    conversation_id = long_conversation(window.store, 20)
    window.open_conversation(conversation_id)
    assert len(window.chat.views()) == FIRST_VIEWS  # what the window shows first is built at once
    thread = [m.id for m in window.store.thread(conversation_id)]
    qtbot.waitUntil(lambda: len(window.chat.views()) == len(thread))
    assert [v.message_id for v in window.chat.views()] == thread


def test_a_send_while_the_transcript_fills_keeps_its_order(qtbot, make_window):
    window = make_window()
    conversation_id = long_conversation(window.store, 20)
    window.open_conversation(conversation_id)
    send(qtbot, window, "Straight away")
    assert [v.message_id for v in window.chat.views()] == [m.id for m in window.store.thread(conversation_id)]


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_a_switch_paints_its_end_before_it_builds_the_rest(qtbot, make_window):
    """The newest messages are painted first; older views and every reply's trace and heat come after that paint."""
    from desktop.ui.transcript import FIRST_VIEWS

    window = make_window()
    window.show()
    conversation_id = long_conversation(window.store, 20)
    seen = []

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                seen.append(("paint", len(window.chat.views())))
            return False

    watch = PaintWatch()
    window.chat.widget().installEventFilter(watch)
    prepare = window.inspector._prepare
    window.inspector._prepare = lambda reply: (seen.append(("prepare", None)), prepare(reply))
    qtbot.waitUntil(lambda: not window.inspector._lazy_timer.isActive())
    seen.clear()
    window.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: not window.transcript.filling and all(r.ready for r in window.inspector.replies.values()))
    first_paint = next(i for i, (what, _) in enumerate(seen) if what == "paint")
    assert seen[first_paint][1] == FIRST_VIEWS  # the end of the transcript, nothing older yet
    assert all(what == "paint" for what, _ in seen[:first_paint + 1])  # no reply was prepared before it
