"""A compare column on a real llama-server beside the in-process model, both at work at once, from the Lab window."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.app import open_engine
from desktop.core.engine.remote.servers import load_entries, new_entry, save_entries
from desktop.core.probability.sampling import SamplerSettings
from tests.ui.conftest import send

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")
GREEDY = SamplerSettings(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=8, seed=3, repeat_penalty=1.0)


def test_a_server_column_runs_beside_the_local_one_and_agrees_with_it(qtbot, make_window, smollm2_path, server_url):
    window = make_window(open_engine, smollm2_path)
    save_entries(window.store, [*load_entries(window.store), new_entry("lab-server", server_url)])
    window.sampling.set_settings(GREEDY)
    send(qtbot, window, "Name a colour.")
    window.labs.show("compare")
    lab = window.labs.dialog
    first, second = lab.compare_tab.editors[:2]
    for editor in (first, second):
        editor.field.setText("temperature=0")
    second.engine.setCurrentIndex(second.engine.findData("server:lab-server"))
    qtbot.mouseClick(next(b for b in lab.compare_tab.findChildren(QPushButton) if b.text() == "Compare"),
                     Qt.MouseButton.LeftButton)
    assert len(lab.compare_tab.run._requests) == 2  # the laptop and the server at once
    qtbot.waitUntil(lambda: not lab.busy, timeout=180_000)
    assert not window.errors, window.errors
    local, remote = lab.shown("compare")["columns"]
    assert remote["engine"]["kind"] == "llama-server" and remote["engine"]["server"] == "lab-server"
    # the same model greedy on both engines (parity measured in test_remote_engine): the same reply
    assert [t["id"] for t in remote["tokens"]] == [t["id"] for t in local["tokens"]]
    assert lab.shown("compare")["first_divergence"] is None and "never part" in lab.divergence.text()
