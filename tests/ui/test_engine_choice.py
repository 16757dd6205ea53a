"""EngineChoice: each conversation's engine, asked for when it is opened, kept when the user moves on early."""

from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop.core.engine.remote.servers import KeyStore, new_entry, save_entries
from desktop.core.store import Store
from desktop.ui.engine_choice import LAST_CHOICE_KEY, EngineChoice

SERVER = {"server": "gpu", "model": "big"}


@pytest.fixture
def choice(qtbot, tmp_path):
    store = Store(Database(memory=True))
    save_entries(store, [new_entry("gpu", "http://127.0.0.1:9")])
    model = tmp_path / "small.gguf"
    model.write_bytes(b"GGUF")
    chooser = EngineChoice(store, KeyStore(tmp_path))
    chooser.asked = []
    chooser.fileWanted.connect(lambda path: chooser.asked.append(("file", path)))
    chooser.serverWanted.connect(lambda target: chooser.asked.append(("server", target.label, target.model)))
    chooser.failed.connect(lambda text: chooser.asked.append(("failed", text)))
    yield chooser, store, {"path": str(model)}
    store.close()


def test_switching_asks_only_for_another_engine_and_new_conversations_take_the_last(choice):
    chooser, store, local = choice
    a = store.create_conversation("a").id
    chooser.on_conversation_opened(a)
    assert chooser.asked == []  # nothing chosen anywhere yet: the window loads its start-up model
    chooser.on_load_requested(local)
    chooser.on_loaded(local)
    store.set_conversation_engine(b := store.create_conversation("b").id, SERVER)
    chooser.on_conversation_opened(b)
    assert chooser.asked == [("server", "gpu", "big")]
    chooser.on_load_requested(SERVER)
    chooser.on_loaded(SERVER)
    c = store.create_conversation("c").id
    chooser.on_conversation_opened(c)  # new: the last choice, already loaded
    assert store.conversation_engine(c) == SERVER and len(chooser.asked) == 1
    chooser.on_conversation_opened(a)
    assert chooser.asked[-1] == ("file", Path(local["path"])) and store.get_setting(LAST_CHOICE_KEY) == SERVER


def test_a_choice_made_just_before_moving_on_is_kept(choice):
    """The user picks this laptop's model, then opens another conversation before it has loaded."""
    chooser, store, local = choice
    store.set_conversation_engine(a := store.create_conversation("a").id, SERVER)
    store.set_conversation_engine(b := store.create_conversation("b").id, SERVER)
    chooser.on_conversation_opened(b)
    chooser.on_load_requested(SERVER)
    chooser.on_loaded(SERVER)
    chooser.on_load_requested(local)  # Engine → This laptop, in b
    chooser.on_conversation_opened(a)  # a wants the server again: that load replaces the one for b
    assert chooser.asked[-1] == ("server", "gpu", "big")
    assert store.conversation_engine(b) == local and store.conversation_engine(a) == SERVER


def test_a_failed_load_or_a_new_notebook_leaves_the_asking_conversation_its_engine(choice):
    chooser, store, local = choice
    a = store.create_conversation("a").id
    chooser.on_conversation_opened(a)
    chooser.on_load_requested(local)
    chooser.on_loaded(local)
    chooser.on_load_requested(SERVER)
    chooser.on_load_failed()  # the server is down
    assert store.conversation_engine(a) == local and chooser.wanted == local
    chooser.on_load_requested({"path": "/models/base.gguf"})  # a base model, opened from a chat with messages
    chooser.keep_previous()  # the window writes with it in a new notebook instead
    assert store.conversation_engine(a) == local


def test_a_conversation_whose_server_or_file_is_gone_says_so(choice):
    chooser, store, _local = choice
    store.set_conversation_engine(a := store.create_conversation("a").id, {"server": "removed"})
    store.set_conversation_engine(b := store.create_conversation("b").id, {"path": "/nowhere/model.gguf"})
    chooser.on_conversation_opened(a)
    chooser.on_conversation_opened(b)
    assert [kind for kind, *_ in chooser.asked] == ["failed", "failed"]
    assert "No server named 'removed'" in chooser.asked[0][1] and "/nowhere/model.gguf" in chooser.asked[1][1]
    assert chooser.wanted is None
