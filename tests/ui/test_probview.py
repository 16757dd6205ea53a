"""The per-token probability view in the window: heatmap, panel, what-if, branches, summary, restarts (pytest-qt)."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.probability.heatmap import display_text, swatch
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken
from desktop.core.probability.whatif import inspect_position
from desktop.ui.probability_panel import ProbabilityPanel
from tests.fakes import FakeEngine, slow_fake
from tests.ui.conftest import send

# Shown windows (needed for focus and tooltips) make the offscreen platform say it cannot resize docks or raise tooltips.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


def shown(make_window, *args):
    window = make_window(*args)
    window.resize(1200, 800)
    window.show()
    return window


def last_reply(window):
    return window.inspector.replies[window.chat.views()[-1].message_id]


def click_token(qtbot, heat, index: int) -> None:
    rect = heat.token_rect(index)
    qtbot.mouseClick(heat.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(rect.left()) + 2, int(rect.center().y())))


def click_alternative(qtbot, panel, row: int) -> None:
    item = panel.alternatives.item(row)
    panel.alternatives.scrollToItem(item)
    rect = panel.alternatives.visualItemRect(item)
    qtbot.mouseClick(panel.alternatives.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_real_model_inspect_branch_switch_and_restart(qtbot, make_window, smollm2_path):
    window = shown(make_window, LlamaEngine, smollm2_path)
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(16)
    send(qtbot, window, "What is the capital of France?")
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.inspector.heatmap_on
    reply = last_reply(window)
    original = window.store.get_message(reply.message.id)
    stored = window.store.load_trace(original.id)
    assert not reply.heat.isHidden() and reply.view.body.isHidden()
    assert len(reply.heat) == len(stored)

    click_token(qtbot, reply.heat, 3)
    panel = window.inspector.panel
    assert window.inspector.selected == (original.id, 3)
    assert [(a.id, a.text) for a in panel.view.alternatives] == [(t.id, t.text) for t in stored[3].top]
    assert panel.alternatives.count() == len(stored[3].top) + 1  # plus "everything else"
    for shown_alt, stored_alt in zip(panel.view.alternatives, stored[3].top):
        assert shown_alt.probability == pytest.approx(math.exp(stored_alt.logprob))
    assert panel.view.alternatives[0].chosen and panel.view.alternatives[0].id == stored[3].id  # greedy

    row = next(i for i, a in enumerate(panel.view.alternatives) if not a.chosen and not a.eog)
    alternative = panel.view.alternatives[row]
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        click_alternative(qtbot, panel, row)
    qtbot.waitUntil(lambda: window.replies.active is None)
    branch_view = window.chat.views()[-1]
    branch = window.store.get_message(branch_view.message_id)
    assert (branch.branch_of, branch.branch_position) == (original.id, 3)
    branch_trace = window.store.load_trace(branch.id)
    assert [t.id for t in branch_trace[:3]] == [t.id for t in stored[:3]]  # the prefix is unchanged
    assert branch_trace[3].id == alternative.id
    assert branch.content.startswith("".join(t.text for t in stored[:3]) + alternative.text)
    assert window.store.load_prompt_tokens(branch.id) == window.store.load_prompt_tokens(original.id)
    navigator = window.inspector.navigators[branch.id]
    assert navigator.label.text() == "2/2"

    qtbot.mouseClick(navigator.previous, Qt.MouseButton.LeftButton)  # back to the first reply
    assert window.chat.views()[-1].message_id == original.id
    assert window.inspector.navigators[original.id].label.text() == "1/2"
    assert window.chat.views()[-1].text() == original.content
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.chat.views()[-1].message_id == branch.id

    window.close()
    again = shown(make_window)  # a restart on the same data folder (no model needed to look)
    assert again.inspector.heatmap_on
    qtbot.waitUntil(lambda: last_reply(again).ready)  # prepared once the transcript has painted
    reply = last_reply(again)
    assert reply.message.id == branch.id and len(reply.table) == len(branch_trace)
    assert again.inspector.navigators[branch.id].label.text() == "2/2"
    click_token(qtbot, reply.heat, 3)
    assert again.inspector.panel.heading.text().endswith("(branch point)")
    assert again.inspector.panel.view.record.id == alternative.id


def test_keyboard_only_inspection_and_branching(qtbot, make_window):
    window = shown(make_window)
    send(qtbot, window, "Capital?")
    original_id = window.chat.views()[-1].message_id
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # heatmap on, first token, focus
    reply = last_reply(window)
    assert window.inspector.heatmap_on and window.inspector.selected == (original_id, 0)
    assert QApplication.focusWidget() is reply.heat
    qtbot.keyClick(reply.heat, Qt.Key.Key_Right)
    qtbot.keyClick(reply.heat, Qt.Key.Key_Right)
    assert window.inspector.selected == (original_id, 2) and reply.heat.selected == 2
    qtbot.keyClick(reply.heat, Qt.Key.Key_Left)
    qtbot.keyClick(reply.heat, Qt.Key.Key_Right)
    qtbot.keyClick(reply.heat, Qt.Key.Key_Return)  # into the alternatives
    alternatives = window.inspector.panel.alternatives
    assert QApplication.focusWidget() is alternatives and alternatives.currentRow() == 0
    qtbot.keyClick(alternatives, Qt.Key.Key_Right)  # next token, from the panel
    assert window.inspector.selected == (original_id, 3)
    qtbot.keyClick(alternatives, Qt.Key.Key_Left)
    qtbot.keyClick(alternatives, Qt.Key.Key_Down)
    chosen = window.inspector.panel.view.alternatives[1]
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        qtbot.keyClick(alternatives, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.replies.active is None)
    branch = window.store.get_message(window.chat.views()[-1].message_id)
    assert (branch.branch_of, branch.branch_position) == (original_id, 2)
    assert window.store.load_trace(branch.id)[2].id == chosen.id
    assert branch.content.startswith("The capital" + chosen.text)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.chat.views()[-1].message_id == original_id
    qtbot.wait(20)  # the replaced views are deleted now; what is on screen must still be inspectable
    assert set(window.inspector.replies) == {original_id} and set(window.inspector.navigators) == {original_id}
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.chat.views()[-1].message_id == branch.id


def test_whatif_is_a_sandbox_that_starts_at_the_replys_own_settings(qtbot, make_window):
    window = shown(make_window)
    window.sampling.temperature.setValue(0.3)
    send(qtbot, window, "Capital?")
    window.sampling.temperature.setValue(0.9)  # the next reply's setting, not this reply's
    window.inspector.heatmap_action.setChecked(True)
    reply = last_reply(window)
    window.inspector.select(reply.message.id, 1)
    panel = window.inspector.panel
    record = reply.table.record(1)
    used = SamplerSettings.from_dict(reply.message.sampler)
    assert panel.temperature.value() == 30 and panel.temperature_value.text() == "0.30"
    for steps in (30, 100, 180):
        panel.temperature.setValue(steps)  # as a drag does, one value at a time
        expected = inspect_position(record, used, SamplerSettings.from_dict({**reply.message.sampler,
                                                                             "temperature": steps / 100}))
        assert [a.whatif for a in panel.view.alternatives] == pytest.approx([a.whatif for a in expected.alternatives])
    assert window.sampling.temperature.value() == pytest.approx(0.9)  # the Sampling panel was not touched
    assert window.sampling.temperature_slider.value() == 90
    window.sampling.temperature.setValue(1.2)
    assert panel.temperature.value() == 180  # and the sandbox does not follow it either
    qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    assert window.sampling.settings().temperature == pytest.approx(1.8)
    assert window.sampling.settings().top_k == used.top_k


def test_tooltip_shows_the_token_its_probability_and_top_alternatives(qtbot, make_window):
    window = shown(make_window)
    send(qtbot, window, "Capital?")
    window.inspector.heatmap_action.setChecked(True)
    reply = last_reply(window)
    qtbot.waitExposed(window)
    rect = reply.heat.token_rect(1)
    point = QPoint(int(rect.left()) + 3, int(rect.center().y()))
    event = QHelpEvent(QEvent.Type.ToolTip, point, reply.heat.viewport().mapToGlobal(point))
    QApplication.sendEvent(reply.heat.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    assert "<code>·capital</code>" in text and "60.7%" in text  # exp(-0.5)
    assert text.count("<tr>") == 3 and "alt1" in text


def test_reply_summary_expands_and_selects_the_weakest_token(qtbot, make_window):
    window = shown(make_window)
    send(qtbot, window, "Capital?")
    reply = last_reply(window)
    summary = reply.summary
    assert summary.details.isHidden()
    assert "perplexity 1.65" in summary.toggle.text()  # every token at log-prob -0.5
    qtbot.mouseClick(summary.toggle, Qt.MouseButton.LeftButton)
    assert not summary.details.isHidden() and "Least confident" in summary.details.text()
    summary.details.linkActivated.emit("4")
    assert window.inspector.selected == (reply.message.id, 4)


def test_a_reply_with_a_damaged_or_missing_trace_opens_without_heatmap(qtbot, make_window):
    first = make_window()
    send(qtbot, first, "Capital?")
    damaged_id = first.chat.views()[-1].message_id
    send(qtbot, first, "Again?")
    missing_id = first.chat.views()[-1].message_id
    first.store.db.execute("UPDATE token_traces SET data = ? WHERE message_id = ?", [b"\x07from the future", damaged_id])
    first.store.db.execute("DELETE FROM token_traces WHERE message_id = ?", [missing_id])
    first.store.db.conn.commit()
    first.inspector.heatmap_action.setChecked(True)
    first.close()

    window = shown(make_window)
    damaged, missing = window.inspector.replies[damaged_id], window.inspector.replies[missing_id]
    qtbot.waitUntil(lambda: damaged.ready and missing.ready)  # a switch loads replies after the first paint
    assert "cannot be read" in damaged.note.text() and "format 7" in damaged.note.text()
    assert "no token data" in missing.note.text()
    for reply in (damaged, missing):
        assert not reply.view.body.isHidden() and reply.heat.isHidden() and reply.summary is None
        assert reply.view.text() == "The capital of France is Paris."
    window.inspector.select(damaged_id, 0)
    assert "No token data" in window.inspector.panel.heading.text()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # nothing to inspect: no crash


def test_heatmap_draws_while_streaming_and_is_rebuilt_from_the_store(qtbot, make_window):
    window = shown(make_window, slow_fake)
    window.inspector.heatmap_action.setChecked(True)
    window.composer.setPlainText("Tell me everything")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    reply = last_reply(window)
    qtbot.waitUntil(lambda: len(reply.heat) >= 5, timeout=10000)
    assert window.replies.active is not None and not reply.built  # drawn token by token, not from the store
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        window.stop()
    reply = last_reply(window)
    assert reply.built and len(reply.heat) == len(window.store.load_trace(reply.message.id))
    assert reply.heat.document().toPlainText().startswith("The capital of France is")
    first = QTextCursor(reply.heat.document())
    first.setPosition(1)
    assert first.charFormat().background().color().name() == swatch(math.exp(-0.5)).background


def test_completion_mode_branch_on_the_base_model(qtbot, make_window, gemma_path):
    window = shown(make_window, LlamaEngine, gemma_path)
    assert window.models.info.mode == "completion"
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(8)
    notebook = window.notebook  # a base model writes in a notebook: the document, continued in place
    notebook.editor.setPlainText("The capital of France is")
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        qtbot.keyClick(notebook.editor, Qt.Key.Key_Tab)
    window.inspector.heatmap_action.setChecked(True)
    reply = window.inspector.replies[notebook.page.continuation.id]
    original = reply.message
    with qtbot.waitSignal(notebook.tokenSelected, timeout=5000):  # a click on the second continued token
        cursor = QTextCursor(notebook.editor.document())
        cursor.setPosition(notebook.starts[1] + 1)
        qtbot.mouseClick(notebook.editor.viewport(), Qt.MouseButton.LeftButton,
                         pos=notebook.editor.cursorRect(cursor).center())
    panel = window.inspector.panel
    row = next(i for i, a in enumerate(panel.view.alternatives) if not a.chosen and not a.eog)
    alternative = panel.view.alternatives[row]
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        click_alternative(qtbot, panel, row)
    qtbot.waitUntil(lambda: window.replies.active is None)
    branch = window.store.get_message(notebook.page.continuation.id)
    trace = window.store.load_trace(branch.id)
    assert branch.branch_of == original.id and trace[0].id == reply.table.record(0).id and trace[1].id == alternative.id
    assert len(trace) == 8 and np.isfinite([t.logprob for t in trace]).all()


def test_every_token_maps_to_its_own_text_in_the_heatmap_document(qtbot, make_window):
    script = ["Hi", "\n\n", " <b>bold</b>", " 😀", "\t", "  two", "&", "\x07", " end"]
    window = make_window(lambda path, config: FakeEngine(path, config, script=script))
    window.inspector.heatmap_action.setChecked(True)
    send(qtbot, window, "Tricky?")
    heat = last_reply(window).heat
    assert heat.document().toPlainText() == "".join(display_text(t) for t in script)
    for index, text in enumerate(script):
        cursor = QTextCursor(heat.document())
        cursor.setPosition(int(heat.starts[index]))
        cursor.setPosition(int(heat.starts[index + 1]), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText().replace("\u2028", "\n") == display_text(text)


def test_panel_names_the_end_of_text_and_marks_what_the_reply_excluded(qtbot):
    panel = ProbabilityPanel()
    qtbot.addWidget(panel)
    top = (TopToken(5, " yes", math.log(0.6)), TopToken(2, "<|im_end|>", math.log(0.3), eog=True),
           TopToken(9, " no", math.log(0.02)))
    record = TokenRecord(5, " yes", math.log(0.6), 0.65, 1.1, top)
    used = SamplerSettings(temperature=0.7, top_k=40, top_p=0.95, min_p=0.05)
    view = inspect_position(record, used, used)
    panel.show_position(7, 4, 9, view, used, used, branch_point=False)
    rows = [panel.alternatives.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.alternatives.count())]
    assert rows[0][0] == "·yes" and rows[0][4]  # chosen
    assert rows[1][0] == "<|im_end|>  (end of text)" and rows[1][3] is None
    assert rows[2][3] == "min-p"  # 0.02 < 0.05 × 0.6
    assert rows[3][0] == "everything else" and rows[3][1] == pytest.approx(0.08)
    assert panel.model_prob.text() == "model 60.0%" and panel.drawn_prob.text() == "drawn 65.0%"
    assert panel.entropy.text() == f"entropy {1.1 / math.log(2):.2f} bits" and panel.heading.text() == "Token 5 of 9"
    with qtbot.waitSignal(panel.continueRequested) as continued:
        panel.alternatives.setCurrentRow(1)
        qtbot.keyClick(panel.alternatives, Qt.Key.Key_Return)
    assert continued.args == [7, 4, 2]


def test_a_server_token_s_facts_fit_a_narrow_dock(qtbot):
    # (before: model, drawn and "entropy ≥ … from the top 20" shared one line that never wrapped: the panel was
    # wider than its dock, scrolled sideways and cut the reply's settings and the bars)
    panel = ProbabilityPanel()
    qtbot.addWidget(panel)
    top = tuple(TopToken(i, f" word{i}", math.log(0.9 if i == 0 else 0.1 / 19)) for i in range(20))
    record = TokenRecord(0, " word0", math.log(0.9), 0.97, 0.5, top)
    used = SamplerSettings(temperature=0.2, top_k=40, top_p=0.9, min_p=0.05, repeat_penalty=1.1)
    panel.show_position(7, 10, 74, inspect_position(record, used, used), used, used, branch_point=False,
                        entropy_bound=True)
    assert "estimated from the top 20" in panel.entropy.text() and panel.drawn_prob.text().startswith("drawn ≈ ")
    assert panel.minimumSizeHint().width() <= 330


def test_panels_follow_the_reply_on_screen_through_conversation_and_branch_switches(qtbot, make_window):
    from PySide6.QtWidgets import QToolButton, QWidget

    window = shown(make_window)
    send(qtbot, window, "Capital?")
    first_conversation = window.conversation_id
    window.inspector.heatmap_action.setChecked(True)
    reply = last_reply(window)
    click_token(qtbot, reply.heat, 2)
    panel = window.inspector.panel
    assert panel.heading.text().startswith("Token 3 of")
    reply.view.findChild(QWidget, "messageActions").findChild(QToolButton, "prompt").click()
    prompt = window.tools.inspector
    assert prompt.message_id == reply.message.id and prompt.record is not None
    shown_stats = window.status_line.stats.text()
    assert "tok/s" in shown_stats

    qtbot.mouseClick(window.findChild(QWidget, "newChat"), Qt.MouseButton.LeftButton)
    assert window.conversation_id != first_conversation
    assert panel.view is None and not panel.heading.text().startswith("Token") and not panel.temperature.isEnabled()
    assert prompt.message_id is None and prompt.text.toPlainText() == ""
    assert window.status_line.stats.text() == ""

    window.sidebar.setCurrentItem(window.sidebar.item_for(first_conversation))  # back, as a click in the list does
    assert window.conversation_id == first_conversation
    assert panel.view is None  # nothing selected in the reopened transcript
    assert window.status_line.stats.text() == shown_stats  # the shown reply's own figures
    qtbot.waitUntil(lambda: last_reply(window).ready)
    click_token(qtbot, last_reply(window).heat, 1)
    assert panel.heading.text().startswith("Token 2 of")
    panel.temperature.setValue(150)  # the what-if follows its slider again
    assert panel.temperature_value.text() == "1.50" and window.inspector.whatif.temperature == 1.5

    original = last_reply(window).message.id
    with qtbot.waitSignal(window.replyFinished, timeout=10000):
        window.chat.views()[-1].findChild(QWidget, "messageActions").findChild(QToolButton, "regenerate").click()
    qtbot.waitUntil(lambda: window.replies.active is None)
    regenerated = last_reply(window)
    assert regenerated.message.id != original
    qtbot.waitUntil(lambda: regenerated.ready)
    click_token(qtbot, regenerated.heat, 1)
    assert panel.message_id == regenerated.message.id
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # the other branch
    assert window.chat.views()[-1].message_id == original
    qtbot.waitUntil(lambda: panel.view is None)
    assert not panel.heading.text().startswith("Token")


def test_heatmap_colours_by_model_or_drawn_probability_and_the_legend_says_which(qtbot, make_window):
    window = shown(make_window)
    send(qtbot, window, "Capital?")
    inspector = window.inspector
    inspector.heatmap_action.setChecked(True)
    heat = last_reply(window).heat
    first = QTextCursor(heat.document())
    first.setPosition(1)
    assert first.charFormat().background().color().name() == swatch(math.exp(-0.5)).background  # the model's 60.7%
    assert inspector.colouring.currentText() == "Colour: model probability"
    inspector.colouring.setCurrentIndex(inspector.colouring.findData("drawn"))  # as choosing it in the list does
    assert inspector.colouring.currentText() == "Colour: probability it was drawn with"
    assert "drawn with" in inspector.legend_scale.toolTip()
    first = QTextCursor(last_reply(window).heat.document())
    first.setPosition(1)
    assert first.charFormat().background().color().name() == swatch(0.9).background  # drawn at 90%
    window.close()
    again = make_window()
    assert again.inspector.colouring.currentData() == "drawn"  # remembered


def test_the_replys_settings_line_names_the_repeat_penalty(qtbot, make_window):
    window = shown(make_window)
    window.sampling.repeat_penalty.setValue(1.1)
    send(qtbot, window, "Capital?")
    window.inspector.heatmap_action.setChecked(True)
    click_token(qtbot, last_reply(window).heat, 1)
    used = window.inspector.panel.used.text()
    assert "repeat penalty 1.10" in used
    assert "not recorded" in used  # the scripted engine records no penalty data: said, not hidden
