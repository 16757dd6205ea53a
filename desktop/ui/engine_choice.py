"""Each conversation's engine: switching conversation asks for its engine (only when another is loaded)."""

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.engine.remote.servers import KeyStore, find, load_entries, target_of
from desktop.core.errors import InklingError
from desktop.ui.language import said

LAST_CHOICE_KEY = "last_engine_choice"  # the engine a new conversation starts with


def choice_of(info, server: str | None) -> dict:
    """What a conversation keeps of the engine just loaded (shapes.EngineChoiceJson)."""
    return {"server": server, "model": info.name} if server is not None else {"path": str(info.path)}


class EngineChoice(QObject):
    """Remembers the engine per conversation in the store and asks the window to load the one a conversation wants.

    Nothing is loaded until a conversation that wants another engine is opened (lazily), and only the
    newest such request counts: the window drops the answers to older loads.
    """

    fileWanted = Signal(object)  # Path: a conversation chats with this model file
    serverWanted = Signal(object)  # RemoteTarget: a conversation chats with this server's model
    failed = Signal(str)  # the conversation's engine cannot be opened (a server removed, a key not set…)

    def __init__(self, store, keys: KeyStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.keys = keys
        self.loaded: dict | None = None  # the engine loaded now
        self.wanted: dict | None = None  # the engine asked for last (loading, or loaded)
        self.conversation_id: int | None = None
        self._before: tuple[int, dict | None] | None = None  # the conversation that asked last, and its choice before

    def on_conversation_opened(self, conversation_id: int) -> None:
        """A conversation is shown: its engine (or, new, the last one chosen) is asked for if another is loaded."""
        self.conversation_id = conversation_id
        choice = self.store.conversation_engine(conversation_id)
        if choice is None:  # new (or older than m010): the engine chosen last, loaded or on its way
            choice = self.wanted or self.store.get_setting(LAST_CHOICE_KEY)
            if choice is None:
                return
            self.store.set_conversation_engine(conversation_id, choice)
        if choice != self.wanted:
            self._ask(choice)

    def on_load_requested(self, choice: dict) -> None:
        """An engine is being loaded (the user's pick, or a conversation's): the shown conversation chats with it
        from now on, even if the user moves to another conversation before it has loaded."""
        self.wanted = choice
        if self._exists(self.conversation_id):
            self._before = (self.conversation_id, self.store.conversation_engine(self.conversation_id))
            self.store.set_conversation_engine(self.conversation_id, choice)

    def on_loaded(self, choice: dict) -> None:
        """An engine finished loading: the shown conversation keeps it (with the server's model named now)."""
        self.loaded = self.wanted = choice
        self._before = None
        self.store.set_setting(LAST_CHOICE_KEY, choice)
        if self._exists(self.conversation_id):
            self.store.set_conversation_engine(self.conversation_id, choice)

    def on_load_failed(self) -> None:
        """The engine asked for did not open: the loaded one stays, the conversation that asked keeps its old choice."""
        self.wanted = self.loaded
        self.keep_previous()

    def keep_previous(self) -> None:
        """The conversation that asked for the engine being loaded goes back to its choice before (a base model
        opened from a chat writes in a new notebook: the chat keeps its engine)."""
        before, self._before = self._before, None
        if before is not None and before[1] is not None and self._exists(before[0]):
            self.store.set_conversation_engine(*before)

    def _exists(self, conversation_id: int | None) -> bool:
        return conversation_id is not None and self.store.get_conversation(conversation_id) is not None

    def _ask(self, choice: dict) -> None:
        self.wanted = choice
        if "path" in choice:
            path = Path(choice["path"])
            if not path.is_file():
                self.wanted = self.loaded
                self.failed.emit(self.tr("This conversation's model file is gone ({path}); it continues with the model loaded.")
                                 .format(path=path))
                return
            self.fileWanted.emit(path)
            return
        try:
            entry = find(load_entries(self.store), choice.get("server", ""))
            target = target_of(entry, self.keys, choice.get("model"))
        except InklingError as error:
            self.wanted = self.loaded
            self.failed.emit(self.tr("This conversation's server cannot be used: {error}").format(error=said(error)))
            return
        self.serverWanted.emit(target)
