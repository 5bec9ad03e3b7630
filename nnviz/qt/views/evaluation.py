"""The evaluation view: test accuracy as a big number and the confusion matrix as a heat map.

Updated after every epoch from EpochStats; rows are true labels, columns predicted labels.
The matrix fills its plot (cells need not be square). Every cell shows one unit, the % of its row's
test images (the colour too); text size follows the cell size and is left out, and the header says
so, when it would not be readable; tooltips give the counts. Axis labels thin out on a short plot.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors
from nnviz.qt.views._caption import Caption

SATURATION_PERCENT = 10.0  # colours saturate here so that the few mistakes stand out
NO_RESULTS = "No results yet: train for one epoch."
NO_RESULTS_AT_MOMENT = "No test results yet at this moment of the run: they come at the end of the first epoch."
MIN_TEXT_PX = 8  # smaller cell numbers are hidden (unreadable), colours and tooltips stay
MAX_TEXT_PX = 14
#: A cell's number may take this share of the cell's height (the rest keeps rows apart).
TEXT_HEIGHT_SHARE = 0.75
#: ... and this share of its width (a margin on both sides, so neighbours do not touch).
TEXT_WIDTH_SHARE = 0.85


class EvaluationView(QWidget):
    """Test accuracy and a k x k confusion matrix (rows: true class, columns: predicted class).

    Clicking a cell emits ``cell_clicked(true, predicted)`` (e.g. to show those test digits).
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Test results")
        title = QLabel(
            "<b>Test results</b> — on digits it never trains on, after each epoch."
        )
        title.setWordWrap(True)
        self._accuracy = QLabel("—")
        self._accuracy.setVisible(False)  # a big bold dash before any result reads as a plot key
        self._accuracy.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        font = QFont(self._accuracy.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self._accuracy.setFont(font)
        self._detail = QLabel(NO_RESULTS)
        self._detail.setWordWrap(True)
        self._detail.setStyleSheet(f"color: {_colors.MUTED_TEXT}")

        self._matrix_title = QLabel()
        self._matrix_title.setWordWrap(True)
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(_colors.BACKGROUND)
        self._matrix_plot = self._plot.addPlot(row=0, col=0)
        self._matrix_plot.setMenuEnabled(False)
        self._matrix_plot.setMouseEnabled(False, False)
        self._matrix_plot.hideButtons()
        self._matrix_plot.invertY(True)
        # Not square: a short, wide dock gets wide cells with readable numbers instead of a small
        # square matrix in the middle of empty space.
        self._matrix_plot.setAspectLocked(False)
        self._matrix_plot.setLabel("left", "true digit")
        self._matrix_plot.setLabel("bottom", "predicted digit")
        for name in ("left", "bottom"):
            axis = self._matrix_plot.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(_colors.FOREGROUND))
            axis.setTextPen(pg.mkPen(_colors.FOREGROUND))
            # Ticks outside (pyqtgraph draws them inside): the matrix runs edge to edge, and ticks
            # inside cut through the numbers of the first column and the last row.
            axis.setStyle(tickLength=5)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setColorMap(_colors.count_colormap())
        self._matrix_plot.addItem(self._image)
        self._colorbar = pg.ColorBarItem(
            values=(0.0, SATURATION_PERCENT), colorMap=_colors.count_colormap(),
            interactive=False, width=14,
        )
        self._colorbar.axis.setLabel("% of the row")
        half = SATURATION_PERCENT / 2
        self._colorbar.axis.setTicks([[(0.0, "0%"), (half, f"{half:g}%"),
                                       (SATURATION_PERCENT, f"≥{SATURATION_PERCENT:g}%")]])
        self._colorbar.setToolTip(
            "Colour: the share of that row's test images (that true digit) that landed in the cell. "
            f"{SATURATION_PERCENT:g}% or more is darkest, so that even a few mistakes stand out."
        )
        self._colorbar.axis.enableAutoSIPrefix(False)
        _colors.readable_axes(self._colorbar.axis)
        self._colorbar.setMaximumWidth(80)
        self._plot.addItem(self._colorbar, row=0, col=1)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._plot.scene().sigMouseClicked.connect(self._on_clicked)
        self._matrix_plot.vb.sigResized.connect(self._fit_text)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        # The big number beside its explanation: the matrix keeps the height.
        summary = QHBoxLayout()
        summary.addWidget(self._accuracy)
        summary.addWidget(self._detail, 1)
        layout.addLayout(summary)
        layout.addWidget(self._matrix_title)
        layout.addWidget(self._plot, 1)

        self._texts: list[pg.TextItem] = []
        self._cells_shown: list[tuple[str, str]] = []  # (text, colour) of each cell's label
        self._cells_wanted: list[tuple[str, str]] = []  # what they show once readable
        self._fonts: dict[int, QFont] = {}  # pixel size -> font
        self._em_widths: dict[str, float] = {}  # text -> its width at a pixel size of 1
        self._names: tuple[str, ...] = ()
        self._ticks: dict[str, list[tuple[int, str]]] = {"left": [], "bottom": []}  # every label
        self._tick_step: dict[str, int] = {"left": 0, "bottom": 0}  # 1: every label, 2: every other ...
        self._numbers_readable: bool | None = None  # whether cells carry numbers (None: not decided yet)
        self._header = ""
        self._thing = "digit"
        self._confusion = np.zeros((0, 0), np.int64)
        self._accuracy_value: float | None = None
        self._build(10, tuple(str(i) for i in range(10)))  # an empty matrix until the first epoch

    # ------------------------------------------------------------------ public API
    def show_epoch(self, stats, class_names) -> None:
        """Show stats.test_accuracy (0..1) and stats.confusion (k, k) counts."""
        confusion = np.asarray(stats.confusion, dtype=np.int64)
        names = tuple(str(c) for c in class_names)
        k = confusion.shape[0]
        if len(names) != k:
            names = tuple(str(i) for i in range(k))
        if len(self._texts) != k * k or names != self._names:
            self._build(k, names)
        self._confusion = confusion.copy()
        self._accuracy_value = float(stats.test_accuracy)
        total = int(confusion.sum())
        self._accuracy.setText(f"{100.0 * stats.test_accuracy:.1f}%")
        self._accuracy.setVisible(True)
        self._detail.setText(
            f"of {total:,} test images right after epoch {stats.epoch} (test cost {stats.test_cost:.3f})."
        )
        row_totals = np.maximum(confusion.sum(axis=1, keepdims=True), 1)
        percent = 100.0 * confusion / row_totals
        self._image.setImage(percent.astype(np.float32), autoLevels=False,
                             levels=(0.0, SATURATION_PERCENT))
        dark = percent >= 0.6 * SATURATION_PERCENT
        self._cells_wanted = [(self._cell_label(i, j), "#ffffff" if dark[i, j] else _colors.FOREGROUND)
                              for i, j in np.ndindex(k, k)]
        self._fit_text()

    def _show_cell_labels(self) -> None:
        """Give each cell's label its wanted text and colour (only those that change: a new layout each)."""
        for n, text in enumerate(self._texts):
            wanted = self._cells_wanted[n]
            if self._cells_shown[n] != wanted:
                self._cells_shown[n] = wanted
                text.setText(wanted[0])
                text.setColor(wanted[1])

    def clear(self, detail: str = NO_RESULTS) -> None:
        """Back to "no results yet" (the network was reset or replaced, or a replayed moment comes
        before the first epoch's end: ``detail`` says which): an empty matrix, no accuracy."""
        self._confusion = np.zeros((0, 0), np.int64)
        self._accuracy_value = None
        self._accuracy.setText("—")
        self._accuracy.setVisible(False)
        self._detail.setText(detail)
        self._plot.setToolTip("")
        self._say_numbers(bool(self._numbers_readable))
        k = len(self._names)
        if len(self._texts) != k * k:
            self._build(k, self._names)  # keeps the class names, empties every cell
            return
        # The same items, emptied: rebuilding 100 texts costs a frame.
        self._cells_wanted = [("", color) for _, color in self._cells_shown]
        self._show_cell_labels()
        self._image.setImage(np.zeros((k, k), np.float32), autoLevels=False, levels=(0.0, SATURATION_PERCENT))

    def detail_text(self) -> str:
        """The sentence beside the big number ("No results yet: ..." before the first epoch)."""
        return self._detail.text()

    def confusion(self) -> np.ndarray:
        """(k, k) counts currently shown."""
        return self._confusion.copy()

    def accuracy_text(self) -> str:
        """The big accuracy number as shown."""
        return self._accuracy.text()

    def cell_text(self, true: int, predicted: int) -> str:
        """Text of cell (true, predicted): the % of row ``true`` in it ("97", "2.3"; "" for none), shown once
        the cells are big enough to read it."""
        k = math.isqrt(len(self._texts))
        return self._cells_wanted[true * k + predicted][0]

    def cell_tooltip(self, true: int, predicted: int) -> str:
        """Plain-language description of one cell."""
        c = self._confusion
        n = int(c[true, predicted])
        row = max(int(c[true].sum()), 1)
        t, p = self._names[true], self._names[predicted]
        if true == predicted:
            return f"{n} of the {row} test images of “{t}” were recognised correctly ({100 * n / row:.1f}%)."
        return f"{n} test images of “{t}” were mistaken for “{p}” ({100 * n / row:.1f}% of the “{t}”s)."

    # ------------------------------------------------------------------ internals
    def _cell_label(self, true: int, predicted: int) -> str:
        n = int(self._confusion[true, predicted])
        row = int(self._confusion[true].sum())
        if not n or not row:
            return ""
        percent = 100.0 * n / row
        if percent >= 9.95:
            # Rounded down: "100" only when every image of the row is right.
            return str(n * 100 // row)
        return f"{math.floor(percent * 10) / 10:.1f}" if percent >= 0.1 else "<.1"

    def _fit_text(self, *_args) -> None:
        """Pick each cell's font so that its text fits the cell's current size on screen, thin out the
        axis labels that would overlap, and say in the header whether the cells carry numbers."""
        k = math.isqrt(len(self._texts))
        if not k:
            return
        vb = self._matrix_plot.vb
        cell_w, cell_h = vb.width() / k, vb.height() / k
        self._thin_ticks(cell_w, cell_h)
        # the widest number there can be ("100") sets whether numbers are shown at all
        largest = min(MAX_TEXT_PX, TEXT_HEIGHT_SHARE * cell_h, TEXT_WIDTH_SHARE * cell_w / self._em_width("100"))
        # Too small for readable numbers that do not touch: colours and tooltips only (and hidden
        # labels are not set: at full speed a new epoch comes every 0.3 s). Half a pixel of
        # hysteresis: the header's wording must not flip the answer back by changing the plot's height.
        limit = MIN_TEXT_PX - (0.5 if self._numbers_readable else 0.0)
        readable = largest >= limit
        self._say_numbers(readable)
        if readable:
            self._show_cell_labels()
        for text in self._texts:
            if text.isVisible() != readable:
                text.setVisible(readable)
            if not readable:
                continue
            em = self._em_width(text.toPlainText() or "00")
            size = int(max(MIN_TEXT_PX - 1, min(MAX_TEXT_PX, TEXT_HEIGHT_SHARE * cell_h, TEXT_WIDTH_SHARE * cell_w / em)))
            font = self._fonts.get(size)
            if font is None:
                font = self._fonts[size] = QFont()
                font.setPixelSize(size)
            if text.textItem.font().pixelSize() != size:
                text.setFont(font)

    def _em_width(self, text: str) -> float:
        """Width of ``text`` in ems (its width at a pixel size of 1) in the cells' font."""
        em = self._em_widths.get(text)
        if em is None:
            font = QFont()
            font.setPixelSize(100)
            em = self._em_widths[text] = QFontMetricsF(font).horizontalAdvance(text) / 100.0
        return em

    def numbers_shown(self) -> bool:
        """True when the cells are big enough to carry their numbers (and the header says so)."""
        return bool(self._numbers_readable)

    def _say_numbers(self, readable: bool) -> None:
        """Set the header: whether the cells carry numbers is said only once there is a matrix."""
        self._numbers_readable = readable
        if self._accuracy_value is None:
            what = "colours: <b>% of the row</b>, after the first epoch"
        elif readable:
            what = "numbers and colours: <b>% of the row</b>. Hover for counts"
        else:
            what = "colours: <b>% of the row</b> (too small for numbers). Hover for counts"
        header = f"<b>Confusion matrix</b> — rows: true {self._thing}, columns: the network's answer; {what}."
        if header != self._header:
            self._header = header
            self._matrix_title.setText(header)

    def _thin_ticks(self, cell_w: float, cell_h: float) -> None:
        """Label every row and column while the labels fit their cells, else every 2nd, 3rd ...: on a
        short plot the labels 0-9 would sit on top of each other."""
        for name, cell in (("left", cell_h), ("bottom", cell_w)):
            ticks = self._ticks[name]
            if not ticks:
                continue
            axis = self._matrix_plot.getAxis(name)
            metrics = QFontMetricsF(axis.style["tickFont"] or axis.font())
            if name == "left":
                need = metrics.height() + 1.0
            else:
                need = max(metrics.horizontalAdvance(text) for _, text in ticks) + metrics.averageCharWidth()
            step = max(1, math.ceil(need / max(cell, 1e-6)))
            if step != self._tick_step[name]:
                self._tick_step[name] = step
                axis.setTicks([ticks[::step], [(i, "") for i, _ in ticks]])

    def tick_labels(self, name: str) -> list[tuple[int, str]]:
        """The labels shown on the "left" or "bottom" axis, as (row or column, text)."""
        return self._ticks[name][:: max(1, self._tick_step[name])]

    def _build(self, k: int, names: tuple[str, ...]) -> None:
        for text in self._texts:
            self._matrix_plot.removeItem(text)
        self._names = names
        self._texts = []
        self._cells_shown = [("", _colors.FOREGROUND)] * (k * k)
        self._cells_wanted = list(self._cells_shown)
        for i, j in np.ndindex(k, k):
            text = Caption("", anchor=(0.5, 0.5), color=_colors.FOREGROUND)  # no Python at each repaint
            text.setPos(j, i)
            self._matrix_plot.addItem(text)
            self._texts.append(text)
        self._image.setImage(np.zeros((k, k), np.float32), autoLevels=False,
                             levels=(0.0, SATURATION_PERCENT))
        self._image.setRect(-0.5, -0.5, k, k)  # after setImage: the rect scales the image's size
        # Long names ("T-shirt/top") would run into each other under the columns: the rows carry
        # "name number" and the columns the numbers.
        short = all(len(n) <= 3 for n in names)
        numbers = [str(i) for i in range(k)]
        rows = names if short else [f"{n} {i}" for i, n in enumerate(names)]
        self._ticks = {"left": list(enumerate(rows)), "bottom": list(enumerate(names if short else numbers))}
        self._tick_step = {"left": 0, "bottom": 0}
        self._matrix_plot.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0.0)
        digits = all(n.isdigit() for n in names)
        thing = self._thing = "digit" if digits else "class"
        self._matrix_plot.setLabel("left", f"true {thing}")
        self._matrix_plot.setLabel("bottom", f"predicted {thing}" + ("" if short else " (number)"))
        self._numbers_readable = None
        self._fit_text()

    def _on_mouse_moved(self, scene_pos) -> None:
        k = self._confusion.shape[0]
        if not k or self._accuracy_value is None:
            return
        cell = self.cell_at(scene_pos)
        self._plot.setToolTip("" if cell is None else self.cell_tooltip(*cell) + " Click to see them.")

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """(true, predicted) of the cell under a scene point, None outside the matrix or without results."""
        k = self._confusion.shape[0]
        if not k or self._accuracy_value is None:
            return None
        p = self._matrix_plot.vb.mapSceneToView(scene_pos)
        j, i = int(round(p.x())), int(round(p.y()))
        return (i, j) if 0 <= i < k and 0 <= j < k else None

    def _on_clicked(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.cell_clicked.emit(*cell)
