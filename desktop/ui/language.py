"""The window's language (System, English or 简体中文, remembered): Qt translators and a Chinese font."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu

from desktop.core.words import Words
from desktop.ui.fonts import use_chinese_font

LANGUAGE_KEY = "ui_language"
SYSTEM, ENGLISH, CHINESE = "system", "en", "zh_CN"
# Shown in View → Language in their own language, as every app does, so a user can always find theirs.
CHOICES = ((SYSTEM, None), (ENGLISH, "English"), (CHINESE, "简体中文"))
# inkling_zh_CN.qm, compiled from translations/inkling_zh_CN.ts by `make setup` (pyside6-lrelease).
COMPILED = Path(__file__).resolve().parent / "translations"


def resolve(choice: str, system: QLocale | None = None) -> str:
    """The language to show for a choice: System follows the locale (LANG=zh_CN.UTF-8 gives Chinese)."""
    if choice in (ENGLISH, CHINESE):
        return choice
    system = system or QLocale.system()
    return CHINESE if system.language() == QLocale.Language.Chinese else ENGLISH


class Language:
    """Installs the translators for one language; the window's strings are read through them when built."""

    def __init__(self, app: QApplication, folder: Path = COMPILED):
        self.app = app
        self.folder = folder
        self.current = ENGLISH
        self.translated = False  # Inkling's own translation was found (not: `make setup` has not compiled it)
        self._translators: list[QTranslator] = []
        self._kept: list[bytes] = []  # the installed translations' bytes, which Qt reads without copying

    def apply(self, choice: str) -> str:
        """Show the window in the chosen language from now on; returns the language used ("en" or "zh_CN")."""
        for translator in self._translators:
            QCoreApplication.removeTranslator(translator)
        self._translators, self._kept = [], []
        self.current = resolve(choice)
        self.translated = False
        if self.current == ENGLISH:
            # English's plural forms only ("1 chunk", "2 chunks" for tr("%n chunk(s)", "", n)): inkling_en.qm,
            # from translations/inkling_en.ts (lupdate -pluralonly); the other strings are their own English.
            self._install(self.folder / "inkling_en.qm")
        if self.current == CHINESE:
            self.translated = self._install(self.folder / "inkling_zh_CN.qm")
            # Qt's own dialogs and context menus (file dialogs, message box buttons) from PySide6's qtbase_zh_CN.
            self._install(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_zh_CN.qm")
        use_chinese_font(self.app, chinese_ui=self.current == CHINESE)
        return self.current

    def _install(self, path: Path) -> bool:
        """Install the translation in `path`, read into memory: a translator given the file maps it, and a .qm
        compiled again while Inkling runs (`make setup`, an update) then changed under it, so its lookups missed
        and strings showed in English. Qt reads the bytes in place: they are kept here while it is installed."""
        try:
            data = path.read_bytes()
        except OSError:
            return False  # not compiled (`make setup` not run): the strings stay English
        translator = QTranslator(self.app)
        if not translator.load(data, str(path.parent)):
            return False
        QCoreApplication.installTranslator(translator)
        self._translators.append(translator)
        self._kept.append(data)
        return True


class LanguageMenu(QObject):
    """View → Language: System / English / 简体中文, the current choice checked; `chosen` carries a new one."""

    chosen = Signal(str)

    def __init__(self, menu: QMenu, current: str):
        super().__init__(menu)
        self.menu = menu
        group = QActionGroup(menu)
        for choice, name in CHOICES:
            label = name or QCoreApplication.translate("LanguageMenu", "System")
            action = QAction(label, menu, checkable=True, objectName=f"language_{choice}")
            action.setChecked(choice == current)
            action.triggered.connect(lambda _checked=False, choice=choice: self.chosen.emit(choice))
            group.addAction(action)
            menu.addAction(action)


def said(what) -> str:
    """A core message (an InklingError or its text) in the window's language; any other text as it is."""
    if isinstance(what, BaseException) and len(what.args) == 1 and isinstance(what.args[0], Words) \
            and str(what) == what.args[0]:
        what = what.args[0]
    if not isinstance(what, Words):
        return str(what)
    # a field that is itself a message (a reason inside a sentence) is translated too; numbers keep their format
    fields = {key: said(value) if isinstance(value, (Words, BaseException)) else value
              for key, value in what.fields.items()}
    return QCoreApplication.translate(what.context, what.template).format(**fields)
