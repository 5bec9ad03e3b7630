"""The cost curve: cost per mini-batch (raw and smoothed), per-epoch train/test cost and test accuracy.

Points go into preallocated, growing NumPy buffers; the curves are created once and fed with setData.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt import _colors

EMA_ALPHA = 0.03  # weight of the newest batch in the smoothed curve (about 1/33 batches)

RAW_COLOR = (150, 150, 150, 110)
SMOOTH_COLOR = "#1f4e9c"
TRAIN_COLOR = "#e67800"
TEST_COLOR = "#1b9e4b"


class _GrowingSeries:
    """x/y float64 buffers that double when full; views handed to pyqtgraph are never mutated."""

    def __init__(self, capacity: int = 1024) -> None:
        self.x = np.empty(capacity, np.float64)
        self.y = np.empty(capacity, np.float64)
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self.x):
            capacity = max(need, 2 * len(self.x))
            # New arrays: earlier views given to curves keep the old memory untouched.
            self.x = np.concatenate([self.x[: self.n], np.empty(capacity - self.n)])
            self.y = np.concatenate([self.y[: self.n], np.empty(capacity - self.n)])
        self.x[self.n : need] = x
        self.y[self.n : need] = y
        self.n = need

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]

    def clear(self) -> None:
        self.n = 0
        # Fresh buffers so no curve ever sees its data overwritten.
        self.x = np.empty(len(self.x), np.float64)
        self.y = np.empty(len(self.y), np.float64)


def _curve_data(curve) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.getData()
    return (np.zeros(0), np.zeros(0)) if x is None else (x, y)


class CostCurveView(QWidget):
    """Two stacked plots sharing the x axis (training step): cost on top, test accuracy below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cost curve")
        self._title = QLabel(
            "<b>Learning progress</b> — the cost measures how wrong the network is "
            "(lower is better); test data are digits it never trains on."
        )
        self._title.setWordWrap(True)
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(_colors.BACKGROUND)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._plot, 1)

        axis_pen = pg.mkPen(_colors.FOREGROUND)
        self.cost_plot = self._plot.addPlot(row=0, col=0)
        self.accuracy_plot = self._plot.addPlot(row=1, col=0)
        self._plot.ci.layout.setRowStretchFactor(0, 3)
        self._plot.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.cost_plot, self.accuracy_plot):
            plot.showGrid(x=True, y=True, alpha=0.25)
            for name in ("left", "bottom"):
                plot.getAxis(name).enableAutoSIPrefix(False)
                plot.getAxis(name).setPen(axis_pen)
                plot.getAxis(name).setTextPen(axis_pen)
            plot.setMenuEnabled(False)
        self.cost_plot.setLabel("left", "cost")
        self.cost_plot.setLabel("bottom", "training step (mini-batches)")
        self.accuracy_plot.setLabel("left", "test accuracy %")
        self.accuracy_plot.setLabel("bottom", "training step (mini-batches)")
        self.accuracy_plot.setXLink(self.cost_plot)
        self.cost_plot.setDownsampling(auto=True, mode="peak")
        self.cost_plot.setClipToView(True)
        self.cost_plot.setLimits(yMin=0.0)

        self._legend = self.cost_plot.addLegend(offset=(-10, 10), labelTextColor=_colors.FOREGROUND)
        self._legend.setBrush(pg.mkBrush(255, 255, 255, 210))
        self._raw_curve = self.cost_plot.plot(
            pen=pg.mkPen(RAW_COLOR, width=1), name="cost of each mini-batch", skipFiniteCheck=True
        )
        self._smooth_curve = self.cost_plot.plot(
            pen=pg.mkPen(SMOOTH_COLOR, width=2), name="smoothed (moving average)",
            skipFiniteCheck=True,
        )
        self._train_curve = self.cost_plot.plot(
            pen=pg.mkPen(TRAIN_COLOR, width=2), symbol="o", symbolSize=7,
            symbolBrush=TRAIN_COLOR, symbolPen=None, name="training cost (epoch mean)",
        )
        self._test_curve = self.cost_plot.plot(
            pen=pg.mkPen(TEST_COLOR, width=2), symbol="s", symbolSize=7,
            symbolBrush=TEST_COLOR, symbolPen=None, name="test cost (end of epoch)",
        )
        self._accuracy_curve = self.accuracy_plot.plot(
            pen=pg.mkPen(TEST_COLOR, width=2), symbol="s", symbolSize=7,
            symbolBrush=TEST_COLOR, symbolPen=None,
        )

        self.accuracy_plot.setTitle(
            "Test accuracy (after each epoch)", color=_colors.FOREGROUND, size="10pt"
        )
        self._raw = _GrowingSeries(4096)
        self._smooth = _GrowingSeries(4096)
        self._train = _GrowingSeries(64)
        self._test = _GrowingSeries(64)
        self._accuracy = _GrowingSeries(64)
        self._ema: float | None = None
        self._ema_weight = 0.0
        self._last_step = 0
        self._rows: list[dict] = []

    # ------------------------------------------------------------------ public API
    def add_batches(self, stats: list) -> None:
        """Append BatchStats (step, epoch, cost, ...) in step order; non-finite costs are skipped."""
        if not stats:
            return
        steps = np.array([s.step for s in stats], dtype=np.float64)
        costs = np.array([s.cost for s in stats], dtype=np.float64)
        ok = np.isfinite(costs)
        for s in stats:
            self._rows.append({"kind": "batch", "step": int(s.step), "epoch": int(s.epoch),
                               "cost": float(s.cost), "test_cost": None, "test_accuracy": None})
        self._last_step = int(steps[-1])
        steps, costs = steps[ok], costs[ok]
        if not len(costs):
            return
        smooth = np.empty_like(costs)
        ema, weight = self._ema or 0.0, self._ema_weight
        for i, c in enumerate(costs):
            ema = (1 - EMA_ALPHA) * ema + EMA_ALPHA * c
            weight = (1 - EMA_ALPHA) * weight + EMA_ALPHA
            smooth[i] = ema / weight  # bias-corrected, so the curve starts at the first cost
        self._ema, self._ema_weight = ema, weight
        self._raw.extend(steps, costs)
        self._smooth.extend(steps, smooth)
        self._raw_curve.setData(*self._raw.data())
        self._smooth_curve.setData(*self._smooth.data())

    def add_epoch(self, stats) -> None:
        """Append one EpochStats: epoch-mean training cost, test cost and test accuracy."""
        step = float(self._last_step)
        self._rows.append({"kind": "epoch", "step": int(step), "epoch": int(stats.epoch),
                           "cost": float(stats.train_cost), "test_cost": float(stats.test_cost),
                           "test_accuracy": float(stats.test_accuracy)})
        one = np.array([step])
        self._train.extend(one, np.array([stats.train_cost], np.float64))
        self._test.extend(one, np.array([stats.test_cost], np.float64))
        self._accuracy.extend(one, np.array([100.0 * stats.test_accuracy], np.float64))
        self._train_curve.setData(*self._train.data())
        self._test_curve.setData(*self._test.data())
        self._accuracy_curve.setData(*self._accuracy.data())
        self.accuracy_plot.setTitle(
            f"Test accuracy after epoch {stats.epoch}: {100.0 * stats.test_accuracy:.1f}%",
            color=_colors.FOREGROUND, size="10pt"
        )

    def clear(self) -> None:
        """Forget every point (e.g. after the network is reset)."""
        for series in (self._raw, self._smooth, self._train, self._test, self._accuracy):
            series.clear()
        for curve in (self._raw_curve, self._smooth_curve, self._train_curve, self._test_curve,
                      self._accuracy_curve):
            curve.setData([], [])
        self.accuracy_plot.setTitle(
            "Test accuracy (after each epoch)", color=_colors.FOREGROUND, size="10pt"
        )
        self._ema, self._ema_weight, self._last_step = None, 0.0, 0
        self._rows = []

    def history_rows(self) -> list[dict]:
        """Every point as a dict: kind ("batch"/"epoch"), step, epoch, cost, test_cost, test_accuracy."""
        return [dict(r) for r in self._rows]

    def batch_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, costs) of the raw mini-batch curve as drawn."""
        return _curve_data(self._raw_curve)

    def smoothed_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, smoothed costs) as drawn."""
        return _curve_data(self._smooth_curve)

    def epoch_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Drawn per-epoch points: "train", "test" (cost) and "accuracy" (percent)."""
        return {"train": _curve_data(self._train_curve), "test": _curve_data(self._test_curve),
                "accuracy": _curve_data(self._accuracy_curve)}
