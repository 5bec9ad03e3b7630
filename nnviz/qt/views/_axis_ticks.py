"""Axis ticks that stay readable on short plots: fewer value labels as the height shrinks, log ticks
labelled as densely as there is room, and ranges padded so the labels at both ends are drawn.
"""

from __future__ import annotations

import math
from collections import Counter

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

#: Labels on a value axis stay this many text heights apart, so a short plot shows fewer of them.
TICK_GAP_LINES = 1.3


def label_gap(axis: pg.AxisItem) -> float:
    """Pixels between two labels of ``axis`` that do not crowd: TICK_GAP_LINES lines of its text."""
    return TICK_GAP_LINES * QFontMetricsF(axis.style["tickFont"] or axis.font()).height()


def readable_tick_step(span: float, pixels: float, gap_px: float) -> float:
    """Smallest of 1, 2, 5 (times a power of ten) that puts labels at least ``gap_px`` apart on an axis
    ``pixels`` long that shows ``span`` (pyqtgraph's own choice labels 98, 96, 94, 92 on top of each
    other in a plot 50 pixels high)."""
    if not (span > 0 and pixels > 0 and math.isfinite(span)):
        return 1.0
    wanted = span * gap_px / pixels
    scale = 10.0 ** math.floor(math.log10(wanted))
    return next(s * scale for s in (1.0, 2.0, 5.0, 10.0) if s * scale >= wanted * (1 - 1e-12))


def fit_value_ticks(plot: pg.PlotItem) -> None:
    """Label the left axis of ``plot`` every readable_tick_step for its current height and range."""
    axis = plot.getAxis("left")
    low, high = plot.vb.viewRange()[1]
    step = readable_tick_step(high - low, plot.vb.height(), label_gap(axis))
    if axis._tickSpacing != [(step, 0.0)]:
        axis.setTickSpacing(levels=[(step, 0.0)])


def log_ticks(view: tuple[float, float], decade_px: float, gap_px: float) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis showing ``view`` (in decades, ``decade_px`` pixels each), labelled as
    densely as labels ``gap_px`` apart allow: 1, 2 and 5 of every decade, or every decade, or every
    2nd, 3rd ... decade (the ones that put most labels in view). Unlabelled ticks mark 2..9."""
    low, high = math.floor(view[0]), math.ceil(view[1])
    # Labelling every n-th decade of n or more decades shows one label at most, whatever n; so n stops
    # there (a plot laid out at a height of about 0 asked for every ten-millionth decade, and the
    # search below went through all ten million, freezing the window for seconds at each resize).
    every = max(1, min(math.ceil(gap_px / max(decade_px, 1e-6)), high - low + 1))
    # labels in view for each offset, counted in one pass (a zoomed-out plot shows hundreds of decades)
    in_view = Counter(k % every for k in range(low, high + 1) if view[0] <= k <= view[1])
    offset = max(range(every), key=lambda r: (in_view[r], r == 0))
    major = [(float(k), f"{10.0 ** k:g}" if (k - offset) % every == 0 else "") for k in range(low, high + 1)]
    two_five = every == 1 and math.log10(2) * decade_px >= gap_px  # 1 -> 2 and 5 -> 10 are the closest
    minor = [(k + math.log10(m), f"{m * 10.0 ** k:g}" if two_five and m in (2, 5) else "")
             for k in range(low, high) for m in range(2, 10)]
    return [major, minor]


def log_bounds(low: float, high: float) -> tuple[float, float]:
    """Log10 of the largest 1, 2 or 5 (times a power of ten) <= ``low`` and of the smallest >= ``high``
    (> 0): whole decades left curves between 0.1 and 0.4 a fifth of a 0.01-10 axis. Widened down to
    a power of ten when none lies between, so the axis always labels a decade."""
    def bound(value: float, up: bool) -> float:
        k = math.floor(math.log10(value))
        steps = [s for s in (1.0, 2.0, 5.0, 10.0) if (s * 10.0 ** k >= value * (1 - 1e-9) if up
                                                       else s * 10.0 ** k <= value * (1 + 1e-9))]
        return k + math.log10(steps[0] if up else steps[-1])

    lo, hi = bound(low, False), bound(max(high, low), True)
    if math.ceil(lo - 1e-9) > hi + 1e-9:
        lo = float(math.floor(lo))
    return lo, max(hi, lo + math.log10(2.0))


def padded_range(plot: pg.PlotItem, span: tuple[float, float]) -> tuple[float, float]:
    """``span`` widened so that the labels at its two ends (half a line each) stay inside the axis:
    with a grid, pyqtgraph drops a label that sticks out, and a short plot loses "0" and "100"."""
    axis = plot.getAxis("left")
    half = 0.4 * QFontMetricsF(axis.style["tickFont"] or axis.font()).height() + 1.0  # pyqtgraph: 0.8 line
    pixels = plot.vb.height()
    share = half / (pixels - 2 * half) if pixels > 4 * half else 0.25
    low, high = span
    pad = share * (high - low)
    return low - pad, high + pad
