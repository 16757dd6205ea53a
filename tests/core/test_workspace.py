"""open_workspace(): the lock, crash recovery only for the folder's owner, read-only use, a busy folder in words."""

import pytest

from desktop.core.paths import DataFolderBusyError, DataFolderLock, ensure_data_dir
from desktop.core.store import DatabaseDamagedError, DatabaseTooNewError, open_store
from desktop.core.workspace import open_workspace
from tests.e2e.runner import another_inkling_holding


def leave_a_streaming_reply(folder) -> int:
    """As a crash mid-reply leaves it: a reply still marked streaming."""
    store = open_store(folder / "inkling.db")
    try:
        conversation = store.create_conversation(title="crashed")
        user = store.add_message(conversation.id, "user", "hi")
        return store.add_message(conversation.id, "assistant", "Hel", parent_id=user.id, status="streaming").id
    finally:
        store.close()


def status_of(workspace, message_id: int) -> str:
    return workspace.store.get_message(message_id).status


def test_a_writing_workspace_holds_the_lock_until_closed(inkling_home):
    with open_workspace() as workspace:
        assert workspace.folder == inkling_home and workspace.owns_folder
        assert workspace.notes_folder == inkling_home
        with pytest.raises(DataFolderBusyError):
            DataFolderLock(inkling_home).acquire()
    again = DataFolderLock(inkling_home)
    again.acquire()  # closing released it
    again.release()


def test_only_the_owner_marks_streaming_replies_interrupted(inkling_home):
    message_id = leave_a_streaming_reply(ensure_data_dir())
    with open_workspace(write=False) as reader:
        assert not reader.owns_folder and reader.recovered == 0
        assert status_of(reader, message_id) == "streaming"
    with open_workspace() as owner:
        assert owner.recovered == 1 and status_of(owner, message_id) == "interrupted"


def test_a_shared_workspace_neither_locks_nor_recovers(inkling_home):
    message_id = leave_a_streaming_reply(ensure_data_dir())
    window = DataFolderLock(inkling_home)  # another Inkling owns the folder, and may be streaming that reply
    window.acquire()
    try:
        with open_workspace(share_if_busy=True) as shared:
            assert not shared.owns_folder and shared.recovered == 0
            assert status_of(shared, message_id) == "streaming"
            shared.store.create_conversation(title="written beside the window")
        with open_workspace(write=False) as reader:
            assert [c.title for c in reader.store.list_conversations()][0] == "written beside the window"
    finally:
        window.release()


def test_a_busy_folder_is_refused_in_words_and_the_store_is_not_opened(inkling_home):
    ensure_data_dir()
    with another_inkling_holding(inkling_home):
        with pytest.raises(DataFolderBusyError, match="already running with the data folder"):
            open_workspace()
        assert not (inkling_home / "inkling.db").exists()


def test_a_store_that_cannot_open_leaves_the_lock_free(inkling_home):
    folder = ensure_data_dir()
    (folder / "inkling.db").write_bytes(bytes(range(256)) * 16)
    with pytest.raises(DatabaseDamagedError, match="inkling.db is damaged or not an Inkling database.*move it aside"):
        open_workspace()
    lock = DataFolderLock(folder)
    lock.acquire()
    lock.release()


def test_a_database_from_a_newer_inkling_is_refused_by_every_way_in(inkling_home):
    store = open_store(ensure_data_dir() / "inkling.db")
    store.db["_sqlite_migrations"].insert({"migration_set": "inkling", "name": "m999_future", "applied_at": ""})
    store.close()
    for write in (True, False):
        with pytest.raises(DatabaseTooNewError, match="newer version of Inkling"):
            open_workspace(write=write)
