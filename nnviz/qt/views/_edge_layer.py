"""The network graph's edges: one item drawing every weight as a line, binned by sign and strength.

One paint call draws all bins from cached paths: about a tenth of the time of one PlotCurveItem per bin.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPen

from nnviz.qt.views import colors as _colors

#: |w| / max|w| boundaries of the strength bins, and each bin's line width (pixels) and opacity.
MAGNITUDE_EDGES = (0.25, 0.5, 0.75)
BIN_WIDTHS = (0.6, 1.0, 1.8, 2.8)
BIN_ALPHAS = (45, 90, 150, 225)


class EdgeLayer(pg.GraphicsObject):
    """Lines (x0, y0) -> (x1, y1) coloured by the sign of their weight, thicker and darker when stronger.

    Bins are (sign, strength) with sign +1 (w > 0) or -1 (w <= 0) and strength 0 (weakest) to
    len(widths) - 1 (MAGNITUDE_EDGES, BIN_WIDTHS and BIN_ALPHAS unless given); strong lines are drawn over weak ones. The item's bounds are set once per
    layout (:meth:`set_bounds`), so new weights cost no bounds computation, and each bin's lines are
    kept as one QPainterPath built from NumPy, so a repaint is a handful of drawPath calls.
    """

    def __init__(self, positive_color=None, negative_color=None, magnitude_edges=MAGNITUDE_EDGES, widths=BIN_WIDTHS,
                 alphas=BIN_ALPHAS) -> None:
        """``positive_color`` / ``negative_color``: alpha -> colour (default: the project's weight colours
        blended on the background); ``magnitude_edges``: strength bin boundaries; ``widths`` and
        ``alphas``: one per bin (one more than edges)."""
        if positive_color is None:
            positive_color = lambda alpha: _colors.on_background(_colors.POSITIVE_RGB, alpha)  # noqa: E731
        if negative_color is None:
            negative_color = lambda alpha: _colors.on_background(_colors.NEGATIVE_RGB, alpha)  # noqa: E731
        super().__init__()
        if not len(widths) == len(alphas) == len(magnitude_edges) + 1:
            raise ValueError("one width and one opacity per strength bin: len(magnitude_edges) + 1 of each")
        self._magnitude_edges = tuple(magnitude_edges)
        self._bins: list[tuple[int, int, QPen]] = []
        for strength, (width, alpha) in enumerate(zip(widths, alphas)):
            for sign, color in ((1, positive_color), (-1, negative_color)):
                self._bins.append((sign, strength, pg.mkPen(color(alpha), width=width)))
        self._bins.sort(key=lambda b: b[1])  # paint order: weak first
        self._paths = [QPainterPath() for _ in self._bins]
        self._points: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0), np.zeros(0)) for _ in self._bins]
        self._bounds = QRectF()
        self.antialias = True
        self.count = 0  # lines drawn, all bins
        self._drawn = None  # (bins, signs, x0, y0, x1, y1) drawn now

    def set_bounds(self, rect: QRectF) -> None:
        """The area every line lies in (the graph's layout), in data units."""
        self.prepareGeometryChange()
        self._bounds = QRectF(rect)

    def set_antialias(self, smooth: bool) -> None:
        """Smooth lines (default), or plain ones, about half the drawing time, for fast redraws."""
        if smooth != self.antialias:
            self.antialias = smooth
            self.update()

    def set_edges(self, x0, y0, x1, y1, weights, strength) -> None:
        """Lines from (x0, y0) to (x1, y1), one per weight; ``strength`` is |w| / max|w| in [0, 1]."""
        weights = np.asarray(weights)
        bins = np.digitize(np.asarray(strength), self._magnitude_edges)
        positive = weights > 0
        # Most frames move no line to another bin: then nothing is rebuilt or repainted.
        drawn = (bins, positive, x0, y0, x1, y1)
        if self._drawn is not None and all(np.array_equal(a, b) for a, b in zip(drawn, self._drawn)):
            return
        self._drawn = drawn
        self.count = int(weights.size)
        for i, (sign, b, _pen) in enumerate(self._bins):
            m = (bins == b) & (positive if sign > 0 else ~positive)
            n = int(np.count_nonzero(m))
            xs = np.empty(2 * n, np.float64)
            ys = np.empty(2 * n, np.float64)
            xs[0::2], xs[1::2] = x0[m], x1[m]
            ys[0::2], ys[1::2] = y0[m], y1[m]
            self._points[i] = (xs, ys)
            self._paths[i] = pg.arrayToQPath(xs, ys, connect="pairs", finiteCheck=False) if n else QPainterPath()
        self.update()

    def clear(self) -> None:
        self.set_edges(*(np.zeros(0),) * 6)

    def bins(self) -> list[tuple[int, int, QPen, np.ndarray, np.ndarray]]:
        """(sign, strength, pen, xs, ys) of every bin; xs and ys alternate start and end points."""
        return [(sign, b, pen, *points) for (sign, b, pen), points in zip(self._bins, self._points)]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter: QPainter, *_args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        for (_, _, pen), path in zip(self._bins, self._paths):
            if not path.isEmpty():
                painter.setPen(pen)
                painter.drawPath(path)
