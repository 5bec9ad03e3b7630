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


def _train_one_epoch(qtbot, window) -> None:
    with qtbot.waitSignal(window.epoch_shown, timeout=60000):
        window.step_epoch()
    qtbot.waitUntil(lambda: not window.session.is_busy and window.snapshot.step == window.session.step
                    and not window._late_timer.isActive(), timeout=10000)


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_no_axis_labels_overlap_with_the_warning_banner_showing(qtbot, window, size):
    _train_one_epoch(qtbot, window)
    window.resize(*size)
    window.show_message("Training diverged (the cost became NaN) at step 14. Try a lower learning rate "
                        "(now 10), then reset the network. Training is paused.", "warning")
    qtbot.waitUntil(lambda: window.size().toTuple() == size and window.banner.isVisible(), timeout=5000)
    curve = window.cost_curve
    for dock, axes in (("evaluation", [window.evaluation._matrix_plot.getAxis(n) for n in ("left", "bottom")]),
                       ("cost_curve", [curve.cost_plot.getAxis("left"), curve.accuracy_plot.getAxis("left"),
                                       curve.accuracy_plot.getAxis("bottom")])):
        window.docks[dock].raise_()
        qtbot.waitUntil(lambda d=dock: window.docks[d].widget().isVisible(), timeout=2000)
        for axis in axes:
            qtbot.waitUntil(lambda a=axis: a.height() > 0 and a.width() > 0, timeout=2000)
            labels = drawn_tick_labels(axis)
            assert len(labels) >= 2, (dock, axis.orientation, size)  # still says what the scale is
            assert not overlaps(labels), (dock, axis.orientation, size, [t for _, t in labels])


@pytest.mark.parametrize("decade_px", [8.0, 15.0, 25.0, 40.0, 120.0])
def test_log_cost_ticks_are_labelled_as_densely_as_their_height_allows(decade_px):
    from nnviz.qt.views._axis_ticks import log_ticks

    gap = 20.0
    view = (-2.2, 1.2)
    ticks = log_ticks(view, decade_px, gap)
    labelled = sorted(at for level in ticks for at, text in level if text and view[0] <= at <= view[1])
    assert len(labelled) >= 2  # a log axis needs two labels to be read
    assert all((b - a) * decade_px >= gap for a, b in zip(labelled, labelled[1:]))
    if decade_px >= gap:
        assert {-2.0, -1.0, 0.0, 1.0} <= set(labelled)  # every decade once there is room
