"""Render the icon SVGs in resources/icons to the PNG sizes desktops and bundlers ask for.

Run after editing an SVG: `python packaging/render_icons.py` writes nnviz-<size>.png next to them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Below 32 px the full drawing blurs into a smudge, so those sizes come from a simpler drawing.
SMALL_SIZES = (16, 24)


def render_icons(icon_dir: Path = ICON_DIR) -> list[Path]:
    """Render nnviz.svg (nnviz-small.svg for SMALL_SIZES) to nnviz-<size>.png; return the paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (keeps Qt alive)
    renderers = {}
    for name in ("nnviz.svg", "nnviz-small.svg"):
        renderers[name] = QSvgRenderer(str(icon_dir / name))
        if not renderers[name].isValid():
            raise SystemExit(f"{icon_dir / name}: not a valid SVG")
    written = []
    for size in SIZES:
        renderer = renderers["nnviz-small.svg" if size in SMALL_SIZES else "nnviz.svg"]
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = icon_dir / f"nnviz-{size}.png"
        tmp = path.with_suffix(".png.part")
        if not image.save(str(tmp), "PNG"):
            raise SystemExit(f"could not write {tmp}")
        os.replace(tmp, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in render_icons():
        print(written_path)
