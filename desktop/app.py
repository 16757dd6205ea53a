"""Composition root: data folder, lock, store, engine factory, then the main window."""

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.models import default_chat_model
from desktop.core.paths import DataFolderBusyError, DataFolderError, DataFolderLock, database_path, ensure_data_dir
from desktop.core.store import DatabaseTooNewError, open_store
from desktop.ui.main_window import MODEL_PATH_KEY, MainWindow

APP_ID = "io.github.inkling.Inkling"
# The same id names the .desktop file, the installed icons and the AppStream metainfo (packaging/).
ICON = Path(__file__).resolve().parent / "ui" / "icons" / f"{APP_ID}.svg"


def startup_model(store, requested: Path | None) -> Path:
    """The model asked for on the command line, else the last one opened, else the bundled default."""
    if requested is not None:
        return requested
    remembered = store.get_setting(MODEL_PATH_KEY)
    if remembered and Path(remembered).is_file():
        return Path(remembered)
    return default_chat_model().path


def run_window(model_path: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Inkling")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon.fromTheme(APP_ID, QIcon(str(ICON))))
    try:
        folder = ensure_data_dir()
        lock = DataFolderLock(folder)
        lock.acquire()
    except (DataFolderBusyError, DataFolderError) as error:
        QMessageBox.warning(None, "Inkling", str(error))
        return 1
    try:
        store = open_store(database_path())
    except DatabaseTooNewError as error:
        QMessageBox.critical(None, "Inkling", str(error))
        lock.release()
        return 1
    recovered = store.recover_interrupted()
    window = MainWindow(store, LlamaEngine, startup_model(store, model_path))
    if recovered:
        window.statusBar().showMessage(
            f"{recovered} reply(s) were cut off when Inkling last closed unexpectedly; they are kept, marked interrupted.",
            10000,
        )
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
        lock.release()
