"""The nnviz application icon, built from the SVG and PNG sizes in resources/icons."""

from __future__ import annotations

from PySide6.QtGui import QIcon

import nnviz


def app_icon() -> QIcon:
    """The nnviz icon from resources/icons (SVG plus the PNG sizes found); empty if none is there."""
    icon = QIcon()
    icons = nnviz.resources_dir() / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = icons / f"nnviz-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = icons / "nnviz.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon
