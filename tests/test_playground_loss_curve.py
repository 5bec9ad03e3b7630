"""The Playground's loss curve: a log axis that an early spike does not flatten, ticks that are not
cut off, and a growing buffer handed to pyqtgraph as views that are never written again."""

import math

import numpy as np
import pytest

from nnviz.qt.views.curve_fit import CurveFitView
from nnviz.qt.views.loss_curve import LossCurveView


@pytest.fixture
def loss_view(qtbot):
    view = LossCurveView()
    qtbot.addWidget(view)
    view.resize(260, 300)
    view.show()
    return view


def test_an_early_spike_does_not_flatten_the_rest(loss_view):
    epochs = np.arange(1, 201)
    train = np.concatenate([[450.0], np.geomspace(0.7, 0.004, 199)])  # rate 3: one huge first epoch
    loss_view.add(epochs, train, train * 1.1)
    low, high = loss_view.y_decades
    assert low <= math.log10(0.004) and high >= math.log10(450 * 1.1)
    # on a log axis the last fifth of training (0.03 -> 0.004) spans a visible share of the height
    share = (math.log10(0.03) - math.log10(0.004)) / (high - low)
    assert share > 0.1
    assert "log scale" in loss_view.getPlotItem().getAxis("left").labelText


def test_the_buffer_is_handed_over_as_views_and_never_written_again(loss_view):
    loss_view.add([1, 2, 3], [0.7, 0.6, 0.5], [0.8, 0.7, 0.6])
    first_x, first_y = loss_view.train_curve.xData, loss_view.train_curve.yData
    assert np.shares_memory(first_y, loss_view._data)  # a view, not a copy of the history
    before = first_y.copy()
    for start in range(4, 1000, 50):  # appends, and grows the buffer past its first 256 slots
        epochs = np.arange(start, start + 50)
        loss_view.add(epochs, np.full(50, 0.4), np.full(50, 0.45))
        np.testing.assert_array_equal(first_y, before)  # what pyqtgraph was given stays as it was
    assert loss_view.n_points == 3 + 20 * 50
    np.testing.assert_array_equal(loss_view.train_curve.xData[:5], [1, 2, 3, 4, 5])
    assert len(loss_view.train_curve.xData) == loss_view.n_points


def test_nan_losses_leave_gaps_and_clearing_starts_again(loss_view):
    loss_view.add([1, 2, 3], [0.5, float("nan"), 0.3], [0.6, 0.5, float("inf")])
    assert loss_view.n_points == 3
    low, high = loss_view.y_decades
    assert (low, high) == (-1.0, 0.0)
    loss_view.clear_curve()
    x = loss_view.train_curve.xData
    assert loss_view.n_points == 0 and (x is None or len(x) == 0)


def test_the_last_epoch_tick_keeps_its_label(loss_view):
    loss_view.add(np.arange(1, 301), np.full(300, 0.3), np.full(300, 0.35))
    axis = loss_view.getPlotItem().getAxis("bottom")
    assert axis.style["hideOverlappingLabels"] is False  # 300 at the right end is drawn, not dropped
    assert loss_view.getPlotItem().getViewBox().viewRange()[0][1] >= 300


def test_the_curve_legend_sits_outside_the_plot_where_the_handle_moves(qtbot):
    view = CurveFitView()
    qtbot.addWidget(view)
    for size in ((700, 500), (560, 420)):
        view.resize(*size)
        view.show()
        qtbot.waitUntil(lambda: view.width() == size[0], timeout=3000)
        box = view.box.mapRectToScene(view.box.boundingRect())
        legend = view.legend.mapRectToScene(view.legend.boundingRect())
        assert legend.height() > 0 and not legend.intersects(box)
        assert legend.bottom() <= view.height() + 1  # and inside the widget, not cut off
