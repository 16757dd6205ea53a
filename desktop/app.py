"""Composition root: the workspace (data folder, lock, store), the engine factory, then the main window."""

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.models import default_chat_model
from desktop.core.errors import InklingError
from desktop.core.store import DatabaseDamagedError, DatabaseTooNewError
from desktop.core.workspace import open_workspace
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
        workspace = open_workspace()
    except (DatabaseTooNewError, DatabaseDamagedError) as error:  # the data itself: nothing opens until it is fixed
        QMessageBox.critical(None, "Inkling", str(error))
        return 1
    except InklingError as error:  # a busy or unwritable data folder
        QMessageBox.warning(None, "Inkling", str(error))
        return 1
    with workspace:
        window = MainWindow(workspace.store, LlamaEngine, startup_model(workspace.store, model_path))
        if workspace.recovered:
            window.notify(
                f"{workspace.recovered} reply(s) were cut off when Inkling last closed unexpectedly; "
                "they are kept, marked interrupted.",
                10000,
            )
        window.show()
        return app.exec()
