"""File → Export, Import and Restore from backup: conversations to and from files the user picks."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from desktop.core.backups import backup_database
from desktop.core.conversation.transfer import TransferError, export_text
from desktop.core.errors import InklingError
from desktop.core.paths import database_path
from desktop.core.store import Store
from desktop.ui.import_controller import ImportController
from desktop.ui.language import said
from desktop.ui.recovery import confirm_restore, pick_backup_file


class ConversationFiles(QObject):
    """The File menu's file actions; the window shows what was imported and closes for a restore."""

    imported = Signal(list)  # ids of the conversations added, in the file's order: the window shows the last
    restoreChosen = Signal(object)  # Path of a checked backup the user confirmed: the window closes so it is put back
    failed = Signal(str, str)  # title, text: an error to show
    notify = Signal(str, int)  # a status line, milliseconds

    def __init__(self, store: Store, conversation: Callable[[], int | None], dialog_parent=None):
        """`conversation()`: the conversation shown (the one exported)."""
        super().__init__(dialog_parent)
        self.store = store
        self._conversation = conversation
        self._dialog_parent = dialog_parent
        self.importer = ImportController(store, self)  # its `status` (progress, Cancel) goes in the window's status bar
        self.importer.imported.connect(self.imported)
        self.importer.failed.connect(self.failed)
        self.importer.notify.connect(self.notify)

    def install(self, menu: QMenu) -> None:
        """Export and Import, then Restore from backup after a separator."""
        for text, shortcut, slot in ((self.tr("&Export conversation…"), QKeySequence("Ctrl+Shift+E"), self.export_conversation),
                                     (self.tr("&Import conversations…"), None, self.import_conversations), (None, None, None),
                                     (self.tr("&Restore from backup…"), None, self.restore_from_backup)):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, menu)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)

    def export_conversation(self) -> None:
        """File → Export conversation…: the branch shown as Markdown, or every branch as JSON."""
        conversation_id = self._conversation()
        conversation = self.store.get_conversation(conversation_id) if conversation_id else None
        if conversation is None:
            return
        path = self.ask_save_path(self.tr("Export conversation"), f"{conversation.title}.md",
                                  self.tr("Markdown, the branch shown (*.md);;JSON, every branch with token data (*.json)"))
        if path is None:
            return
        fmt = "json" if path.suffix.lower() == ".json" else "md"
        try:
            text = export_text(self.store, conversation.id, fmt, "all" if fmt == "json" else "current")
            path.write_text(text, encoding="utf-8")
        except (OSError, TransferError) as error:
            self.failed.emit(self.tr("Cannot export"), f"{path}: {getattr(error, 'strerror', None) or said(error)}")
            return
        self.notify.emit(self.tr("Exported “{title}” to {path}.").format(title=conversation.title, path=path), 8000)

    def import_conversations(self) -> None:
        """File → Import conversations…: an exported JSON file or archive, read on its own thread (ImportController)."""
        path = self.ask_open_path(self.tr("Import conversations"), self.tr("Inkling exports (*.json *.zip);;All files (*)"))
        if path is not None:
            self.importer.start(path)

    def restore_from_backup(self) -> None:
        """File → Restore from backup…: a backup file, checked and confirmed before the window closes for it."""
        chosen = pick_backup_file(self._dialog_parent, database_path().parent)
        if chosen is None:
            return
        try:
            backup_database(chosen)  # a file that is no backup is refused now, before the window closes
        except InklingError as error:
            self.failed.emit(self.tr("Restore from backup"), said(error))
            return
        if confirm_restore(self._dialog_parent, chosen):
            self.restoreChosen.emit(chosen)

    def shutdown(self) -> None:
        """The window closes: an import in progress is cancelled and taken back."""
        self.importer.shutdown()

    # --- file dialogs (tests replace these) ---------------------------------------------------------
    def ask_save_path(self, title: str, name: str, filters: str) -> Path | None:
        path, chosen = QFileDialog.getSaveFileName(self._dialog_parent, title, name, filters)
        if not path:
            return None
        path = Path(path)
        if not path.suffix and "*.json" in chosen:
            path = path.with_suffix(".json")
        return path

    def ask_open_path(self, title: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._dialog_parent, title, "", filters)
        return Path(path) if path else None
