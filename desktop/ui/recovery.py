"""When the database cannot be opened: restore a backup or start fresh (the damaged file is moved aside, never deleted)."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.backups import Backup, backups_folder, list_backups
from desktop.core.dbfiles import DatabaseDamagedError
from desktop.ui.inert import message_box
from desktop.ui.language import said

FILE_FILTER = QT_TRANSLATE_NOOP("Recovery", "Inkling backups (*.db);;All files (*)")



@dataclass(frozen=True)
class Recovery:
    backup: Path | None  # the copy to put back; None: start with a new, empty database


def pick_backup_file(parent: QWidget | None, data_folder: Path) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, QCoreApplication.translate("Recovery", "Restore from backup"), str(backups_folder(data_folder)), QCoreApplication.translate("Recovery", FILE_FILTER))
    return Path(chosen) if chosen else None


def ask_how_to_recover(error: DatabaseDamagedError, parent: QWidget | None = None,
                       pick=pick_backup_file, cancel: str = QT_TRANSLATE_NOOP("Recovery", "Quit")) -> Recovery | None:
    """The start-up dialog (and Notes → Repair damaged notes…); None when the user quits or cancels: nothing moves."""
    newest: list[Backup] = list_backups(error.path.parent, error.path.name)[:1]
    box = QMessageBox(parent)
    box.setObjectName("recoveryDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Recovery", "Inkling cannot open its database"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the reason quotes a path and SQLite's words
    box.setText(
        QCoreApplication.translate("Recovery", "{path} is damaged and cannot be opened ({reason}).\n\nInkling can move it aside — it is "
            "renamed, never deleted — and then put back a backup, or start with a new, empty database.").format(
            path=error.path, reason=said(error.reason))
        + ("" if newest else "\n\n" + QCoreApplication.translate("Recovery", "There is no backup in {path} yet.").format(path=backups_folder(error.path.parent)))
    )
    restore_newest = box.addButton(QCoreApplication.translate("Recovery", "Restore {backup}").format(backup=said(newest[0].describe())), QMessageBox.ButtonRole.AcceptRole) \
        if newest else None
    restore_other = box.addButton(QCoreApplication.translate("Recovery", "Restore from backup…"), QMessageBox.ButtonRole.ActionRole)
    fresh = box.addButton(QCoreApplication.translate("Recovery", "Start fresh"), QMessageBox.ButtonRole.DestructiveRole)
    quit_ = box.addButton(QCoreApplication.translate("Recovery", cancel), QMessageBox.ButtonRole.RejectRole)
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
        parent, QMessageBox.Icon.Question, QCoreApplication.translate("Recovery", "Restore from backup"),
        QCoreApplication.translate("Recovery", "Inkling will close, put back {name} and open again. The current database is kept beside it, "
            "renamed (…replaced-DATE), never deleted.").format(name=backup.name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
