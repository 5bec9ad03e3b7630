"""The network graph's neurons: a scatter whose big layers are thin bars, each bar hoverable along its
whole width (pyqtgraph's own hit test takes every spot as a square of its size), painted in one pass."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPixmap

#: A bar is this many times wider than high.
BAR_ASPECT = 12.0


def _bar_symbol() -> QPainterPath:
    path = QPainterPath()
    path.addRect(-BAR_ASPECT / 2, -0.5, BAR_ASPECT, 1.0)
    return path


BAR_SYMBOL = _bar_symbol()


class NeuronScatter(pg.ScatterPlotItem):
    """ScatterPlotItem (data-unit sizes) whose bar spots are hit across their full width.

    Hover, tooltips and clicks are pyqtgraph's; the drawing is its own. Set the spots once per layout
    with :meth:`set_neurons` and their fill with :meth:`set_fills`: a new fill per frame then costs one
    loop of ellipses and rectangles, not pyqtgraph's per-spot styling and bounds.
    """

    fills: list[QBrush] = []

    def set_neurons(self, x, y, size, symbol, pens, fill: QBrush, **kwargs) -> None:
        """Circles ("o") or bars (BAR_SYMBOL) of diameter / height ``size`` (data units) at (x, y)."""
        self.setData(x=x, y=y, size=size, symbol=symbol, pen=pens, brush=fill, **kwargs)
        self._shapes = []
        for cx, cy, s, sym, pen in zip(x, y, size, symbol, pens):
            w = s * BAR_ASPECT if sym is BAR_SYMBOL else s
            self._shapes.append((QRectF(cx - w / 2, cy - s / 2, w, s), sym is BAR_SYMBOL, pen))
        self.fills = [fill] * len(self._shapes)
        self._sprites: dict = {}  # (pen, brush, size on screen) -> QPixmap of one circle
        bounds = QRectF()
        for rect, _, _ in self._shapes:
            bounds = bounds.united(rect)
        self.prepareGeometryChange()
        self._bounds = bounds.adjusted(-0.1, -0.1, 0.1, 0.1)  # room for the outline

    def set_fills(self, fills: list[QBrush]) -> None:
        """One brush per spot, in the order of set_neurons; no repaint when every spot keeps its brush."""
        fills = list(fills)
        if len(fills) == len(self.fills) and all(a is b for a, b in zip(fills, self.fills)):
            return
        self.fills = fills
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        bounds = getattr(self, "_bounds", None)
        return bounds if bounds is not None else super().boundingRect()

    def paint(self, painter: QPainter, *args) -> None:
        if getattr(self, "_bounds", None) is None:
            return super().paint(painter, *args)
        # In device pixels: each circle is a pixmap drawn once per colour and size, then copied
        # (an antialiased ellipse with an outline costs ten times the copy).
        transform = painter.transform()
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for (rect, bar, pen), fill in zip(self._shapes, self.fills):
            at = transform.mapRect(rect)
            if bar:
                painter.setPen(pen)
                painter.setBrush(fill)
                painter.drawRect(at)
                continue
            sprite = self._sprite(pen, fill, at.width(), at.height(), ratio)
            painter.drawPixmap(QPointF(round(at.x()) - 1.0, round(at.y()) - 1.0), sprite)

    def _sprite(self, pen, fill: QBrush, width: float, height: float, ratio: float) -> QPixmap:
        key = (id(pen), id(fill), round(width * 4), round(height * 4), ratio)
        sprite = self._sprites.get(key)
        if sprite is None:
            if len(self._sprites) > 4096:  # e.g. after many resizes
                self._sprites.clear()
            sprite = QPixmap(int(math.ceil((width + 2) * ratio)), int(math.ceil((height + 2) * ratio)))
            sprite.setDevicePixelRatio(ratio)
            sprite.fill(Qt.GlobalColor.transparent)
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(pen)
            p.setBrush(fill)
            p.drawEllipse(QRectF(1.0, 1.0, width, height))
            p.end()
            self._sprites[key] = sprite
        return sprite

    def _maskAt(self, obj):  # noqa: N802 - pyqtgraph's name
        if not isinstance(obj, QPointF) or self.opts["pxMode"]:
            return super()._maskAt(obj)
        size = self.data["size"].astype(float)
        bars = np.array([s is BAR_SYMBOL for s in self.data["symbol"]], dtype=bool)
        half_w = np.where(bars, size * BAR_ASPECT / 2, size / 2)
        half_h = size / 2
        x, y = obj.x(), obj.y()
        return (self.data["visible"] & (np.abs(self.data["x"] - x) < half_w) & (np.abs(self.data["y"] - y) < half_h))
