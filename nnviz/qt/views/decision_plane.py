"""The Playground's output: the network's decision over the plane as a heat map, with the training
points (and, switched on, the test points) on top and a colour bar saying what the shades mean.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors
from nnviz.qt.views.heatmap import CLASS_RGB, heat_image, legend_html, plane_rect, set_heat


class DecisionPlaneView(QWidget):
    """Decision heat map (res x res over -extent..extent) with train and test points and a colour bar."""

    def __init__(self, resolution: int, extent: float, parent=None) -> None:
        super().__init__(parent)
        self.resolution = resolution
        self.plot = pg.PlotWidget(background=_colors.BACKGROUND)
        self.plot.setMinimumSize(220, 200)
        item = _colors.fixed_plot(self.plot.getPlotItem(), "The network's decision", "x₁", "x₂")
        self.plot.getViewBox().setAspectLocked(True)
        self.image = heat_image(plane_rect(extent), resolution, rgba=False)
        item.addItem(self.image)
        self.plot.setRange(rect=plane_rect(extent), padding=0)
        self.colour_bar = pg.ColorBarItem(values=(-1, 1), colorMap=_colors.weight_colormap(), interactive=False,
                                          width=12, label="p(blue) − p(red)")
        self.colour_bar.setImageItem(self.image, insert_in=item)
        # (the bar's ticks are on its axis, its label on the axis at its left)
        _colors.readable_axes(item.getAxis("left"), item.getAxis("bottom"), self.colour_bar.axis,
                              self.colour_bar.getAxis("left"))
        _colors.cache_axes(item)
        self.colour_bar.axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=1))
        self.test_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(_colors.FOREGROUND, width=1.5), symbol="s")
        for points in (self.train_points, self.test_points):
            # the map under them changes every frame, they do not: repaint them from a pixmap
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.addItem(points)
        self.legend = QLabel()
        self._legend = ""  # the class key, from set_points
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)

    def set_points(self, x_train, y_train, x_test, y_test, class_names) -> None:
        """New data: training points filled, test points as outlined squares (shown by set_show_test)."""
        for scatter, x, y in ((self.train_points, x_train, y_train), (self.test_points, x_test, y_test)):
            brushes = [pg.mkBrush(*CLASS_RGB[0]), pg.mkBrush(*CLASS_RGB[1])]
            scatter.setData(x=np.asarray(x[:, 0]), y=np.asarray(x[:, 1]),
                            brush=[brushes[int(label) & 1] for label in y])
        self._legend = legend_html(tuple(class_names))
        self._show_legend()

    def set_show_test(self, show: bool) -> None:
        self.test_points.setVisible(bool(show))
        self._show_legend()

    def _show_legend(self) -> None:
        """The class key, and the test points' key only while they are drawn."""
        key = " &nbsp; ■ outlined squares: test points" if self.test_points.isVisible() else ""
        self.legend.setText(self._legend + key)

    def show_decision(self, score: np.ndarray) -> None:
        """score (res, res) in -1..1: p(class 1) − p(class 0) over the plane, indexed [x2, x1]."""
        set_heat(self.image, score)
