"""The network graph: every layer a column of neurons shaded by activation, edges coloured by weight.

Edges are binned by sign and strength into a few paths of one item (EdgeLayer), updated in place.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors
from nnviz.qt.views._caption import Caption, fit_captions
from nnviz.qt.views._edge_layer import EdgeLayer
from nnviz.qt.views._label_column import LabelColumn
from nnviz.qt.views._neuron_scatter import BAR_SYMBOL, NeuronScatter

HEIGHT = 10.0  # data units spanned by the tallest column
LAYER_GAP = 3.0  # data units between neuron columns, at least; a wide view spreads them up to 3 times that
BELOW = 2.0  # data units under the tallest column: room for the pixel column's caption
INPUT_EDGES_PER_NEURON = 5  # strongest input pixels drawn into each first-layer neuron
MAX_EDGES_PER_LAYER = 4096  # above this, only each neuron's strongest incoming edges are drawn
UNBOUNDED = ("relu", "leaky_relu", "linear")


def _is_image(n_inputs: int) -> bool:
    side = math.isqrt(n_inputs)
    return n_inputs >= 64 and side * side == n_inputs


def layer_name(layer: int, n_layers: int) -> str:
    """Human name of layer `layer` of a network with `n_layers` entries in layer_sizes."""
    if layer == 0:
        return "Input"
    if layer == n_layers - 1:
        return "Output"
    return f"Hidden layer {layer}"


class NetworkGraphView(QWidget):
    """Columns of neurons (shaded by activation) joined by weight-coloured edges.

    Inputs with a square size (e.g. 784 = 28x28) are shown as the input image plus a thin
    column of all pixels, with only each first-layer neuron's strongest input edges drawn.
    """

    neuron_selected = Signal(int, int)  # (layer index in layer_sizes, neuron index)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Network")
        self._title = QLabel(
            "<b>The network</b> — each circle is a neuron, shaded by how strongly it fires for the "
            "current input; each line is a weight. Hover a neuron for details, click to select it."
        )
        self._title.setWordWrap(True)
        self._legend = QLabel(_colors.legend_html() + _colors.FILL_LEGEND_HTML)
        # One line: a narrow view cuts its end rather than wrapping (the tooltip has it all).
        self._legend.setWordWrap(False)
        self._legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._legend.setToolTip("Lines: blue weights excite, red ones inhibit; thicker and darker = larger "
                                "|weight|.\nNeuron fill: white = off, orange = strongly on, purple = negative.")
        self._legend.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
        self._plot, self._vb = _colors.picture_box()
        self._vb.sigTransformChanged.connect(self._fit_texts)
        self._vb.sigResized.connect(self._spread_columns)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._legend)

        lut = _colors.activation_lut(257)  # odd size: index 128 is exactly activation 0
        self._brush_lut = [QBrush(QColor(*map(int, c))) for c in lut]
        self._neuron_pen = pg.mkPen("#707070", width=1)
        self._bar_pen = pg.mkPen(None)  # outlines would hide the thin bars of a big layer

        # Every edge, binned by sign and strength: one item, created once.
        self._edges = EdgeLayer()
        self._vb.addItem(self._edges)

        self._neurons = NeuronScatter(
            pxMode=False, hoverable=True, tip=self._tooltip, pen=self._neuron_pen
        )
        self._neurons.setZValue(10)
        self._neurons.sigClicked.connect(self._on_clicked)
        self._vb.addItem(self._neurons)
        self._selection = pg.ScatterPlotItem(
            pxMode=False, pen=pg.mkPen(_colors.HIGHLIGHT_HEX, width=4),
            brush=pg.mkBrush(0, 0, 0, 0),  # a ring: transparent fill
        )
        self._selection.setZValue(11)
        self._vb.addItem(self._selection)
        # The selected neuron's incoming weights, drawn on top in full colour.
        self._selected_edges = {}
        for sign, rgb in ((1, _colors.POSITIVE_RGB), (-1, _colors.NEGATIVE_RGB)):
            curve = pg.PlotCurveItem(
                pen=pg.mkPen(_colors.qcolor(rgb), width=3), connect="pairs", antialias=True
            )
            curve.setZValue(8)
            self._vb.addItem(curve)
            self._selected_edges[sign] = curve

        self._input_image = pg.ImageItem(axisOrder="row-major")
        self._input_image.setColorMap(_colors.ink_colormap())
        self._input_strip = pg.ImageItem(axisOrder="row-major")
        self._input_strip.setColorMap(_colors.ink_colormap())
        for item in (self._input_image, self._input_strip):
            item.setZValue(5)
            item.setBorder(pg.mkPen("#909090", width=1))
            # Kept as a pixmap between input changes: scaling the image anew at every frame cost 1 ms.
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._vb.addItem(item)

        # Rebuilt only when layer_sizes changes.
        self._layer_sizes: tuple[int, ...] = ()
        self._gap = LAYER_GAP  # data units between columns now
        self._image_mode = False
        self._positions: list[np.ndarray] = []  # per layer: (n, 2) neuron centres
        self._spot_ids: list[tuple[int, int]] = []  # scatter spot -> (layer, neuron)
        self._first_spot_layer = 1
        self._texts: list[pg.TextItem] = []
        # The output neurons' names and values: new texts at every frame while training.
        self._output_labels = LabelColumn(self.font())
        self._output_labels.setZValue(12)
        self._vb.addItem(self._output_labels)
        self._selection_shown = True  # the selection ring or its edges may be on screen
        self._column_titles: list[pg.TextItem] = []
        # Texts with shorter versions for small views: (item, versions longest first, room in data
        # units across, "above" or "below" its anchor point).
        self._fitted_texts: list[tuple[pg.TextItem, tuple[str, ...], float, str]] = []
        self._class_names: tuple[str, ...] | None = None
        self._snapshot = None
        self._activations: list[np.ndarray] | None = None
        self._selected: tuple[int, int] | None = None

    # ------------------------------------------------------------------ public API
    def set_class_names(self, class_names) -> None:
        """Label output neurons with these names (default "0", "1", ...)."""
        self._class_names = tuple(str(c) for c in class_names)
        self._update_output_labels()

    def show_snapshot(self, snapshot) -> None:
        """Redraw edges from snapshot.weights; rebuilds items only if layer_sizes changed."""
        self._snapshot = snapshot
        self._ensure_layout(tuple(snapshot.layer_sizes))
        self._update_edges()
        self._update_output_labels()
        self._update_selection()

    def set_smooth_edges(self, smooth: bool) -> None:
        """Antialiased edges (default), or plain ones, half the drawing time, for fast redraws."""
        self._edges.set_antialias(smooth)

    def show_activations(self, activations: list[np.ndarray]) -> None:
        """Shade neurons by one input's activations: [x (n_in,), hidden_1, ..., output]."""
        acts = [np.asarray(a, dtype=np.float32).reshape(-1) for a in activations]
        self._ensure_layout(tuple(a.size for a in acts))
        self._activations = acts
        self._update_shading()
        self._update_output_labels()

    def select_neuron(self, layer: int, neuron: int) -> None:
        """Highlight one neuron (does not emit neuron_selected)."""
        self._selected = (int(layer), int(neuron))
        self._update_selection()

    def selected_neuron(self) -> tuple[int, int] | None:
        """The highlighted (layer, neuron), or None."""
        return self._selected

    def neuron_colors(self, layer: int) -> np.ndarray:
        """(n, 4) uint8 RGBA fill of the neurons of `layer` as currently drawn."""
        brushes = self._neurons.fills
        idx = [i for i, (lay, _) in enumerate(self._spot_ids) if lay == layer]
        return np.array([brushes[i].color().getRgb() for i in idx], dtype=np.uint8)

    def edge_bins(self) -> list[tuple[int, int, QPen, np.ndarray, np.ndarray]]:
        """(sign, strength, pen, xs, ys) of every edge bin as drawn now (for inspection)."""
        return self._edges.bins()

    @property
    def edge_count(self) -> int:
        """Edges drawn now, all bins."""
        return self._edges.count

    # ------------------------------------------------------------------ layout
    def _spread_columns(self, *_args) -> None:
        """A view wider than the drawing spreads the columns apart (up to 3 times the gap) instead of
        leaving its sides empty; relaid out only when the gap changes by a quarter unit or more."""
        sizes = self._layer_sizes
        width, height = self._vb.width(), self._vb.height()
        if len(sizes) < 2 or width <= 0 or height <= 0:
            return
        (left, right), (top, bottom) = self._drawing_range
        fixed = (right - left) - (len(sizes) - 1) * self._gap
        room = width / height * (bottom - top)
        gap = min(max(LAYER_GAP, math.floor(4 * (room - fixed) / (len(sizes) - 1)) / 4), 3 * LAYER_GAP)
        if abs(gap - self._gap) < 0.25:
            return
        self._gap = gap
        activations, self._layer_sizes = self._activations, ()
        self._ensure_layout(sizes)
        if self._snapshot is not None and tuple(self._snapshot.layer_sizes) == sizes:
            self._update_edges()
        if activations is not None:
            self._activations = activations
            self._update_shading()
        self._update_output_labels()

    def _ensure_layout(self, sizes: tuple[int, ...]) -> None:
        if sizes == self._layer_sizes:
            return
        gap = self._gap
        self._layer_sizes = sizes
        self._activations = None
        for t in self._texts:
            self._vb.removeItem(t)
        self._texts = []
        self._column_titles = []
        self._fitted_texts = []
        self._image_mode = _is_image(sizes[0])
        self._positions = []
        x = 0.0
        if self._image_mode:
            side = math.isqrt(sizes[0])
            self._input_image.setImage(np.zeros((side, side), np.float32), levels=(0, 1))
            self._input_image.setRect(0.0, HEIGHT / 2 - 1.6, 3.2, 3.2)
            self._input_strip.setImage(np.zeros((sizes[0], 1), np.float32), levels=(0, 1))
            self._input_strip.setRect(3.9, 0.0, 0.3, HEIGHT)
            ys = (np.arange(sizes[0]) + 0.5) * HEIGHT / sizes[0]
            self._positions.append(np.column_stack([np.full(sizes[0], 4.2), ys]))
            caption = (f"Input image\n{side}×{side} = {sizes[0]} pixels", f"Input image\n{side}×{side} =\n{sizes[0]} pixels",
                       f"Input image\n{side}×{side} pixels", f"Input\n{side}×{side}", "")
            item = self._add_text(caption[0], 1.6, HEIGHT / 2 - 1.8, anchor=(0.5, 1.0))
            self._fitted_texts.append((item, caption, 4.4, "above"))  # must clear the pixel column
            # Under the column nothing else is drawn: its caption may spread over the image's side.
            strip = ("the image's pixels, row by row,\nin one column (black = ink)", "all pixels, row by row\n(black = ink)",
                     "all pixels, row by row (black = ink)", "pixels row by row, black = ink", "black = ink", "")
            item = self._add_text(strip[0], 4.05, HEIGHT + 0.1, anchor=(0.5, 0.0))
            self._fitted_texts.append((item, strip, 2 * (4.05 + 1.0), "below"))
            column = (f"{sizes[0]}\ninputs", f"{sizes[0]}", "")  # the input column has a title too
            item = self._add_text(column[0], 4.05, -0.3, anchor=(0.5, 1.0))
            self._fitted_texts.append((item, column, 0.9 * gap, "above"))
            x = 4.2 + gap
            first = 1
        else:
            first = 0
        self._input_image.setVisible(self._image_mode)
        self._input_strip.setVisible(self._image_mode)
        self._first_spot_layer = first

        sizes_all, xs, ys, ids, symbols = [], [], [], [], []
        # Every column title sits above all the lines (the pixel column spans the full height).
        tops = [HEIGHT / 2 - (n - 1) / 2 * min(HEIGHT / n, 0.8) for n in sizes[first:]]
        title_y = min(tops + ([0.0] if self._image_mode else [])) - 0.3
        for layer in range(first, len(sizes)):
            n = sizes[layer]
            spacing = min(HEIGHT / n, 0.8)
            y = HEIGHT / 2 + (np.arange(n) - (n - 1) / 2) * spacing
            self._positions.append(np.column_stack([np.full(n, x), y]))
            xs.append(np.full(n, x))
            ys.append(y)
            # Up to 64 neurons are circles; more are thin bars side by side (readable, and each hoverable).
            sizes_all.append(np.full(n, 0.75 * spacing if n <= 64 else spacing))
            symbols += ["o" if n <= 64 else BAR_SYMBOL] * n
            ids.extend((layer, i) for i in range(n))
            if layer > 0:
                name = layer_name(layer, len(sizes)).replace(" layer", "")
                tiny = "Out" if layer == len(sizes) - 1 else f"H{layer}"
                titles = (f"{name}\n{n} neurons", f"{name}\n{n}", f"{tiny}\n{n}", str(n))
            else:
                titles = (f"Input\n{n} values", f"Input\n{n}", f"In\n{n}", str(n))
            item = self._add_text(titles[0], x, title_y, anchor=(0.5, 1.0))
            self._column_titles.append(item)
            self._fitted_texts.append((item, titles, gap, "above"))
            x += gap
        self._spot_ids = ids
        self._neurons.set_neurons(
            np.concatenate(xs), np.concatenate(ys), np.concatenate(sizes_all), symbols,
            [self._neuron_pen if symbol == "o" else self._bar_pen for symbol in symbols],
            self._brush_lut[128], data=np.arange(len(ids)),
        )
        top = float(min(p[:, 1].min() for p in self._positions))
        bottom = float(max(p[:, 1].max() for p in self._positions))
        # Room for the fixed-size text: the input caption is wider than the image, and the output
        # labels ("Sneaker  0.93") stick out to the right.
        left = -1.0 if self._image_mode else -1.4
        out_x = float(self._positions[-1][0, 0]) + 0.5
        self._output_labels.set_points([(out_x, float(y)) for y in self._positions[-1][:, 1]],
                                       QRectF(out_x, top - 1.0, x - gap + 3.2 - out_x, bottom - top + 2.0))
        self._drawing_range = ((left, x - gap + 3.2), (top - 2.0, bottom + BELOW))
        self._vb.setRange(xRange=self._drawing_range[0], yRange=self._drawing_range[1], padding=0.0)
        self._edges.set_bounds(QRectF(left, top - 2.0, x - gap + 3.2 - left, bottom - top + 2.0 + BELOW))
        self._edges.clear()
        self._update_selection()
        self._fit_texts()
        self._spread_columns()  # a view already wider than the drawing

    def _fit_texts(self, *_args) -> None:
        """Give each caption the longest version that neither runs into its neighbours nor out of the view."""
        if not fit_captions(self._vb, self._fitted_texts):
            return
        # Output labels closer together than a line of text would overlap: the tooltips say them.
        positions = self._positions[-1][:, 1] if self._positions else np.zeros(0)
        spacing = float(np.min(np.diff(positions))) / self._vb.viewPixelSize()[1] if positions.size > 1 else 10_000.0
        self._output_labels.setVisible(spacing >= self._output_labels.line_height * 0.9)

    def column_titles(self) -> list[str]:
        """The title shown above each neuron column, as drawn now."""
        return [item.toPlainText() for item in self._column_titles]

    def _add_text(self, text: str, x: float, y: float, anchor) -> pg.TextItem:
        item = Caption(text, color=_colors.FOREGROUND, anchor=anchor)
        item.setPos(x, y)
        item.setZValue(12)
        self._vb.addItem(item)
        self._texts.append(item)
        return item

    # ------------------------------------------------------------------ updates
    def _update_edges(self) -> None:
        snap = self._snapshot
        x0s, y0s, x1s, y1s, ws, mags = [], [], [], [], [], []
        for l, w in enumerate(snap.weights):
            # A diverged network can hold NaN/inf: draw those weights as zero, never crash.
            w = np.nan_to_num(np.asarray(w, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
            n_out, n_in = w.shape
            a = np.abs(w)
            if (l == 0 and self._image_mode) or n_out * n_in > MAX_EDGES_PER_LAYER:
                if l == 0 and self._image_mode:
                    # Few lines per neuron keep the input side readable for wide first layers.
                    k = max(1, min(INPUT_EDGES_PER_NEURON, 96 // n_out))
                else:
                    k = max(1, MAX_EDGES_PER_LAYER // n_out)
                k = min(k, n_in)
                cols = np.argpartition(-a, k - 1, axis=1)[:, :k]
                rows = np.repeat(np.arange(n_out), k)
                cols = cols.reshape(-1)
            else:
                rows, cols = np.divmod(np.arange(n_out * n_in), n_in)
            vals = w[rows, cols]
            scale = float(np.max(np.abs(vals))) if vals.size else 0.0
            src, dst = self._positions[l], self._positions[l + 1]
            x0s.append(src[cols, 0])
            y0s.append(src[cols, 1])
            x1s.append(dst[rows, 0])
            y1s.append(dst[rows, 1])
            ws.append(vals)
            mags.append(np.abs(vals) / scale if scale > 0 else np.zeros_like(vals))
        self._edges.set_edges(*(np.concatenate(v) for v in (x0s, y0s, x1s, y1s, ws, mags)))

    def _shade(self, layer: int, a: np.ndarray) -> np.ndarray:
        """Map activations to [-1, 1] for colouring."""
        is_output = layer == len(self._layer_sizes) - 1
        activation = getattr(self._snapshot, "activation", "sigmoid")
        if layer > 0 and not is_output and activation in UNBOUNDED:
            # ReLU-like layers are unbounded: shade relative to the layer's strongest neuron.
            finite = np.abs(a[np.isfinite(a)])
            scale = max(float(finite.max()) if finite.size else 0.0, 1.0)
        else:
            scale = 1.0
        return np.clip(np.nan_to_num(a, nan=0.0) / scale, -1.0, 1.0)

    def _update_shading(self) -> None:
        acts = self._activations
        if acts is None:
            return
        shown = self._input_strip.image
        if self._image_mode and (shown is None or not np.array_equal(shown.reshape(-1), acts[0])):  # new input
            side = math.isqrt(acts[0].size)
            self._input_image.setImage(
                acts[0].reshape(side, side), autoLevels=False, levels=(0.0, 1.0)
            )
            self._input_strip.setImage(
                acts[0].reshape(-1, 1), autoLevels=False, levels=(0.0, 1.0)
            )
        shades = np.concatenate(
            [self._shade(l, acts[l]) for l in range(self._first_spot_layer, len(acts))]
        )
        shades = np.nan_to_num(shades, nan=0.0)
        idx = np.clip(np.round((shades + 1.0) * 128.0), 0, 256).astype(int)
        lut = self._brush_lut
        self._neurons.set_fills([lut[i] for i in idx.tolist()])  # repaints only if a colour changed

    def output_labels(self) -> list[tuple[str, str]]:
        """(text, colour "#rrggbb") beside every output neuron, as drawn now."""
        return self._output_labels.labels()

    def _update_output_labels(self) -> None:
        n = self._layer_sizes[-1] if self._layer_sizes else 0
        if not n:
            return
        names = self._class_names if self._class_names and len(self._class_names) == n else None
        names = names or tuple(str(i) for i in range(n))
        out = self._activations[-1] if self._activations is not None else None
        # NaN outputs (a diverged network) have no winner: argmax would name class 0.
        best = int(np.argmax(out)) if out is not None and np.isfinite(out).all() else -1
        texts = [names[i] if out is None else f"{names[i]}  {out[i]:.2f}" for i in range(n)]
        self._output_labels.set_texts(texts, [_colors.WINNER_HEX if i == best else _colors.FOREGROUND
                                              for i in range(n)])

    def _update_selection(self) -> None:
        sel = self._selected
        valid = (
            sel is not None
            and self._positions
            and self._first_spot_layer <= sel[0] < len(self._layer_sizes)
            and 0 <= sel[1] < self._layer_sizes[sel[0]]
        )
        if not valid:
            if self._selection_shown:  # nothing to clear at every frame
                self._selection.setData(x=[], y=[])
                for curve in self._selected_edges.values():
                    curve.setData(x=np.zeros(0), y=np.zeros(0))
                self._selection_shown = False
            return
        self._selection_shown = True
        layer, neuron = sel
        pos = self._positions[layer]
        spacing = min(HEIGHT / self._layer_sizes[layer], 0.8)
        self._selection.setData(
            x=[pos[neuron, 0]], y=[pos[neuron, 1]], size=[0.75 * spacing + 0.15]
        )
        self._update_selected_edges(layer, neuron)

    def _update_selected_edges(self, layer: int, neuron: int) -> None:
        snap = self._snapshot
        if snap is None or layer == 0 or tuple(snap.layer_sizes) != self._layer_sizes:
            for curve in self._selected_edges.values():
                curve.setData(x=np.zeros(0), y=np.zeros(0))
            return
        w = np.asarray(snap.weights[layer - 1][neuron], dtype=np.float32)
        if layer == 1 and self._image_mode:
            cols = np.argsort(-np.abs(w))[: 2 * INPUT_EDGES_PER_NEURON]
        elif w.size > 64:
            cols = np.argsort(-np.abs(w))[:64]
        else:
            cols = np.arange(w.size)
        src = self._positions[layer - 1][cols]
        dst = self._positions[layer][neuron]
        for sign, curve in self._selected_edges.items():
            m = (w[cols] > 0) if sign > 0 else (w[cols] <= 0)
            n = int(m.sum())
            xs = np.empty(2 * n)
            ys = np.empty(2 * n)
            xs[0::2], xs[1::2] = src[m, 0], dst[0]
            ys[0::2], ys[1::2] = src[m, 1], dst[1]
            curve.setData(x=xs, y=ys, connect="pairs")

    # ------------------------------------------------------------------ interaction
    def _on_clicked(self, _item, points, _ev) -> None:
        if len(points) == 0:
            return
        layer, neuron = self._spot_ids[int(points[0].data())]
        self.select_neuron(layer, neuron)
        self.neuron_selected.emit(layer, neuron)

    def _tooltip(self, x: float, y: float, data) -> str:
        return self.neuron_tooltip(*self._spot_ids[int(data)])

    def neuron_tooltip(self, layer: int, neuron: int) -> str:
        """Plain text shown when hovering neuron `neuron` of `layer`."""
        sizes = self._layer_sizes
        lines = [f"{layer_name(layer, len(sizes))}, neuron {neuron}"]
        if layer == len(sizes) - 1:
            names = self._class_names or tuple(str(i) for i in range(sizes[-1]))
            if neuron < len(names):
                lines[0] += f"  (class “{names[neuron]}”)"
        if self._activations is not None:
            lines.append(f"activation: {self._activations[layer][neuron]:.3f}")
        snap = self._snapshot
        if snap is not None and layer > 0:
            b = float(snap.biases[layer - 1][neuron])
            lines.append(f"bias: {b:+.3f}")
            w = np.asarray(snap.weights[layer - 1][neuron])
            a = self._activations[layer - 1] if self._activations is not None else None
            # For the current input, what each input adds (w×a); without one, the largest weights.
            part = w * a if a is not None and a.shape == w.shape else w
            top = np.argsort(-np.abs(part))[:5]
            lines.append("largest contributions w×a:" if part is not w else "strongest incoming weights:")
            side = math.isqrt(w.size) if layer == 1 and self._image_mode else 0
            for j in top:
                src = (f"pixel (row {j // side}, col {j % side})" if side
                       else f"{layer_name(layer - 1, len(sizes)).lower()} neuron {j}")
                lines.append(f"  {w[j]:+.3f} × {a[j]:.2f} = {part[j]:+.3f} from {src}" if part is not w
                             else f"  {w[j]:+.3f} from {src}")
        return "\n".join(lines)
