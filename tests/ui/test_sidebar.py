"""The conversation list on its own: ordered by the store's SQL, one row updated when one conversation changes."""

from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.ui.sidebar import ConversationList


def titles(sidebar) -> list[str]:
    return [sidebar.item(row).text() for row in range(sidebar.count())]


def test_touch_moves_one_row_to_the_top_of_its_group(qtbot, inkling_home):
    store = open_store(database_path())
    try:
        first, second, pinned = (store.create_conversation(t) for t in ("first", "second", "pinned"))
        store.set_pinned(pinned.id, True)
        sidebar = ConversationList(store.list_conversations)
        qtbot.addWidget(sidebar)
        sidebar.refresh(second.id)
        assert titles(sidebar) == ["pinned", "second", "first"]
        store.rename_conversation(first.id, "first, renamed")  # an update: it becomes the most recent
        sidebar.touch(store.get_conversation(first.id))
        assert titles(sidebar) == ["pinned", "first, renamed", "second"]
        assert sidebar.current_id() == second.id  # the selection stays where it was
        assert titles(sidebar) == [c.title for c in store.list_conversations()]  # the same order as SQL
    finally:
        store.close()


def test_title_order_is_the_stores(qtbot, inkling_home):
    store = open_store(database_path())
    try:
        for title in ("beta", "Alpha", "gamma"):
            store.create_conversation(title)
        sidebar = ConversationList(store.list_conversations, order="title")
        qtbot.addWidget(sidebar)
        sidebar.refresh(None)
        assert titles(sidebar) == ["Alpha", "beta", "gamma"]
    finally:
        store.close()


def test_a_long_title_is_elided_without_a_sideways_scroll_bar(qtbot, inkling_home):
    store = open_store(database_path())
    try:
        store.create_conversation("Why is the sky blue? Answer in two sentences, and then tell me about sunsets.")
        sidebar = ConversationList(store.list_conversations)
        qtbot.addWidget(sidebar)
        sidebar.resize(220, 300)
        sidebar.show()
        sidebar.refresh(None)
        qtbot.waitExposed(sidebar)
        sidebar.doItemsLayout()  # a list view lays its items out on a later turn of the event loop
        qtbot.wait(50)
        assert sidebar.horizontalScrollBar().maximum() == 0 and not sidebar.horizontalScrollBar().isVisible()
    finally:
        store.close()
