"""The Model library dialog and its wiring: facts, fit, remembered settings, open with them, add a folder, real load progress."""

from pathlib import Path

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.models.library import ModelLibrary
from desktop.core.models.settings import load_model_settings, opened_models
from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.ui.model_library import ModelLibraryDialog
from tests.core.models.homes import link

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")  # offscreen, a shown dialog


def make_dialog(qtbot, tmp_path, current=None):
    store = open_store(database_path())
    dialog = ModelLibraryDialog(store, ModelLibrary(tmp_path / "empty-home", env={}), current)
    qtbot.addWidget(dialog)
    return store, dialog


def select(dialog, path: Path) -> None:
    rows = [i for i in range(dialog.list.count()) if dialog.list.item(i).data(256) == str(path)]
    dialog.list.setCurrentRow(rows[0])


def test_the_dialog_shows_facts_fit_and_the_cpu_build_note(qtbot, tmp_path, smollm2_path, gemma_path):
    store, dialog = make_dialog(qtbot, tmp_path)
    try:
        assert dialog.list.count() == 2
        select(dialog, smollm2_path)
        facts = dialog.facts.text()
        assert "llama · 135M parameters · Q4_1" in facts and "Mode: chat" in facts and "Bundled:" in facts
        assert "License: apache-2.0" in facts
        assert dialog.fit.text().startswith("Will it fit? fits")
        dialog.context.setValue(8192)
        assert "KV cache 180 MiB" in dialog.fit.text()  # the verdict follows the settings as they are edited
        assert dialog.context.maximum() == 8192  # up to the training context
        assert "typically ±0.035 nats on this model (up to 0.23)" in dialog.flash.text()
        assert any("CPU build: see README" in label.text() for label in dialog.findChildren(type(dialog.facts)))
        select(dialog, gemma_path)
        assert "Mode: text completion" in dialog.facts.text()
    finally:
        store.close()


def test_saved_settings_are_remembered_and_open_uses_them(qtbot, tmp_path, smollm2_path):
    store, dialog = make_dialog(qtbot, tmp_path)
    try:
        select(dialog, smollm2_path)
        dialog.context.setValue(1024)
        dialog.kv_type.setCurrentText("q8_0")
        dialog.system_prompt.setPlainText("You are terse.")
        dialog.save_settings()
        saved = load_model_settings(store, smollm2_path)
        assert (saved.n_ctx, saved.kv_type, saved.system_prompt, saved.flash_attention) == (1024, "q8_0", "You are terse.", False)
        again = ModelLibraryDialog(store, ModelLibrary(tmp_path / "empty-home", env={}))  # as after a restart
        qtbot.addWidget(again)
        select(again, smollm2_path)
        assert again.context.value() == 1024 and again.kv_type.currentText() == "q8_0"
        with qtbot.waitSignal(again.openRequested) as opened:
            again.open_selected()
        path, config = opened.args
        assert path == smollm2_path and (config.n_ctx, config.kv_type, config.flash_attention) == (1024, "q8_0", False)
    finally:
        store.close()


def test_a_change_that_needs_a_reload_asks_first(qtbot, tmp_path, smollm2_path):
    store, dialog = make_dialog(qtbot, tmp_path, current=smollm2_path)
    try:
        select(dialog, smollm2_path)
        asked = []
        dialog.confirm_reload = lambda name: asked.append(name) or True
        dialog.system_prompt.setPlainText("Only the prompt changes")
        dialog.save_settings()
        assert asked == []  # no reload for a system prompt
        dialog.flash.setChecked(True)
        with qtbot.waitSignal(dialog.openRequested) as reload:
            dialog.save_settings()
        assert asked and reload.args[1].flash_attention is True
    finally:
        store.close()


def test_add_folder_lists_its_models(qtbot, tmp_path, smollm2_path):
    folder = tmp_path / "my-models"
    link(smollm2_path, folder / "sub" / "mine.gguf")
    (folder / "bad.gguf").write_text("not a model")
    store, dialog = make_dialog(qtbot, tmp_path)
    try:
        dialog.ask_folder = lambda: folder
        dialog.add_folder()
        assert dialog.list.count() == 2  # the same bytes as the bundled SmolLM2: one entry, two places
        select(dialog, smollm2_path)
        assert "Added folder: sub" in dialog.facts.text()
        assert "bad.gguf: not a GGUF file" in dialog.skipped.toPlainText()
    finally:
        store.close()


def test_ctrl_m_opens_the_library_and_a_model_loads_with_its_settings_and_progress(qtbot, make_window, gemma_path):
    window = make_window(LlamaEngine, gemma_path)
    assert window.model_info.n_ctx == 4096
    progress = []
    window.engine.worker.modelProgress.connect(lambda _id, fraction: progress.append(fraction))
    action = next(a for a in window.model_menu.actions() if a.objectName() == "modelLibraryAction")
    assert action.shortcut().toString() == "Ctrl+M"
    action.trigger()
    dialog = window.model_library_dialog
    select(dialog, gemma_path)
    dialog.context.setValue(512)
    dialog.open_selected()
    qtbot.waitUntil(lambda: window.model_info.n_ctx == 512, timeout=60000)
    assert progress and progress[-1] == 1.0
    assert opened_models(window.store)[0] == gemma_path
    window.load_model(gemma_path)  # opened again (a restart, the Bundled menu): its remembered settings
    qtbot.waitUntil(lambda: window._loading_request is None, timeout=60000)
    assert window.model_info.n_ctx == 512


def test_a_cancelled_load_keeps_the_previous_model(qtbot, make_window, smollm2_path, gemma_path):
    window = make_window(LlamaEngine, smollm2_path)
    before = window.model_info
    window.engine.worker.modelProgress.connect(lambda *_: window.engine.cancel_load())
    window.load_model(gemma_path)
    qtbot.waitUntil(lambda: bool(window.errors), timeout=60000)
    assert "Loading gemma-3-270m-q4_k_m.gguf was cancelled" in window.errors[0][1]
    assert window.model_info is before and "still loaded" in window.errors[0][1]
