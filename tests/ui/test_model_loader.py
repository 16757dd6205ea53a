"""The model loader on its own (no window): the newest load counts, progress and errors shown, the engine handed over."""

import dataclasses
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu

from desktop.core.engine.remote.engine import remote_model_name
from desktop.core.engine.remote.http import ServerAddress
from desktop.core.engine.remote.target import RemoteTarget
from desktop.core.engine.types import EngineConfig
from desktop.core.models.settings import opened_models
from desktop.core.paths import database_path
from desktop.core.settings import load_threads
from desktop.core.store import open_store
from desktop.ui.model_loader import MODEL_PATH_KEY, ModelLoader
from desktop.ui.worker import EngineController
from tests.fakes import FakeEngine


@pytest.fixture
def make_loader(qtbot, inkling_home):
    store = open_store(database_path())
    engines = []

    def make(factory=FakeEngine, fallbacks=(), busy=lambda: False, engine=None):
        engine = engine or EngineController(factory)
        engines.append(engine)
        loader = ModelLoader(store, engine, EngineConfig(n_ctx=1024), fallbacks, busy, parent=engine)
        asked, shown, failures, notices = [], [], [], []
        loader.loadRequested.connect(asked.append)
        loader.loaded.connect(lambda info, server, opening: shown.append((info, server, opening)))
        loader.failed.connect(lambda title, text: failures.append((title, text)))
        loader.notify.connect(lambda text, _ms: notices.append(text))
        return loader, asked, shown, failures, notices

    yield store, make
    for engine in engines:
        engine.shutdown()
    store.close()


def test_a_model_file_loads_and_is_remembered(qtbot, make_loader):
    store, make = make_loader
    loader, asked, shown, failures, _ = make()
    loader.load_model(Path("first.gguf"))
    assert asked == [{"path": "first.gguf"}] and loader.loading
    assert loader.label.text() == "Loading first…" and not loader.progress.isHidden()
    assert loader.reply_name() == "first"  # a reply sent now is saved under the model on its way
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        pass
    info, server, opening = shown[0]
    assert server is None and not opening and info is loader.info and info.n_ctx == 1024  # the loader's settings reached the engine
    assert not loader.loading and loader.progress.isHidden() and failures == []
    assert loader.name == "first" and loader.label.text() == "first · chat"
    assert loader.engine_description is None and loader.server is None
    assert store.get_setting(MODEL_PATH_KEY) == "first.gguf" and opened_models(store) == [Path("first.gguf")]


def test_only_the_newest_load_is_answered_and_its_progress_shown(qtbot, make_loader):
    _, make = make_loader
    release = threading.Event()

    def slow(path, config):
        release.wait(10)
        return FakeEngine(path, config)

    loader, _, shown, _, _ = make(slow)
    loader.load_model(Path("old.gguf"))
    old = loader._request
    loader.load_model(Path("new.gguf"))
    worker = loader.engine.worker
    worker.modelProgress.emit(old, 0.9)  # an answer for the load no longer waited for
    assert loader.progress.maximum() == 0  # still busy, not 90 %
    worker.modelProgress.emit(loader._request, 0.5)
    assert (loader.progress.maximum(), loader.progress.value()) == (100, 50)
    worker.modelLoaded.emit(old, FakeEngine("old.gguf").info)
    assert shown == [] and loader.loading
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        release.set()
    assert [info.path for info, _, _ in shown] == [Path("new.gguf")]


def test_a_broken_file_keeps_the_model_loaded_and_says_so(qtbot, make_loader):
    _, make = make_loader
    loader, _, _, failures, _ = make()
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path("good.gguf"))
    before = loader.info
    with qtbot.waitSignal(loader.loadFailed, timeout=10000):
        loader.load_model(Path("broken.gguf"))
    title, text = failures[0]
    assert title == "Cannot open model" and "not a GGUF" in text and "good is still loaded" in text
    assert loader.info is before and loader.label.text() == "good · chat" and loader.progress.isHidden()


def test_the_start_up_model_is_loaded_when_the_first_one_fails_and_shown_loading(qtbot, make_loader):
    _, make = make_loader
    release = threading.Event()

    def gated(path, config):
        if "bundled" in str(path):
            release.wait(10)
        return FakeEngine(path, config)

    loader, asked, shown, failures, _ = make(gated, fallbacks=(Path("bundled.gguf"),))
    with qtbot.waitSignal(loader.failed, timeout=10000):
        loader.load_model(Path("broken.gguf"))  # the first conversation's engine
    assert asked == [{"path": "broken.gguf"}, {"path": "bundled.gguf"}]
    assert "still loaded" not in failures[0][1] and failures[0][1].endswith("\n\nOpening bundled instead.")
    # (before: hidden, and "No model: open one with File → Open model…" while the start-up model loaded)
    assert loader.loading and loader.label.text() == "Loading bundled…" and not loader.progress.isHidden()
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        release.set()
    assert shown[0][0].path == Path("bundled.gguf")
    assert loader.label.text() == "bundled · chat" and loader.progress.isHidden()
    with qtbot.waitSignal(loader.loadFailed, timeout=10000):
        loader.load_model(Path("broken.gguf"))
    assert len(asked) == 3 and "bundled is still loaded" in failures[-1][1]  # the start-up model only once


def test_a_broken_start_up_model_is_not_tried_twice_the_bundled_one_opens(qtbot, make_loader):
    _, make = make_loader
    loader, asked, shown, failures, _ = make(fallbacks=(Path("broken-start.gguf"), Path("bundled.gguf")))
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path("broken-start.gguf"))  # no conversation had an engine: the start-up model itself
    # (before: the same broken file was loaded again, failed again, and no model opened)
    assert asked == [{"path": "broken-start.gguf"}, {"path": "bundled.gguf"}] and len(failures) == 1
    assert failures[0][1].endswith("Opening bundled instead.") and loader.label.text() == "bundled · chat"


def test_each_start_up_model_is_tried_in_turn_until_none_is_left(qtbot, make_loader):
    _, make = make_loader
    loader, asked, _, failures, _ = make(fallbacks=(Path("broken-start.gguf"), Path("broken-bundled.gguf")))
    with qtbot.waitSignal(loader.failed, timeout=10000):
        loader.load_model(Path("broken-chat.gguf"))
    qtbot.waitUntil(lambda: len(failures) == 3, timeout=10000)
    assert [a["path"] for a in asked] == ["broken-chat.gguf", "broken-start.gguf", "broken-bundled.gguf"]
    assert [f[1].rsplit("\n\n", 1)[-1] for f in failures[:2]] == ["Opening broken-start instead.",
                                                                    "Opening broken-bundled instead."]
    assert not loader.loading and loader.label.text() == "No model: open one with File → Open model…"
    assert loader.progress.isHidden() and "instead" not in failures[2][1]


def test_no_model_at_all_points_to_open_model(qtbot, make_loader):
    _, make = make_loader
    loader, _, _, failures, _ = make()
    with qtbot.waitSignal(loader.loadFailed, timeout=10000):
        loader.load_model(Path("broken.gguf"))
    assert loader.info is None and loader.label.text() == "No model: open one with File → Open model…"
    assert failures and "still loaded" not in failures[0][1]


def test_a_server_being_connected_to_is_named(qtbot, make_loader):
    _, make = make_loader
    release = threading.Event()

    def serving(path, config):
        release.wait(10)
        engine = FakeEngine("served.gguf")
        engine.info = dataclasses.replace(engine.info, engine={"server": "lab box", "model": "qwen"})
        return engine

    loader, asked, shown, _, _ = make(serving)
    target = RemoteTarget(ServerAddress("http://127.0.0.1:9"), "lab box", "qwen")
    loader.load_server(target)
    assert asked == [{"server": "lab box", "model": "qwen"}]
    assert loader.connecting == "lab box" and loader.label.text() == "Connecting to lab box…"
    assert loader.server is None  # not in use before it has loaded
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        release.set()
    assert shown[0][1:] == ("lab box", False) and loader.server is target and not loader.loading and loader.connecting is None
    assert loader.name == remote_model_name("Fake model", "lab box") and loader.label.text().startswith(loader.name)
    assert loader.engine_description == {"server": "lab box", "model": "qwen"} and loader.local_path() is None


def test_cpu_threads_reload_the_open_model_unless_a_reply_is_written(qtbot, make_loader):
    store, make = make_loader
    configs, busy = [], [False]

    def recording(path, config):
        configs.append(config)
        return FakeEngine(path, config)

    loader, _, shown, _, notices = make(recording, busy=lambda: busy[0])
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path("model.gguf"))
    busy[0] = True
    loader.set_threads(3)
    assert load_threads(store) == 3 and notices == ["CPU threads: 3, from the next model loaded."]
    assert not loader.loading  # not loaded again under the reply being written
    busy[0] = False
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.set_threads(2)
    assert [c.n_threads for c in configs][-1] == 2 and len(shown) == 2


def test_the_loaded_engine_is_handed_to_the_next_loader(qtbot, make_loader):
    _, make = make_loader
    loader, _, _, _, _ = make()
    loader.load_model(Path("model.gguf"))
    assert loader.hand_over() is None  # a load in progress: the next window asks for it again
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        pass
    kept = loader.hand_over()
    assert kept.controller is loader.engine and kept.info is loader.info and kept.server is None
    loader.shutdown()  # handed over: the engine thread keeps running for the next window
    assert kept.controller._thread.isRunning()

    again, _, shown, _, _ = make(engine=kept.controller)
    again.adopt(kept)
    assert shown == [(kept.info, None, True)] and again.name == "model" and again.label.text() == "model · chat"
    assert again.local_path() is None  # no such file on disk: nothing to open in the library


def test_the_model_menu_loads_bundled_models_and_asks_for_the_library(qtbot, make_loader, smollm2_path):
    store, make = make_loader
    loader, asked, _, _, _ = make()
    menu = QMenu()
    qtbot.addWidget(menu)
    loader.install(menu)
    bundled = menu.findChild(QMenu, "bundledModels")
    chat = next(a for a in bundled.actions() if a.text().endswith("(chat)"))
    assert chat.isEnabled() and any(a.text().endswith("(base model: notebook)") for a in bundled.actions())
    with qtbot.waitSignal(loader.loaded, timeout=60000):
        chat.trigger()
    assert asked == [{"path": str(smollm2_path)}]
    library = next(a for a in menu.actions() if a.objectName() == "modelLibraryAction")
    assert library.shortcut().toString() == "Ctrl+M"
    with qtbot.waitSignal(loader.libraryWanted, timeout=1000):
        library.trigger()
    with qtbot.waitSignal(loader.loaded, timeout=60000):
        loader.threads_menu.choices[1].trigger()  # the open model loads again on one thread
    assert load_threads(store) == 1


@pytest.fixture
def recorded(make_loader):
    """A loader whose engine thread can be held busy (a reply being written) and whose loads can be held midway."""
    _, make = make_loader
    loads, held_loads, begun, release = [], set(), threading.Event(), threading.Event()

    def factory(path, config):
        loads.append(Path(path).name)
        if Path(path).name in held_loads:
            begun.set()
            release.wait(10)
        return FakeEngine(path, config)

    loader, asked, shown, failures, _ = make(factory)
    return loader, loads, held_loads, begun, release, asked, shown


def busy_worker(loader) -> tuple[threading.Event, threading.Event]:
    """The engine thread in something long (a reply being written): loads asked for now wait their turn."""
    started, free = threading.Event(), threading.Event()
    loader.engine.run_job(lambda engine, cancel, report: (started.set(), free.wait(10)))
    assert started.wait(10)
    return started, free


def drained(qtbot, loader) -> None:
    """Everything queued on the engine thread before now has run, and its answers were heard."""
    done = threading.Event()
    loader.engine.run_job(lambda engine, cancel, report: done.set())
    qtbot.waitUntil(done.is_set, timeout=10000)
    qtbot.waitUntil(lambda: not loader.loading, timeout=10000)


def reading(qtbot, recorded, in_use: str, read: str) -> None:
    """`in_use` loaded, then `read` asked for and held midway through being read."""
    loader, _, held_loads, begun, _, _, _ = recorded
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path(in_use))
    held_loads.add(read)
    loader.load_model(Path(read))
    assert begun.wait(10)


def test_the_model_in_use_asked_for_while_another_waits_is_not_loaded_again(qtbot, recorded):
    loader, loads, _, _, _, asked, shown = recorded
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path("gemma.gguf"))
    _, free = busy_worker(loader)  # gemma writing
    loader.load_model(Path("chat.gguf"))  # a chat's model, queued behind it
    assert loader.loading and loader.label.text() == "Loading chat…"
    loader.load_model(Path("gemma.gguf"))  # back to the notebook: its model is the one in use
    # (before: "Loading gemma…" while gemma wrote, then gemma read from disk again)
    assert not loader.loading and loader.progress.isHidden() and loader.label.text() == "gemma · chat"
    assert asked[-1] == {"path": "gemma.gguf"}  # the conversation shown keeps its engine
    free.set()
    drained(qtbot, loader)
    assert loads == ["gemma.gguf"] and len(shown) == 1 and loader.info.path == Path("gemma.gguf")


def test_the_model_being_loaded_asked_for_again_is_waited_for_once(qtbot, recorded):
    loader, loads, _, _, release, _, shown = recorded
    reading(qtbot, recorded, "chat.gguf", "gemma.gguf")  # being read
    loader.load_model(Path("other.gguf"))  # queued behind it
    loader.load_model(Path("gemma.gguf"))  # the one being read: its answer is waited for again
    assert loader.loading and loader.label.text() == "Loading gemma…" and not loader.progress.isHidden()
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        release.set()
    drained(qtbot, loader)
    assert loads == ["chat.gguf", "gemma.gguf"] and [info.path.name for info, _, _ in shown] == ["chat.gguf", "gemma.gguf"]
    assert loader.label.text() == "gemma · chat"


def test_the_model_in_use_asked_for_after_another_began_loading_is_loaded_again(qtbot, recorded):
    loader, loads, _, _, release, _, shown = recorded
    reading(qtbot, recorded, "gemma.gguf", "chat.gguf")  # chat replaces gemma in the engine once read:
    # the newest request, gemma, must be loaded again
    loader.load_model(Path("gemma.gguf"))
    assert loader.loading and loader.label.text() == "Loading gemma…"
    release.set()
    drained(qtbot, loader)
    assert loads == ["gemma.gguf", "chat.gguf", "gemma.gguf"] and loader.info.path == Path("gemma.gguf")
    assert [info.path.name for info, _, _ in shown] == ["gemma.gguf", "gemma.gguf"]  # chat's answer came too late


def test_a_model_read_while_the_loader_waited_for_a_newer_one_is_used_when_asked_again(qtbot, qapp, recorded):
    loader, loads, _, _, release, _, shown = recorded
    reading(qtbot, recorded, "gemma.gguf", "chat.gguf")
    started, free = threading.Event(), threading.Event()
    loader.engine.run_job(lambda engine, cancel, report: (started.set(), free.wait(10)))  # a reply, say
    loader.load_model(Path("gemma.gguf"))  # queued behind the reply: chat is read first
    release.set()
    assert started.wait(10)  # chat is in the engine; its answer is on its way to the GUI
    qapp.processEvents()
    assert loader.info.path == Path("gemma.gguf") and loader.loading  # the loader waits for gemma's load
    loader.load_model(Path("chat.gguf"))  # chat again: it is in the engine already
    assert not loader.loading and loader.info.path == Path("chat.gguf") and loader.label.text() == "chat · chat"
    free.set()
    drained(qtbot, loader)
    assert loads == ["gemma.gguf", "chat.gguf"] and [info.path.name for info, _, _ in shown] == ["gemma.gguf", "chat.gguf"]


def test_the_same_model_with_other_settings_is_loaded_again(qtbot, recorded):
    loader, loads, _, _, _, _, shown = recorded
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load_model(Path("gemma.gguf"))
    _, free = busy_worker(loader)
    loader.load_model(Path("chat.gguf"))
    loader.load_model(Path("gemma.gguf"), EngineConfig(n_ctx=512))  # the library's settings for it changed
    assert loader.loading and loader.label.text() == "Loading gemma…"
    free.set()
    drained(qtbot, loader)
    assert loads == ["gemma.gguf", "gemma.gguf"] and loader.info.n_ctx == 512
