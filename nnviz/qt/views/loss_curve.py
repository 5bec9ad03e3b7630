"""A small loss curve for the Playground: training and test loss after every epoch, on a log scale.

A log axis, because these losses fall by decades (cross-entropy 0.69 -> 0.01, a curve's MSE 0.5 ->
0.003) and a first epoch's spike (hundreds, at a large learning rate) would flatten a linear axis.
Losses go into a preallocated buffer that grows by doubling; each update hands pyqtgraph views of
its filled part, and only slots past those views are ever written, so no array it holds changes.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from nnviz.qt.views import colors as _colors
from nnviz.qt.views.cost_curve import nice_ceiling

TRAIN_COLOR = "#e67800"
TEST_COLOR = "#1b9e4b"
#: Room right of the plot, so the last epoch tick's label is not cut at the window's edge.
RIGHT_MARGIN = 14


class LossCurveView(pg.PlotWidget):
    """Train and test loss per epoch; ``add(epochs, train, test)`` appends, ``clear_curve()`` empties."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=_colors.BACKGROUND)
        self.setMinimumSize(175, 140)  # with the hidden space beside it, the window fits a 1024 screen
        # the legend is the title's coloured words: a legend box inside the plot would cover the curves
        # (one short line: pyqtgraph's title row is one line high, and a title wider than the view would
        # hold the plot wider than its window)
        item = _colors.fixed_plot(self.getPlotItem(), None, "epoch", mouse=True)
        item.setTitle(f"<span style='color:{_colors.FOREGROUND}'>Loss:</span>&nbsp;&nbsp;"
                      f"<span style='color:{TRAIN_COLOR}'>━ training</span>&nbsp;&nbsp;"
                      f"<span style='color:{TEST_COLOR}'>━ test</span>", size="10pt")
        # the title spans the axis columns too, not only the plot's: it then needs no wider a view
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 0, 1, 3)
        _colors.readable_axes(item.getAxis("left"), item.getAxis("bottom"))
        item.setContentsMargins(0, 0, RIGHT_MARGIN, 0)
        # the last epoch tick sits at the right end: its label reaches into that margin instead of vanishing
        item.getAxis("bottom").setStyle(hideOverlappingLabels=False)
        item.showGrid(x=False, y=True, alpha=0.2)
        for axis in ("left", "bottom"):  # "loss (x0.001)" reads badly, and re-lays the labels as it grows
            item.getAxis(axis).enableAutoSIPrefix(False)
        item.setLogMode(x=False, y=True)
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_COLOR, width=2), name="training")
        self.test_curve = item.plot(pen=pg.mkPen(TEST_COLOR, width=2), name="test")
        for curve in (self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.set_loss_name("loss")
        self._n = 0
        self._data = np.zeros((3, 256))
        self._low = math.inf  # smallest and largest positive finite loss so far
        self._high = 0.0
        self._range = (0.0, 0.0, 0.0)
        item.setMouseEnabled(False, False)
        item.getViewBox().disableAutoRange()
        self._fit_range()

    def set_loss_name(self, name: str) -> None:
        """The y-axis title: "cross-entropy" for points, "mean squared error" for curves."""
        self.getPlotItem().setLabel("left", f"{name} (log scale)")

    def clear_curve(self) -> None:
        self._n = 0
        self._low, self._high = math.inf, 0.0
        self._fit_range()
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])

    def add(self, epochs, train, test) -> None:
        """Append points for these epochs (sequences of equal length). NaN or infinite losses leave gaps."""
        k = len(epochs)
        if not k:
            return
        n = self._n
        if n + k > self._data.shape[1]:
            # a new buffer: the old one, and the views of it pyqtgraph holds, are left as they are
            grown = np.zeros((3, max(2 * self._data.shape[1], n + k)))
            grown[:, :n] = self._data[:, :n]
            self._data = grown
        new = self._data[:, n : n + k]
        new[0], new[1], new[2] = epochs, train, test  # slots past every view handed out so far
        self._n = n + k
        losses = new[1:]
        positive = losses[np.isfinite(losses) & (losses > 0)]
        if positive.size:
            self._low = min(self._low, float(positive.min()))
            self._high = max(self._high, float(positive.max()))
        x, tr, te = self._data[:, : self._n]
        self.train_curve.setData(x, tr)
        self.test_curve.setData(x, te)
        self._fit_range()

    def _fit_range(self) -> None:
        """Epochs 0..E, E a nice number, and whole decades of loss around every loss so far: the axes
        change now and then, not every frame."""
        last_epoch = float(self._data[0, self._n - 1]) if self._n else 0.0
        if self._high > 0:
            low, high = math.floor(math.log10(self._low)), math.ceil(math.log10(self._high))
            high = max(high, low + 1)
        else:
            low, high = -2, 0
        wanted = (nice_ceiling(max(last_epoch, 10.0)), float(low), float(high))
        if wanted != self._range:
            self._range = wanted
            box = self.getPlotItem().getViewBox()
            box.setXRange(0, wanted[0], padding=0.02)
            # room for the labels of the end decades, which pyqtgraph hides when they would stick out
            box.setYRange(*wanted[1:], padding=0.07)
            self.getPlotItem().getAxis("left").setTicks(_log_ticks(low, high))

    @property
    def n_points(self) -> int:
        return self._n

    @property
    def y_decades(self) -> tuple[float, float]:
        """The loss axis shows 10^low .. 10^high."""
        return self._range[1], self._range[2]


def _log_ticks(low: int, high: int) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis from 10^low to 10^high (positions in decades): every decade labelled,
    and 2 and 5 times each labelled too when there are only one or two decades (pyqtgraph's own
    log ticks label 0.6, 0.7, 0.8, 0.9 on top of each other in a small plot)."""
    major = [(float(k), f"{10.0 ** k:g}") for k in range(low, high + 1)]
    few = high - low <= 2
    minor = [(k + math.log10(m), f"{m * 10.0 ** k:g}" if few and m in (2, 5) else "")
             for k in range(low, high) for m in range(2, 10)]
    return [major, minor]
