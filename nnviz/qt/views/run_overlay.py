"""Ticked runs drawn over the cost curve: test cost and test accuracy per epoch, one colour each,
with a legend. Attached to a CostCurveView's two plots; curves are created once per slot and reused.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from nnviz.qt.views.run_list import run_color, run_summary

#: Longer run names are shortened with "…" in the legend (the tooltip has them whole).
LEGEND_NAME_CHARS = 32


def legend_label(run) -> str:
    """The run's name, followed by its layers unless the name already gives them."""
    shape = run.shape_text()
    name = run.name if len(run.name) <= LEGEND_NAME_CHARS else run.name[: LEGEND_NAME_CHARS - 1] + "…"
    return name if shape in run.name else f"{name} ({shape})"


class RunOverlay:
    """Up to ``slots`` compared runs on a cost plot and an accuracy plot (x = training step)."""

    def __init__(self, cost_plot, accuracy_plot, legend_layout=None, slots: int = 8) -> None:
        # The legend is a line of text under the plots: inside them it would hide the curves.
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setMinimumWidth(120)  # entries do not break: clip one rather than widen the window
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

    def show_runs(self, runs, live=None) -> None:
        """Draw these RunRecords (at most ``slots``), in order, each in its colour. The ``live`` run is
        named but not drawn: the live curves show it already (twice, it looked like two networks)."""
        self.names = []
        entries, tips = [], []
        for k, (cost, accuracy) in enumerate(zip(self._cost, self._accuracy)):
            if k < len(runs) and runs[k] is live and runs[k].epochs:
                cost.setVisible(False)
                accuracy.setVisible(False)
                self.names.append(live.name)
                text = html.escape(legend_label(live)).replace(" ", "&nbsp;")
                entries.append(f"{text}:&nbsp;the&nbsp;live&nbsp;curves")
                tips.append(html.escape(run_summary(live)))
            elif k < len(runs) and runs[k].epochs:
                run = runs[k]
                cost.setData(*run.epoch_series("test_cost"))
                steps, acc = run.epoch_series("test_accuracy")
                accuracy.setData(steps, 100 * acc)
                cost.setVisible(True)
                accuracy.setVisible(True)
                self.names.append(run.name)
                # non-breaking spaces: a narrow dock wraps between runs, never inside one
                text = html.escape(legend_label(run)).replace(" ", "&nbsp;")
                entries.append(f'<span style="color:{run_color(k).name()}; font-size:13pt">&#9473;&#9679;</span>'
                               f"&nbsp;{text}")
                tips.append(html.escape(run_summary(run)))
            else:
                cost.setVisible(False)
                accuracy.setVisible(False)
        self.legend.setText(" &nbsp; ".join(entries))
        self.legend.setToolTip("Ticked runs: their test cost and test accuracy after every epoch<br>"
                               + "<br>".join(tips))
        self.legend.setVisible(bool(self.names))

    def drawn(self) -> list[str]:
        """Names of the runs drawn as compared lines (the live run is not)."""
        return [name for name, cost in zip(self.names, self._cost) if cost.isVisible()]

    def drawn_costs(self) -> np.ndarray:
        """Every test cost drawn as a compared line (the cost axis takes them in)."""
        costs = [cost.getData()[1] for cost in self._cost if cost.isVisible()]
        return np.concatenate([c for c in costs if c is not None]) if costs else np.zeros(0)

    def curve_data(self, k: int):
        return self._accuracy[k].getData()
