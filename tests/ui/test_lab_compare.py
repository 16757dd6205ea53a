"""The Lab's Compare tab by its widgets: few-shot examples typed in, notes per column, a column on another model."""

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store.experiments import list_experiments, load_experiment
from tests.ui.conftest import send
from tests.ui.test_notes_ui import add_note, ready

import pytest

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")
GREEDY = SamplerSettings(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=6, seed=3)
LEFT = Qt.MouseButton.LeftButton


def type_into(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def greedy_lab(qtbot, make_window, model_path):
    """A window on the model at greedy settings, one message of yours sent, the Lab open on Compare."""
    window = make_window(LlamaEngine, model_path)
    window.sampling.set_settings(GREEDY)
    send(qtbot, window, "Name a colour.")
    window.labs.show("compare")
    return window, window.labs.dialog


def compare(qtbot, lab) -> dict:
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"), LEFT)
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    assert lab.status.text() == "Done; kept under this conversation.", lab.status.text()
    return lab.shown("compare")


def test_examples_typed_in_and_notes_switched_on_per_column(qtbot, make_window, smollm2_path):
    window = make_window(LlamaEngine, smollm2_path)
    window.sampling.set_settings(GREEDY)
    ready(qtbot, window)
    add_note(qtbot, window, "Zog", "On the planet Zog the sky is purple.")
    send(qtbot, window, "What colour is the sky on Zog?")
    window.labs.show("compare")
    lab = window.labs.dialog
    plain, noted, shown, unused = lab.compare_tab.editors
    for editor in (plain, noted, shown):
        type_into(qtbot, editor.field, "temperature=0")
    type_into(qtbot, unused.field, "")
    qtbot.mouseClick(noted.notes, LEFT, pos=noted.notes.rect().center())
    assert noted.notes.isChecked()

    def fill_examples():
        dialog = shown.dialog
        qtbot.keyClicks(dialog.rows[0][0], "Colour of grass?")
        qtbot.keyClicks(dialog.rows[0][1], "Green.")
        qtbot.mouseClick(dialog.findChild(QPushButton, "addExample"), LEFT)
        qtbot.keyClicks(dialog.rows[1][0], "Colour of snow?")
        qtbot.keyClicks(dialog.rows[1][1], "White.")
        qtbot.mouseClick(dialog.findChild(QPushButton, "addExample"), LEFT)  # an empty third pair is left out
        dialog.accept()

    QTimer.singleShot(0, fill_examples)
    qtbot.mouseClick(shown.examples_button, LEFT)
    assert shown.examples == (("Colour of grass?", "Green."), ("Colour of snow?", "White."))
    assert shown.examples_button.text() == "Examples (2)…"

    data = compare(qtbot, lab)
    first, second, third = data["columns"]
    assert "sources_used" not in first and second["sources_used"] == 1 and data["sources"][0]["title"] == "Zog"
    assert second["setup"]["notes"] is True and "notes on" in second["label"]
    assert third["setup"]["examples"] == [["Colour of grass?", "Green."], ["Colour of snow?", "White."]]
    assert "2 examples" in third["label"]
    assert len(second["prompt_tokens"]) > len(first["prompt_tokens"]) < len(third["prompt_tokens"])
    kept = load_experiment(window.store, list_experiments(window.store, window.conversation_id)[0].id)
    assert kept.data["columns"][2]["setup"]["examples"] == third["setup"]["examples"]


def test_a_column_on_another_model_runs_beside_this_one(qtbot, make_window, smollm2_path, gemma_path):
    window = make_window(LlamaEngine, smollm2_path)
    window.sampling.set_settings(GREEDY)
    send(qtbot, window, "Name a colour.")
    window.labs.show("compare")
    lab = window.labs.dialog
    first, second = lab.compare_tab.editors[:2]
    type_into(qtbot, first.field, "temperature=0")
    type_into(qtbot, second.field, "temperature=0")
    index = second.engine.findData(f"model:{gemma_path}")
    assert index > 0 and "(this laptop)" in second.engine.itemText(index)
    second.engine.setCurrentIndex(index)
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"), LEFT)
    assert len(lab.compare_tab.run._requests) == 2  # both engines at work at once, each on its own thread
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    data = lab.shown("compare")
    assert "engine" not in data["columns"][0] and data["engine"]["model"] == window.models.info.name
    assert data["columns"][1]["engine"]["path"] == str(gemma_path)
    assert data["columns"][1]["setup"]["engine"] == f"model:{gemma_path}"
    assert len(data["divergence"]) == 2
    headers = [box[0].text() for box in lab.compare_tab._boxes]
    assert "gemma" in headers[1].splitlines()[0]
    shown = lab.compare_tab._boxes[1][1].toPlainText().replace("↵", "")  # a line break is drawn visible
    assert shown.strip() == data["columns"][1]["text"].strip()

    lab.again_button.click()  # run again: each column on the engine it names, the same replies
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    assert [c["text"] for c in lab.shown("compare")["columns"]] == [c["text"] for c in data["columns"]]
    assert lab.shown("compare")["columns"][1]["engine"]["path"] == str(gemma_path)


def test_a_column_can_use_any_model_file_and_servers_added_later_are_offered(qtbot, make_window, smollm2_path,
                                                                              gemma_path, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from desktop.core.engine.remote.servers import load_entries, new_entry, save_entries

    window = make_window(LlamaEngine, smollm2_path)
    window.labs.show("compare")
    editor = window.labs.dialog.compare_tab.editors[1]
    own = tmp_path / "my-model.gguf"
    own.symlink_to(gemma_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(own), ""))
    last = editor.engine.count() - 1
    assert editor.engine.itemText(last) == "Another model file…"
    editor.engine.setCurrentIndex(last)
    editor.engine.activated.emit(last)
    assert editor.engine.currentData() == f"model:{own}" and editor.engine.currentText() == "my-model.gguf (this laptop)"
    assert editor.setup().engine == f"model:{own}"
    save_entries(window.store, [*load_entries(window.store), new_entry("later", "http://127.0.0.1:9")])
    window.labs.show("compare")  # the Lab again: the server added since is offered, the file chosen kept
    assert editor.engine.findData("server:later") > 0 and editor.engine.currentData() == f"model:{own}"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: ("", ""))  # cancelled: back to this window's
    last = editor.engine.count() - 1
    editor.engine.setCurrentIndex(last)
    editor.engine.activated.emit(last)
    assert editor.engine.currentIndex() == 0 and editor.setup().engine is None


def test_stop_while_the_notes_are_looked_up_runs_nothing(qtbot, make_window, smollm2_path):
    window = make_window(LlamaEngine, smollm2_path)
    window.sampling.set_settings(GREEDY)
    send(qtbot, window, "Name a colour.")
    window.labs.show("compare")
    lab = window.labs.dialog
    waiting = []
    lab.compare_tab.find_notes = lambda query, done: waiting.append(done)  # the notes search not answered yet
    first, second = lab.compare_tab.editors[:2]
    type_into(qtbot, first.field, "temperature=0")
    qtbot.mouseClick(second.notes, LEFT, pos=second.notes.rect().center())
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"), LEFT)
    assert lab.busy and lab.status.text() == "Finding your notes…"
    qtbot.mouseClick(lab.stop_button, LEFT)
    assert not lab.busy and not lab.stop_button.isEnabled() and lab.status.text() == ""
    waiting[0]([])  # the answer arrives after the stop: nothing runs
    assert lab.compare_tab.run is None and not lab.busy


def test_a_column_on_a_model_that_cannot_load_says_why_and_stops_the_others(qtbot, make_window, smollm2_path,
                                                                          monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    window = make_window(LlamaEngine, smollm2_path)
    window.sampling.set_settings(GREEDY)
    send(qtbot, window, "Name a colour.")
    window.labs.show("compare")
    lab = window.labs.dialog
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF not really")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(broken), ""))
    second = lab.compare_tab.editors[1]
    last = second.engine.count() - 1
    second.engine.setCurrentIndex(last)
    second.engine.activated.emit(last)
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"), LEFT)
    qtbot.waitUntil(lambda: not lab.busy, timeout=120_000)
    assert window.errors and "broken.gguf" in window.errors[-1][1], window.errors
    assert not lab.stop_button.isEnabled() and list_experiments(window.store, window.conversation_id) == []
    assert window.labs.engines._controllers == {}  # the failed engine is not kept: the next try loads afresh


def test_compare_has_its_own_short_reply_length_kept_with_the_run_and_used_again(qtbot, make_window, smollm2_path):
    from desktop.core.lab.compare import COMPARE_REPLY

    window, lab = greedy_lab(qtbot, make_window, smollm2_path)
    window.sampling.max_tokens.setValue(512)  # the Sampling panel's length: a greedy column would loop to it
    length = lab.compare_tab.reply_tokens
    assert length.value() == COMPARE_REPLY < 512
    length.selectAll()
    qtbot.keyClicks(length, "3")
    assert length.value() == 3
    first, second = lab.compare_tab.editors[:2]
    type_into(qtbot, first.field, "temperature=0")
    type_into(qtbot, second.field, "temperature=1.5,seed=7")
    data = compare(qtbot, lab)
    assert data["max_tokens"] == 3
    assert [c["settings"]["max_tokens"] for c in data["columns"]] == [3, 3]
    assert all(len(c["tokens"]) <= 3 for c in data["columns"])
    kept = list_experiments(window.store, window.conversation_id)[0]
    assert load_experiment(window.store, kept.id).data["max_tokens"] == 3

    length.setValue(40)  # a kept run reopened shows the length it ran with, and Run again uses it
    lab.reopenRequested.emit(kept.id)
    assert length.value() == 3
    qtbot.mouseClick(lab.again_button, LEFT)
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    again = lab.shown("compare")
    assert again["max_tokens"] == 3 and [c["text"] for c in again["columns"]] == [c["text"] for c in data["columns"]]


def test_engines_opened_for_columns_are_released_when_unused_and_when_the_lab_closes(qtbot, make_window, smollm2_path,
                                                                                     gemma_path):
    window, lab = greedy_lab(qtbot, make_window, smollm2_path)
    engines = window.labs.engines
    first, second = lab.compare_tab.editors[:2]
    type_into(qtbot, first.field, "temperature=0")
    type_into(qtbot, second.field, "temperature=0")
    gemma = second.engine.findData(f"model:{gemma_path}")
    second.engine.setCurrentIndex(gemma)
    compare(qtbot, lab)
    opened = engines._controllers[f"model:{gemma_path}"]
    assert opened.worker._engine is not None  # Gemma stays loaded while a column names it
    window.labs.show("compare")  # the engine lists rebuilt (servers and the library's models offered again)
    assert engines._controllers == {f"model:{gemma_path}": opened} and opened.worker._engine is not None

    second.engine.setCurrentIndex(0)  # no column uses Gemma any more: its model is let go
    assert engines._controllers == {} and opened.worker._engine is None

    second.engine.setCurrentIndex(gemma)
    compare(qtbot, lab)
    opened = engines._controllers[f"model:{gemma_path}"]
    lab.close()  # the Lab closed: every engine it opened is let go
    assert engines._controllers == {} and opened.worker._engine is None

    window.labs.show("compare")  # closed while a run goes on: released once it ends, its columns kept
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"), LEFT)
    lab.close()
    assert f"model:{gemma_path}" in engines._controllers
    opened = engines._controllers[f"model:{gemma_path}"]
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    assert engines._controllers == {} and opened.worker._engine is None
    assert len(list_experiments(window.store, window.conversation_id)) == 3


def test_the_model_librarys_models_are_offered_to_columns(qtbot, make_window, smollm2_path, tmp_path, monkeypatch):
    from desktop.core.models.settings import add_library_folder
    from tests.core.models.homes import with_metadata

    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no other app's models: only the folder added below
    for variable in ("OLLAMA_MODELS", "HF_HUB_CACHE", "HF_HOME", "LLAMA_CACHE"):
        monkeypatch.delenv(variable, raising=False)
    folder = tmp_path / "my-models"
    tuned = with_metadata(smollm2_path, folder / "tuned.gguf", {"general.sampling.temp": 0.6})
    window = make_window(LlamaEngine, smollm2_path)
    add_library_folder(window.store, folder)
    window.labs.show("compare")
    editor = window.labs.dialog.compare_tab.editors[1]
    qtbot.waitUntil(lambda: editor.engine.findData(f"model:{tuned}") > 0, timeout=30_000)
    label = editor.engine.itemText(editor.engine.findData(f"model:{tuned}"))
    assert label.endswith("(Added folder)"), label
    bundled = [editor.engine.itemData(i) for i in range(editor.engine.count())].count(f"model:{smollm2_path}")
    assert bundled == 1  # the bundled model once, as bundled


def test_column_heatmaps_colour_by_model_or_drawn_probability(qtbot, make_window, smollm2_path):
    _window, lab = greedy_lab(qtbot, make_window, smollm2_path)
    tab = lab.compare_tab
    first, second = tab.editors[:2]
    type_into(qtbot, first.field, "temperature=0")
    type_into(qtbot, second.field, "temperature=1.5,seed=7")
    data = compare(qtbot, lab)
    heat = tab._boxes[0][1]
    model = [math.exp(t["logprob"]) for t in data["columns"][0]["tokens"]]
    assert heat._probabilities == pytest.approx(model)
    assert tab.colouring.currentText() == "Colour: model probability" and "under the model" in tab.legend.toolTip()
    tab.colouring.setCurrentIndex(tab.colouring.findData("drawn"))
    for (_view, shown, _keep), column in zip(tab._boxes, data["columns"]):
        assert shown._probabilities == pytest.approx([t["sampled_prob"] for t in column["tokens"]])
    assert heat._probabilities == [1.0] * len(model)  # greedy: each token drawn with certainty
    assert "drawn with" in tab.legend.toolTip() and "drawn with" in tab.colouring.currentText()
    marks = data["divergence"] or [None, None]
    assert [box[1].selected for box in tab._boxes] == marks  # where the answers part is still selected
