"""Any stored conversation opens: a 200,000-message thread or a 50 MB message is never read or laid out whole."""

import json

from desktop.core.probability.sampling import SamplerSettings
from desktop.ui.transcript import SHOWN_CHARS, SHOWN_MESSAGES
from tests.ui.conftest import send


def chain(store, count: int, text: str = "message {n}") -> tuple[int, list[int]]:
    """A conversation whose shown branch is `count` messages, written with raw SQL (thousands in milliseconds)."""
    conversation = store.create_conversation("Long")
    first = store.db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()[0] + 1
    ids = list(range(first, first + count))
    sampler = json.dumps(SamplerSettings().to_dict())
    with store.db.conn:
        store.db.conn.executemany(
            "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, sampler, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'complete', ?, '2026-01-01', '2026-01-01')",
            [(mid, conversation.id, mid - 1 if n else None, "user" if n % 2 == 0 else "assistant",
              text.format(n=n), sampler) for n, mid in enumerate(ids)],
        )
        store.db.conn.execute("UPDATE conversations SET leaf_message_id = ? WHERE id = ?", (ids[-1], conversation.id))
    return conversation.id, ids


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.transcript.filling, timeout=20_000)


def test_a_long_conversation_builds_only_its_end_and_the_rest_on_request(qtbot, make_window):
    window = make_window()
    conversation_id, ids = chain(window.store, 3 * SHOWN_MESSAGES + 7)
    statements = []
    window.store.db.conn.set_trace_callback(statements.append)
    try:
        window.open_conversation(conversation_id)
    finally:
        window.store.db.conn.set_trace_callback(None)
    settle(qtbot, window)
    assert [v.message_id for v in window.chat.views()] == ids[-SHOWN_MESSAGES:]
    earlier = window.chat.findChild(type(window.chat._earlier), "earlierMessages")
    assert earlier.isVisibleTo(window)
    earlier.click()
    settle(qtbot, window)
    assert [v.message_id for v in window.chat.views()] == ids[-2 * SHOWN_MESSAGES:]
    assert earlier.isVisibleTo(window)
    window.transcript.reveal(ids[0])  # a search result at the very start
    settle(qtbot, window)
    assert [v.message_id for v in window.chat.views()] == ids
    assert not earlier.isVisibleTo(window)


def test_a_send_in_a_long_conversation_keeps_the_views_and_reads_a_bounded_thread(qtbot, make_window):
    window = make_window()
    conversation_id, ids = chain(window.store, 2 * SHOWN_MESSAGES + 1)  # ends with a user message
    window.store.add_message(conversation_id, "assistant", "an answer", parent_id=ids[-1])
    window.store.show_branch(window.store.db.execute("SELECT MAX(id) FROM messages").fetchone()[0])
    window.open_conversation(conversation_id)
    settle(qtbot, window)
    before = window.chat.views()
    send(qtbot, window, "And then?")
    after = window.chat.views()
    assert after[: len(before)] == before
    assert [v.role for v in after[len(before):]] == ["user", "assistant"]
    assert window.chat.findChild(type(window.chat._earlier), "earlierMessages").isVisibleTo(window)


def test_a_huge_message_shows_its_start_and_says_what_is_left_out(qtbot, make_window):
    window = make_window()
    line = "word " * 10 + "\n"
    conversation_id, ids = chain(window.store, 2, text=line * (3 * SHOWN_CHARS // len(line)))
    window.open_conversation(conversation_id)
    settle(qtbot, window)
    text = window.chat.views()[-1].text()
    assert len(text) < SHOWN_CHARS + 200
    assert "more characters are not shown here" in text
    assert len(window.store.get_message(ids[-1]).content) > 2 * SHOWN_CHARS  # nothing stored was cut
