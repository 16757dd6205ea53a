"""Render the app icon's PNG sizes from its one SVG (Qt's own SVG renderer: no extra tool to install)."""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "io.github.inkling.Inkling"
ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "desktop" / "ui" / "icons" / f"{APP_ID}.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out_root: Path) -> list[Path]:
    """Write hicolor/NxN/apps/<APP_ID>.png for every size under out_root; return the paths written."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"Qt cannot read the icon {svg}")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_root / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        written.append(target)
    return written


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(["render_icons", "-platform", "offscreen"])
    out_root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "packaging" / "icons"
    for path in render(SVG, out_root):
        print(path.relative_to(out_root))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
