"""Short texts beside points of a view (the output neurons' names and values), painted in one call.

A pg.TextItem lays its text out anew at every change: ten of them cost about 1 ms per frame.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter


class LabelColumn(pg.GraphicsObject):
    """One text per point, left-aligned just after it and centred on it vertically, at the same size on
    screen whatever the zoom. New texts are stored and repainted, with no layout and no item per text.
    """

    def __init__(self, font: QFont) -> None:
        super().__init__()
        self._font = QFont(font)
        metrics = QFontMetricsF(self._font)
        self._shift = (metrics.ascent() - metrics.descent()) / 2  # baseline below a vertically centred text
        self.line_height = metrics.height()
        self._points: list[QPointF] = []
        self._texts: list[str] = []
        self._colors: list[QColor] = []
        self._bounds = QRectF()

    def set_points(self, points: list[tuple[float, float]], bounds: QRectF) -> None:
        """Where the texts start (data units), and an area holding them all; the texts are cleared."""
        self.prepareGeometryChange()
        self._points = [QPointF(x, y) for x, y in points]
        self._texts = [""] * len(points)
        self._colors = [QColor()] * len(points)
        self._bounds = QRectF(bounds)

    def set_texts(self, texts: list[str], colors: list[str]) -> None:
        """One text and colour (e.g. "#202020") per point; repaints only when one of them changes."""
        colors = [QColor(c) for c in colors]
        if list(texts) == self._texts and colors == self._colors:
            return
        self._texts, self._colors = list(texts), colors
        self.update()

    def labels(self) -> list[tuple[str, str]]:
        """(text, colour as "#rrggbb") of every point, as drawn."""
        return [(text, color.name()) for text, color in zip(self._texts, self._colors)]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter: QPainter, *_args) -> None:
        transform = painter.transform()
        painter.resetTransform()  # device pixels: the text keeps its size whatever the zoom
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(self._font)
        for point, text, color in zip(self._points, self._texts, self._colors):
            if text:
                at = transform.map(point)
                painter.setPen(color)
                painter.drawText(QPointF(at.x(), at.y() + self._shift), text)
