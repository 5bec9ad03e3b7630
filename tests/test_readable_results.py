"""Test results, cost curve and runs stay readable in the window sizes learners use (1400x900, 1280x720):
no overlapping axis labels, a confusion matrix that fills its plot and shows its numbers when it can."""

from __future__ import annotations

from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QPainter, QPicture

from nnviz.qt.views.evaluation import EvaluationView

DIGITS = tuple(str(i) for i in range(10))


def drawn_tick_labels(axis) -> list[tuple[QRectF, str]]:
    """The tick labels ``axis`` draws now, each with its rectangle grown to a full line of text
    (pyqtgraph's own rectangles are 0.8 of a line)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    labels = []
    for rect, _flags, text in specs[2]:
        grow = rect.height() * 0.125
        labels.append((rect.adjusted(0, -grow, 0, grow), text))
    return labels


def overlaps(labels) -> list[tuple[str, str]]:
    return [(a, b) for (ra, a), (rb, b) in combinations(labels, 2) if ra.intersects(rb)]


def _results(view: EvaluationView) -> None:
    confusion = np.full((10, 10), 4) + np.diag(np.full(10, 950))
    confusion[4, 9] = 31
    view.show_epoch(SimpleNamespace(epoch=2, test_accuracy=0.94, test_cost=0.19, confusion=confusion), DIGITS)


def _shown(qtbot, widget, width, height):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_confusion_matrix_fills_a_short_wide_plot_and_shows_its_numbers(qtbot):
    view = _shown(qtbot, EvaluationView(), 400, 330)  # the dock's size in a 1400x900 window
    _results(view)
    vb = view._matrix_plot.vb
    qtbot.waitUntil(lambda: vb.width() > 0 and all(text.isVisible() for text in view._texts), timeout=2000)
    drawn = view._image.mapRectToScene(view._image.boundingRect())
    box = vb.mapRectToScene(vb.boundingRect())
    assert drawn.width() >= 0.97 * box.width() and drawn.height() >= 0.97 * box.height()
    cell_w, cell_h = vb.width() / 10, vb.height() / 10
    for text in view._texts:
        font = text.textItem.font()
        assert font.pixelSize() >= 8
        assert QFontMetricsF(font).horizontalAdvance(text.toPlainText()) <= cell_w
        assert font.pixelSize() <= cell_h
    row = view.confusion()[4]
    assert view._texts[4 * 10 + 9].toPlainText() == f"{np.floor(1000 * row[9] / row.sum()) / 10:.1f}"
    assert view.numbers_shown() and "numbers and colours" in view._matrix_title.text()


def test_a_matrix_too_small_for_numbers_says_so(qtbot):
    view = _shown(qtbot, EvaluationView(), 260, 220)
    _results(view)
    qtbot.waitUntil(lambda: view._matrix_plot.vb.height() > 0, timeout=2000)
    view._fit_text()
    assert not view.numbers_shown() and not any(text.isVisible() for text in view._texts)
    assert "too small for numbers" in view._matrix_title.text()
    assert "numbers and colours" not in view._matrix_title.text()
    view.resize(500, 520)
    qtbot.waitUntil(view.numbers_shown, timeout=2000)
    assert "numbers and colours" in view._matrix_title.text()


@pytest.mark.parametrize("size", [(400, 330), (400, 250), (300, 200), (700, 700)])
def test_confusion_axis_labels_never_overlap(qtbot, size):
    view = _shown(qtbot, EvaluationView(), *size)
    _results(view)
    qtbot.waitUntil(lambda: view._matrix_plot.vb.height() > 0, timeout=2000)
    for name in ("left", "bottom"):
        labels = drawn_tick_labels(view._matrix_plot.getAxis(name))
        assert labels and labels[0][1] == "0"
        assert not overlaps(labels), (name, size)
        assert [text for _, text in labels] == [text for _, text in view.tick_labels(name)]
    if size == (700, 700):  # room for every row's label
        assert len(view.tick_labels("left")) == 10
