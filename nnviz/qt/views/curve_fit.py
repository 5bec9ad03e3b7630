"""Curve mode: the target curve, the data, the network's output, and each hidden neuron's weighted
contribution as a faint curve, so the output is visibly a sum of steps and bumps (Nielsen, ch. 4).

A handle on the chosen neuron's contribution drags its step (bias) sideways and its height (outgoing
weight) up and down; in drawing mode a mouse drag draws a new target.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from nnviz.engine.playground import CurveParts
from nnviz.qt.views import colors as _colors

MAX_CONTRIBUTIONS = 50
Y_LIMIT = 2.0  # the plot shows y in -2..2: targets lie in -1..1, contributions may reach past them
OUTPUT_COLOR = "#e67800"
TARGET_COLOR = "#202020"
PART_COLOR = (90, 110, 170, 90)
CHOSEN_COLOR = "#7a2fb8"


class _DrawingViewBox(pg.ViewBox):
    """A ViewBox that, while ``drawing`` is on, turns a left-button drag into a stroke of points."""

    stroke_finished = Signal(object)  # (n, 2) array of view coordinates

    def __init__(self) -> None:
        super().__init__()
        self.drawing = False
        self._stroke: list[tuple[float, float]] = []
        self.stroke_item = pg.PlotCurveItem(pen=pg.mkPen(CHOSEN_COLOR, width=2))

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt's name
        if not self.drawing or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        point = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            self._stroke = []
        self._stroke.append((point.x(), point.y()))
        xs, ys = np.array(self._stroke).T
        self.stroke_item.setData(xs, ys)
        if ev.isFinish():
            stroke, self._stroke = np.array(self._stroke), []
            self.stroke_item.setData([], [])
            self.stroke_finished.emit(stroke)


class CurveFitView(pg.PlotWidget):
    """Target, points, output and contributions over x in -1..1. Signals: handle_moved(x, y), curve_drawn(points)."""

    handle_moved = Signal(float, float)
    curve_drawn = Signal(object)

    def __init__(self, parent=None) -> None:
        self.box = _DrawingViewBox()
        super().__init__(parent, background=_colors.BACKGROUND, viewBox=self.box)
        self.setMinimumSize(300, 220)
        item = _colors.fixed_plot(self.getPlotItem(), "Curve: target, network output and each neuron's contribution",
                                  "x", "y")
        item.showGrid(x=True, y=True, alpha=0.15)
        self.setRange(xRange=(-1, 1), yRange=(-Y_LIMIT, Y_LIMIT), padding=0.02)
        self.box.disableAutoRange()
        self.parts = [pg.PlotCurveItem(pen=pg.mkPen(PART_COLOR, width=1)) for _ in range(MAX_CONTRIBUTIONS)]
        for part in self.parts:
            item.addItem(part)
        self.points = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(120, 120, 120, 150))
        self.target = pg.PlotCurveItem(pen=pg.mkPen(TARGET_COLOR, width=1.5, style=Qt.PenStyle.DashLine))
        self.chosen = pg.PlotCurveItem(pen=pg.mkPen(CHOSEN_COLOR, width=2.5))
        self.output = pg.PlotCurveItem(pen=pg.mkPen(OUTPUT_COLOR, width=3))
        for part in (self.points, self.target, self.chosen, self.output):
            item.addItem(part)
        item.addItem(self.box.stroke_item)
        self.handle = pg.TargetItem(pos=(0, 0), size=14, symbol="o", pen=pg.mkPen(CHOSEN_COLOR, width=2),
                                    brush=pg.mkBrush(255, 255, 255, 220), movable=True)
        self.handle.setToolTip("Drag: sideways moves this neuron's step (its bias), up and down its height "
                               "(its outgoing weight)")
        item.addItem(self.handle)
        self.handle.sigPositionChanged.connect(self._on_handle)
        self.box.stroke_finished.connect(self.curve_drawn.emit)
        # the legend sits under the plot, not on it: the handle may be dragged anywhere in the plot
        legend = pg.LegendItem(colCount=2, labelTextColor=_colors.FOREGROUND, horSpacing=20)
        item.layout.addItem(legend, 5, 1)
        self.legend = legend
        legend.addItem(self.target, "target")
        legend.addItem(self.parts[0], "one neuron's contribution")
        legend.addItem(self.output, "network output")
        legend.addItem(self.chosen, "the chosen neuron (drag the circle)")
        self._placing = False
        self.chosen_neuron = 0

    def set_drawing(self, on: bool) -> None:
        """Drawing mode: a drag draws a new target curve instead of doing nothing."""
        self.box.drawing = bool(on)
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def set_data(self, x: np.ndarray, y: np.ndarray, target_x: np.ndarray, target_y: np.ndarray) -> None:
        """The training points and the true target curve."""
        self.points.setData(x=np.asarray(x).ravel(), y=np.asarray(y).ravel())
        self.target.setData(np.asarray(target_x), np.asarray(target_y))

    def show_parts(self, parts: CurveParts, handle_xy: tuple[float, float] | None) -> None:
        """Output, contributions and the chosen neuron's handle at ``handle_xy`` (None: no hidden layer)."""
        x = parts.x
        self.output.setData(x, np.nan_to_num(parts.output))
        n = len(parts.contributions)
        for i, curve in enumerate(self.parts):
            if i < n:
                curve.setData(x, np.nan_to_num(parts.contributions[i]))
                curve.setVisible(True)
            elif curve.isVisible():
                curve.setVisible(False)
        if n and 0 <= self.chosen_neuron < n:
            self.chosen.setData(x, np.nan_to_num(parts.contributions[self.chosen_neuron]))
            self.chosen.setVisible(True)
        else:
            self.chosen.setVisible(False)
        self.handle.setVisible(handle_xy is not None)
        if handle_xy is not None:
            hx = float(np.clip(np.nan_to_num(handle_xy[0]), -0.98, 0.98))
            # kept inside the plot so it can always be grabbed; the editor shows the exact height
            hy = float(np.clip(np.nan_to_num(handle_xy[1]), -Y_LIMIT * 0.95, Y_LIMIT * 0.95))
            self._placing = True
            try:
                self.handle.setPos(hx, hy)
            finally:
                self._placing = False

    def _on_handle(self) -> None:
        if not self._placing:
            pos = self.handle.pos()
            self.handle_moved.emit(float(pos.x()), float(pos.y()))
