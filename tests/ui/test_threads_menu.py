"""Model → CPU threads: chosen in the window, applied by reloading the model, remembered (pytest-qt)."""

from dataclasses import replace
from pathlib import Path

from desktop.core.engine.types import default_threads
from desktop.core.models.settings import FOLLOW_MENU, load_model_settings, save_model_settings
from tests.fakes import FakeEngine


def recording_factory():
    """A FakeEngine factory that keeps each load's EngineConfig."""
    configs = []

    def factory(path, config):
        configs.append(config)
        return FakeEngine(path, config)

    return configs, factory


def test_choosing_threads_reloads_the_model_and_is_remembered(qtbot, make_window):
    configs, factory = recording_factory()
    window = make_window(factory)
    assert configs[-1].n_threads == default_threads()
    menu = window.models.threads_menu
    assert menu.choices[0].isChecked() and menu.choices[0].text() == f"Automatic ({default_threads()})"
    menu.choices[1].trigger()  # as a click in the menu does
    qtbot.waitUntil(lambda: not window.models.loading, timeout=10000)
    assert configs[-1].n_threads == 1 and len(configs) == 2
    window.close()

    again = make_window(factory)
    assert configs[-1].n_threads == 1 and again.models.threads_menu.choices[1].isChecked()
    again.models.threads_menu.choices[0].trigger()
    qtbot.waitUntil(lambda: not again.models.loading, timeout=10000)
    assert configs[-1].n_threads == default_threads()


def test_the_default_leaves_a_core_free(monkeypatch):
    for cores, expected in ((1, 1), (2, 1), (4, 3), (32, 8)):
        monkeypatch.setattr("os.sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert default_threads() == expected


def test_a_model_with_its_own_threads_keeps_them_when_the_menu_changes(qtbot, make_window):
    """The one rule: a number set for a model in the library wins; the menu is for every other model."""
    configs, factory = recording_factory()
    window = make_window(factory)
    path = Path(window.models.info.path)
    save_model_settings(window.store, path, replace(load_model_settings(window.store, path), n_threads=2))
    window.models.threads_menu.choices[1].trigger()
    assert not window.models.loading and len(configs) == 1  # not reloaded: nothing would change
    assert "keeps its own 2 threads" in window.statusBar().currentMessage()
    save_model_settings(window.store, path, replace(load_model_settings(window.store, path), n_threads=FOLLOW_MENU))
    window.models.load_model(path)
    qtbot.waitUntil(lambda: not window.models.loading, timeout=10000)
    assert configs[-1].n_threads == 1  # following the menu again
