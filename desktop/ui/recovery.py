"""When the database cannot be opened: restore a backup or start fresh (the damaged file is moved aside, never deleted)."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.backups import Backup, backups_folder, list_backups
from desktop.core.dbfiles import DatabaseDamagedError
from desktop.ui.inert import message_box

FILE_FILTER = "Inkling backups (*.db);;All files (*)"


@dataclass(frozen=True)
class Recovery:
    backup: Path | None  # the copy to put back; None: start with a new, empty database


def pick_backup_file(parent: QWidget | None, data_folder: Path) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "Restore from backup", str(backups_folder(data_folder)), FILE_FILTER)
    return Path(chosen) if chosen else None


def ask_how_to_recover(error: DatabaseDamagedError, parent: QWidget | None = None,
                       pick=pick_backup_file, cancel: str = "Quit") -> Recovery | None:
    """The start-up dialog (and Notes → Repair damaged notes…); None when the user quits or cancels: nothing moves."""
    newest: list[Backup] = list_backups(error.path.parent, error.path.name)[:1]
    box = QMessageBox(parent)
    box.setObjectName("recoveryDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Recovery", "Inkling cannot open its database"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the reason quotes a path and SQLite's words
    box.setText(
        f"{error.path} is damaged and cannot be opened ({error.reason}).\n\nInkling can move it aside — it is "
        "renamed, never deleted — and then put back a backup, or start with a new, empty database."
        + ("" if newest else f"\n\nThere is no backup in {backups_folder(error.path.parent)} yet.")
    )
    restore_newest = box.addButton(f"Restore {newest[0].describe()}", QMessageBox.ButtonRole.AcceptRole) \
        if newest else None
    restore_other = box.addButton("Restore from backup…", QMessageBox.ButtonRole.ActionRole)
    fresh = box.addButton("Start fresh", QMessageBox.ButtonRole.DestructiveRole)
    quit_ = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_newest or restore_other)
    box.setEscapeButton(quit_)
    while True:
        box.exec()
        clicked = box.clickedButton()
        if clicked is restore_newest and newest:
            return Recovery(newest[0].path)
        if clicked is fresh:
            return Recovery(None)
        if clicked is restore_other:
            chosen = pick(parent, error.path.parent)
            if chosen is not None:
                return Recovery(chosen)
            continue  # the file dialog was cancelled: back to the choices
        return None


def confirm_restore(parent: QWidget, backup: Path) -> bool:
    answer = message_box(
        parent, QMessageBox.Icon.Question, "Restore from backup",
        f"Inkling will close, put back {backup.name} and open again. The current database is kept beside it, "
        "renamed (…replaced-DATE), never deleted.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
