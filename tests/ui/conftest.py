"""Window fixtures: a real SQLite file in the test's data folder, windows closed (worker stopped) at teardown."""

from pathlib import Path

import pytest

from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.ui.language import ENGLISH, Language
from desktop.ui.main_window import MainWindow
from tests.fakes import FakeEngine


@pytest.fixture(scope="session", autouse=True)
def english_as_shown(qapp):
    """The window's English as a user sees it: Inkling installs English's plural forms ("1 chunk", "3 files") when
    it starts. A test that shows another language installs its own translators over these."""
    language = Language(qapp)
    language.apply(ENGLISH)
    yield language  # kept alive: Qt reads the installed translation's bytes in place


@pytest.fixture
def make_window(qtbot, inkling_home):
    windows, stores = [], []

    def make(engine_factory=FakeEngine, model_path: Path = Path("fake.gguf"), wait_for_model=True):
        store = open_store(database_path())
        stores.append(store)
        window = MainWindow(store, engine_factory, model_path)
        window.errors = []
        window.show_error = lambda title, text: window.errors.append((title, text))
        window.confirm = lambda title, text: True
        qtbot.addWidget(window)
        windows.append(window)
        if wait_for_model:
            qtbot.waitUntil(lambda: window.models.info is not None or bool(window.errors), timeout=60000)
        return window

    yield make
    for window in windows:
        window.close()
    for store in stores:
        store.close()


def send(qtbot, window, text: str, timeout: int = 60000):
    """Type a message, press Enter and wait until the reply is complete."""
    with qtbot.waitSignal(window.replyFinished, timeout=timeout):
        window.composer.setPlainText(text)
        qtbot.keyClick(window.composer, "\r")
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=timeout)
