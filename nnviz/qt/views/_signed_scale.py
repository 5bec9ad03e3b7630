"""A symmetric colour scale (-m, m) shared by many images: colour-bar labels that stay readable however
large m grows, and a note for an image too faint (or not a number) to be seen on that scale.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QBoxLayout, QLabel

from nnviz.qt.views import colors as _colors

#: pyqtgraph's own labels ("-0.5", "0.05") fit a colour bar's 45-pixel axis for scales in this range.
PLAIN_SCALES = (1e-3, 1e3)
#: An image whose largest |value| is below this share of the scale looks white.
FAINT_SHARE = 0.02
#: Up to this many white images are named in the note under the grid; more are counted.
NAMED_FAINT = 6


def short_number(value: float) -> str:
    """``value`` in a few characters: "0.5", "-2e18", "1.5e18", 1e-05 -> "1e-5"."""
    if value == 0:
        return "0"
    if PLAIN_SCALES[0] <= abs(value) < PLAIN_SCALES[1]:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa.removesuffix('.0')}e{int(exponent)}"


def colour_bar_ticks(axis: pg.AxisItem, m: float) -> None:
    """Label a colour bar showing (-m, m): pyqtgraph's own labels when they fit, else -n, 0 and n for the
    largest n of 1, 2, 5 x 10^k inside the bar, in short form, on an axis widened to hold them (labels
    such as "-5e+17" are wider than the bar's axis and pyqtgraph drops them all but "0")."""
    plain = PLAIN_SCALES[0] <= m < PLAIN_SCALES[1] or not math.isfinite(m) or m <= 0
    if plain:
        if axis._tickLevels is not None:
            axis.setTicks(None)
            axis.setWidth(45)  # pyqtgraph's ColorBarItem default
        return
    scale = 10.0 ** math.floor(math.log10(0.9 * m))
    n = max(s * scale for s in (1.0, 2.0, 5.0) if s * scale <= 0.9 * m)
    axis.setTicks([[(-n, short_number(-n)), (0.0, "0"), (n, short_number(n))]])
    axis.setWidth(None)  # as wide as the labels need


def faint_note(images: np.ndarray | None, neuron: int, m: float) -> str:
    """A sentence saying why image ``neuron`` of ``images`` (n, h, w) shows (almost) white on the shared
    scale (-m, m), else "". The views draw NaN and inf as 0, so an image of zeros may also be one of
    values that are not numbers (a diverged training)."""
    if images is None or not 0 <= neuron < len(images) or not m > 0:
        return ""
    largest = float(np.abs(images[neuron]).max())
    if largest == 0:
        return " Its values are all 0, or not numbers (after a diverged training): it is white."
    if largest >= FAINT_SHARE * m:
        return ""
    return (f" Its largest value, {short_number(largest)}, is tiny next to the scale all images of the layer "
            f"share (±{short_number(m)}): it looks white.")


def faint_summary(images: np.ndarray | None, m: float) -> str:
    """One sentence naming the images of ``images`` (n, h, w) that look white on the shared scale (-m, m)
    and why, else "" (none, or no images)."""
    if images is None or not len(images) or not m > 0:
        return ""
    largest = np.abs(images.reshape(len(images), -1)).max(axis=1)
    faint = np.flatnonzero(largest < FAINT_SHARE * m)
    if not faint.size:
        return ""
    zero = largest[faint] == 0
    one = faint.size == 1
    which = (f"Image {faint[0]} looks" if one else
             f"Images {', '.join(str(i) for i in faint)} look" if faint.size <= NAMED_FAINT else
             f"{faint.size} images look")
    scale = f"the shared scale (±{short_number(m)})"
    values = "its values are" if one else "their values are"
    if zero.all():
        why = f"{values} 0 or not numbers (diverged)"
    elif not zero.any():
        why = f"{values} tiny next to {scale}"
    else:
        why = f"{values} 0, not numbers or tiny next to {scale}"
    return f"{which} white: {why}."


class FaintNote(QLabel):
    """A line under a grid of images saying which of them look white on the shared scale, and why; hidden
    while none does. It adds itself to ``layout``, where the grid's view wants it."""

    def __init__(self, layout: QBoxLayout) -> None:
        super().__init__()
        layout.addWidget(self)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {_colors.FOREGROUND}")
        self.setVisible(False)

    def show_for(self, images: np.ndarray | None, m: float) -> None:
        """Say which images of ``images`` (n, h, w) look white on the scale (-m, m) (hidden when none)."""
        text = faint_summary(images, m)
        if text != self.text():
            self.setText(text)
        if self.isHidden() == bool(text):
            self.setVisible(bool(text))
