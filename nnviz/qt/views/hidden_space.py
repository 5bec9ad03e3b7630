"""The plane as a hidden layer sees it: the data points and a grid of the input plane drawn in the
layer's own coordinates (its two neurons, or the first two principal components of a wider layer),
with the line where the output switches class when that line exists.

Watch the spirals being unfolded: the grid bends until one straight line splits the two colours.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.engine.playground import HiddenSpace
from nnviz.qt.views.cost_curve import nice_ceiling
from nnviz.qt.views import colors as _colors
from nnviz.qt.views.heatmap import CLASS_RGB

# light and see-through: where the layer folds the plane, many grid lines pile up, and they must not hide the points
GRID_COLOR = (110, 110, 110, 110)
#: The caption says the layer is saturated when at least this share of the points sits on its edge.
SATURATED_SHARE = 0.5
LINE_COLOR = "#202020"


class HiddenSpaceView(QWidget):
    """Draws a HiddenSpace. The grid's lines come in runs of ``samples`` points (see engine.playground.grid_lines)."""

    def __init__(self, samples: int, parent=None) -> None:
        super().__init__(parent)
        self.samples = samples
        self.plot = pg.PlotWidget(background=_colors.BACKGROUND)
        # with the loss plot beside it the window fits a 1024x640 screen, its caption under it still in view
        self.plot.setMinimumSize(180, 150)
        item = _colors.fixed_plot(self.plot.getPlotItem())
        item.getViewBox().disableAutoRange()
        for axis in ("left", "bottom"):  # the range moves every frame; SI prefixes would re-lay the labels
            item.getAxis(axis).enableAutoSIPrefix(False)
        _colors.readable_axes(item.getAxis("left"), item.getAxis("bottom"))
        _colors.cache_axes(item)
        self.grid = pg.PlotCurveItem(pen=pg.mkPen(GRID_COLOR, width=1))
        # one scatter per class: moving them every frame then needs no per-point brushes
        self.class_points = [pg.ScatterPlotItem(size=5, pen=pg.mkPen("w", width=0.5), brush=pg.mkBrush(*rgb))
                             for rgb in CLASS_RGB]
        self.boundary = pg.PlotCurveItem(pen=pg.mkPen(LINE_COLOR, width=2.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        item.addItem(self.grid)
        for scatter in self.class_points:
            item.addItem(scatter)
        item.addItem(self.boundary, ignoreBounds=True)  # the line spans the view, it must not widen it
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self._labels = np.zeros(0, np.int64)
        self._connect = np.zeros(0, bool)
        self._axes: tuple[str, str] | None = None
        self._half_width = 0.0  # the view shows -w..w on both axes; changed only now and then
        self._caption = ""
        self.show_message("Add a hidden layer of 2 or more neurons to see the plane as it sees it.")

    def set_labels(self, labels: np.ndarray) -> None:
        """Classes of the points that show_space will place (0 red, 1 blue)."""
        self._labels = np.asarray(labels)

    def show_message(self, text: str) -> None:
        """Nothing to draw (no hidden layer, or a 1-neuron layer): say why."""
        for part in (self.grid, self.boundary):
            part.setData([], [])
        for scatter in self.class_points:
            scatter.setData([], [])
        item = self.plot.getPlotItem()
        item.setTitle("Hidden space", color=_colors.FOREGROUND)
        for axis in ("left", "bottom"):  # empty axes with made-up 0..1 ticks would look like a plot of nothing
            item.hideAxis(axis)
        self._axes = None
        self._set_caption(text)

    def _set_caption(self, text: str) -> None:
        if text != self._caption:
            self._caption = text
            self.caption.setText(text)

    def show_space(self, space: HiddenSpace) -> None:
        item = self.plot.getPlotItem()
        pca = space.axes[0].startswith("principal")
        if self._axes != space.axes:  # titles are rich text: set them when they change, not every frame
            self._axes = space.axes
            item.setTitle("Hidden space", color=_colors.FOREGROUND)
            item.setLabel("bottom", space.axes[0])
            item.setLabel("left", space.axes[1])
            for axis in ("left", "bottom"):
                item.showAxis(axis)
        grid = space.grid
        if len(self._connect) != len(grid):
            self._connect = np.ones(len(grid), bool)
            self._connect[self.samples - 1 :: self.samples] = False  # break between grid lines
        x, y = np.ascontiguousarray(grid.T)  # contiguous columns: pyqtgraph's bounds and path run 3x faster
        self.grid.setData(x, y, connect=self._connect)
        if len(space.points) == len(self._labels):
            for label, scatter in enumerate(self.class_points):
                x, y = np.ascontiguousarray(space.points[self._labels == label].T)
                scatter.setData(x=x, y=y)
        self._draw_boundary(space)
        self._fit_range(np.concatenate([space.points, grid]))
        if pca:
            caption = (f"Principal components 1 and 2 keep {100 * space.explained:.0f}% of layer {space.layer}'s "
                       "variance. Grey: a grid over the input plane.")
        else:
            caption = "Grey: a grid over the input plane, bent by the layer." + (
                " Dashed: where the output switches class." if space.boundary is not None else "")
        if space.saturated >= SATURATED_SHARE:
            # rounded to tens so the caption (re-laid on every change) changes now and then, not every frame
            caption += (f" Saturated: {10 * round(10 * space.saturated):.0f}% of the points sit at a neuron's "
                        "limit (a smaller learning rate saturates less).")
        self._set_caption(caption)

    def _fit_range(self, coords: np.ndarray) -> None:
        """Show -w..w on both axes, w a nice number: grown when the points leave it, shrunk when they
        fill less than a third of it. Axes then stay put for most frames (re-laying out their tick
        labels costs as much as drawing the points)."""
        extent = float(np.nanmax(np.abs(coords))) if coords.size else 1.0
        extent = extent if np.isfinite(extent) and extent > 0 else 1.0
        if extent > self._half_width or extent < self._half_width / 3:
            self._half_width = nice_ceiling(extent)
            w = self._half_width
            # a little room beyond w: saturated points lie on ±1 and must not hide under the axes
            self.plot.getPlotItem().getViewBox().setRange(xRange=(-w, w), yRange=(-w, w), padding=0.04)

    def _draw_boundary(self, space: HiddenSpace) -> None:
        if space.boundary is None or not len(space.points):
            self.boundary.setData([], [])
            return
        w1, w2, b = space.boundary
        both = np.concatenate([space.points, space.grid])
        lo, hi = both.min(axis=0), both.max(axis=0)
        if abs(w2) >= abs(w1) and w2 != 0:
            u = np.array([lo[0], hi[0]])
            v = -(w1 * u + b) / w2
        elif w1 != 0:
            v = np.array([lo[1], hi[1]])
            u = -(w2 * v + b) / w1
        else:
            self.boundary.setData([], [])
            return
        self.boundary.setData(u, v)
