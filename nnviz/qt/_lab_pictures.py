"""Each Lab experiment's own picture: templates beside hidden features, accuracy against width and
the 2-neuron hidden space, the collapsed matrix, training accuracy on given labels, confidence
histograms and a gallery of nonsense read with confidence. Views only: they draw what they are given.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QToolButton, QVBoxLayout,
                               QWidget)

from nnviz.engine.lab_probes import CONFIDENT, collapse_linear, hidden_points
from nnviz.qt.views import colors as _colors
from nnviz.qt.views.race_curves import RaceCurvesView, network_colors
from nnviz.qt.views.weight_images import WeightImagesView

__all__ = ["make_picture", "picture_scroll_area", "plan_colors", "Picture", "DIGIT_COLORS"]

DIGIT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
KIND_COLORS = {"digits": "#0072B2", "noise": "#D55E00", "blank": "#999999", "scribble": "#009E73"}
KIND_SHORT = {"noise": "noise", "blank": "flat page", "scribble": "scribble"}
GALLERY_PX = 48  # each nonsense image in the gallery, in pixels
KIND_NAMES = {"digits": "real test digits", "noise": "uniform noise", "blank": "flat pages (0–100% ink)",
              "scribble": "scribbles"}


def plan_colors(plan) -> list[str]:
    """Each network's colour, the same wherever that network appears (views.race_curves.network_colors)."""
    return network_colors([(spec.layers[1:-1], spec.activation) for spec in plan.runs])


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _plot(x_label: str, y_label: str) -> pg.PlotWidget:
    widget = pg.PlotWidget(background=_colors.BACKGROUND)
    item = widget.getPlotItem()
    pen = pg.mkPen(_colors.FOREGROUND)
    for name in ("left", "bottom"):
        item.getAxis(name).enableAutoSIPrefix(False)
        item.getAxis(name).setPen(pen)
        item.getAxis(name).setTextPen(pen)
    item.setLabel("bottom", x_label)
    item.setLabel("left", y_label)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    return widget


class _Cover(QLabel):
    """A message laid over a widget with nothing to show yet (before Start), until the first results."""

    def __init__(self, target: QWidget, text: str) -> None:
        super().__init__(text, target)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(f"background: {_colors.BACKGROUND}; color: {_colors.MUTED_TEXT}; padding: 24px;")
        self.setGeometry(target.rect())
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
            self.raise_()
        return False


class Picture(QWidget):
    """Base: a picture follows the race (``update_live``) and then shows the result (``show_result``).
    Until its first results, ``covers`` say over its empty plots that they fill in after Start."""

    #: Least (width, height) before the Lab scrolls the picture: smaller, its plots would be squeezed
    #: (at 1024x640 the noise histogram was 40 px wide). The Lab at 1280x720 shows every picture whole.
    MIN_SIZE = (400, 240)

    def __init__(self, plan, dataset, parent=None) -> None:
        super().__init__(parent)
        self.plan, self.dataset = plan, dataset
        self.covers: list[_Cover] = []

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # not setMinimumSize: that would also let the picture shrink below what its layout needs
        return super().minimumSizeHint().expandedTo(QSize(*self.MIN_SIZE))

    def _cover(self, target: QWidget, text: str) -> None:
        self.covers.append(_Cover(target, text))

    def _uncover(self) -> None:
        for cover in self.covers:
            cover.hide()

    def update_live(self, race, record) -> None:
        """An epoch's record arrived; ``race.snapshot(name)`` gives any run's latest network."""

    def show_result(self, result) -> None:
        """The race is over: draw the final networks and figures."""


class _TwoTemplates(Picture):
    """Two weight-image views side by side (reusing the main window's view), on one colour scale:
    the larger of the two views' own scales, so equal colours mean equal weights in both."""

    MIN_SIZE = (600, 300)

    def __init__(self, plan, dataset, left: tuple[str, str], right: tuple[str, str], parent=None,
                 left_view=None) -> None:
        super().__init__(plan, dataset, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.views = {}
        self._own: dict[str, float] = {}  # each view's own scale for the layer it shows
        self._shown: dict[str, object] = {}  # the snapshot each view shows
        self._syncing = False
        for name, caption in (left, right):
            box = QVBoxLayout()
            box.addWidget(_caption(caption))
            view = left_view if left_view is not None and name == left[0] else WeightImagesView()
            view.set_class_names(dataset.class_names)
            view.level_rule = lambda layer, m, name=name: self._shared_level(name, m)
            box.addWidget(view, 1)
            layout.addLayout(box, 1)
            self.views[name] = view
            self._cover(view, "Press Start: the templates appear here after the first epoch.")

    def _show(self, name: str, snapshot) -> None:
        self._uncover()
        self._shown[name] = snapshot
        self.views[name].show_snapshot(snapshot)

    def _shared_level(self, name: str, m: float) -> float:
        """View ``name`` would use the scale (-m, m): the larger of both views' scales instead. When
        that changes, the other view is redrawn with it (also when a view is switched to another layer)."""
        before = max(self._own.values(), default=m)
        self._own[name] = m
        shared = max(self._own.values())
        if shared != before and not self._syncing:
            self._syncing = True
            try:
                for other, snapshot in self._shown.items():
                    if other != name:
                        self.views[other].show_snapshot(snapshot)
            finally:
                self._syncing = False
        return shared


class DepthPicture(_TwoTemplates):
    def __init__(self, plan, dataset, parent=None) -> None:
        flat, one = plan.runs[0].name, plan.runs[1].name
        super().__init__(plan, dataset,
                         (flat, f"<b>{flat}</b>: its only weights are one 28x28 template per digit"),
                         (one, f"<b>{one}</b>: its 16 hidden neurons' features (first layer)"), parent)

    def update_live(self, race, record) -> None:
        if record.run in self.views:
            self._show(record.run, race.snapshot(record.run))

    def show_result(self, result) -> None:
        for name in self.views:
            self._show(name, result.run(name).snapshot)


class CollapsedImages(WeightImagesView):
    """The weight images of a linear network's matrices multiplied into one: its caption says so, where
    the view's own would speak of one neuron's incoming weights (there is no such neuron)."""

    def _group_caption(self, layer: int) -> str:
        return (f"Each image is one output's {self._side}×{self._side} template: the product of the linear "
                "network's three weight matrices, so one image per output holds all three layers' weights. "
                "Blue pixels: ink there raises that output; red: ink there lowers it. Click an image to enlarge it.")


class LinearPicture(_TwoTemplates):
    def __init__(self, plan, dataset, parent=None) -> None:
        self._linear, self._flat = plan.runs[0].name, plan.runs[1].name
        super().__init__(plan, dataset,
                         ("collapsed", f"<b>{self._linear}</b>, its three matrices multiplied into one"),
                         (self._flat, f"<b>{self._flat}</b>: the one-layer network's templates"), parent,
                         left_view=CollapsedImages())

    def update_live(self, race, record) -> None:
        if record.run == self._linear:
            self._show("collapsed", collapse_linear(race.snapshot(record.run)))
        elif record.run == self._flat:
            self._show(self._flat, race.snapshot(record.run))

    def show_result(self, result) -> None:
        if "collapsed" in result.pictures:
            self._show("collapsed", result.pictures["collapsed"])
        self._show(self._flat, result.run(self._flat).snapshot)


class WidthPicture(Picture):
    MIN_SIZE = (520, 280)

    def __init__(self, plan, dataset, parent=None) -> None:
        super().__init__(plan, dataset, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.widths = [spec.layers[1] for spec in plan.runs]
        left = QVBoxLayout()
        left.addWidget(_caption("<b>Test accuracy against width</b> (latest epoch of each network)"))
        self.accuracy_plot = _plot("hidden neurons (log scale)", "test accuracy %")
        self.accuracy_plot.getPlotItem().setLogMode(x=True, y=False)
        self.accuracy_plot.setYRange(0, 100, padding=0.02)
        ticks = [(float(np.log10(w)), str(w)) for w in self.widths]  # the widths tried, not 10^x
        self.accuracy_plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        self.accuracy_curve = self.accuracy_plot.plot(pen=pg.mkPen("#0072B2", width=2), symbol="o",
                                                      symbolBrush="#0072B2", symbolPen=None)
        left.addWidget(self.accuracy_plot, 1)
        layout.addLayout(left, 1)
        self._latest: dict[int, float] = {}
        self.two = next((spec.name for spec in plan.runs if spec.layers[1] == 2), None)
        right = QVBoxLayout()
        text = ("<b>The test digits in the 2-neuron hidden layer</b> (784-2-10): each dot is a digit, "
                "placed by its two hidden activations, coloured by its true label")
        right.addWidget(_caption(text if self.two else "Add width 2 to see the digits in a 2-neuron hidden layer."))
        names = dataset.class_names
        right.addWidget(_caption(" ".join(
            f'<span style="color:{DIGIT_COLORS[i % 10]}; font-size:13pt">&#9679;</span>{names[i]}'
            for i in range(len(names)))))
        self.scatter_plot = _plot("hidden neuron 1", "hidden neuron 2")
        self.scatters = []
        for i in range(len(names)):
            item = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(DIGIT_COLORS[i % 10]))
            self.scatter_plot.addItem(item)
            self.scatters.append(item)
        right.addWidget(self.scatter_plot, 1)
        layout.addLayout(right, 1)
        self._cover(self.accuracy_plot, "Press Start: each width's test accuracy appears here after its first epoch.")
        self._cover(self.scatter_plot, "Press Start: the test digits appear here after the first epoch.")

    def update_live(self, race, record) -> None:
        self._uncover()
        spec = self.plan.run(record.run)
        self._latest[spec.layers[1]] = 100 * record.test_accuracy
        widths = sorted(self._latest)
        self.accuracy_curve.setData(np.asarray(widths, float), np.asarray([self._latest[w] for w in widths]))
        if record.run == self.two:
            snapshot = race.snapshot(record.run)
            self._show_points(hidden_points(snapshot, self.dataset.x_test), self.dataset.y_test[:2000])

    def _show_points(self, points, labels) -> None:
        # one item per digit with one brush: per-point brushes cost far more per redraw
        for digit, item in enumerate(self.scatters):
            mask = labels == digit
            item.setData(points[mask, 0], points[mask, 1])
        self.scatter_plot.getPlotItem().autoRange()

    def show_result(self, result) -> None:
        self._uncover()
        if "hidden_2d" in result.pictures:
            self._show_points(*result.pictures["hidden_2d"])


class ShufflePicture(Picture):
    def __init__(self, plan, dataset, parent=None) -> None:
        super().__init__(plan, dataset, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.curves = RaceCurvesView(
            "<b>Training accuracy against the labels each network was given</b> (random ones included)",
            "training accuracy %")
        self.curves.set_runs([spec.name for spec in plan.runs], plan.epochs, plan_colors(plan))
        self.curves.set_chance(100.0 / dataset.n_classes)
        layout.addWidget(self.curves)
        self._cover(self.curves.plot_widget, "Press Start: each network's training accuracy appears here "
                                             "after its first epoch.")

    def update_live(self, race, record) -> None:
        self._uncover()
        self.curves.add_point(record.run, record.epoch, 100 * record.train_accuracy)


class NoisePicture(Picture):
    """Histograms of the top confidence, and the nonsense inputs read with 90% or more."""

    MIN_SIZE = (580, 300)
    send_to_pad = Signal(object)  # a (784,) image
    probe_main_requested = Signal()  # feed the main window's current network instead

    def __init__(self, plan, dataset, parent=None) -> None:
        super().__init__(plan, dataset, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(_caption("<b>How sure the network is</b>: its top output for each input"))
        self.legend = _caption(" &nbsp; ".join(
            f'<span style="color:{c}; font-size:13pt">&#9632;</span>&nbsp;{KIND_NAMES[k].replace(" ", "&nbsp;")}'
            for k, c in KIND_COLORS.items()))
        left.addWidget(self.legend)
        self.histogram = _plot("top softmax output (confidence) %", "share of inputs %")
        self.confident_line = pg.InfiniteLine(
            pos=100 * CONFIDENT, angle=90, pen=pg.mkPen(_colors.MUTED_TEXT, style=Qt.PenStyle.DashLine),
            label=f"{100 * CONFIDENT:.0f}% or more: the gallery",
            labelOpts={"position": 0.97, "color": _colors.FOREGROUND, "anchors": [(1, 0), (1, 0)],
                       "fill": pg.mkBrush(255, 255, 255, 220)})
        self.histogram.addItem(self.confident_line)
        self.curves = {k: self.histogram.plot(stepMode="center", pen=pg.mkPen(c, width=2))
                       for k, c in KIND_COLORS.items()}
        left.addWidget(self.histogram, 1)
        layout.addLayout(left, 3)
        self._cover(self.histogram, "Press Start: when training ends, the network is fed noise, flat pages "
                                    "and scribbles, and how sure it is of each appears here.")
        right = QVBoxLayout()
        right.addWidget(_caption("<b>Nonsense read with 90% or more</b> (click one, then send it to the pad)"))
        self.grid = QGridLayout()
        self.gallery = []
        for i in range(12):
            cell = QToolButton()
            cell.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            cell.setCheckable(True)
            cell.setAutoExclusive(True)
            cell.setIconSize(QSize(GALLERY_PX, GALLERY_PX))
            cell.setMinimumSize(GALLERY_PX + 20, GALLERY_PX + 40)
            cell.setStyleSheet("QToolButton:checked { border: 3px solid #00a000; }")
            cell.setVisible(False)
            self.grid.addWidget(cell, i // 4, i % 4)
            self.gallery.append(cell)
        right.addLayout(self.grid)
        self.empty = _caption("The gallery fills when training ends.")
        right.addWidget(self.empty)
        self.send_button = QPushButton("Send to the pad")
        self.send_button.setToolTip("Show the chosen image in the main window's drawing pad, with the network's answer")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self._send)
        buttons = QHBoxLayout()  # side by side: the picture then fits the Lab's height at 1280x720
        buttons.addWidget(self.send_button)
        self.probe_main_button = QPushButton("Test the main window's network")
        self.probe_main_button.setToolTip("Feed the same noise, flat pages and scribbles to the network the "
                                          "main window shows now (trained there, or opened from a file)")
        self.probe_main_button.clicked.connect(self.probe_main_requested)
        buttons.addWidget(self.probe_main_button)
        right.addLayout(buttons)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self._images: list[np.ndarray] = []

    def show_result(self, result) -> None:
        self.show_probe(result.pictures)

    def show_probe(self, pictures) -> None:
        self._uncover()
        bins = np.linspace(0.0, 1.0, 21)
        for kind, values in pictures.get("confidence", {}).items():
            counts, _ = np.histogram(np.clip(values, 0, 1), bins=bins)
            share = 100.0 * counts / max(len(values), 1)
            self.curves[kind].setData(100 * bins, share)
        self.histogram.getPlotItem().autoRange()
        self._images = []
        ink = _colors.ink_colormap()
        for cell in self.gallery:
            cell.setVisible(False)
        for cell, item in zip(self.gallery, pictures.get("gallery", [])):
            image = np.clip(item["image"].reshape(28, 28), 0, 1)
            rgba = ink.map(image.reshape(-1), mode="byte").reshape(28, 28, 4)
            qimage = QImage(np.ascontiguousarray(rgba).data, 28, 28, 28 * 4, QImage.Format.Format_RGBA8888).copy()
            cell.setIcon(QIcon(_framed(QPixmap.fromImage(qimage).scaled(GALLERY_PX, GALLERY_PX))))
            names = self.dataset.class_names
            what = KIND_SHORT[item["kind"]]
            if item["kind"] == "blank":  # one grey all over (0: a blank page, 1: all ink, drawn black): say how much ink
                ink_share = float(np.mean(item["image"]))
                what = "no ink" if ink_share == 0 else f"{100 * ink_share:.0f}% ink"
            cell.setText(f"{what}\n{names[item['answer']]}: {100 * item['confidence']:.0f}%")
            cell.setToolTip(f"{KIND_NAMES[item['kind']]}: read as {names[item['answer']]} "
                            f"with {100 * item['confidence']:.1f}% confidence")
            cell.setVisible(True)
            self._images.append(item["image"])
        self.empty.setText("" if self._images else "None of the nonsense inputs got 90% or more.")
        self.empty.setVisible(not self._images)
        self.send_button.setEnabled(bool(self._images))

    def _send(self) -> None:
        for cell, image in zip(self.gallery, self._images):
            if cell.isChecked():
                self.send_to_pad.emit(image)
                return
        if self._images:
            self.send_to_pad.emit(self._images[0])


def _framed(pixmap: QPixmap) -> QPixmap:
    """The picture with a thin grey frame, so a white page still shows where it is."""
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(_colors.MUTED_TEXT), 1))
    painter.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
    painter.end()
    return pixmap


_PICTURES = {"depth": DepthPicture, "width": WidthPicture, "linear": LinearPicture,
             "shuffle": ShufflePicture, "noise": NoisePicture}


class _FitLayout(QVBoxLayout):
    """A layout that does not offer a height for each width: a scroll area holding it then gives the
    picture the view's height (its wrapped captions would ask for their one-line-per-word height)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False


def picture_scroll_area() -> tuple[QScrollArea, QWidget]:
    """A scroll area and the widget in it that holds the pictures: a picture fills the view, and scrolls
    once the view is smaller than the picture's MIN_SIZE (a 1024x640 screen) instead of squeezing."""
    holder = QWidget()
    _FitLayout(holder).setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(holder)
    return scroll, holder


def make_picture(plan, dataset) -> Picture:
    return _PICTURES[plan.experiment](plan, dataset)

