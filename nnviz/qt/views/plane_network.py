"""The Playground's network: every input feature and every neuron as a small heat map of its output
over the plane, joined by edges coloured by sign and widened by |weight|.

Hover an edge for its weight, a tile for its value under the mouse; click an edge to type a weight.
Each column of tiles is one image (its tiles stacked, transparent between them), so a frame paints
a handful of items, not one per neuron; they are created when the architecture changes and
updated in place every frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QToolTip

from nnviz.qt.views import colors as _colors
from nnviz.qt.views._edge_layer import EdgeLayer
from nnviz.qt.views.heatmap import heat_image, set_heat, shared_lut_words

TILE = 1.0
COLUMN_STEP = 2.3  # tile plus room for the edges
ROW_STEP = 1.3
WIDTH_BINS = 5  # edges are drawn in one path per (sign, width bin), all by one item
HOVER_PIXELS = 6.0


def _layout(layer_sizes) -> list[np.ndarray]:
    """Bottom-left corners (n, 2) of every column's tiles, each column centred on y = 0, first on top."""
    corners = []
    for column, n in enumerate(layer_sizes):
        top = (n - 1) * ROW_STEP / 2
        ys = top - ROW_STEP * np.arange(n) - TILE / 2
        corners.append(np.column_stack([np.full(n, column * COLUMN_STEP), ys]))
    return corners


def class_probability_maps(score: np.ndarray) -> np.ndarray:
    """(2, res, res) tile values of the two output neurons from score = p(class 1) − p(class 0).

    On the signed palette red is below 0 and blue above, and class 0 is red, class 1 blue: so class 0's
    tile is −p(class 0) and class 1's is +p(class 1). Where the network answers class k its tile is at
    least half-deep in class k's colour, as the decision plane is at that point.
    """
    p1 = (1.0 + score) / 2
    return np.stack([p1 - 1.0, p1])


class PlaneNetworkView(pg.PlotWidget):
    """Heat-map tiles per feature and neuron, edges per weight. ``edge_clicked(layer, row, col, value)``."""

    edge_clicked = Signal(int, int, int, float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=_colors.BACKGROUND)
        self.setMinimumSize(320, 240)
        item = self.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setMouseEnabled(False, False)
        item.hideButtons()
        item.setMenuEnabled(False)
        self.getViewBox().setAspectLocked(True)
        self._columns: list[pg.ImageItem] = []  # one image per column of tiles
        self._mosaics: list[np.ndarray] = []  # (rows, res, 4) RGBA of each column, gaps transparent
        self._tiles: list[np.ndarray] = []  # (n, res, res) uint32 views of each mosaic's tiles, top first
        self._labels: list[pg.TextItem] = []
        self._edges = self._make_edge_layer()  # every weight's line, in one item
        self._sizes: tuple[int, ...] = ()
        self._names: list[list[str]] = []
        self._segments = np.zeros((0, 4))
        self._segment_index = np.zeros((0, 3), np.int64)  # layer, row (to), col (from)
        self._weights: tuple[np.ndarray, ...] = ()
        self._biases: tuple[np.ndarray, ...] = ()
        self._maps: list[np.ndarray] = []
        self._extent = 1.0
        self._resolution = 0
        self._corners: list[np.ndarray] = []
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _make_edge_layer(self) -> EdgeLayer:
        shares = (np.arange(WIDTH_BINS) + 1) / WIDTH_BINS
        edges = EdgeLayer(magnitude_edges=tuple(shares[:-1]), widths=tuple(0.6 + 4.4 * shares),
                          alphas=tuple(int(a) for a in 70 + 185 * shares))
        edges.setZValue(-1)
        edges.set_antialias(False)  # as the curves drew them before, at about half the painting time
        # kept as a pixmap: most frames change the tiles over it, not its lines, and a blit costs less than the paths
        edges.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(edges)
        return edges

    # ---- structure ---------------------------------------------------------------------------------

    def set_structure(self, layer_sizes, input_names, output_names, resolution: int, extent: float) -> None:
        """Build tiles for inputs (named), hidden layers and outputs (named); keeps them if unchanged."""
        names = [list(input_names)]
        for i, n in enumerate(layer_sizes[1:-1]):
            names.append([f"layer {i + 1}, neuron {j + 1}" for j in range(n)])
        names.append([f"output: {name}" for name in output_names])
        layer_sizes = tuple(layer_sizes)
        self._extent = float(extent)
        if layer_sizes == self._sizes and names == self._names and self._resolution == resolution:
            return
        for image in self._columns:
            self.removeItem(image)
        for label in self._labels:
            self.removeItem(label)
        self._sizes, self._names, self._resolution = layer_sizes, names, resolution
        corners = _layout(layer_sizes)
        self._corners = corners
        gap = int(round(resolution * (ROW_STEP - TILE) / TILE))
        self._gap = gap
        self._columns, self._mosaics, self._tiles = [], [], []
        step = resolution + gap
        for xy in corners:
            n = len(xy)
            whole = np.zeros((n * step, resolution, 4), np.uint8)
            mosaic = whole[:n * step - gap]
            # tile j (0 = top) as one 32-bit word per pixel, counted from the mosaic's bottom rows
            self._tiles.append(whole.view(np.uint32).reshape(n, step, resolution)[::-1, :resolution])
            bottom = xy[-1, 1]
            image = heat_image(QRectF(0, 0, 1, 1), resolution)
            image.setImage(mosaic, autoLevels=False)
            image.setRect(QRectF(xy[0, 0], bottom, TILE, xy[0, 1] + TILE - bottom))  # after: it scales the image's size
            self.addItem(image)
            self._columns.append(image)
            self._mosaics.append(mosaic)
        self._labels = []
        last = len(layer_sizes) - 1
        for column, (n, xy) in enumerate(zip(layer_sizes, corners)):
            title = "inputs" if column == 0 else "output" if column == last else f"layer {column}"
            self._add_label(title, xy[0, 0] + TILE / 2, xy[0, 1] + TILE + 0.15, (0.5, 1.0), bold=True)
        for name, (x, y) in zip(input_names, corners[0]):
            self._add_label(name, x - 0.1, y + TILE / 2, (1.0, 0.5))
        for name, (x, y) in zip(output_names, corners[-1]):
            self._add_label(name, x + TILE + 0.1, y + TILE / 2, (0.0, 0.5))
        segments, index = [], []
        for layer in range(len(layer_sizes) - 1):
            start, end = corners[layer], corners[layer + 1]
            for row in range(len(end)):
                for col in range(len(start)):
                    segments.append((start[col, 0] + TILE, start[col, 1] + TILE / 2, end[row, 0], end[row, 1] + TILE / 2))
                    index.append((layer, row, col))
        self._segments = np.array(segments, dtype=np.float64).reshape(-1, 4)
        self._segment_index = np.array(index, dtype=np.int64).reshape(-1, 3)
        self._edges.clear()
        height = max(layer_sizes) * ROW_STEP
        self._edges.set_bounds(QRectF(-0.5, -height / 2 - 0.5, last * COLUMN_STEP + TILE + 1.0, height + 1.0))
        # room for the feature names on the left and the class names on the right
        self.getViewBox().setRange(QRectF(-2.0, -height / 2 - 0.2, last * COLUMN_STEP + TILE + 4.6, height + 1.2),
                                   padding=0)

    def _add_label(self, text: str, x: float, y: float, anchor, bold: bool = False) -> None:
        label = pg.TextItem(color=_colors.FOREGROUND, anchor=anchor)
        weight = "bold" if bold else "normal"
        label.setHtml(f'<div style="text-align:center; font-weight:{weight}">{text.replace(chr(10), "<br>")}</div>')
        label.setPos(x, y)
        # the tiles beside it change every frame and so repaint it: keep its rendered text
        label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(label)
        self._labels.append(label)

    # ---- frames ------------------------------------------------------------------------------------

    def show_maps(self, maps: list[np.ndarray], weights, biases) -> None:
        """New heat maps ([inputs, hidden..., output score], each (n, res, res)) and weights of one snapshot.

        With two classes the output column shows each class's probability in that class's colour,
        white at 0 to deep at 1 (see class_probability_maps), as the decision plane colours its answer.
        """
        if not self._columns:
            return
        self._maps, self._weights, self._biases = maps, tuple(weights), tuple(biases)
        columns = list(maps[:-1])
        columns.append(class_probability_maps(maps[-1][0]) if self._sizes[-1] == 2 else maps[-1])
        index = _colors.signed_index(np.concatenate(columns))  # one pass for every tile
        words, first = shared_lut_words(), 0
        for image, mosaic, tiles in zip(self._columns, self._mosaics, self._tiles):
            np.take(words, index[first:first + len(tiles)], out=tiles, mode="clip")  # straight into the mosaic
            first += len(tiles)
            set_heat(image, mosaic)
        self._draw_edges()

    @property
    def tile_counts(self) -> list[int]:
        """Tiles per column: inputs, each hidden layer, outputs."""
        return [len(c) for c in self._corners]

    def column_rect(self, column: int) -> QRectF:
        """Where a column's image is drawn, in the view's coordinates."""
        image = self._columns[column]
        return image.mapRectToParent(image.boundingRect())

    def tile_colours(self, column: int, row: int) -> np.ndarray:
        """The RGBA pixels (res, res, 4) shown by one tile (row 0 = top of its column)."""
        n, step = len(self._corners[column]), self._resolution + self._gap
        offset = (n - 1 - row) * step
        return self._mosaics[column][offset:offset + self._resolution]

    def _draw_edges(self) -> None:
        if not len(self._segments) or len(self._weights) != len(self._sizes) - 1:
            return
        w = np.concatenate([np.asarray(m, np.float64).ravel() for m in self._weights])  # (layer, row, col) order
        w = np.nan_to_num(w, copy=False)
        magnitude = np.abs(w)
        scale = max(float(magnitude.max()), 1.0)
        s = self._segments  # the layer keeps what it drew and redraws only when an edge changes bin
        self._edges.set_edges(s[:, 0], s[:, 1], s[:, 2], s[:, 3], w, magnitude / scale)

    def edge_bins(self) -> list:
        """(sign, strength, pen, xs, ys) of each (sign, width) bin of edges, as drawn (see EdgeLayer.bins)."""
        return self._edges.bins()

    # ---- hover and click ---------------------------------------------------------------------------

    def edge_at(self, point: QPointF) -> tuple[int, int, int] | None:
        """(layer, row, col) of the edge within a few pixels of ``point`` (view coordinates), or None."""
        if not len(self._segments):
            return None
        p = np.array([point.x(), point.y()])
        a, b = self._segments[:, :2], self._segments[:, 2:]
        ab = b - a
        t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0, 1)
        distance = np.hypot(*(a + t[:, None] * ab - p).T)
        best = int(distance.argmin())
        pixel = self.getViewBox().viewPixelSize()
        if distance[best] > HOVER_PIXELS * max(pixel[0], pixel[1]):
            return None
        return tuple(int(v) for v in self._segment_index[best])

    def tile_at(self, point: QPointF) -> tuple[int, int, float, float] | None:
        """(column, row, x1, x2) of the tile under ``point`` and the plane point it shows there, or None."""
        for column, corners in enumerate(self._corners):
            for row, (x, y) in enumerate(corners):
                u, v = (point.x() - x) / TILE, (point.y() - y) / TILE
                if 0 <= u <= 1 and 0 <= v <= 1:
                    e = self._extent
                    return column, row, -e + 2 * e * u, -e + 2 * e * v
        return None

    def describe(self, point: QPointF) -> str:
        """What the mouse is over, in words (the tooltip)."""
        edge = self.edge_at(point)
        if edge is not None and self._weights:
            layer, row, col = edge
            return (f"weight {float(self._weights[layer][row, col]):+.3f}\nfrom {self._names[layer][col]}\n"
                    f"to {self._names[layer + 1][row]}\n(click to type a new value)")
        tile = self.tile_at(point)
        if tile is None or not self._maps:
            return ""
        column, row, x1, x2 = tile
        text = self._names[column][row]
        values = self._maps[min(column, len(self._maps) - 1)]
        res = values.shape[-1]
        c = min(int((x1 + self._extent) / (2 * self._extent) * res), res - 1)
        r = min(int((x2 + self._extent) / (2 * self._extent) * res), res - 1)
        value = float(values[min(row, len(values) - 1), r, c])
        where = f"\nat x₁ = {x1:+.2f}, x₂ = {x2:+.2f}: "
        if column == len(self._sizes) - 1 and self._sizes[-1] == 2:
            probability = (1.0 + value) / 2 if row == 1 else (1.0 - value) / 2
            name = self._names[column][row].removeprefix("output: ")
            text += f"{where}p({name}) = {probability:.2f} (white 0 to its class colour 1)"
        else:
            text += f"{where}{value:+.2f} (on the tile's -1..1 scale)"
        if column > 0 and self._biases:
            text += f"\nbias {float(self._biases[column - 1][row]):+.3f}"
        return text

    def _on_mouse_moved(self, scene_pos) -> None:
        point = self.getViewBox().mapSceneToView(scene_pos)
        text = self.describe(point)
        if text:
            QToolTip.showText(self.mapToGlobal(self.mapFromScene(scene_pos)), text, self)
        else:
            QToolTip.hideText()

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        edge = self.edge_at(self.getViewBox().mapSceneToView(event.scenePos()))
        if edge is not None and self._weights:
            layer, row, col = edge
            self.edge_clicked.emit(layer, row, col, float(self._weights[layer][row, col]))
