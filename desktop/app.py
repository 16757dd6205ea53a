"""Composition root: the workspace (data folder, lock, store), the engine factory, then the main window."""

import os
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.remote.target import RemoteTarget, connect
from desktop.core.models import default_chat_model
from desktop.core.models.gpu import apply_chosen_device
from desktop.core.dbfiles import explain, reraise
from desktop.core.errors import InklingError
from desktop.core.paths import DATABASE_NAME, database_path
from desktop.core.store import DatabaseDamagedError, DatabaseTooNewError
from desktop.core.workspace import Workspace, open_workspace, restore_backup, set_aside_damaged
from desktop.ui.ime import choose_input_method, input_context_plugins
from desktop.ui.inert import message_box
from desktop.ui.language import LANGUAGE_KEY, SYSTEM, Language, said
from desktop.ui.main_window import MainWindow
from desktop.ui.model_loader import MODEL_PATH_KEY
from desktop.ui.recovery import ask_how_to_recover
from desktop.ui.relaunch import Handover, Relauncher
from desktop.ui.thread_stop import leave_if_abandoned

APP_ID = "io.github.inkling.Inkling"
# The same id names the .desktop file, the installed icons and the AppStream metainfo (packaging/).
ICON = Path(__file__).resolve().parent / "ui" / "icons" / f"{APP_ID}.svg"


def open_engine(path: str, config):
    """The engine thread's factory: a server's model (a RemoteTarget) or a GGUF file in-process."""
    if isinstance(config, RemoteTarget):
        return connect(config)
    return LlamaEngine(path, config)


def startup_model(store, requested: Path | None) -> Path:
    """The model asked for on the command line, else the last one opened, else the bundled default."""
    if requested is not None:
        return requested
    remembered = store.get_setting(MODEL_PATH_KEY)
    if remembered and Path(remembered).is_file():
        return Path(remembered)
    return default_chat_model().path


def run_window(model_path: Path | None = None, qt_arguments: list[str] = ()) -> int:
    choose_input_method(os.environ, input_context_plugins())  # before Qt reads QT_IM_MODULE
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_arguments])
    app.setApplicationName("Inkling")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon.fromTheme(APP_ID, QIcon(str(ICON))))
    sys.excepthook = say_user_errors(sys.excepthook)
    language = Language(app)
    language.apply(SYSTEM)  # the recovery dialogs, before the remembered choice can be read
    while True:
        app.setQuitOnLastWindowClosed(False)  # closing the recovery dialog must not end Inkling before its window
        try:
            workspace = open_or_recover()
        except DatabaseTooNewError as error:  # the data itself: nothing opens until Inkling is updated
            message_box(None, QMessageBox.Icon.Critical, "Inkling", said(error))
            return 1
        except InklingError as error:  # a busy or unwritable data folder
            message_box(None, QMessageBox.Icon.Warning, "Inkling", said(error))
            return 1
        if workspace is None:
            return 1
        restore: list[Path] = []  # File > Restore from backup… closes the window and asks for this
        with workspace:
            language.apply(workspace.store.get_setting(LANGUAGE_KEY, SYSTEM))
            apply_chosen_device(workspace.store, os.environ)  # before llama.cpp starts its backends (the first load)
            backups = BackupNotices()  # outlives a window built again in another language
            workspace.start_daily_backups(on_error=backups.say)

            def build(handover: Handover | None, workspace=workspace, restore=restore) -> MainWindow:
                model = handover.model_path if handover is not None and handover.model_path else None
                window = MainWindow(workspace.store, open_engine, model or startup_model(workspace.store, model_path),
                                    handover=handover)
                window.restoreRequested.connect(restore.append)
                if handover is not None:
                    window.take_over(handover)
                return window

            relauncher = Relauncher(app, language, build)
            window = relauncher.start()
            backups.failed.connect(relauncher.notify)
            if workspace.recovered:
                window.notify(QCoreApplication.translate(
                    "Inkling", "%n reply(s) were cut off when Inkling last closed unexpectedly; they are kept, marked "
                               "interrupted.", "", workspace.recovered), 10000)
            window.show()
            app.setQuitOnLastWindowClosed(True)  # once the window shows: the dialog's late close is no last window
            code = app.exec()
            relauncher.window.deleteLater()
        if not restore:
            leave_if_abandoned(code)  # a worker still busy at Quit (a model loading): the process leaves anyway
            return code
        try:
            restore_backup(restore[-1])  # the window and its database are closed: the file can be swapped
        except InklingError as error:
            message_box(None, QMessageBox.Icon.Warning, "Inkling", said(error))


class BackupNotices(QObject):
    """The daily copy runs on its own thread: its failure reaches the window queued, through this signal."""

    failed = Signal(str, int)  # text, milliseconds

    def say(self, error: InklingError) -> None:
        self.failed.emit(QCoreApplication.translate("BackupNotices", "The daily backup failed: {error}").format(error=said(error)), 15000)


def open_or_recover(ask=ask_how_to_recover) -> Workspace | None:
    """The workspace; a damaged database is first set aside as the user chooses in `ask` (None: they quit)."""
    while True:
        try:
            return _open_readable()
        except DatabaseDamagedError as error:
            choice = ask(error)
            if choice is None:
                return None
            try:
                set_aside_damaged(error.path, choice.backup)
            except InklingError as refused:  # a copy that is no backup, say: back to the choices
                message_box(None, QMessageBox.Icon.Warning, "Inkling", said(refused))


def _open_readable() -> Workspace:
    """open_workspace(), then the read the window starts with: damage past the first pages shows here, not later."""
    workspace = open_workspace()
    try:
        workspace.store.list_conversations()
    except sqlite3.DatabaseError as error:
        workspace.close()
        reraise(error, workspace.folder / DATABASE_NAME)
    return workspace


def say_user_errors(default):
    """An InklingError that escapes a slot (a full disk while renaming, say) is shown in words, not printed;
    so is a database SQLite finds damaged in the middle of a read."""

    def hook(kind, error, trace):
        if isinstance(error, sqlite3.Error):
            error = explain(error, database_path()) or error
        if isinstance(error, InklingError):
            message_box(QApplication.activeWindow(), QMessageBox.Icon.Warning, "Inkling", said(error))
        else:
            default(kind, error, trace)

    return hook
