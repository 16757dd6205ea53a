"""The Engine menu: add a server (with its probe), switch between this laptop's model and a server's."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDialog, QMenu

from desktop.core.engine.remote.servers import (
    KeyStore, ServerEntry, load_entries, remember_context, save_entries, target_of,
)
from desktop.core.engine.types import ModelInfo
from desktop.core.errors import InklingError
from desktop.ui.language import said

LOCAL = QT_TRANSLATE_NOOP("EngineMenu", "This laptop (in-process model)")


class EngineMenu(QObject):
    """Owns the servers list in the settings; says which engine the user picked, never loads one itself."""

    serverChosen = Signal(object)  # RemoteTarget
    localChosen = Signal()
    failed = Signal(str)  # a server that cannot be used (its key's variable is not set…), in words
    notify = Signal(str)

    def __init__(self, store, keys: KeyStore, dialog_parent=None):
        super().__init__(dialog_parent)
        self.store = store
        self.keys = keys
        self._dialog_parent = dialog_parent
        self._current: str | None = None  # the server in use; None: in-process
        self.menu: QMenu | None = None

    def install(self, menu: QMenu) -> None:
        self.menu = menu
        menu.setObjectName("engineMenu")
        self._rebuild()

    @Slot(object)
    def on_model_info_changed(self, info: ModelInfo) -> None:
        """The engine learned something about its model while replying: a server's real context is kept with it."""
        if remember_context(self.store, info):
            self._rebuild()  # the server's tooltip names its context now

    def on_engine_changed(self, server: str | None) -> None:
        """The engine that is loaded now (None: in-process): its entry is checked."""
        self._current = server
        self._rebuild()

    def _rebuild(self) -> None:
        menu = self.menu
        menu.clear()
        add = QAction(self.tr("&Add server…"), menu, objectName="addServer")
        add.triggered.connect(self.on_add)
        menu.addAction(add)
        menu.addSeparator()
        group = QActionGroup(menu)
        local = QAction(self.tr(LOCAL), menu, checkable=True, checked=self._current is None)
        local.triggered.connect(self.localChosen)
        group.addAction(local)
        menu.addAction(local)
        for entry in load_entries(self.store):
            profile = entry.server_profile
            about = f" — {profile.models[0]}" if profile is not None and profile.models else ""
            action = QAction(f"{entry.name}{about}", menu, checkable=True, checked=self._current == entry.name)
            action.setToolTip(said(profile.capability_line) if profile is not None else entry.url)
            action.triggered.connect(lambda _checked=False, chosen=entry: self._choose(chosen))
            group.addAction(action)
            menu.addAction(action)
        menu.setToolTipsVisible(True)

    def _choose(self, entry: ServerEntry) -> None:
        try:
            target = target_of(entry, self.keys)
        except InklingError as error:
            self.failed.emit(said(error))
            self._rebuild()  # the check mark goes back to the engine in use
            return
        self.serverChosen.emit(target)

    @Slot()
    def on_add(self) -> None:
        from desktop.ui.server_dialog import AddServerDialog

        entries = load_entries(self.store)
        dialog = AddServerDialog(self.keys, {e.name for e in entries}, self._dialog_parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.entry is None:
            return
        save_entries(self.store, [*entries, dialog.entry])
        self._rebuild()
        self.notify.emit(self.tr("Added {name}: choose it in the Engine menu to chat through it.").format(name=dialog.entry.name))
