"""Test results, cost curve and runs stay readable in the window sizes learners use (1400x900, 1280x720):
no overlapping axis labels, a confusion matrix that fills its plot and shows its numbers when it can."""

from __future__ import annotations

from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
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


@pytest.mark.parametrize("size", [(400, 330), (260, 220)])
def test_before_any_result_the_header_says_nothing_about_numbers_and_no_dash_shows(qtbot, size):
    view = _shown(qtbot, EvaluationView(), *size)
    qtbot.waitUntil(lambda: view._matrix_plot.vb.height() > 0, timeout=2000)
    view._fit_text()
    header = view._matrix_title.text()
    assert "numbers" not in header and "% of the row" in header
    assert view._accuracy.isHidden()  # no big bold dash before "No results yet"
    _results(view)
    assert not view._accuracy.isHidden() and view.accuracy_text() == "94.0%"
    assert "numbers" in view._matrix_title.text()
    view.clear()
    assert view._accuracy.isHidden() and "numbers" not in view._matrix_title.text()


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


@pytest.mark.parametrize("decade_px", [0.0, 1e-3, 0.5, 3.0])
def test_a_log_axis_squeezed_flat_keeps_one_label_and_no_search_over_millions_of_decades(decade_px):
    # a plot being laid out can be about 0 px high: every n-th decade with n in the millions used to
    # be searched one by one (tens of millions of steps at each resize, seconds of frozen window)
    from nnviz.qt.views._axis_ticks import log_ticks

    view = (-3.0, 2.0)
    ticks = log_ticks(view, decade_px, 20.0)
    labelled = [at for level in ticks for at, text in level if text and view[0] <= at <= view[1]]
    assert len(labelled) == 1  # the scale is still named by one label
    assert [at for at, _ in ticks[0]] == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]  # every decade still ticked


def _lab(rgb) -> np.ndarray:
    """CIE L*a*b* of an sRGB colour (D65): distances there follow how different colours look."""
    c = np.asarray(rgb, float) / 255
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    xyz /= [0.9505, 1.0, 1.089]
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_compared_runs_never_take_a_colour_of_the_live_curves():
    from PySide6.QtGui import QColor

    from nnviz.qt.views import cost_curve
    from nnviz.qt.views.run_list import RUN_PALETTE, run_color

    live = [QColor(c).getRgb()[:3] for c in (cost_curve.SMOOTH_COLOR, cost_curve.TRAIN_COLOR, cost_curve.TEST_COLOR)]
    live.append(cost_curve.RAW_COLOR[:3])
    runs = [run_color(k).getRgb()[:3] for k in range(len(RUN_PALETTE))]
    for run in runs:
        assert min(np.linalg.norm(_lab(run) - _lab(curve)) for curve in live) >= 25, run
    assert min(np.linalg.norm(_lab(a) - _lab(b)) for a, b in combinations(runs, 2)) >= 20


def test_the_legend_names_each_run_once_and_never_breaks_inside_a_name(qtbot):
    from nnviz.engine.runs import RunRecord
    from nnviz.qt.views.cost_curve import CostCurveView
    from nnviz.qt.views.run_overlay import RunOverlay

    curve = _shown(qtbot, CostCurveView(), 390, 350)
    overlay = RunOverlay(curve.cost_plot, curve.accuracy_plot, curve.layout())
    runs = [RunRecord("784-16-16-10 leaky ReLU", (784, 16, 16, 10), "leaky_relu", "cross-entropy", "MNIST", {}),
            RunRecord("Run 2", (784, 32, 10), "relu", "cross-entropy", "MNIST", {}),
            RunRecord("a <b>bold</b> name that is far too long for one legend line", (784, 8, 10), "relu",
                      "cross-entropy", "MNIST", {})]
    for k, run in enumerate(runs):
        run.add_epoch(SimpleNamespace(epoch=1, train_cost=0.4, test_cost=0.3 + 0.1 * k, test_accuracy=0.9,
                                      seconds=1.0, samples_per_second=1.0))
    overlay.show_runs(runs)
    text = overlay.legend.text().replace("&nbsp;", "\u00a0")
    entries = [entry for entry in text.split(" \u00a0 ") if entry]
    assert len(entries) == 3
    assert all(" " not in entry.split("</span>")[-1] for entry in entries)  # breaks only between runs
    plain = [entry.split("</span>")[-1].strip("\u00a0") for entry in entries]
    assert plain[0] == "784-16-16-10\u00a0leaky\u00a0ReLU"  # the layers are in its name already
    assert plain[1] == "Run\u00a02\u00a0(784-32-10)"
    assert "<b>" not in text and "&lt;b&gt;" in plain[2] and "…" in plain[2]  # a name is text, not markup
    assert "far too long for one legend line" in overlay.legend.toolTip()


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_the_key_run_columns_are_seen_without_scrolling(qtbot, window, size):
    from PySide6.QtCore import Qt

    from nnviz.qt._settings import Architecture
    from nnviz.qt.views.run_list import COLUMNS, NAME_MIN_PX

    _train_one_epoch(qtbot, window)
    window.apply_architecture(Architecture((32,), "relu", "cross-entropy"))
    _train_one_epoch(qtbot, window)
    window.resize(*size)
    window.docks["runs"].raise_()
    view = window.run_list
    qtbot.waitUntil(lambda: window.size().toTuple() == size and view.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    view.table.item(0, 0).setText("784-16-16-10 leaky ReLU")  # a long name, as a learner may give
    table, header = view.table, view.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(0) >= NAME_MIN_PX - 1, timeout=2000)
    assert not table.horizontalScrollBar().isVisible()
    for name in ("Run", "Layers", "Ep.", "Best", "Final"):
        column = COLUMNS.index(name)
        assert not table.isColumnHidden(column), name
        left = header.sectionViewportPosition(column)
        assert 0 <= left and left + header.sectionSize(column) <= table.viewport().width(), name
        for row in range(table.rowCount()):
            item = table.item(row, column)
            text_width = table.fontMetrics().horizontalAdvance(item.text())
            if column:  # numbers whole; names may wrap
                assert text_width < header.sectionSize(column), (name, item.text())
            assert "final" in item.toolTip()  # every cell gives the whole run
    hidden = [COLUMNS[c].lower() for c in range(len(COLUMNS)) if table.isColumnHidden(c)]
    assert view.left_out.isVisible() == bool(hidden)
    assert all(name in view.left_out.text().lower() for name in hidden)
    assert "leaky ReLU" in table.item(0, COLUMNS.index("Layers")).toolTip()
    view.set_ticked(1, True)  # a ticked name takes its colour in the cost curve at once
    assert table.item(1, 0).foreground().color() == window.run_overlay._cost[0].opts["pen"].color()
    assert table.item(0, 0).checkState() == Qt.CheckState.Unchecked


def test_a_huge_weight_scale_keeps_its_colour_bar_labels_and_a_white_image_says_why(qtbot):
    from nnviz.engine.network import Network
    from nnviz.qt.views.weight_images import WeightImagesView

    net = Network((784, 16, 10), seed=1)
    net.weights[0] *= 1e19  # what 13 steps at a learning rate of 10 leave
    net.weights[0][11] *= 1e-4  # a neuron whose weights grew less: white on the shared scale
    view = _shown(qtbot, WeightImagesView(), 330, 300)
    view.show_snapshot(net.snapshot())
    axis = view._colorbar.axis
    qtbot.waitUntil(lambda: len(drawn_tick_labels(axis)) >= 3, timeout=2000)
    texts = [text for _, text in drawn_tick_labels(axis)]
    assert "0" in texts and any(t.startswith("-") for t in texts) and not overlaps(drawn_tick_labels(axis))
    assert "tiny next to the scale" in view.image_tooltip(1, 11)
    assert "tiny" not in view.image_tooltip(1, 3)
    net.weights[0][:] = np.random.default_rng(0).normal(0, 0.1, net.weights[0].shape)  # back to a usual scale
    view.show_snapshot(net.snapshot())
    qtbot.waitUntil(lambda: "0.1" in [text for _, text in drawn_tick_labels(axis)], timeout=2000)


def test_white_weight_images_are_named_under_the_grid(qtbot):
    from nnviz.engine.network import Network
    from nnviz.qt.views.weight_images import WeightImagesView

    net = Network((784, 16, 10), seed=1)
    view = _shown(qtbot, WeightImagesView(), 330, 300)
    view.show_snapshot(net.snapshot())
    note = view._faint_note
    assert note.isHidden() and note.text() == ""  # every image readable: nothing to say
    net.weights[0] *= 1e19
    net.weights[0][11] *= 1e-4
    view.show_snapshot(net.snapshot())
    assert note.isVisible() and "Image 11 looks white" in note.text() and "tiny next to the shared scale" in note.text()
    assert "±" in note.text() and "Images" not in note.text()
    net.weights[0][3] = np.nan  # not numbers after a diverged step: drawn as 0
    view.show_snapshot(net.snapshot())
    assert "Images 3, 11 look white" in note.text() and "not numbers" in note.text()
    assert note.geometry().top() >= view._stack.geometry().bottom()  # under the grid
    net.weights[0][:] = np.random.default_rng(0).normal(0, 0.1, net.weights[0].shape)
    view.show_snapshot(net.snapshot())
    assert note.isHidden()


def test_toolbar_and_banner_agree_on_the_step_that_diverged(qtbot, window):
    from nnviz.qt._settings import Architecture

    window.apply_architecture(Architecture((16,), "linear", "cross-entropy"))
    controls = window.training_controls
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
    controls.learning_rate.setValue(50.0)
    with qtbot.waitSignal(window.session.diverged, timeout=30000) as blocker:
        window.start_training()
    qtbot.waitUntil(lambda: not window.session.is_running and window.snapshot.step == window.session.step,
                    timeout=10000)
    bad = blocker.args[0].step
    assert window.session.step == bad - 1  # the step whose cost was NaN changed nothing
    assert f"at step {bad}" in window.last_message
    toolbar = window.progress_label.text()
    assert f"step {bad - 1:,} done" in toolbar and f"step {bad:,} diverged" in toolbar
    window.reset()
    assert "diverged" not in window.progress_label.text()


def drawn_ticks_in_scene(axis) -> list[QRectF]:
    """Scene rectangles of the tick lines and tick labels ``axis`` draws now."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    rects = [QRectF(p1, p2).normalized().adjusted(-0.5, -0.5, 0.5, 0.5) for _pen, p1, p2 in specs[1]]
    rects += [rect for rect, _flags, _text in specs[2]]
    return [axis.mapRectToScene(rect) for rect in rects]


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_confusion_numbers_stay_clear_of_the_axis_ticks(qtbot, window, size):
    _train_one_epoch(qtbot, window)
    window.resize(*size)
    view = window.evaluation
    window.docks["evaluation"].raise_()
    qtbot.waitUntil(lambda: window.size().toTuple() == size and view.isVisible()
                    and view._matrix_plot.vb.width() > 0, timeout=5000)
    view._fit_text()
    cells = []  # the ink of each number shown, centred on its cell
    for n, text in enumerate(view._texts):
        if text.isVisible() and text.toPlainText():
            ink = QFontMetricsF(text.textItem.font()).tightBoundingRect(text.toPlainText())
            centre = view._matrix_plot.vb.mapViewToScene(QPointF(n % 10, n // 10))
            cells.append(QRectF(0, 0, ink.width(), ink.height()).translated(centre - QRectF(0, 0, ink.width(), ink.height()).center()))
    assert cells, size  # the numbers are shown at both sizes
    for name in ("left", "bottom"):
        ticks = drawn_ticks_in_scene(view._matrix_plot.getAxis(name))
        hits = [(c, t) for c in cells for t in ticks if c.intersects(t)]
        assert not hits, (name, size, hits[:3])


def _descending_costs(curve, n=2000):
    """A run's costs as MNIST gives them: 2.3 at first, then between about 0.1 and 0.4."""
    from nnviz.engine.trainer import BatchStats

    costs = 0.15 + 2.15 * np.exp(-np.arange(n) / 60.0)
    curve.add_batches([BatchStats(step=i + 1, epoch=0, batch=i, batches_per_epoch=n, cost=float(c),
                                  learning_rate=0.01) for i, c in enumerate(costs)])
    curve.add_epoch(SimpleNamespace(epoch=1, train_cost=0.3, test_cost=0.2, test_accuracy=0.9))


def test_the_log_cost_axis_fits_the_drawn_curves_with_1_2_5_bounds(qtbot):
    from nnviz.qt.views._axis_ticks import log_bounds
    from nnviz.qt.views.cost_curve import CostCurveView

    assert log_bounds(0.12, 0.4) == pytest.approx((-1.0, np.log10(0.5)))
    assert log_bounds(0.15, 2.5) == pytest.approx((np.log10(0.1), np.log10(5)))
    assert log_bounds(0.2, 0.45) == pytest.approx((-1.0, np.log10(0.5)))  # a power of ten stays in view
    curve = _shown(qtbot, CostCurveView(), 400, 330)
    _descending_costs(curve)
    low, high = curve.cost_plot.vb.viewRange()[1]
    assert 2.3 <= 10 ** high < 9 and 0.06 <= 10 ** low  # 0.1 to 5 and a padding for the end labels (was 10)
    curve.show_compared_costs(np.array([0.03, 0.08]))  # a ticked run's test costs below the live curves
    qtbot.waitUntil(lambda: 10 ** curve.cost_plot.vb.viewRange()[1][0] <= 0.03, timeout=2000)
    curve.show_compared_costs(np.array([]))
    qtbot.waitUntil(lambda: 10 ** curve.cost_plot.vb.viewRange()[1][0] >= 0.06, timeout=2000)


def test_every_axis_and_colour_bar_of_the_main_window_is_in_the_text_colour(qtbot, window):
    """pyqtgraph's light grey is hard to read on white: tick numbers, axis titles and colour-bar
    captions ("% of the row", "red = negative, blue = positive") use the text colour."""
    import pyqtgraph as pg
    from PySide6.QtGui import QColor

    from nnviz.qt.views import colors

    grey = []
    axes = 0
    for view in window.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem) and item.isVisible() and (item.style["showValues"] or item.labelText):
                axes += 1
                if item.textPen().color() != QColor(colors.FOREGROUND):
                    grey.append((type(view.parent()).__name__, item.orientation, item.labelText))
    assert axes >= 10 and grey == []
