"""The window's long-conversation tools: budget meter, prompt inspector, edit/regenerate with branch arrows,
delete with undo, duplicate, search, pin and sort (fake engine: deterministic and fast)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.ui.inert import plain_tip
from tests.ui.conftest import send


def measured(window):
    split = window.tools.meter.split
    return split is not None


def actions(window, index: int):
    return window.chat.views()[index].findChild(QWidget, "messageActions")


def click(window, index: int, name: str) -> None:
    actions(window, index).findChild(QToolButton, name).click()


def navigator_label(window, index: int) -> str | None:
    navigator = window.chat.views()[index].findChild(QWidget, "branchNavigator")
    return None if navigator is None else navigator.findChild(QLabel, "branchPosition").text()


def test_meter_splits_the_context_and_follows_typing(qtbot, make_window):
    window = make_window()
    qtbot.waitUntil(lambda: measured(window), timeout=10000)
    empty = window.tools.meter.split
    assert empty.n_ctx == 2048 and empty.history == 0 and empty.system > 0
    window.composer.setPlainText("one two three four five six seven eight nine ten")
    qtbot.waitUntil(lambda: window.tools.meter.split.message >= empty.message + 8, timeout=10000)
    assert "Reply room" in window.tools.meter.total.text()
    assert window.tools.meter.warning.full_text == ""
    window.composer.clear()
    send(qtbot, window, "A first question")
    qtbot.waitUntil(lambda: window.tools.meter.split.history > 0, timeout=10000)


def test_meter_warns_which_turns_will_be_left_out(qtbot, make_window):
    store = open_store(database_path())
    conversation = store.create_conversation("Long one")
    parent = None
    for n in range(30):
        user = store.add_message(conversation.id, "user", f"Question {n} " + "word " * 40, parent_id=parent)
        parent = store.add_message(conversation.id, "assistant", "answer " * 40, parent_id=user.id).id
    store.close()
    window = make_window()
    window.open_conversation(conversation.id)
    qtbot.waitUntil(lambda: measured(window) and window.tools.meter.split.dropped_messages > 0, timeout=10000)
    warning = window.tools.meter.warning
    assert not warning.isHidden()
    assert "leave out" in warning.full_text and "“Question 0 word word" in warning.full_text
    assert warning.toolTip() == plain_tip(warning.full_text)  # the line is cut to the width; the tooltip has all


def test_prompt_inspector_shows_parts_and_tokens(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "What is in my prompt?")
    click(window, 1, "prompt")
    inspector = window.tools.inspector
    assert window.prompt_dock.isVisibleTo(window)
    assert "What is in my prompt?" in inspector.text.toPlainText()
    assert "Message" in inspector.counts.text() and "System" in inspector.counts.text()
    inspector.tokens_button.click()
    rows = inspector.table.model().rowCount()
    assert rows == sum(inspector.record.counts().values()) > 0
    assert inspector.pages.currentWidget() is inspector.table


def test_edit_and_regenerate_make_branches_with_arrows(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Original question")
    click(window, 0, "edit")
    assert window.composer.toPlainText() == "Original question" and not window.tools.edit_banner.isHidden()
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        window.composer.setPlainText("Edited question")
        qtbot.keyClick(window.composer, "\r")
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=10000)
    assert [v.text() for v in window.chat.views()][0] == "Edited question"
    assert navigator_label(window, 0) == "2/2" and window.tools.edit_banner.isHidden()

    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        click(window, 1, "regenerate")
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=10000)
    assert navigator_label(window, 1) == "2/2"

    navigator = window.chat.views()[0].findChild(QWidget, "branchNavigator")
    navigator.previous.click()  # back to the original question and its reply
    assert [v.text() for v in window.chat.views()] == ["Original question", "The capital of France is Paris."]
    assert navigator_label(window, 0) == "1/2"
    assert len(window.store.siblings(window.chat.views()[0].message_id)) == 2  # nothing was deleted


def test_delete_and_undo(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Keep me")
    send(qtbot, window, "Delete me")
    window.tools.delete(window.chat.views()[2].message_id)
    assert [v.text() for v in window.chat.views()] == ["Keep me", "The capital of France is Paris."]
    assert window.tools.undo_button.isVisibleTo(window)
    window.tools.undo_button.click()
    assert [v.text() for v in window.chat.views()][2] == "Delete me"
    assert not window.tools.undo_button.isVisibleTo(window)


def test_duplicate_from_here_opens_a_copy(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Copy this")
    send(qtbot, window, "Not this")
    original = window.conversation_id
    window.tools.duplicate(window.chat.views()[1].message_id)
    assert window.conversation_id != original
    assert [v.text() for v in window.chat.views()] == ["Copy this", "The capital of France is Paris."]
    assert window.sidebar.currentItem().text() == "Copy this (copy)"


def test_duplicate_saves_a_pending_system_prompt_edit_to_the_original_and_copies_it(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Copy this")
    original = window.conversation_id
    window.system_prompt.editor.setPlainText("Answer in French.")  # not saved yet: the save waits for a pause
    window.tools.duplicate(window.chat.views()[1].message_id)
    assert window.store.get_conversation(original).system_prompt == "Answer in French."
    assert window.store.get_conversation(window.conversation_id).system_prompt == "Answer in French."


def test_search_jumps_to_the_message_on_another_branch(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "Tell me about zebras")
    first = window.conversation_id
    target = window.chat.views()[0].message_id
    window.new_conversation()
    send(qtbot, window, "Something else")
    box = window.tools.search
    box.field.setText("zebr")
    box.run()
    assert [h.message_id for h in box.hits] == [target]
    assert box.results.isVisibleTo(window) and not window.sidebar.isVisibleTo(window)
    label = box.results.itemWidget(box.results.item(0))
    assert "<b" in label.text() and "zebras" in label.text()
    box.results.itemClicked.emit(box.results.item(0))
    assert window.conversation_id == first
    assert window.chat.views()[0].message_id == target
    box.field.clear()
    box.run()
    assert window.sidebar.isVisibleTo(window)


def test_search_snippets_are_escaped(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "<img src=x> unusualword")
    window.tools.search.field.setText("unusualword")
    window.tools.search.run()
    text = window.tools.search.results.itemWidget(window.tools.search.results.item(0)).text()
    assert "<img" not in text and "&lt;img" in text


def test_pin_and_sort_the_conversation_list(qtbot, make_window):
    window = make_window()
    for title in ("banana", "Apple", "cherry"):
        window.new_conversation()
        send(qtbot, window, title)
    texts = lambda: [window.sidebar.item(i).text() for i in range(window.sidebar.count())]  # noqa: E731
    assert texts()[:3] == ["cherry", "Apple", "banana"]
    banana = window.store.list_conversations()[2].id
    window.sidebar.pinRequested.emit(banana, True)
    assert texts()[0] == "banana"
    window.tools.order.setCurrentIndex(window.tools.order.findData("title"))
    assert texts()[:3] == ["banana", "Apple", "cherry"]
    assert window.store.get_setting("conversation_order") == "title"
    assert window.sidebar.item(0).icon().isNull() is False
    window.sidebar.pinRequested.emit(banana, False)
    assert texts()[:3] == ["Apple", "banana", "cherry"]


def test_actions_refuse_while_a_reply_is_written(qtbot, make_window):
    window = make_window()
    send(qtbot, window, "First")
    window.tools.order.setFocus()
    window.composer.setPlainText("Second")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.replies.active is not None
    window.tools.regenerate(window.chat.views()[1].message_id)
    assert "Wait for the reply" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=10000)
