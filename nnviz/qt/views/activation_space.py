"""Activation space: every test digit as a point in a hidden layer's space, coloured by its label,
so that clusters can be watched forming while the network trains.

Draws a Projection (nnviz.engine.projection) it is given; the window measures it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors
from nnviz.qt.views._caption import fit_axis_label
from nnviz.qt.views.network_graph import layer_name

#: One colour per class (Tableau 10: distinct, and readable on white).
CLASS_RGB = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
             (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


def class_color(k: int, alpha: int = 170) -> QColor:
    r, g, b = CLASS_RGB[k % len(CLASS_RGB)]
    return QColor(r, g, b, alpha)


def _shorter_names(text: str) -> tuple[str, ...]:
    """An axis name, then shorter forms of it: without "of the spread", then "PC" for "principal component"."""
    names = [text]
    for long, short in ((" of the spread", ""), ("principal component ", "PC ")):
        if long in names[-1]:
            names.append(names[-1].replace(long, short))
    return tuple(names)


class ActivationSpaceView(QWidget):
    """A scatter of (n, 2) points with one colour per class, a layer selector and a colour legend."""

    layer_chosen = Signal(int)  # 1 = first hidden layer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Activation space")
        title = QLabel("<b>Activation space</b> — each dot is a test digit, placed by how the neurons of one "
                       "hidden layer fire for it, coloured by its true label. Clusters = the layer tells digits apart.")
        title.setWordWrap(True)
        self._layer_box = QComboBox()
        self._layer_box.setToolTip("The hidden layer whose activations place the dots")
        self._layer_box.currentIndexChanged.connect(self._on_layer)
        self._note = QLabel()
        self._note.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
        self._note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self._layer_box)
        top.addStretch(1)
        self._plot = pg.PlotWidget(background=_colors.BACKGROUND)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        for name in ("left", "bottom"):
            axis = self._plot.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(_colors.FOREGROUND))
            axis.setTextPen(pg.mkPen(_colors.FOREGROUND))
        # One scatter per class with one brush: far cheaper to update than per-point brushes.
        self._scatters: list[pg.ScatterPlotItem] = []
        self._legend = QLabel()
        self._legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._note)
        layout.addWidget(self._legend)
        self._axis_texts: tuple[str, ...] = ()
        self._plot.getPlotItem().vb.sigResized.connect(self._fit_axis_labels)
        self._labels = np.zeros(0, np.int64)
        self._names: tuple[str, ...] = ()
        self._hidden_layers = 0
        self.set_classes(np.zeros(0, np.int64), tuple(str(i) for i in range(10)))
        self.set_layers((784, 16, 16, 10))

    def set_layers(self, layer_sizes) -> None:
        """Offer the hidden layers of a network with these sizes (none: a message instead)."""
        sizes = tuple(layer_sizes)
        hidden = len(sizes) - 2
        if hidden == self._hidden_layers and self._layer_box.count() == hidden:
            return
        self._hidden_layers = hidden
        self._layer_box.blockSignals(True)
        self._layer_box.clear()
        for layer in range(1, len(sizes) - 1):
            self._layer_box.addItem(f"{layer_name(layer, len(sizes)).replace(' layer', '')} ({sizes[layer]})", layer)
        self._layer_box.blockSignals(False)
        self._layer_box.setEnabled(hidden > 0)
        if hidden == 0:
            for scatter in self._scatters:
                scatter.setData(x=[], y=[])
            self._note.setText("This network has no hidden layer: add one (Network shape) to see its space.")

    def set_classes(self, labels, class_names) -> None:
        """The true labels (n,) of the points to come, and the class names for the legend."""
        self._labels = np.asarray(labels, dtype=np.int64)
        self._names = tuple(str(c) for c in class_names)
        while len(self._scatters) < len(self._names):
            scatter = pg.ScatterPlotItem(size=6, pen=None, brush=pg.mkBrush(class_color(len(self._scatters))))
            self._plot.addItem(scatter)
            self._scatters.append(scatter)
        for scatter in self._scatters:
            scatter.setData(x=[], y=[])
        self._members = [np.flatnonzero(self._labels == k) for k in range(len(self._scatters))]
        self._legend.setText("&nbsp; ".join(
            f'<span style="color:{class_color(k).name()}; font-size:14pt">&#9679;</span>{name}'
            for k, name in enumerate(self._names)))

    def current_layer(self) -> int:
        return int(self._layer_box.currentData() or 1)

    def show_projection(self, projection) -> None:
        """Draw (n, 2) points, one per label given to set_classes, and name the axes."""
        points = projection.points
        if len(points) != len(self._labels):
            return
        for scatter, members in zip(self._scatters, self._members):
            scatter.setData(x=points[members, 0], y=points[members, 1])
        self._axis_texts = tuple(projection.axes)
        self._fit_axis_labels()
        self._note.setText("exact: the two neurons' activations" if projection.exact else
                           f"PCA: PC 1, PC 2 = the 2 directions of largest spread ({sum(projection.explained):.0%} of it)")

    def _fit_axis_labels(self, *_args) -> None:
        """Each axis gets the longest of its names that fits along it: a label longer than the plot
        would be cut at the plot's edge ("principal component 2 (16%" on a short plot)."""
        for name, text in zip(("bottom", "left"), self._axis_texts):
            fit_axis_label(self._plot.getAxis(name), _shorter_names(text))

    def points(self) -> np.ndarray:
        """The points drawn, in the order of the labels given to set_classes."""
        points = np.zeros((len(self._labels), 2))
        drawn = 0
        for scatter, members in zip(self._scatters, self._members):
            x, y = scatter.getData()
            if x is not None and len(x) == len(members):
                points[members] = np.column_stack([x, y])
                drawn += len(members)
        return points if drawn == len(self._labels) and drawn else np.zeros((0, 2))

    def _on_layer(self, _index: int) -> None:
        self.layer_chosen.emit(self.current_layer())
