"""A Simplified Chinese font for the window, so Han characters never show as boxes or in Japanese shapes."""

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

# Best first. Han characters are shared by Chinese and Japanese (Unicode unification): left to chance,
# fontconfig may draw 直 or 骨 from a Japanese face, so a Simplified Chinese one is named on purpose.
PREFERRED = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "AR PL UMing CN", "Droid Sans Fallback",
)


def chinese_family(available: list[str]) -> str | None:
    """The preferred installed face that writes Simplified Chinese, else any that does, else None."""
    for family in PREFERRED:
        if family in available:
            return family
    return available[0] if available else None


def use_chinese_font(app: QApplication, chinese_ui: bool) -> str | None:
    """Add a Simplified Chinese face to the application font; returns its name (None if none is installed).

    With a Chinese UI it comes first (labels read in one face); otherwise it follows the UI font, which
    keeps Latin text as it was and draws any Chinese in a reply, a note or a title with it.
    """
    family = chinese_family(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    if family is None:
        return None
    font = app.font()
    current = [name for name in (font.families() or [font.family()]) if name != family]
    font.setFamilies([family, *current] if chinese_ui else [*current, family])
    app.setFont(font)
    return family
