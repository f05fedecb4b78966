"""Render the application icon from its SVG source into PNGs (16..512 px) and a Windows .ico.

    python resources/make_icons.py          # writes resources/icons/backbone-studio-<N>.png + .ico

The SVG is the single source; the PNGs are committed so the app and the PyInstaller build never
need an SVG renderer at start-up. Rendering uses Qt's SVG renderer (headless: offscreen platform).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
SOURCE = ICONS / "backbone-studio.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int, source: Path = SOURCE):
    """The icon as a QImage of size x size (transparent background, antialiased)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source}: not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - keeps Qt alive
    written = []
    for size in SIZES:
        path = ICONS / f"backbone-studio-{size}.png"
        if not render(size).save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        written.append(path)
    # Windows wants one .ico with several sizes; Pillow builds it from the largest PNG.
    ico = ICONS / "backbone-studio.ico"
    with Image.open(ICONS / "backbone-studio-256.png") as largest:
        largest.save(ico, sizes=[(s, s) for s in SIZES if s <= 256])
    written.append(ico)
    for path in written:
        print(path.relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
