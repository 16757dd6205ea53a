"""Light and dark: follow the system's colour scheme, or the one chosen in View → Theme (remembered)."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtGui import QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication

THEME_KEY = "theme"
THEMES = {"system": QT_TRANSLATE_NOOP("ThemeController", "&System"), "light": QT_TRANSLATE_NOOP("ThemeController", "&Light"),
          "dark": QT_TRANSLATE_NOOP("ThemeController", "&Dark")}

# Fusion's own dark colours are not reachable without a platform theme (Xvfb, bare X11 sessions
# report no scheme), so the dark palette is spelled out; every role the widgets read is set.
DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f1f1f",
    QPalette.ColorRole.AlternateBase: "#2a2a2a",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#3c3c3c",
    QPalette.ColorRole.Mid: "#8c8c8c",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6ab0ff",
    QPalette.ColorRole.LinkVisited: "#b48cff",
}
DISABLED_TEXT = "#7a7a7a"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return palette


def is_dark(palette: QPalette) -> bool:
    """Whether text is lighter than the window: the palette in use is a dark one."""
    return palette.color(QPalette.ColorRole.WindowText).lightness() > palette.color(QPalette.ColorRole.Window).lightness()


def blend(palette: QPalette, amount: float) -> QColor:
    """The window colour moved `amount` of the way towards the text colour: a quiet fill in either scheme."""
    window, text = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
    return QColor.fromRgbF(*(w + (t - w) * amount for w, t in zip(window.getRgbF()[:3], text.getRgbF()[:3])))


class ThemeController(QObject):
    """Owns the application palette; `changed` tells the window to redraw what it coloured itself."""

    changed = Signal(bool)  # dark

    def __init__(self, app: QApplication, store, parent=None):
        super().__init__(parent)
        self.app = app
        self.store = store
        # the platform's own palette when it is a light one (a desktop theme's colours), else the style's
        start = app.palette()
        self.light = QPalette(app.style().standardPalette() if is_dark(start) else start)
        self.choice = store.get_setting(THEME_KEY, "system")
        if self.choice not in THEMES:
            self.choice = "system"
        self.system_scheme = app.styleHints().colorScheme()
        app.styleHints().colorSchemeChanged.connect(self.on_system_scheme)
        self.actions = QActionGroup(self)
        for key, label in THEMES.items():
            action = self.actions.addAction(self.tr(label))
            action.setCheckable(True)
            action.setChecked(key == self.choice)
            action.setData(key)
        self.actions.triggered.connect(lambda action: self.choose(action.data()))
        self.apply()

    def install(self, view_menu) -> None:
        menu = view_menu.addMenu(self.tr("&Theme"))
        menu.setObjectName("themeMenu")
        menu.addActions(self.actions.actions())

    @property
    def dark(self) -> bool:
        if self.choice == "system":
            return self.system_scheme == Qt.ColorScheme.Dark
        return self.choice == "dark"

    def on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        """The desktop switched between light and dark: followed when the choice is System."""
        self.system_scheme = scheme
        if self.choice == "system":
            self.apply()

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.store.set_setting(THEME_KEY, choice)
        for action in self.actions.actions():
            action.setChecked(action.data() == choice)
        self.apply()

    def apply(self) -> None:
        dark = self.dark
        self.app.setPalette(dark_palette() if dark else self.light)
        self.changed.emit(dark)
