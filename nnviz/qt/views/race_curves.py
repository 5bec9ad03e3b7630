"""Overlaid per-epoch curves of several networks (one colour each, a legend, labelled axes).

Used by the Lab: test accuracy of every racing network, or its training accuracy, against epochs.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors

__all__ = ["RaceCurvesView", "RUN_COLORS", "run_color"]

#: Okabe-Ito colour-blind-safe palette (yellow swapped for grey, which reads on white).
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999999")
_SYMBOLS = ("o", "s", "t", "d", "star", "h", "p", "+")


def run_color(i: int) -> str:
    return RUN_COLORS[i % len(RUN_COLORS)]


class RaceCurvesView(QWidget):
    """A value per epoch for each of several runs, drawn over each other on one plot.

    ``set_runs`` creates one curve per run (once); ``add_point`` appends and updates it in place.
    The legend sits above the plot so it never hides a curve.
    """

    def __init__(self, title: str = "", y_label: str = "test accuracy %", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel(title)
        self._title.setWordWrap(True)
        self._legend = QLabel("")
        self._legend.setWordWrap(True)
        self._plot = self.plot_widget = pg.PlotWidget(background=_colors.BACKGROUND)
        self.plot = self._plot.getPlotItem()
        pen = pg.mkPen(_colors.FOREGROUND)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pen)
            axis.setTextPen(pen)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", y_label)
        self.plot.disableAutoRange()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self._title)
        layout.addWidget(self._legend)
        layout.addWidget(self._plot, 1)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[list, list]] = {}
        self._epochs = 1
        self._low = 100.0
        self._chance: pg.InfiniteLine | None = None

    def set_title(self, html: str) -> None:
        self._title.setText(html)

    def set_runs(self, names: list[str], epochs: int) -> None:
        """Forget all curves; one empty curve per name, the x axis from 1 to ``epochs``."""
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves, self._data = {}, {}
        for i, name in enumerate(names):
            color = run_color(i)
            self._curves[name] = self.plot.plot(
                pen=pg.mkPen(color, width=2), symbol=_SYMBOLS[i % len(_SYMBOLS)], symbolSize=7,
                symbolBrush=color, symbolPen=None, name=name)
            self._data[name] = ([], [])
        self._epochs = max(1, int(epochs))
        self._low = 100.0
        self._legend.setText(" &nbsp; ".join(
            f'<span style="color:{run_color(i)}; font-size:13pt">&#9632;</span>&nbsp;{name}'
            for i, name in enumerate(names)))
        self._apply_range()

    def set_chance(self, percent: float | None) -> None:
        """A dotted line at chance level (e.g. 10% for ten classes), or none."""
        if self._chance is not None:
            self.plot.removeItem(self._chance)
            self._chance = None
        if percent is not None:
            self._chance = pg.InfiniteLine(pos=percent, angle=0, pen=pg.mkPen(_colors.MUTED_TEXT, style=pg.QtCore.Qt.PenStyle.DotLine),
                                           label=f"chance {percent:.0f}%", labelOpts={"position": 0.92, "color": _colors.MUTED_TEXT})
            self.plot.addItem(self._chance)
            self._low = min(self._low, percent)
            self._apply_range()

    def add_point(self, name: str, epoch: int, percent: float) -> None:
        """Append (epoch, value in %) to run ``name``'s curve."""
        if name not in self._curves or not math.isfinite(percent):
            return
        xs, ys = self._data[name]
        xs.append(epoch)
        ys.append(percent)
        self._curves[name].setData(np.asarray(xs, float), np.asarray(ys, float))
        if percent < self._low or epoch > self._epochs:
            self._low = min(self._low, percent)
            self._epochs = max(self._epochs, epoch)
            self._apply_range()

    def points(self, name: str) -> tuple[list, list]:
        return self._data.get(name, ([], []))

    def _apply_range(self) -> None:
        # from a round 10% below the lowest value to 100%: differences of a point stay visible. Past
        # the last epoch and 100% a margin of 3% of the span: pyqtgraph drops a tick label that would
        # stick out of its axis, so with less the "100" and the last epoch's number went missing.
        low = max(0.0, math.floor(min(self._low, 90.0) / 10.0) * 10.0 - 2)
        self.plot.setXRange(0.7, self._epochs + max(0.3, 0.03 * self._epochs), padding=0)
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if self._epochs / s <= 12)
        self.plot.getAxis("bottom").setTickSpacing(major=step, minor=step)  # whole epochs only
        self.plot.setYRange(low, 100 + max(0.5, 0.03 * (100 - low)), padding=0)
