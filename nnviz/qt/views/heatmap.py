"""Heat maps of values in -1..1 over the plane (red negative, white zero, blue positive), and the
colours of the two classes, shared by the Playground's network, output and hidden-space views.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from nnviz.qt.views import colors as _colors

#: Class 0 is drawn red, class 1 blue: the ends of the heat-map palette, so a point sits on its colour.
CLASS_RGB = (_colors.NEGATIVE_RGB, _colors.POSITIVE_RGB)
CLASS_HEX = (_colors.NEGATIVE_HEX, _colors.POSITIVE_HEX)
LEVELS = (-1.0, 1.0)


def heat_lut() -> np.ndarray:
    """(256, 4) uint8 lookup table for values in -1..1: red, white at 0, blue."""
    return _colors.weight_colormap().getLookupTable(0.0, 1.0, 256, alpha=True)


_LUT: list[np.ndarray] = []


def shared_lut() -> np.ndarray:
    """One lookup table for every heat map (built once)."""
    if not _LUT:
        _LUT.append(heat_lut())
    return _LUT[0]


def heat_image(rect: QRectF, resolution: int) -> pg.ImageItem:
    """An ImageItem showing a (resolution, resolution) map indexed [x2, x1] over ``rect``, x2 up."""
    image = pg.ImageItem(axisOrder="row-major")
    image.setLookupTable(shared_lut())
    image.setImage(np.zeros((resolution, resolution), np.float32), levels=LEVELS, autoLevels=False)
    image.setRect(rect)
    return image


def set_heat(image: pg.ImageItem, values: np.ndarray) -> None:
    """Show new values (res, res) in -1..1; fixed levels, so no min/max scan per frame."""
    image.setImage(values, levels=LEVELS, autoLevels=False)


def class_brushes(labels: np.ndarray, alpha: int = 255) -> list:
    """One brush per point, by class (0 red, 1 blue), shared QBrush objects so this stays cheap."""
    brushes = [pg.mkBrush(*CLASS_RGB[0], alpha), pg.mkBrush(*CLASS_RGB[1], alpha)]
    return [brushes[int(label) & 1] for label in labels]


def plane_rect(extent: float) -> QRectF:
    """The square -extent..extent on both axes."""
    return QRectF(-extent, -extent, 2 * extent, 2 * extent)


def legend_html(class_names: tuple[str, ...]) -> str:
    """One line naming the two class colours and what the shading means."""
    if len(class_names) != 2:
        return ""
    a, b = class_names
    return (f'<span style="color:{CLASS_HEX[0]}; font-size:14pt">&#9679;</span> {a} &nbsp; '
            f'<span style="color:{CLASS_HEX[1]}; font-size:14pt">&#9679;</span> {b} &nbsp; '
            f"shading: how sure the network is (deep = sure, white = undecided)")
