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
    """(256, 4) uint8 lookup table for values in -1..1: red, white at 0, blue (the weight palette's)."""
    return _colors.weight_lut()


_WORDS: list[np.ndarray] = []


def shared_lut_words() -> np.ndarray:
    """The lookup table as (256,) uint32 words, each one RGBA pixel."""
    if not _WORDS:
        _WORDS.append(np.ascontiguousarray(heat_lut()).view(np.uint32).reshape(-1))
    return _WORDS[0]


def heat_image(rect: QRectF, resolution: int, rgba: bool = True) -> pg.ImageItem:
    """An ImageItem showing a (resolution, resolution) map indexed [x2, x1] over ``rect``, x2 up.

    ``rgba``: it is given ready colours (see to_rgba; many small maps). Otherwise it takes the
    values with the heat lookup table and fixed levels, as a ColorBarItem beside it expects.
    """
    image = pg.ImageItem(axisOrder="row-major")
    zeros = np.zeros((resolution, resolution), np.float32)
    if rgba:
        image.setImage(to_rgba(zeros), autoLevels=False)
    else:
        image.setLookupTable(heat_lut())
        image.setImage(zeros, levels=LEVELS, autoLevels=False)
    image.setRect(rect)
    return image


def to_rgba(values: np.ndarray) -> np.ndarray:
    """Colours (..., 4) uint8 of values in -1..1, for any number of maps at once.

    Colouring in NumPy and handing ImageItem ready RGBA skips its per-image rescale and the colour
    table it would rebuild (256 qRgba calls) for every map on every frame.
    """
    index = _colors.signed_index(values)
    colours = np.take(shared_lut_words(), index)  # one 32-bit word per pixel: a quarter of the indexing work
    return colours.view(np.uint8).reshape(*index.shape, 4)


def set_heat(image: pg.ImageItem, values: np.ndarray) -> None:
    """Show ready colours (res, res, 4) from to_rgba, or values (res, res) in -1..1 with fixed levels."""
    if values.ndim == 3:
        image.setImage(values, autoLevels=False)
    else:
        image.setImage(np.nan_to_num(values), levels=LEVELS, autoLevels=False)


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
