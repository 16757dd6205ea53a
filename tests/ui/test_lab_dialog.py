"""The Lab window on the real bundled model: score, sample and compare the newest turn; runs kept and reopened."""

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store.experiments import list_experiments
from tests.ui.conftest import send

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")  # offscreen, a shown window


def lab_window(qtbot, make_window, smollm2_path):
    window = make_window(LlamaEngine, smollm2_path)
    window.sampling.set_settings(SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=6, seed=3))
    send(qtbot, window, "What is the capital city of France?")
    return window


def run(qtbot, lab, button_text: str) -> None:
    from PySide6.QtWidgets import QPushButton

    button = next(b for b in lab.tabs.currentWidget().findChildren(QPushButton) if b.text() == button_text)
    button.click()
    qtbot.waitUntil(lambda: not lab.busy, timeout=120_000)


def test_score_sample_and_compare_from_the_window_are_kept(qtbot, make_window, smollm2_path):
    window = lab_window(qtbot, make_window, smollm2_path)
    window.labs.show("score")
    lab = window.labs.dialog
    lab.candidates.setPlainText("Lyon.\nParis.")
    run(qtbot, lab, "Score")
    assert [lab.score_table.item(r, 0).text() for r in range(2)] == ["Paris.", "Lyon."]
    assert lab.score_tokens.rowCount() >= 1

    lab.open_tab("sample")
    lab.sample_count.setValue(4)
    lab.sample_tokens.setValue(3)
    run(qtbot, lab, "Sample")
    counts = [int(lab.groups.item(r, 1).text().lstrip("×")) for r in range(lab.groups.rowCount())]
    assert sum(counts) == 4

    lab.open_tab("compare")
    lab.setup_fields[0].setText("temperature=0")
    lab.setup_fields[1].setText("temperature=0")
    run(qtbot, lab, "Compare")
    columns = [heat for _header, heat, _keep in lab.compare_tab._boxes]  # each reply as its heatmap
    assert len(columns) == 2 and columns[0].toPlainText() == columns[1].toPlainText()
    assert "never part" in lab.divergence.text()
    from PySide6.QtWidgets import QPushButton

    reply_before = window.store.thread(window.conversation_id)[-1]
    keep = [b for b in lab.tabs.currentWidget().findChildren(QPushButton) if b.text() == "Keep as a branch"]
    keep[1].click()
    kept = window.store.thread(window.conversation_id)[-1]
    assert kept.id != reply_before.id and kept.parent_id == reply_before.parent_id  # a sibling: a new branch
    assert kept.content.strip() and kept.content.strip() in columns[1].toPlainText().replace("↵", "")
    trace = window.store.load_trace(kept.id)
    assert trace and "".join(t.text for t in trace if not t.eog).strip() == kept.content.strip()
    assert window.chat.views()[-1].message_id == kept.id

    kept = list_experiments(window.store, window.conversation_id)
    assert [e.kind for e in kept] == ["compare", "sample", "score"]
    assert lab.history.count() == 3
    lab.history.itemActivated.emit(lab.history.item(2))  # reopen the score
    assert lab.tabs.currentIndex() == 0 and lab.score_table.item(0, 0).text() == "Paris."
    lab.history.itemActivated.emit(lab.history.item(1))  # reopen the sample set and run it again: the same draws
    drawn = [lab.groups.item(r, 0).text() for r in range(lab.groups.rowCount())]
    lab.again_button.click()
    qtbot.waitUntil(lambda: not lab.busy, timeout=120_000)
    assert [lab.groups.item(r, 0).text() for r in range(lab.groups.rowCount())] == drawn
    assert lab.history.count() == 4


def test_a_bad_setup_is_said_in_words(qtbot, make_window, smollm2_path, monkeypatch):
    window = lab_window(qtbot, make_window, smollm2_path)
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append(text))
    window.labs.show("compare")
    window.labs.dialog.setup_fields[0].setText("warmth=3")
    window.labs.dialog.compare()
    assert errors and "warmth" in errors[0]


def test_a_reopened_run_keeps_its_replies_under_its_own_message(qtbot, make_window, smollm2_path):
    window = lab_window(qtbot, make_window, smollm2_path)
    asked = window.store.thread(window.conversation_id)[-2]
    window.labs.show("compare")
    lab = window.labs.dialog
    lab.setup_fields[0].setText("temperature=0")
    lab.setup_fields[1].setText("temperature=0,system=Answer in French.")
    run(qtbot, lab, "Compare")
    send(qtbot, window, "And of Italy?")  # a newer message of yours, asked after the run
    newest = window.store.thread(window.conversation_id)[-2]
    assert newest.id != asked.id and newest.role == asked.role == "user"
    lab.history.itemActivated.emit(lab.history.item(0))  # the run, reopened (as after a restart)
    keep = [b for b in lab.tabs.currentWidget().findChildren(QPushButton) if b.text() == "Keep as a branch"]
    keep[0].click()
    kept = window.store.thread(window.conversation_id)[-1]
    assert kept.parent_id == asked.id  # under the message the run answered, not the newest
    assert kept.model == window.models.name  # named as the window names its model: it continues like a reply
    first = window.store.load_trace(kept.id)[0]
    alternative = next(t for t in first.top if t.id != first.id and not t.eog)
    with qtbot.waitSignal(window.replyFinished, timeout=60000):
        window.continue_from(kept.id, 0, alternative.id)
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=60000)
    assert not window.errors, window.errors
    branch = window.store.thread(window.conversation_id)[-1]
    assert branch.branch_of == kept.id and window.store.load_trace(branch.id)[0].id == alternative.id
    assert [e.message_id for e in list_experiments(window.store, window.conversation_id)] == [asked.id]


def click_row(qtbot, view, rect) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_sample_many_shows_model_probability_beside_the_draws_at_a_clicked_position(qtbot, make_window, smollm2_path):
    window = lab_window(qtbot, make_window, smollm2_path)
    window.labs.show("sample")
    lab = window.labs.dialog
    lab.sample_count.setValue(12)
    lab.sample_tokens.setValue(4)
    run(qtbot, lab, "Sample")
    samples = lab._sampled["samples"]
    assert lab.position_label.text() == "Token 1: all 12 replies start here."
    assert sum(int(lab.first_tokens.item(r, 3).text().split("/")[0]) for r in range(lab.first_tokens.rowCount())) <= 12
    click_row(qtbot, lab.groups, lab.groups.visualItemRect(lab.groups.item(0, 0)))  # the commonest answer
    answer = next(s for s in samples if s["text"].strip() == lab.groups.item(0, 0).text())
    assert lab.answer_tokens.count() == len(answer["tokens"])
    click_row(qtbot, lab.answer_tokens, lab.answer_tokens.visualItemRect(lab.answer_tokens.item(1)))  # its 2nd token
    sharing = [s for s in samples if s["tokens"][0]["id"] == answer["tokens"][0]["id"]]
    assert f"{len(sharing)} of 12 replies began this way" in lab.position_label.text()
    drawn = {lab.first_tokens.item(r, 0).text(): lab.first_tokens.item(r, 3).text() for r in range(lab.first_tokens.rowCount())}
    second = answer["tokens"][1]
    shown = second["text"].replace(" ", "␣")
    count = sum(s["tokens"][1]["id"] == second["id"] for s in sharing)
    assert drawn[shown].startswith(f"{count}/{len(sharing)} ")
    row = next(r for r in range(lab.first_tokens.rowCount()) if lab.first_tokens.item(r, 0).text() == shown)
    assert lab.first_tokens.item(row, 1).text() == f"{math.exp(second['logprob']):.1%}"
    assert lab.first_tokens.item(row, 2).text() == f"{second['sampled_prob']:.1%}"


def test_run_again_and_the_status_line_belong_to_the_tab_in_front(qtbot, make_window, smollm2_path):
    window = lab_window(qtbot, make_window, smollm2_path)
    window.labs.show("score")
    lab = window.labs.dialog
    lab.candidates.setPlainText("Blue")
    run(qtbot, lab, "Score")
    assert lab.again_button.isEnabled() and lab.status.text()
    lab.open_tab("sample")  # nothing run here yet: nothing to run again, and the score's status is not about it
    assert not lab.again_button.isEnabled() and lab.status.text() == "" and lab.shown() is None
    lab.open_tab("score")
    assert lab.again_button.isEnabled() and lab.shown()["candidates"][0]["text"] == "Blue"


def test_an_empty_tables_headers_read_whole(qtbot, make_window, smollm2_path):
    window = lab_window(qtbot, make_window, smollm2_path)
    window.labs.show("sample")
    lab = window.labs.dialog
    header = lab.first_tokens.horizontalHeader()
    for column in range(lab.first_tokens.columnCount() - 1):  # the last one stretches to the table's edge
        label = lab.first_tokens.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(label), label
