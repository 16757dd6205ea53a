"""Model → CPU threads: chosen in the window, applied by reloading the model, remembered (pytest-qt)."""

from desktop.core.engine.types import default_threads
from tests.fakes import FakeEngine


def test_choosing_threads_reloads_the_model_and_is_remembered(qtbot, make_window):
    configs = []

    def factory(path, config):
        configs.append(config)
        return FakeEngine(path, config)

    window = make_window(factory)
    assert configs[-1].n_threads == default_threads()
    menu = window.threads_menu
    assert menu.choices[0].isChecked() and menu.choices[0].text() == f"Automatic ({default_threads()})"
    menu.choices[1].trigger()  # as a click in the menu does
    qtbot.waitUntil(lambda: window._loading_request is None, timeout=10000)
    assert configs[-1].n_threads == 1 and len(configs) == 2
    window.close()

    again = make_window(factory)
    assert configs[-1].n_threads == 1 and again.threads_menu.choices[1].isChecked()
    again.threads_menu.choices[0].trigger()
    qtbot.waitUntil(lambda: again._loading_request is None, timeout=10000)
    assert configs[-1].n_threads == default_threads()


def test_the_default_leaves_a_core_free(monkeypatch):
    for cores, expected in ((1, 1), (2, 1), (4, 3), (32, 8)):
        monkeypatch.setattr("os.sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert default_threads() == expected
