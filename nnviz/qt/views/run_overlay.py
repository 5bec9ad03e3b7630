"""Ticked runs drawn over the cost curve: test cost and test accuracy per epoch, one colour each,
with a legend. Attached to a CostCurveView's two plots; curves are created once per slot and reused.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from nnviz.qt.views.run_list import run_color


class RunOverlay:
    """Up to ``slots`` compared runs on a cost plot and an accuracy plot (x = training step)."""

    def __init__(self, cost_plot, accuracy_plot, legend_layout=None, slots: int = 8) -> None:
        # The legend is a line of text under the plots: inside them it would hide the curves.
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setVisible(False)
        if legend_layout is not None:
            legend_layout.addWidget(self.legend)
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
        self.names = []
        entries = []
        for k, (cost, accuracy) in enumerate(zip(self._cost, self._accuracy)):
            if k < len(runs) and runs[k].epochs:
                run = runs[k]
                cost.setData(*run.epoch_series("test_cost"))
                steps, acc = run.epoch_series("test_accuracy")
                accuracy.setData(steps, 100 * acc)
                cost.setVisible(True)
                accuracy.setVisible(True)
                self.names.append(run.name)
                entries.append(f'<span style="color:{run_color(k).name()}; font-size:13pt">&#9473;&#9679;</span> '
                               f"{run.name} ({run.shape_text()})")
            else:
                cost.setVisible(False)
                accuracy.setVisible(False)
        self.legend.setText(" &nbsp; ".join(entries))
        self.legend.setToolTip("Ticked runs: their test cost and test accuracy after every epoch")
        self.legend.setVisible(bool(self.names))

    def curve_data(self, k: int):
        return self._accuracy[k].getData()
