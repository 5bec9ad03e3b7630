"""The network graph's neurons: a scatter whose big layers are thin bars, each bar hoverable along its
whole width (pyqtgraph's own hit test takes every spot as a square of its size)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath

#: A bar is this many times wider than high.
BAR_ASPECT = 12.0


def _bar_symbol() -> QPainterPath:
    path = QPainterPath()
    path.addRect(-BAR_ASPECT / 2, -0.5, BAR_ASPECT, 1.0)
    return path


BAR_SYMBOL = _bar_symbol()


class NeuronScatter(pg.ScatterPlotItem):
    """ScatterPlotItem (data-unit sizes) whose bar spots are hit across their full width."""

    def _maskAt(self, obj):  # noqa: N802 - pyqtgraph's name
        if not isinstance(obj, QPointF) or self.opts["pxMode"]:
            return super()._maskAt(obj)
        size = self.data["size"].astype(float)
        bars = np.array([s is BAR_SYMBOL for s in self.data["symbol"]], dtype=bool)
        half_w = np.where(bars, size * BAR_ASPECT / 2, size / 2)
        half_h = size / 2
        x, y = obj.x(), obj.y()
        return (self.data["visible"] & (np.abs(self.data["x"] - x) < half_w) & (np.abs(self.data["y"] - y) < half_h))
