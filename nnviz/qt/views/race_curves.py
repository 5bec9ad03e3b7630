"""Overlaid per-epoch curves of several networks (one colour each, a legend, labelled axes).

Used by the Lab: test accuracy of every racing network, or its training accuracy, against epochs.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors

__all__ = ["RaceCurvesView", "RUN_COLORS", "run_color", "network_colors"]

#: Okabe-Ito colour-blind-safe palette (yellow swapped for grey, which reads on white).
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999999")
_SYMBOLS = ("o", "s", "t", "d", "star", "h", "p", "+")


def run_color(i: int) -> str:
    return RUN_COLORS[i % len(RUN_COLORS)]


#: Networks that appear in more than one experiment, by (hidden layer sizes, activation): each keeps
#: its colour wherever it appears (784-10 is blue in depth and in linear, 784-16-16-10 green in depth,
#: linear and noise). The input and output sizes are left out, so digits and clothes agree too.
FAMILIAR = {((), ""): 0, ((16,), "leaky_relu"): 1, ((16, 16), "leaky_relu"): 2, ((16, 16), "linear"): 3}


def network_colors(networks) -> list[str]:
    """One colour per network, given as (hidden layer sizes, activation) pairs in the plan's order.

    A familiar network (FAMILIAR) gets its own colour; the others, and a familiar one whose colour
    is taken, get the palette's first colour not used yet, so the networks of one plan never share one.
    """
    keys = [(tuple(hidden), activation if hidden else "") for hidden, activation in networks]
    chosen: list[int | None] = [FAMILIAR.get(key) for key in keys]
    for i, index in enumerate(chosen):  # a familiar colour goes to the first network that has it
        if index is not None and index in chosen[:i]:
            chosen[i] = None
    for i, index in enumerate(chosen):
        if index is None:
            taken = {c for c in chosen if c is not None}
            free = [c for c in range(len(RUN_COLORS)) if c not in taken]
            chosen[i] = free[0] if free else i
    return [run_color(index) for index in chosen]


#: The stretched scale's labelled values (%) and the top of its range.
STRETCH_TICKS = (0, 20, 50, 80, 90, 95, 98, 99, 99.5)
STRETCH_TOP = 99.5


def _stretch(percent):
    """y on the stretched scale: minus the log of the error, 0 at 90%, 1 at 99%, -1 at 0% (up to 99.9%)."""
    return -np.log10(np.maximum(100.0 - np.minimum(percent, 99.9), 0.1) / 10.0)


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
        self._stretched = False  # y on the stretched scale (see set_stretched)
        # the margin above 100% is a number of pixels: redo the range when the plot's height changes
        self.plot.getViewBox().sigResized.connect(lambda *_: self._apply_range())

    def set_title(self, html: str) -> None:
        self._title.setText(html)

    def set_runs(self, names: list[str], epochs: int, colors: list[str] | None = None) -> None:
        """Forget all curves; one empty curve per name (in ``colors``, else the palette's order), the
        x axis from 1 to ``epochs``."""
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves, self._data = {}, {}
        colors = list(colors) if colors is not None else [run_color(i) for i in range(len(names))]
        for i, name in enumerate(names):
            color = colors[i]
            self._curves[name] = self.plot.plot(
                pen=pg.mkPen(color, width=2), symbol=_SYMBOLS[i % len(_SYMBOLS)], symbolSize=7,
                symbolBrush=color, symbolPen=None, name=name)
            self._data[name] = ([], [])
        self._epochs = max(1, int(epochs))
        self._low = 100.0
        self._legend.setText(" &nbsp; ".join(
            f'<span style="color:{colors[i]}; font-size:13pt">&#9632;</span>&nbsp;{name}'
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

    def set_stretched(self, stretched: bool) -> None:
        """Draw y on a scale stretched towards 100% (evenly spaced 90, 99, 99.9: the error's log),
        labelled in plain %: 91% and 98% lie far apart while 25% still shows, for the width race.
        The caller says so in the title: the axis label has no room for it on a short plot."""
        self._stretched = bool(stretched)
        axis = self.plot.getAxis("left")
        axis.setTicks([[(float(_stretch(p)), f"{p:g}") for p in STRETCH_TICKS], []] if stretched else None)
        for name, curve in self._curves.items():
            xs, ys = self._data[name]
            curve.setData(np.asarray(xs, float), self._y(ys))
        self._apply_range()

    def _y(self, values) -> np.ndarray:
        ys = np.asarray(values, float)
        return _stretch(ys) if self._stretched else ys

    def add_point(self, name: str, epoch: int, percent: float) -> None:
        """Append (epoch, value in %) to run ``name``'s curve."""
        if name not in self._curves or not math.isfinite(percent):
            return
        xs, ys = self._data[name]
        xs.append(epoch)
        ys.append(percent)
        self._curves[name].setData(np.asarray(xs, float), self._y(ys))
        if percent < self._low or epoch > self._epochs:
            self._low = min(self._low, percent)
            self._epochs = max(self._epochs, epoch)
            self._apply_range()

    def points(self, name: str) -> tuple[list, list]:
        return self._data.get(name, ([], []))

    def _apply_range(self) -> None:
        # from a round 10% below the lowest value to 100%: differences of a point stay visible. Past
        # the last epoch and 100% a margin: pyqtgraph drops a tick label that would stick out of its
        # axis, so with less the "100" and the last epoch's number went missing. Above 100 the margin
        # is at least half a label's height in pixels (3% of a 180 px plot was not).
        self.plot.setXRange(0.7, self._epochs + max(0.3, 0.03 * self._epochs), padding=0)
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if self._epochs / s <= 12)
        self.plot.getAxis("bottom").setTickSpacing(major=step, minor=step)  # whole epochs only
        pixels = max(self.plot.getViewBox().height(), 1.0)
        if self._stretched:
            low, high = _stretch(min(self._low, 50.0)) - 0.1, _stretch(STRETCH_TOP)
        else:
            low, high = max(0.0, math.floor(min(self._low, 90.0) / 10.0) * 10.0 - 2), 100.0
        self.plot.setYRange(low, high + max(0.005 * (high - low), 0.03 * (high - low), 10.0 * (high - low) / pixels),
                            padding=0)
