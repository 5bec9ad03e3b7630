"""Ticked runs drawn over the cost curve: test cost and test accuracy per epoch, one colour each,
with a legend. Attached to a CostCurveView's two plots; curves are created once per slot and reused.
"""

from __future__ import annotations

import pyqtgraph as pg

from nnviz.qt.views.run_list import run_color


class RunOverlay:
    """Up to ``slots`` compared runs on a cost plot and an accuracy plot (x = training step)."""

    def __init__(self, cost_plot, accuracy_plot, slots: int = 8) -> None:
        self._legend = pg.LegendItem(offset=(-8, 8), labelTextColor="#202020", brush=pg.mkBrush(255, 255, 255, 220))
        self._legend.setParentItem(accuracy_plot.vb)
        self._cost, self._accuracy = [], []
        for k in range(slots):
            color = run_color(k)
            pen = pg.mkPen(color, width=2)
            cost = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=5, symbolBrush=color, symbolPen=None)
            accuracy = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=5, symbolBrush=color, symbolPen=None)
            for item, plot in ((cost, cost_plot), (accuracy, accuracy_plot)):
                item.setZValue(20)
                item.setVisible(False)
                plot.addItem(item)
            self._cost.append(cost)
            self._accuracy.append(accuracy)
        self.names: list[str] = []

    def show_runs(self, runs) -> None:
        """Draw these RunRecords (at most ``slots``), in order, each in its colour."""
        self._legend.clear()
        self.names = []
        for k, (cost, accuracy) in enumerate(zip(self._cost, self._accuracy)):
            if k < len(runs) and runs[k].epochs:
                run = runs[k]
                cost.setData(*run.epoch_series("test_cost"))
                steps, acc = run.epoch_series("test_accuracy")
                accuracy.setData(steps, 100 * acc)
                cost.setVisible(True)
                accuracy.setVisible(True)
                self._legend.addItem(accuracy, f"{run.name} ({run.shape_text()}, {run.activation.replace('_', ' ')})")
                self.names.append(run.name)
            else:
                cost.setVisible(False)
                accuracy.setVisible(False)
        self._legend.setVisible(bool(self.names))

    def curve_data(self, k: int):
        return self._accuracy[k].getData()
