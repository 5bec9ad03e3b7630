"""The evaluation view: test accuracy as a big number and the confusion matrix as a heat map.

Updated after every epoch from EpochStats; rows are true labels, columns predicted labels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt import _colors

SATURATION_PERCENT = 10.0  # colours saturate here so that the few mistakes stand out


class EvaluationView(QWidget):
    """Test accuracy and a k x k confusion matrix (rows: true class, columns: predicted class)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Test results")
        title = QLabel(
            "<b>Test results</b> — measured after each epoch on test digits the network never "
            "trains on."
        )
        title.setWordWrap(True)
        self._accuracy = QLabel("—")
        font = QFont(self._accuracy.font())
        font.setPointSizeF(font.pointSizeF() * 2.6)
        font.setBold(True)
        self._accuracy.setFont(font)
        self._detail = QLabel("No results yet: train for one epoch.")
        self._detail.setWordWrap(True)
        self._detail.setStyleSheet(f"color: {_colors.MUTED_TEXT}")

        matrix_title = QLabel(
            "<b>Confusion matrix</b>: each row is a true digit, each column what the network "
            "read it as; the diagonal holds the correct answers."
        )
        matrix_title.setWordWrap(True)
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(_colors.BACKGROUND)
        self._matrix_plot = self._plot.addPlot(row=0, col=0)
        self._matrix_plot.setMenuEnabled(False)
        self._matrix_plot.setMouseEnabled(False, False)
        self._matrix_plot.hideButtons()
        self._matrix_plot.invertY(True)
        self._matrix_plot.setAspectLocked(True)
        self._matrix_plot.setLabel("left", "true digit")
        self._matrix_plot.setLabel("bottom", "predicted digit")
        for name in ("left", "bottom"):
            axis = self._matrix_plot.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(_colors.FOREGROUND))
            axis.setTextPen(pg.mkPen(_colors.FOREGROUND))
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setColorMap(_colors.count_colormap())
        self._matrix_plot.addItem(self._image)
        self._colorbar = pg.ColorBarItem(
            values=(0.0, SATURATION_PERCENT), colorMap=_colors.count_colormap(),
            interactive=False, width=14,
        )
        self._colorbar.axis.setLabel("% of the true digit's images")
        self._colorbar.setToolTip(
            f"Colour: share of that row's test images; {SATURATION_PERCENT:.0f}% or more is darkest, "
            "so that mistakes stand out."
        )
        self._colorbar.axis.enableAutoSIPrefix(False)
        self._colorbar.setMaximumWidth(125)
        self._colorbar.setMinimumWidth(80)
        self._plot.addItem(self._colorbar, row=0, col=1)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addWidget(self._accuracy)
        layout.addWidget(self._detail)
        layout.addWidget(matrix_title)
        layout.addWidget(self._plot, 1)

        self._texts: list[pg.TextItem] = []
        self._names: tuple[str, ...] = ()
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
        self._detail.setText(
            f"of {total:,} test images recognised correctly after epoch {stats.epoch} "
            f"(test cost {stats.test_cost:.3f}). Hover a cell for details."
        )
        row_totals = np.maximum(confusion.sum(axis=1, keepdims=True), 1)
        percent = 100.0 * confusion / row_totals
        self._image.setImage(percent.astype(np.float32), autoLevels=False,
                             levels=(0.0, SATURATION_PERCENT))
        for (i, j), text in zip(np.ndindex(k, k), self._texts):
            text.setText(str(int(confusion[i, j])))
            dark = percent[i, j] >= 0.6 * SATURATION_PERCENT
            text.setColor("#ffffff" if dark else _colors.FOREGROUND)

    def confusion(self) -> np.ndarray:
        """(k, k) counts currently shown."""
        return self._confusion.copy()

    def accuracy_text(self) -> str:
        """The big accuracy number as shown."""
        return self._accuracy.text()

    def cell_text(self, true: int, predicted: int) -> str:
        """The count written in cell (true, predicted)."""
        k = self._confusion.shape[0]
        return self._texts[true * k + predicted].toPlainText()

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
    def _build(self, k: int, names: tuple[str, ...]) -> None:
        for text in self._texts:
            self._matrix_plot.removeItem(text)
        self._names = names
        self._texts = []
        font = QFont()
        font.setPointSizeF(7.0 if k > 10 else 8.0)
        for i, j in np.ndindex(k, k):
            text = pg.TextItem("", anchor=(0.5, 0.5), color=_colors.FOREGROUND)
            text.setFont(font)
            text.setPos(j, i)
            self._matrix_plot.addItem(text)
            self._texts.append(text)
        self._image.setImage(np.zeros((k, k), np.float32), autoLevels=False,
                             levels=(0.0, SATURATION_PERCENT))
        self._image.setRect(-0.5, -0.5, k, k)  # after setImage: the rect scales the image's size
        ticks = [list(enumerate(names))]
        self._matrix_plot.getAxis("left").setTicks(ticks)
        self._matrix_plot.getAxis("bottom").setTicks(ticks)
        self._matrix_plot.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0.0)
        digits = all(n.isdigit() for n in names)
        self._matrix_plot.setLabel("left", "true digit" if digits else "true class")
        self._matrix_plot.setLabel("bottom", "predicted digit" if digits else "predicted class")

    def _on_mouse_moved(self, scene_pos) -> None:
        k = self._confusion.shape[0]
        if not k or self._accuracy_value is None:
            return
        p = self._matrix_plot.vb.mapSceneToView(scene_pos)
        j, i = int(round(p.x())), int(round(p.y()))
        self._plot.setToolTip(self.cell_tooltip(i, j) if 0 <= i < k and 0 <= j < k else "")
