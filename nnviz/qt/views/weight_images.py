"""Weight images: each first-layer neuron's 28x28 incoming weights, and pixel templates of deeper neurons;
all images of one layer share a symmetric red-white-blue scale (colour bar) and are painted as one mosaic."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import (QComboBox, QGraphicsRectItem, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QStackedWidget, QVBoxLayout, QWidget)

from nnviz.qt.views import _signed_scale, colors as _colors
from nnviz.qt.views._caption import Caption, fit_axis_label
from nnviz.qt.views._mosaic import mosaic_rgba, rgba_table
from nnviz.qt.views._tile_grid import fit_panel
from nnviz.qt.views.network_graph import layer_name

GAP = 4.0  # data units (pixels of the 28x28 images) between grid cells
MAX_NUMBERED = 36  # above this many images per layer, numbers are left out
MIN_THUMB_PX = 24  # smaller images turn to specks: more neurons than fit at this size scroll
#: The colour bar's caption, longest first: the first that fits along the bar is shown.
COLORBAR_LABELS = ("red = negative, blue = positive", "red −, blue +", "")


def _product_name(layer: int) -> str:
    return "·".join(f"W{i}" for i in range(layer, 0, -1))


class WeightImagesView(QWidget):
    """Grid of 28x28 weight images (layer 1) or pixel templates (deeper layers), one layer at a time.

    Clicking an image enlarges it and emits neuron_selected(layer, neuron); clicking the enlarged
    image (or "Back to all neurons") returns to the grid.
    """

    neuron_selected = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Weight images")
        self._title = QLabel("<b>What each neuron looks for</b>")
        self._title.setWordWrap(True)
        self._layer_box = QComboBox()
        self._layer_box.setToolTip("Choose which layer's neurons to show")
        self._layer_box.currentIndexChanged.connect(self._on_layer_chosen)
        self._back = QPushButton("Back to all neurons")
        self._back.setVisible(False)
        self._back.clicked.connect(self._show_grid)
        self._layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self._layer_box, 1)
        top.addWidget(self._back)

        self._caption = QLabel()
        self._caption.setWordWrap(True)
        self._caption.setStyleSheet(f"color: {_colors.MUTED_TEXT}")

        self._plot, self._vb = _colors.picture_box()
        self._colormap = _colors.weight_colormap()
        # Over 256 colours: pyqtgraph maps with NumPy, not a QImage colour table built per redraw
        self._lut = self._colormap.getLookupTable(nPts=512, alpha=False)
        self._rgba = rgba_table(self._lut)  # the mosaics' colours, and a transparent one for the gaps
        self._colorbar = _colors.readable_colour_bar(self._colormap)
        self._plot.addItem(self._colorbar, row=0, col=1)
        self._plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._vb.sigResized.connect(self._fit_grid)  # calls _fit_labels
        self._vb.sigResized.connect(lambda: fit_axis_label(self._colorbar.axis, COLORBAR_LABELS))

        self._message = QLabel("Weight images need image input (for example 28×28 digits). "
                               "This dataset's inputs are not an image.")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setWidget(self._plot)
        self._scroll.installEventFilter(self)  # its size decides how the images are arranged
        self._stack = QStackedWidget()
        self._stack.addWidget(self._scroll)
        self._stack.addWidget(self._message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addLayout(top)
        layout.addWidget(self._stack, 1)
        self._faint_note = _signed_scale.FaintNote(layout)  # under the grid: which images look white, and why
        layout.addWidget(self._caption)

        self._highlight = QGraphicsRectItem()
        self._highlight.setPen(pg.mkPen(_colors.HIGHLIGHT_HEX, width=3))
        self._highlight.setZValue(10)
        self._highlight.setVisible(False)
        self._vb.addItem(self._highlight)
        self._enlarged = pg.ImageItem(axisOrder="row-major")
        self._enlarged.setLookupTable(self._lut)
        self._enlarged.setBorder(pg.mkPen("#909090"))
        self._enlarged.setVisible(False)
        self._vb.addItem(self._enlarged)

        self._layer_sizes: tuple[int, ...] = ()
        self._side = 0
        self._mosaics: dict[int, pg.ImageItem] = {}  # layer -> one image holding every neuron's
        self._images: dict[int, np.ndarray] = {}  # layer -> (n, side, side) values drawn in its mosaic
        self._labels: dict[int, list[pg.TextItem]] = {}
        self._label_texts: dict[int, list[str]] = {}  # layer -> whole label of each image
        self._cells: dict[int, tuple[int, int]] = {}  # layer -> (cols, rows), as fits the panel now
        self._label_units: dict[int, int] = {}  # layer -> data units above each image for its number
        self._weights: list[np.ndarray] = []  # of the latest snapshot, (n_{i+1}, n_i) each
        self._templates: list[np.ndarray] = []  # of those weights, computed up to the deepest layer shown
        self._fresh: set[int] = set()  # layers whose images show the latest weights
        self._levels: dict[int, float] = {}  # layer -> m, images use levels (-m, m)
        self.level_rule = lambda layer, m: m  # (layer, its own m) -> m used; the Lab shares one between views
        self._layer = 1
        self._selected: tuple[int, int] | None = None
        self._enlarged_neuron: int | None = None
        self._class_names: tuple[str, ...] = ()
        self._softmax = False

    # ------------------------------------------------------------------ public API
    def show_snapshot(self, snapshot) -> None:
        """Show snapshot.weights (weights[i] is (n_{i+1}, n_i)) in the layer on screen.

        Only that layer's images are updated, and only the templates up to it computed: for a big
        network the deeper layers cost far more than a frame. Other layers catch up when shown.
        """
        sizes = tuple(snapshot.layer_sizes)
        self._ensure_layout(sizes)
        if not self._side:
            return
        self._weights = list(snapshot.weights)
        self._softmax = snapshot.cost == "cross-entropy"
        self._templates = []
        self._fresh = set()
        self._refresh_layer(self._layer)
        self._update_colorbar()
        if self._enlarged_neuron is not None:
            self._update_enlarged()

    def _template(self, layer: int) -> np.ndarray:
        """Pixel templates (n_layer, n_0) of ``layer`` for the latest weights, computed on demand."""
        while len(self._templates) < layer:
            i = len(self._templates)
            # A diverged network can hold NaN/inf: show those weights as zero.
            w = np.nan_to_num(np.asarray(self._weights[i], dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
            with np.errstate(over="ignore", invalid="ignore"):
                t = w if i == 0 else w @ self._templates[-1]
            self._templates.append(np.nan_to_num(t, nan=0.0, posinf=0.0, neginf=0.0))
        return self._templates[layer - 1]

    def _refresh_layer(self, layer: int) -> None:
        """Bring the images and colour scale of ``layer`` up to the latest weights."""
        self._build_layer(layer)
        if layer in self._fresh or not self._weights or layer not in self._mosaics:
            return
        t = self._template(layer)
        if layer == len(self._layer_sizes) - 1 and self._softmax and len(t) > 1:
            # Softmax ignores what every output shares: without it each template shows its own digit.
            t = t - t.mean(axis=0)
        # Robust scale: one outlier pixel must not wash out every image of the layer.
        m = float(np.percentile(np.abs(t), 99.5)) if t.size else 0.0
        self._levels[layer] = m = self.level_rule(layer, _colors.level_step(m) if m > 0 else 1.0)
        self._images[layer] = images = t.reshape(-1, self._side, self._side)
        rgba = mosaic_rgba(images, *self._cells[layer], int(GAP), self._label_units[layer], self._rgba, m)
        self._mosaics[layer].setImage(rgba, levels=None, autoLevels=False)
        self._mosaics[layer].setRect(0.0, 0.0, float(rgba.shape[1]), float(rgba.shape[0]))
        self._fresh.add(layer)

    def set_class_names(self, class_names) -> None:
        """Label the output layer's images with these names (default: neuron numbers)."""
        self._class_names = tuple(str(c) for c in class_names)
        self._update_labels()

    def _update_labels(self) -> None:
        last = len(self._layer_sizes) - 1
        for layer, labels in self._labels.items():
            names = self._class_names if layer == last and len(self._class_names) == len(labels) else None
            self._label_texts[layer] = [names[i] if names else str(i) for i in range(len(labels))]
        self._fit_labels()

    def _fit_labels(self, *_args) -> None:
        """Shorten names ("Ankle b…") that are wider than their image on screen; tooltips say them whole."""
        labels = self._labels.get(self._layer, [])
        if not labels or not self._side:
            return
        pixel = self._vb.viewPixelSize()[0]
        width = int(self._side / pixel) if pixel > 0 else 10_000
        metrics = QFontMetrics(labels[0].textItem.font())
        for label, full in zip(labels, self._label_texts.get(self._layer, [])):
            text = metrics.elidedText(full, Qt.TextElideMode.ElideRight, max(width, 12))
            if label.toPlainText() != text:
                label.setText(text)

    def select_neuron(self, layer: int, neuron: int) -> None:
        """Highlight one neuron's image, switching to its layer; does not emit neuron_selected."""
        if layer not in self._cells or not 0 <= neuron < self._layer_sizes[layer]:
            self._selected = None
            self._highlight.setVisible(False)
            return
        self._selected = (int(layer), int(neuron))
        if layer != self._layer:
            self._set_layer(layer)
        if self._enlarged_neuron is not None:
            self._enlarged_neuron = neuron
            self._update_enlarged()
        self._update_highlight()

    def current_layer(self) -> int:
        """Layer (index in layer_sizes, >= 1) whose images are shown."""
        return self._layer

    def images(self, layer: int) -> np.ndarray:
        """(n, side, side) values of `layer`'s images as drawn, brought up to the latest weights."""
        self._refresh_layer(layer)
        return self._images.get(layer, np.zeros((0, self._side, self._side), np.float32))

    def mosaic(self, layer: int) -> pg.ImageItem | None:
        """The one image item drawing every neuron of `layer` (for inspection); None before it is needed."""
        return self._mosaics.get(layer)

    def levels(self, layer: int) -> tuple[float, float]:
        """Symmetric colour levels (-m, m) used for `layer`."""
        self._refresh_layer(layer)
        m = self._levels.get(layer, 1.0)
        return (-m, m)

    def enlarged_neuron(self) -> tuple[int, int] | None:
        """(layer, neuron) shown enlarged, or None when the grid is shown."""
        return None if self._enlarged_neuron is None else (self._layer, self._enlarged_neuron)

    def enlarge(self, layer: int, neuron: int) -> None:
        """Show one neuron's image large."""
        self.select_neuron(layer, neuron)
        if self._selected != (layer, neuron):
            return
        self._enlarged_neuron = neuron
        self._update_enlarged()

    # ------------------------------------------------------------------ layout
    def _ensure_layout(self, sizes: tuple[int, ...]) -> None:
        if sizes == self._layer_sizes:
            return
        self._layer_sizes = sizes
        for layer in list(self._mosaics):
            for item in [self._mosaics[layer], *self._labels[layer]]:
                self._vb.removeItem(item)
        self._mosaics, self._images, self._labels, self._cells, self._levels = {}, {}, {}, {}, {}
        self._label_units = {}
        self._templates = []
        self._weights = []
        self._fresh = set()
        self._selected = None
        self._enlarged_neuron = None
        side = math.isqrt(sizes[0])
        self._side = side if side * side == sizes[0] and side >= 4 else 0
        self._stack.setCurrentIndex(0 if self._side else 1)
        self._layer_box.blockSignals(True)
        self._layer_box.clear()
        if not self._side:
            self._layer_box.blockSignals(False)
            self._layer_box.setEnabled(False)
            return
        self._layer_box.setEnabled(True)
        for layer in range(1, len(sizes)):
            cols = math.ceil(math.sqrt(sizes[layer]))
            self._cells[layer] = (cols, math.ceil(sizes[layer] / cols))  # until the panel's size is known
            self._label_units[layer] = 11
            self._layer_box.addItem(self._group_short_name(layer), layer)
            self._layer_box.setItemData(self._layer_box.count() - 1, self._group_caption_short(layer),
                                        Qt.ItemDataRole.ToolTipRole)
        self._layer_box.blockSignals(False)
        self._highlight.setVisible(False)
        self._set_layer(1)

    def _build_layer(self, layer: int) -> None:
        """Create the mosaic (and numbers, up to MAX_NUMBERED) of ``layer`` when first needed, hidden.

        Lazily: a 6x512 network would otherwise create some 3,000 labels, never seen, before the first frame.
        """
        if layer in self._mosaics or layer not in self._cells:
            return
        mosaic = pg.ImageItem(np.zeros((1, 1, 4), np.uint8), axisOrder="row-major")  # transparent
        mosaic.setVisible(False)
        self._vb.addItem(mosaic)
        labels = []
        for i in range(self._layer_sizes[layer] if self._layer_sizes[layer] <= MAX_NUMBERED else 0):
            x, y, _, _ = self._cell_rect(layer, i)
            label = Caption(str(i), color=_colors.MUTED_TEXT, anchor=(0.0, 1.0))
            label.textItem.document().setDocumentMargin(0)  # the room above an image is one line of text
            label.updateTextPos()
            label.setPos(x, y)
            label.setVisible(False)
            self._vb.addItem(label)
            labels.append(label)
        self._mosaics[layer] = mosaic
        self._labels[layer] = labels
        self._update_labels()

    def _cell_rect(self, layer: int, i: int) -> tuple[float, float, float, float]:
        cols, _ = self._cells[layer]
        r, c = divmod(i, cols)
        s, label = self._side, self._label_units[layer]
        return (c * (s + GAP), r * (s + GAP + label) + label, float(s), float(s))

    def _group_short_name(self, layer: int) -> str:
        name = layer_name(layer, len(self._layer_sizes)).replace(" layer", "")
        return f"{name}: weights" if layer == 1 else f"{name}: templates ({_product_name(layer)})"

    def _group_caption_short(self, layer: int) -> str:
        name = layer_name(layer, len(self._layer_sizes))
        return f"{name}: incoming weights" if layer == 1 else f"{name}: pixel templates ({_product_name(layer)})"

    def _group_caption(self, layer: int) -> str:
        name = layer_name(layer, len(self._layer_sizes))
        if layer == 1:
            text = (
                f"{name}: each image is one neuron's {self._side}×"
                f"{self._side} incoming weights. Blue pixels: ink there makes the neuron fire more; "
                "red: ink there makes it fire less."
            )
        else:
            text = (
                f"{name}: each image is a neuron's pixel template {_product_name(layer)} — the "
                "weighted sum of the first layer's images that drives it (a linear approximation "
                "that ignores activations and biases)."
            )
        return text + " Click an image to enlarge it."

    def _set_layer(self, layer: int) -> None:
        self._layer = layer
        self._build_layer(layer)
        self._refresh_layer(layer)
        idx = self._layer_box.findData(layer)
        if idx >= 0 and idx != self._layer_box.currentIndex():
            self._layer_box.blockSignals(True)
            self._layer_box.setCurrentIndex(idx)
            self._layer_box.blockSignals(False)
        self._show_grid()

    def _on_layer_chosen(self, index: int) -> None:
        layer = self._layer_box.itemData(index)
        if layer is not None:
            self._set_layer(int(layer))

    def _show_grid(self) -> None:
        self._enlarged_neuron = None
        self._enlarged.setVisible(False)
        self._back.setVisible(False)
        for layer, mosaic in self._mosaics.items():
            mosaic.setVisible(layer == self._layer)
            # Only layers of up to MAX_NUMBERED have numbers (overlapping above smaller images); tooltips name all.
            for label in self._labels[layer]:
                label.setVisible(layer == self._layer)
        if self._layer in self._cells:
            self._fit_grid()
            self._caption.setText(self._group_caption(self._layer))
        self._update_colorbar()
        self._update_highlight()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._scroll and event.type() == QEvent.Type.Resize and self._enlarged_neuron is None:
            self._fit_grid()
        return super().eventFilter(watched, event)

    def _fit_grid(self, *_args) -> None:
        """Arrange the shown layer's images in the columns that make them largest in the panel; below
        MIN_THUMB_PX the rows scroll instead. The mosaic and numbers move only when the arrangement does."""
        layer = self._layer
        if layer not in self._cells or layer not in self._mosaics or self._enlarged_neuron is not None:
            return
        # What the colour bar and margins take around the images (measured once laid out).
        vb_w, vb_h = self._vb.width(), self._vb.height()
        extra_w, extra_h = ((self._plot.width() - vb_w, self._plot.height() - vb_h) if vb_w > 0 and vb_h > 0
                            else (90, 20))
        labels = self._labels[layer]  # none for a layer too big to show numbers
        label_px = QFontMetricsF(labels[0].textItem.font()).lineSpacing() + 1 if labels else 0.0
        fit = fit_panel(self._layer_sizes[layer], self._side, GAP, label_px, self._scroll.width() - extra_w - 4,
                        self._scroll.height() - extra_h - 4, self._scroll.verticalScrollBar().sizeHint().width(),
                        MIN_THUMB_PX)
        label = fit.label_units
        if (self._cells[layer], self._label_units[layer]) != ((fit.cols, fit.rows), label):
            self._cells[layer], self._label_units[layer] = (fit.cols, fit.rows), label
            for i, item in enumerate(self._labels[layer]):
                item.setPos(*self._cell_rect(layer, i)[:2])
            self._fresh.discard(layer)
            self._refresh_layer(layer)
            self._update_highlight()
        grid_w, grid_h = fit.size_px(self._side, GAP)
        self._plot.setMinimumSize(grid_w + int(extra_w) + 4 if fit.scrolls else 100,
                                  grid_h + int(extra_h) + 4 if fit.scrolls else 60)
        self._vb.setRange(xRange=(-GAP / 2, fit.cols * (self._side + GAP) - GAP / 2),
                          yRange=(-GAP / 2, fit.rows * (self._side + GAP + label) - GAP / 2), padding=0.0)
        self._fit_labels()

    def _update_enlarged(self) -> None:
        layer, neuron = self._layer, self._enlarged_neuron
        if neuron is None or not self._weights:
            return
        for mosaic, labels in zip(self._mosaics.values(), self._labels.values()):
            mosaic.setVisible(False)
            for label in labels:
                label.setVisible(False)
        self._highlight.setVisible(False)
        m = self._levels.get(layer, 1.0)
        s = self._side
        img = self._template(layer)[neuron].reshape(s, s)
        self._enlarged.setImage(img, autoLevels=False, levels=(-m, m))
        self._enlarged.setRect(0.0, 0.0, float(s), float(s))
        self._enlarged.setVisible(True)
        self._vb.setRange(xRange=(0, s), yRange=(0, s), padding=0.02)
        self._back.setVisible(True)
        name = layer_name(layer, len(self._layer_sizes))
        what = "incoming weights" if layer == 1 else f"pixel template ({_product_name(layer)})"
        self._caption.setText(
            f"<b>{name} neuron {neuron}{self._class_suffix(layer, neuron)} — {what}</b>. "
            "Click the image to go back to all neurons."
        )

    def _update_colorbar(self) -> None:
        low, high = self.levels(self._layer)
        if self._colorbar.levels() != (low, high):
            self._colorbar.setLevels(values=(low, high))
            _signed_scale.colour_bar_ticks(self._colorbar.axis, high)  # "-5e+17" is too wide for the bar
        self._faint_note.show_for(self._images.get(self._layer), high)
        fit_axis_label(self._colorbar.axis, COLORBAR_LABELS)

    def _update_highlight(self) -> None:
        sel = self._selected
        if sel is None or sel[0] != self._layer or self._enlarged_neuron is not None:
            self._highlight.setVisible(False)
            return
        x, y, w, h = self._cell_rect(*sel)
        self._highlight.setRect(x - 1, y - 1, w + 2, h + 2)
        self._highlight.setVisible(True)

    # ------------------------------------------------------------------ interaction
    def neuron_at(self, x: float, y: float) -> int | None:
        """Neuron whose grid cell contains view point (x, y), or None."""
        if self._layer not in self._cells:
            return None
        for i in range(self._layer_sizes[self._layer]):
            cx, cy, w, h = self._cell_rect(self._layer, i)
            if cx <= x <= cx + w and cy <= y <= cy + h:
                return i
        return None

    def image_tooltip(self, layer: int, neuron: int) -> str:
        """Plain text shown when hovering one image."""
        name = layer_name(layer, len(self._layer_sizes))
        what = "incoming weights" if layer == 1 else f"pixel template ({_product_name(layer)})"
        faint = _signed_scale.faint_note(self._images.get(layer), neuron, self.levels(layer)[1])  # a white image
        return f"{name} neuron {neuron}{self._class_suffix(layer, neuron)}: {what}.{faint} Click to enlarge."

    def _class_suffix(self, layer: int, neuron: int) -> str:
        """' (“Dress”)' for an output neuron when class names are known, else ''."""
        last = len(self._layer_sizes) - 1
        names = self._class_names
        if layer != last or len(names) != self._layer_sizes[-1] or names[neuron] == str(neuron):
            return ""
        return f" (“{names[neuron]}”)"

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self._side or self._enlarged_neuron is not None:
            self._plot.setToolTip("Click to go back to all neurons" if self._side else "")
            return
        p = self._vb.mapSceneToView(scene_pos)
        neuron = self.neuron_at(p.x(), p.y())
        tip = "" if neuron is None else self.image_tooltip(self._layer, neuron)
        if neuron is not None:
            tip += self.pixel_text(self._layer, neuron, p.x(), p.y())
        self._plot.setToolTip(tip)

    def pixel_text(self, layer: int, neuron: int, x: float, y: float) -> str:
        """"\npixel (row r, col c): +0.123" for view point (x, y) inside the neuron's image, else ""."""
        cx, cy, w, h = self._cell_rect(layer, neuron)
        row, col = int((y - cy) * self._side / h), int((x - cx) * self._side / w)
        images = self._images.get(layer)
        if images is None or not (0 <= row < self._side and 0 <= col < self._side):
            return ""
        what = "weight" if layer == 1 else "template value"
        return f"\npixel (row {row}, col {col}): {what} {float(images[neuron, row, col]):+.3f}"

    def _on_scene_clicked(self, ev) -> None:
        if not self._side:
            return
        if self._enlarged_neuron is not None:
            self._show_grid()
            return
        p = self._vb.mapSceneToView(ev.scenePos())
        neuron = self.neuron_at(p.x(), p.y())
        if neuron is None:
            return
        self.enlarge(self._layer, neuron)
        self.neuron_selected.emit(self._layer, neuron)
