"""Curve mode: the target curve, the data, the network's output, and each hidden neuron's weighted
contribution as a faint curve, so the output is visibly a sum of steps and bumps (Nielsen, ch. 4).

A handle drags the chosen neuron's step (bias) sideways and its height (outgoing weight) up and down:
it sits at (step, height), joined by a dashed line to the neuron's curve at the step. The y range grows
to take in the chosen neuron's curve and height; in drawing mode a mouse drag draws a new target.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from nnviz.engine.playground import CurveParts
from nnviz.qt.views import colors as _colors

MAX_CONTRIBUTIONS = 50
Y_LIMIT = 2.0  # the plot shows y in at least -2..2: targets lie in -1..1, contributions may reach past them
#: ... and grows in steps of Y_STEP to take in the chosen neuron's curve and height, up to this: further
#: out the targets would be squashed into a sliver; a taller handle waits at the edge, labelled.
Y_MAX = 4.0
Y_STEP = 0.5
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
        # short texts, and the title across the axis columns too: the plot's least width is that of its
        # title or legend, and a plot wider than its view is cut off at the side (1024x640)
        item = _colors.fixed_plot(self.getPlotItem(), "Network output: its neurons' curves added up", "x", "y")
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 0, 1, 3)
        item.showGrid(x=True, y=True, alpha=0.15)
        _colors.readable_axes(item.getAxis("left"), item.getAxis("bottom"))
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
        # the handle sits at (step, height), not on the curve: this dashed line joins them
        self.guide = pg.PlotCurveItem(pen=pg.mkPen(CHOSEN_COLOR, width=1.5, style=Qt.PenStyle.DashLine))
        item.addItem(self.guide)
        # says where a handle held at the edge really is; on white, as curves may run behind it
        self.off_plot = pg.TextItem(color=CHOSEN_COLOR, anchor=(0, 0.5), fill=pg.mkBrush(255, 255, 255, 230))
        self.off_plot.setVisible(False)
        item.addItem(self.off_plot)
        self.y_limit = Y_LIMIT
        self.box.stroke_finished.connect(self.curve_drawn.emit)
        # the legend sits under the plot, not on it: the handle may be dragged anywhere in the plot
        legend = pg.LegendItem(colCount=2, labelTextColor=_colors.FOREGROUND, horSpacing=12)
        item.layout.addItem(legend, 5, 0, 1, 3)
        self.legend = legend
        legend.addItem(self.target, "target")
        legend.addItem(self.parts[0], "one neuron's curve")
        legend.addItem(self.output, "network output")
        legend.addItem(self.chosen, "the chosen neuron")
        legend.addItem(self.guide, "drag the circle: step ↔, height ↕")
        self._placing = False
        self.chosen_neuron = 0
        # never narrower than its title and legend need: a plot wider than its view is cut off at the side
        least = item.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        self.setMinimumWidth(max(300, int(np.ceil(least)) + 4))

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
        chosen = np.nan_to_num(parts.contributions[self.chosen_neuron]) if self.chosen.isVisible() else None
        shown = handle_xy is not None
        for item in (self.handle, self.guide):
            item.setVisible(shown)
        if not shown:
            self.off_plot.setVisible(False)
            return
        step, height = (float(np.nan_to_num(v, posinf=1e6, neginf=-1e6)) for v in handle_xy)
        tallest = max(abs(height), float(np.abs(chosen).max()) if chosen is not None and chosen.size else 0.0)
        self._fit_y_range(tallest)
        # kept inside the plot so it can always be grabbed; a label says where it really is
        hx = float(np.clip(step, -0.98, 0.98))
        hy = float(np.clip(height, -self.y_limit * 0.95, self.y_limit * 0.95))
        on_curve = float(np.interp(hx, x, chosen)) if chosen is not None else 0.0
        self.guide.setData([hx, hx], [on_curve, hy])
        held = (hx, hy) != (step, height)
        self.off_plot.setVisible(held)
        if held:
            self.off_plot.setText(f"step {step:+.2f}, height {height:+.2f}: beyond the plot")
            self.off_plot.setAnchor((1, 0.5) if hx > 0 else (0, 0.5))
            self.off_plot.setPos(hx - 0.04 if hx > 0 else hx + 0.04, hy)
        self._placing = True
        try:
            self.handle.setPos(hx, hy)
        finally:
            self._placing = False

    def _fit_y_range(self, tallest: float) -> None:
        """Symmetric y range: at least +-Y_LIMIT, in steps of Y_STEP past ``tallest``, at most +-Y_MAX.
        Kept while the handle is dragged, so the plot does not move under the mouse."""
        limit = float(np.clip(np.ceil(tallest * 1.05 / Y_STEP) * Y_STEP, Y_LIMIT, Y_MAX))
        if limit != self.y_limit and not self.handle.moving:
            self.y_limit = limit
            self.setYRange(-limit, limit, padding=0.02)

    def _on_handle(self) -> None:
        if not self._placing:
            pos = self.handle.pos()
            self.handle_moved.emit(float(pos.x()), float(pos.y()))
