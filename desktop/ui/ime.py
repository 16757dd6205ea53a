"""Input methods: Enter while one composes (pinyin, kana) never sends or searches; fcitx desktops get a working context."""

from collections.abc import MutableMapping
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ComposingGuard(QObject):
    """Watches one field's input-method events and swallows Enter while a pre-edit string is showing.

    With fcitx5 or ibus the Enter that commits a composition usually reaches only the input method,
    but some set-ups (XIM, a Qt without the platform plugin) deliver the key as well: then the field
    would act on half-typed pinyin. The field itself is left alone; only its Enter is held back.
    """

    def __init__(self, field: QWidget):
        super().__init__(field)
        self.composing = False
        field.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.InputMethod:
            self.composing = bool(event.preeditString())
        elif kind == QEvent.Type.FocusOut:
            self.composing = False  # an input method resets its composition when the field loses focus
        elif kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and self.composing:
            return event.key() in ENTER_KEYS
        return False


def guard_enter(*fields: QWidget) -> None:
    for field in fields:
        ComposingGuard(field)


def input_context_plugins() -> set[str]:
    """The input-method plugins this Qt has (PySide6's wheels: ibus and compose, no fcitx)."""
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforminputcontexts"
    names = {path.name for path in folder.glob("*.so")} if folder.is_dir() else set()
    return {name for name in ("fcitx", "fcitx5", "ibus", "compose") if any(name in plugin for plugin in names)}


def choose_input_method(environ: MutableMapping[str, str], plugins: set[str]) -> str | None:
    """Point Qt at the ibus input context, through the IBus portal, when the desktop asks for fcitx and this Qt has
    no fcitx plugin.

    PySide6's wheels ship no fcitx5 plugin, so on a fcitx5 desktop (QT_IM_MODULE=fcitx, or only
    XMODIFIERS=@im=fcitx) Qt would fall back to no input method and Chinese could not be typed.
    fcitx5's ibus frontend (on by default) serves the ibus protocol, also as the IBus portal on the
    session bus. The portal, not the ibus address file: Qt's ibus context without the portal gives up
    unless an `ibus-daemon` program is installed, which a fcitx5 desktop usually lacks.
    Must run before the QApplication exists; returns what was changed.
    """
    wanted = environ.get("QT_IM_MODULE", "").split(";")[0].strip().lower()
    if not wanted and "fcitx" in environ.get("XMODIFIERS", "").lower():
        wanted = "fcitx"
    if wanted.startswith("fcitx") and not plugins & {"fcitx", "fcitx5"} and "ibus" in plugins:
        environ["QT_IM_MODULE"] = "ibus"
        environ["IBUS_USE_PORTAL"] = "1"
        return f"{wanted} has no Qt plugin here; using its ibus frontend through the IBus portal"
    return None
