"""The neuron card: one neuron's picture, its sum for the current input written out with real numbers,
the test digits that excite it most and least, its dream, and what the network loses without it.

It draws a NeuronReport (nnviz.engine.neuron) it is given; the window measures and owns the switch.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from nnviz.engine.activations import activation_label
from nnviz.qt.views import colors as _colors
from nnviz.qt.views.digit_strip import DigitStrip, ink_pixmap, signed_pixmap
from nnviz.qt.views.network_graph import layer_name

PICTURE_PX = 112  # 4 screen pixels per input pixel
FILM_PX = 56  # a filmstrip frame: 2 screen pixels per input pixel
BEFORE_HEX = "#9aa5b1"
AFTER_HEX = _colors.WINNER_HEX


def _source(layer: int, j: int, n_layers: int, n_inputs: int) -> str:
    """Where term j of a neuron's sum comes from, in words."""
    side = int(round(np.sqrt(n_inputs)))
    if layer == 1 and side * side == n_inputs:
        return f"pixel (row {j // side}, col {j % side})"
    return f"{layer_name(layer - 1, n_layers).lower()} neuron {j}"


def sum_html(report) -> str:
    """Σ w·a + b = z and activation(z) = a with the report's numbers, and the largest terms w×a."""
    s = report.sum
    if s is None:
        return ("<i>Draw a digit, or pick a test digit, to see this neuron's sum for it: "
                "every input times its weight, plus the bias.</i>")
    n = s.products.size
    rest = s.products.sum() - s.products[s.top_terms(6)].sum()
    lines = [f"<b>For the current input</b> ({n} inputs):",
             f"z = Σ w·a + b = {s.products.sum():+.3f} + ({s.bias:+.3f}) = <b>{s.z:+.3f}</b>",
             (f"after the softmax over all outputs: <b>{s.output:.3f}</b>" if s.function == "softmax"
              else f"{activation_label(s.function)}(z) = <b>{s.output:.3f}</b>"), "Largest terms w × a:"]
    for j in s.top_terms(6):
        where = _source(report.layer, int(j), report.n_layers, n)
        lines.append(f"&nbsp;&nbsp;{s.weights[j]:+.3f} × {s.inputs[j]:.3f} = <b>{s.products[j]:+.3f}</b>"
                     f" &nbsp;<span style='color:{_colors.MUTED_TEXT}'>{where}</span>")
    lines.append(f"&nbsp;&nbsp;… and {n - min(6, n)} other terms: {rest:+.3f}")
    return "<br>".join(lines)


class NeuronCard(QWidget):
    """A card for one neuron; ``ablation_requested(bool)`` asks the window to switch it off / on."""

    ablation_requested = Signal(bool)
    digit_chosen = Signal(int)   # a test digit index, to show on the pad

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Neuron")
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._template = QLabel()
        self._template.setFixedSize(PICTURE_PX + 2, PICTURE_PX + 2)
        self._template_caption = QLabel()
        self._template_caption.setWordWrap(True)
        self._dream = QLabel()
        self._dream.setFixedSize(PICTURE_PX + 2, PICTURE_PX + 2)
        self._dream_caption = QLabel()
        self._dream_caption.setWordWrap(True)
        for label in (self._template, self._dream):
            label.setStyleSheet("border: 1px solid #b0b0b0; background: white")
        for caption in (self._template_caption, self._dream_caption):
            caption.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
            caption.setMaximumWidth(PICTURE_PX + 40)
        self._sum = QLabel()
        self._sum.setWordWrap(True)
        self._sum.setTextFormat(Qt.TextFormat.RichText)
        self._sum.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._sum.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        pictures = QGridLayout()
        pictures.addWidget(self._template, 0, 0, Qt.AlignmentFlag.AlignHCenter)
        pictures.addWidget(self._dream, 0, 1, Qt.AlignmentFlag.AlignHCenter)
        pictures.addWidget(self._template_caption, 1, 0)
        pictures.addWidget(self._dream_caption, 1, 1)
        top = QHBoxLayout()
        top.addLayout(pictures)
        top.addWidget(self._sum, 1)

        self.most = DigitStrip(9)
        self.least = DigitStrip(9)
        for strip in (self.most, self.least):
            strip.chosen.connect(self.digit_chosen)
        self._most_title = QLabel("<b>The 9 test digits that excite it most</b> (z under each)")
        self._least_title = QLabel("<b>… and the 9 that excite it least</b>")

        self._film_title = QLabel("<b>How its picture grew</b> — at the start and after every epoch (recorded)")
        self._film_row = QHBoxLayout()
        self._film_row.setContentsMargins(0, 0, 0, 0)
        self._film_row.addStretch(1)
        film = QWidget()
        film.setLayout(self._film_row)
        self._film = QScrollArea()
        self._film.setWidget(film)
        self._film.setWidgetResizable(True)
        self._film.setFixedHeight(FILM_PX + 46)
        self._film_cells: list[tuple[QLabel, QLabel]] = []

        self.switch = QPushButton("Switch this neuron off")
        self.switch.setCheckable(True)
        self.switch.setToolTip("Ablation: the network without this neuron, on every test digit. "
                               "Training is not changed; the pad and the graph show the network without it.")
        self.switch.toggled.connect(self._on_switch)
        self._ablation_text = QLabel("Switch it off to see which digits need it.")
        self._ablation_text.setWordWrap(True)
        self._bars = pg.PlotWidget(background=_colors.BACKGROUND)
        self._bars.setMenuEnabled(False)
        self._bars.setMouseEnabled(False, False)
        self._bars.hideButtons()
        # The rest of the card's height, at least 160 px (bars, digits and axis whole); pyqtgraph's
        # size hint would ask for far more and push the card past a 700 px dialog.
        self._bars.setMinimumHeight(160)
        self._bars.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self._bars.setLabel("left", "% right")
        self._bars.setLabel("bottom", "true digit")
        self._bars.setYRange(0, 132, padding=0)  # room above 100% for the legend row, clear of the bars
        self._bars.getAxis("left").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        for name in ("left", "bottom"):
            axis = self._bars.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(_colors.FOREGROUND))
            axis.setTextPen(pg.mkPen(_colors.FOREGROUND))
        legend = self._bars.addLegend(offset=(-4, 4), colCount=2)
        self._before = pg.BarGraphItem(x=np.arange(10) - 0.18, height=np.zeros(10), width=0.34,
                                       brush=BEFORE_HEX, pen=None)
        self._after = pg.BarGraphItem(x=np.arange(10) + 0.18, height=np.zeros(10), width=0.34,
                                      brush=AFTER_HEX, pen=None)
        self._bars.addItem(self._before)
        self._bars.addItem(self._after)
        legend.addItem(self._before, "with it")
        legend.addItem(self._after, "switched off")

        layout = QVBoxLayout(self)
        layout.setSpacing(4)  # eleven rows: the default spacing alone would take 60 px of a 700 px card
        layout.addWidget(self._title)
        layout.addLayout(top)
        layout.addWidget(self._most_title)
        layout.addWidget(self.most)
        layout.addWidget(self._least_title)
        layout.addWidget(self.least)
        layout.addWidget(self._film_title)
        layout.addWidget(self._film)
        ablation = QHBoxLayout()
        ablation.addWidget(self.switch)
        ablation.addWidget(self._ablation_text, 1)
        layout.addLayout(ablation)
        layout.addWidget(self._bars, 1)
        self.report = None
        self.heading = ""
        self._names: tuple[str, ...] = tuple(str(i) for i in range(10))

    # ------------------------------------------------------------------ public API
    def show_report(self, report, x_test, y_test, class_names) -> None:
        """Draw ``report``; x_test (n, n_inputs) and y_test (n,) give the exciting digits' pictures."""
        self.report = report
        names = tuple(str(c) for c in class_names)
        self._names = names
        n_layers = report.n_layers
        name = layer_name(report.layer, n_layers)
        out = report.layer == n_layers - 1
        self.heading = f"{name}, neuron {report.neuron}"
        self._title.setText(f"<b>{self.heading}</b>"
                            + (f" (the “{names[report.neuron]}” output)" if out and report.neuron < len(names) else "")
                            + f" — after {report.step:,} training steps")
        side = int(round(np.sqrt(report.template.size)))
        if side * side == report.template.size:
            self._template.setPixmap(signed_pixmap(report.template.reshape(side, side), PICTURE_PX))
            self._dream.setPixmap(ink_pixmap(report.dream.reshape(side, side), PICTURE_PX))
        self._template_caption.setText(
            ("Its weights" if report.layer == 1 else "Its pixel template") + ": blue ink makes it fire, red holds it back")
        z0, z1 = report.dream_z
        self._dream_caption.setText(f"Its dream: the strokes it likes best (z {z0:+.1f} on grey → {z1:+.1f})")
        self._sum.setText(sum_html(report))
        for strip, indices in ((self.most, report.most), (self.least, report.least)):
            labels = [names[int(y_test[i])] if int(y_test[i]) < len(names) else str(int(y_test[i])) for i in indices]
            strip.show_digits(x_test[indices], indices, [f"{report.z_test[i]:+.1f}" for i in indices],
                              [f"test digit #{i}, a “{label}”: z = {report.z_test[i]:+.3f}"
                               for i, label in zip(indices, labels)])
        k = len(report.accuracy)
        self._bars.getAxis("bottom").setTicks([list(enumerate(names if all(len(n) <= 3 for n in names)
                                                               else [str(i) for i in range(k)]))])
        self._before.setOpts(x=np.arange(k) - 0.18, height=np.nan_to_num(100 * report.accuracy))
        if not self.switch.isChecked():
            self._after.setOpts(x=np.arange(k) + 0.18, height=np.zeros(k))

    def show_ablation(self, accuracy_off, total_on: float, total_off: float) -> None:
        """Per-class accuracy (k,) without the neuron, and the overall accuracy with and without it."""
        k = len(accuracy_off)
        self._after.setOpts(x=np.arange(k) + 0.18, height=np.nan_to_num(100 * np.asarray(accuracy_off)))
        before = self.report.accuracy if self.report is not None else np.zeros(k)
        change = np.nan_to_num(100 * (np.asarray(accuracy_off) - before))
        worst = int(np.argmin(change))
        self._ablation_text.setText(
            f"Test accuracy {100 * total_on:.1f}% → <b>{100 * total_off:.1f}%</b> without it. "
            f"It matters most for “{self._names[worst] if worst < len(self._names) else worst}” "
            f"({change[worst]:+.1f} points).")

    def show_filmstrip(self, images, captions) -> None:
        """The neuron's picture at recorded moments: images (n, side*side), one caption each, one colour scale."""
        images = [np.asarray(i, dtype=np.float32) for i in images]
        limit = max((float(np.percentile(np.abs(i), 99.5)) for i in images), default=1.0) or 1.0
        while len(self._film_cells) < len(images):
            picture, caption = QLabel(), QLabel()
            picture.setFixedSize(FILM_PX, FILM_PX)
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            caption.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
            column = QVBoxLayout()
            column.addWidget(picture)
            column.addWidget(caption)
            self._film_row.insertLayout(self._film_row.count() - 1, column)
            self._film_cells.append((picture, caption))
        for k, (picture, caption) in enumerate(self._film_cells):
            shown = k < len(images)
            picture.setVisible(shown)
            caption.setVisible(shown)
            if shown:
                side = int(round(np.sqrt(images[k].size)))
                picture.setPixmap(signed_pixmap(images[k].reshape(side, side), FILM_PX, limit))
                caption.setText(captions[k])
        self._film_title.setVisible(bool(images))
        self._film.setVisible(bool(images))

    def film_captions(self) -> list[str]:
        return [c.text() for p, c in self._film_cells if not p.isHidden()]

    def after_heights(self) -> np.ndarray:
        return np.asarray(self._after.opts["height"], dtype=float)

    def before_heights(self) -> np.ndarray:
        return np.asarray(self._before.opts["height"], dtype=float)

    def sum_text(self) -> str:
        return self._sum.text()

    def reset_switch(self) -> None:
        """Back to "on" without asking the window (it switched the neuron on itself)."""
        self.switch.blockSignals(True)
        self.switch.setChecked(False)
        self.switch.blockSignals(False)
        self._show_switch_text(False)

    # ------------------------------------------------------------------ internals
    def _on_switch(self, off: bool) -> None:
        self._show_switch_text(off)
        self.ablation_requested.emit(off)

    def _show_switch_text(self, off: bool) -> None:
        self.switch.setText("Switch it back on" if off else "Switch this neuron off")
        if not off:
            k = len(self.before_heights())
            self._after.setOpts(x=np.arange(k) + 0.18, height=np.zeros(k))
            self._ablation_text.setText("Switch it off to see which digits need it.")
