"""Conversation files on their own (no window): export the shown conversation, import a file, restore a checked backup."""

import json
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMenu

from desktop.core.backups import make_backup
from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.ui import conversation_files as conversation_files_module
from desktop.ui.conversation_files import ConversationFiles


@pytest.fixture
def parts(qtbot, inkling_home):
    store = open_store(database_path())
    shown = SimpleNamespace(conversation=None)
    files = ConversationFiles(store, lambda: shown.conversation)
    out = SimpleNamespace(imported=[], restore=[], errors=[], notices=[])
    files.imported.connect(out.imported.append)
    files.restoreChosen.connect(out.restore.append)
    files.failed.connect(lambda title, text: out.errors.append((title, text)))
    files.notify.connect(lambda text, _ms: out.notices.append(text))
    yield store, shown, files, out
    files.shutdown()
    store.close()


def chat(store, title="Capital?"):
    conversation = store.create_conversation(title)
    question = store.add_message(conversation.id, "user", "Capital of France?")
    store.add_message(conversation.id, "assistant", "**Paris**.", parent_id=question.id)
    return conversation


def test_the_menu_has_the_file_actions_in_order(qtbot, parts):
    _, _, files, _ = parts
    menu = QMenu()
    qtbot.addWidget(menu)
    files.install(menu)
    assert [a.text() or "|" for a in menu.actions()] == [
        "&Export conversation…", "&Import conversations…", "|", "&Restore from backup…"]
    assert menu.actions()[0].shortcut().toString() == "Ctrl+Shift+E"


def test_the_shown_conversation_is_exported_as_markdown_or_json(parts, tmp_path):
    store, shown, files, out = parts
    files.export_conversation()  # nothing shown: nothing asked
    shown.conversation = chat(store).id
    asked = []
    files.ask_save_path = lambda title, name, filters: asked.append(name) or tmp_path / "chat.md"
    files.export_conversation()
    assert asked == ["Capital?.md"] and "**Paris**" in (tmp_path / "chat.md").read_text()
    files.ask_save_path = lambda *_: tmp_path / "chat.json"
    files.export_conversation()
    assert json.loads((tmp_path / "chat.json").read_text())["conversation"]["title"] == "Capital?"
    assert out.notices[-1] == f"Exported “Capital?” to {tmp_path / 'chat.json'}." and out.errors == []
    files.ask_save_path = lambda *_: tmp_path / "no such folder" / "chat.md"
    files.export_conversation()
    assert out.errors[0][0] == "Cannot export" and "No such file or directory" in out.errors[0][1]


def test_an_exported_file_is_imported_and_a_bad_one_refused(parts, tmp_path, qtbot):
    store, shown, files, out = parts
    shown.conversation = chat(store).id
    files.ask_save_path = lambda *_: tmp_path / "chat.json"
    files.export_conversation()
    files.ask_open_path = lambda *_: None  # cancelled
    files.import_conversations()
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    files.ask_open_path = lambda *_: bad
    files.import_conversations()
    qtbot.waitUntil(lambda: not files.importer.busy)  # read on its own thread
    assert out.imported == [] and out.errors[0][0] == "Cannot import" and "bad.json" in out.errors[0][1]
    files.ask_open_path = lambda *_: tmp_path / "chat.json"
    files.import_conversations()
    qtbot.waitUntil(lambda: not files.importer.busy)
    (ids,) = out.imported
    assert len(ids) == 1 and store.get_conversation(ids[0]).title == "Capital?"
    assert out.notices[-1] == "Imported 1 conversation from chat.json."


def test_only_a_checked_and_confirmed_backup_is_restored(parts, inkling_home, tmp_path, monkeypatch):
    _, _, files, out = parts
    backup = make_backup(inkling_home, "inkling.db")
    stranger = tmp_path / "stranger.db"
    stranger.write_bytes(b"not a database" * 100)
    picked, confirmed = [stranger], [False]
    monkeypatch.setattr(conversation_files_module, "pick_backup_file", lambda parent, folder: picked[0])
    monkeypatch.setattr(conversation_files_module, "confirm_restore", lambda parent, path: confirmed[0])
    files.restore_from_backup()
    assert out.restore == [] and "is not a usable Inkling backup" in out.errors[0][1]
    picked[0] = backup.path
    files.restore_from_backup()
    assert out.restore == [] and len(out.errors) == 1  # the user said no
    confirmed[0] = True
    files.restore_from_backup()
    assert out.restore == [backup.path]
