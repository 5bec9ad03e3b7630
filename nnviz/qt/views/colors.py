"""Colours shared by every view, so that blue always means a positive weight and red a negative one.

Defines the diverging weight palette, the activation palette, the ink palette and small helpers.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

BACKGROUND = "#ffffff"
FOREGROUND = "#202020"
MUTED_TEXT = "#606060"

# Weight sign: blue excites (positive), red inhibits (negative). Colour-blind safe pair.
POSITIVE_RGB = (33, 102, 172)
NEGATIVE_RGB = (178, 24, 43)
NEUTRAL_RGB = (247, 247, 247)

POSITIVE_HEX = "#%02x%02x%02x" % POSITIVE_RGB
NEGATIVE_HEX = "#%02x%02x%02x" % NEGATIVE_RGB

# Activation shading: off = near white, strongly on = amber/dark orange ("lights up").
ACTIVATION_OFF_RGB = (250, 250, 250)
ACTIVATION_ON_RGB = (230, 120, 0)
# Negative activations (tanh, leaky ReLU, linear) fade towards violet instead.
ACTIVATION_NEGATIVE_RGB = (110, 70, 170)

HIGHLIGHT_HEX = "#00a000"  # selected neuron / image outline
WINNER_HEX = "#e67800"
BAR_HEX = "#9aa5b1"


def weight_colormap() -> pg.ColorMap:
    """Diverging map for values in [-m, m]: red (negative), white (zero), blue (positive)."""
    return pg.ColorMap(
        pos=np.array([0.0, 0.25, 0.5, 0.75, 1.0]),
        color=np.array(
            [
                NEGATIVE_RGB,
                (244, 165, 130),
                NEUTRAL_RGB,
                (146, 197, 222),
                POSITIVE_RGB,
            ],
            dtype=np.ubyte,
        ),
    )


def activation_colormap() -> pg.ColorMap:
    """Map for activations scaled to [-1, 1]: violet (negative), white (0), amber (1)."""
    return pg.ColorMap(
        pos=np.array([0.0, 0.5, 1.0]),
        color=np.array(
            [ACTIVATION_NEGATIVE_RGB, ACTIVATION_OFF_RGB, ACTIVATION_ON_RGB], dtype=np.ubyte
        ),
    )


def ink_colormap() -> pg.ColorMap:
    """Map for pixel intensities in [0, 1]: white paper (0) to black ink (1)."""
    return pg.ColorMap(
        pos=np.array([0.0, 1.0]),
        color=np.array([(255, 255, 255), (0, 0, 0)], dtype=np.ubyte),
    )


def count_colormap() -> pg.ColorMap:
    """Sequential map for counts/shares: white (none) to dark blue-grey (many)."""
    return pg.ColorMap(
        pos=np.array([0.0, 0.5, 1.0]),
        color=np.array([(255, 255, 255), (253, 174, 97), (165, 0, 38)], dtype=np.ubyte),
    )


_WEIGHT_LUT: list[np.ndarray] = []


def weight_lut() -> np.ndarray:
    """(256, 4) uint8 RGBA table of the weight palette (red, white, blue), built once; see signed_index."""
    if not _WEIGHT_LUT:
        _WEIGHT_LUT.append(weight_colormap().getLookupTable(0.0, 1.0, 256, alpha=True))
    return _WEIGHT_LUT[0]


def signed_index(values: np.ndarray, m: float = 1.0) -> np.ndarray:
    """Rows (uint8, same shape) of weight_lut() for values in -m..m (m > 0): -m -> 0, 0 -> 127, m -> 255.

    Beyond +-m the ends; NaN gets the middle, white (a diverged network's NaN shows as white, not as a
    warning). The one red-white-blue mapping of the heat maps and the signed thumbnails.
    """
    scaled = np.clip(values, -m, m)
    if not np.isfinite(scaled).all():  # a tenth of what nan_to_num costs when there is nothing to replace
        np.nan_to_num(scaled, copy=False)
    if m != 1.0:
        scaled /= m
    scaled += 1.0
    scaled *= 127.5
    return scaled.astype(np.uint8)


def activation_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8 lookup table of the activation palette, index 0 = -1, n-1 = +1."""
    return activation_colormap().getLookupTable(0.0, 1.0, n, alpha=True)


def qcolor(rgb: tuple[int, int, int], alpha: int = 255) -> QColor:
    """QColor from an (r, g, b) tuple and an alpha in 0..255."""
    return QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), int(alpha))


def on_background(rgb: tuple[int, int, int], alpha: int) -> QColor:
    """Opaque colour that looks like `rgb` at `alpha` (0..255) over the white background.

    Opaque pens let Qt's raster engine draw many lines several times faster than translucent ones.
    """
    a = alpha / 255.0
    return QColor(*(int(round(255 * (1 - a) + v * a)) for v in rgb))


def legend_html() -> str:
    """One-line rich-text legend for weight colours, used under the network graph."""
    return (
        f'<span style="color:{POSITIVE_HEX}; font-size:14pt">&#9632;</span> weight excites &nbsp;'
        f'<span style="color:{NEGATIVE_HEX}; font-size:14pt">&#9632;</span> inhibits &nbsp;·&nbsp; '
        f"thicker = larger |weight|"
    )


#: Colour-scale limits are rounded up to steps of 10^(1/LEVEL_STEPS_PER_DECADE), about 6%.
LEVEL_STEPS_PER_DECADE = 40


def level_step(m: float) -> float:
    """``m`` (> 0) rounded up to the next of 40 steps per decade.

    While training, a colour scale then stays put for many frames instead of changing at every
    one: its colour bar's ticks are not redrawn, and the images do not flicker in brightness.
    """
    return float(10.0 ** (math.ceil(math.log10(m) * LEVEL_STEPS_PER_DECADE - 1e-9) / LEVEL_STEPS_PER_DECADE))


#: The neuron-fill half of the graph's legend (after legend_html).
FILL_LEGEND_HTML = (
    " &nbsp;·&nbsp; fill: "
    '<span style="background:#fafafa; border:1px solid #888">&nbsp;off&nbsp;</span>'
    '<span style="background:#f0b060">&nbsp;&nbsp;</span>'
    '<span style="background:#e67800; color:white">&nbsp;on&nbsp;</span>'
    ' <span style="background:#6e46aa; color:white">&nbsp;negative&nbsp;</span>'
)


def picture_box() -> tuple[pg.GraphicsLayoutWidget, pg.ViewBox]:
    """A white plot area holding one fixed picture: square pixels, y downwards, no pan, zoom or menu."""
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground(BACKGROUND)
    box = widget.addViewBox(row=0, col=0)
    box.setAspectLocked(True)
    box.invertY(True)
    box.setMouseEnabled(False, False)
    box.setMenuEnabled(False)
    return widget, box


def fixed_plot(item: pg.PlotItem, title: str | None = None, bottom: str | None = None, left: str | None = None,
               mouse: bool = False) -> pg.PlotItem:
    """Set up a plot the learner reads but does not steer: title, axis labels, no menu, no auto-range
    button, and (unless ``mouse``) no pan or zoom. Returns ``item``."""
    if title is not None:
        item.setTitle(title, color=FOREGROUND)
    if bottom is not None:
        item.setLabel("bottom", bottom)
    if left is not None:
        item.setLabel("left", left)
    item.setMenuEnabled(False)
    item.hideButtons()
    if not mouse:
        item.setMouseEnabled(False, False)
    return item


def readable_axes(*axes: pg.AxisItem) -> None:
    """Tick numbers and axis titles in the text colour, the axis line a darker grey: pyqtgraph's default
    light grey is hard to read on white."""
    for axis in axes:
        axis.setPen(pg.mkPen(MUTED_TEXT))
        axis.setTextPen(pg.mkPen(FOREGROUND))


def readable_colour_bar(colormap: pg.ColorMap, values: tuple[float, float] = (-1.0, 1.0)) -> pg.ColorBarItem:
    """A fixed (not draggable) colour bar, 14 px wide, its numbers and caption in the text colour and
    never given an SI prefix."""
    bar = pg.ColorBarItem(values=values, colorMap=colormap, interactive=False, width=14)
    bar.axis.enableAutoSIPrefix(False)
    readable_axes(bar.axis)
    return bar


def cache_axes(item: pg.PlotItem) -> None:
    """Keep each axis of ``item`` as a rendered pixmap: the data under their edges changes every frame
    and repaints them, and blitting a pixmap costs a fraction of drawing ticks and labels again."""
    for name in ("left", "bottom", "right", "top"):
        item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

