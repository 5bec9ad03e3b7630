"""A small loss curve for the Playground: training and test loss after every epoch.

Losses go into growing NumPy arrays; the two curves are created once and get one setData per update.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnviz.qt.views import colors as _colors
from nnviz.qt.views.cost_curve import nice_ceiling

TRAIN_COLOR = "#e67800"
TEST_COLOR = "#1b9e4b"


class LossCurveView(pg.PlotWidget):
    """Train and test loss per epoch; ``add(epochs, train, test)`` appends, ``clear_curve()`` empties."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=_colors.BACKGROUND)
        self.setMinimumSize(200, 140)
        item = _colors.fixed_plot(self.getPlotItem(), "Loss", "epoch", "loss", mouse=True)
        item.showGrid(x=False, y=True, alpha=0.2)
        for axis in ("left", "bottom"):  # "loss (x0.001)" reads badly, and re-lays the labels as it grows
            item.getAxis(axis).enableAutoSIPrefix(False)
        item.addLegend(offset=(-5, 5), labelTextColor=_colors.FOREGROUND)
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_COLOR, width=2), name="training")
        self.test_curve = item.plot(pen=pg.mkPen(TEST_COLOR, width=2), name="test")
        for curve in (self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.set_loss_name("loss")
        self._n = 0
        self._data = np.zeros((3, 256))
        self._range = (0.0, 0.0)
        item.setMouseEnabled(False, False)
        item.getViewBox().disableAutoRange()
        self._fit_range(10.0, 1.0)

    def set_loss_name(self, name: str) -> None:
        """The y-axis title: "cross-entropy" for points, "mean squared error" for curves."""
        self.getPlotItem().setLabel("left", name)

    def clear_curve(self) -> None:
        self._n = 0
        self._fit_range(10.0, 1.0)
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])

    def add(self, epochs, train, test) -> None:
        """Append points for these epochs (sequences of equal length)."""
        k = len(epochs)
        if not k:
            return
        if self._n + k > self._data.shape[1]:
            grown = np.zeros((3, max(2 * self._data.shape[1], self._n + k)))
            grown[:, : self._n] = self._data[:, : self._n]
            self._data = grown
        self._data[:, self._n : self._n + k] = np.array([epochs, train, test], dtype=np.float64)
        self._n += k
        # hand over copies: pyqtgraph keeps a view, and the buffer is written again
        x, tr, te = (row.copy() for row in self._data[:, : self._n])
        finite_train, finite_test = np.isfinite(tr), np.isfinite(te)
        self.train_curve.setData(x[finite_train], tr[finite_train])
        self.test_curve.setData(x[finite_test], te[finite_test])
        finite = np.concatenate([tr[finite_train], te[finite_test]])
        self._fit_range(float(x[-1]), float(finite.max()) if finite.size else 1.0)

    def _fit_range(self, last_epoch: float, highest: float) -> None:
        """Epochs 0..E and loss 0..L, E and L nice numbers that change now and then, not every frame."""
        wanted = (nice_ceiling(max(last_epoch, 10.0)), nice_ceiling(max(highest, 1e-3) * 1.05))
        if wanted != self._range:
            self._range = wanted
            self.getPlotItem().getViewBox().setRange(xRange=(0, wanted[0]), yRange=(0, wanted[1]), padding=0.02)

    @property
    def n_points(self) -> int:
        return self._n
