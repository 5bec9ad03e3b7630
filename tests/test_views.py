"""The views show what they are given: neuron shading, edges, weight images, curves, drawing pad, confusion.

Every test drives a real widget (offscreen) and checks its state after show_snapshot and friends.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QMouseEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest

from nnviz.engine.network import Network
from nnviz.engine.neuron import pixel_templates
from nnviz.engine.trainer import BatchStats, EpochStats
from nnviz.qt.views import colors as _colors
from nnviz.qt.views.cost_curve import EMA_ALPHA, CostCurveView
from nnviz.qt.views.drawing_pad import DRAW_PROMPT, DigitPanel
from nnviz.qt.views.evaluation import NO_RESULTS, EvaluationView
from nnviz.qt.views._edge_layer import BIN_ALPHAS
from nnviz.qt.views.network_graph import INPUT_EDGES_PER_NEURON, NetworkGraphView
from nnviz.qt.views.weight_images import WeightImagesView

DIGITS = tuple(str(i) for i in range(10))


@pytest.fixture
def snapshot():
    return Network((784, 16, 16, 10), activation="relu", seed=3).snapshot()


@pytest.fixture
def digit_image():
    """A (784,) image of a ring, roughly a zero."""
    r, c = np.mgrid[0:28, 0:28]
    d = np.hypot(r - 14, c - 14)
    return np.clip(1.5 - np.abs(d - 7), 0, 1).astype(np.float32).reshape(784)


def _rgb(color) -> tuple[int, int, int]:
    return tuple(int(v) for v in color[:3])


def _click_scene_point(qtbot, graphics_widget, viewbox, x: float, y: float) -> None:
    """Left-click the widget where view coordinates (x, y) are drawn."""
    scene_point = viewbox.mapViewToScene(QPointF(x, y))
    widget_point = graphics_widget.mapFromScene(scene_point)
    QTest.mouseClick(graphics_widget.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, widget_point)


def _shown(qtbot, widget, width: int, height: int):
    """``widget`` at ``width`` x ``height``, shown and exposed, closed after the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# ---------------------------------------------------------------------------------- network graph


def test_graph_shades_neurons_by_activation(qtbot, snapshot, digit_image):
    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    acts = snapshot.forward(digit_image)
    acts[1] = np.zeros(16, np.float32)
    acts[1][3] = 1.0  # one strongly-on hidden neuron among silent ones
    acts[3] = np.eye(10, dtype=np.float32)[7]
    view.show_activations(acts)

    hidden = view.neuron_colors(1)
    assert hidden.shape == (16, 4)
    assert _rgb(hidden[3]) == _colors.ACTIVATION_ON_RGB
    others = np.delete(hidden, 3, axis=0)
    assert all(_rgb(c) == _colors.ACTIVATION_OFF_RGB for c in others)
    outputs = view.neuron_colors(3)
    assert _rgb(outputs[7]) == _colors.ACTIVATION_ON_RGB
    assert _rgb(outputs[0]) == _colors.ACTIVATION_OFF_RGB
    # the input image shows the input
    np.testing.assert_array_equal(view._input_image.image, digit_image.reshape(28, 28))


def test_graph_edges_hold_weights_by_sign(qtbot, snapshot):
    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    w0, w1, w2 = snapshot.weights
    top = np.argsort(-np.abs(w0), axis=1)[:, :INPUT_EDGES_PER_NEURON]
    input_vals = np.take_along_axis(w0, top, axis=1)
    expected_positive = int((input_vals > 0).sum() + (w1 > 0).sum() + (w2 > 0).sum())
    expected_total = input_vals.size + w1.size + w2.size
    assert view.edge_count == expected_total

    positive = negative = 0
    for sign, _, _, x, y in view.edge_bins():
        assert len(x) == len(y) and len(x) % 2 == 0  # pairs of endpoints
        if sign > 0:
            positive += len(x) // 2
        else:
            negative += len(x) // 2
    assert positive == expected_positive
    assert positive + negative == expected_total
    # blue for positive, red for negative, as the legend says
    for sign, strength, pen, _, _ in view.edge_bins():
        r, g, b = _rgb(pen.color().getRgb())
        assert (b > r) if sign > 0 else (r > b)
        if strength == len(BIN_ALPHAS) - 1:  # the strongest edges are nearly the pure colour
            pure = _colors.POSITIVE_RGB if sign > 0 else _colors.NEGATIVE_RGB
            assert max(abs(u - v) for u, v in zip((r, g, b), pure)) < 40
    assert "excites" in view._legend.text() and "inhibits" in view._legend.text()
    assert not view._legend.wordWrap()  # one line


def test_graph_updates_in_place_and_rebuilds_for_new_architecture(qtbot, snapshot):
    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    edges = view._edges
    texts = list(view._texts)
    trained = Network((784, 16, 16, 10), activation="relu", seed=4).snapshot()
    view.show_snapshot(trained)
    assert view._edges is edges
    assert view._texts == texts  # same items: nothing rebuilt for the same layer sizes

    for sizes in [(784, 10), (784, 12, 11, 10, 9, 8, 7, 10), (2, 5, 2)]:
        snap = Network(sizes).snapshot()
        view.show_snapshot(snap)
        x = np.full(sizes[0], 0.5, np.float32)
        view.show_activations(snap.forward(x))
        assert len(view._neurons.data) == sum(sizes[1:]) + (0 if sizes[0] == 784 else sizes[0])
        assert view._edges is edges
        assert view.edge_count > 0
        # The edge item's bounds are set per layout, not per frame: every line must lie inside them.
        bounds = view._edges.boundingRect()
        for _, _, _, xs, ys in view.edge_bins():
            assert all(bounds.contains(QPointF(x, y)) for x, y in zip(xs, ys))
        assert view._neurons.boundingRect().contains(QPointF(*view._positions[-1][0]))
        assert len(view.neuron_colors(len(sizes) - 1)) == sizes[-1]


def test_graph_output_labels_and_tooltip(qtbot, snapshot, digit_image):
    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    acts = snapshot.forward(digit_image)
    view.show_activations(acts)
    winner = int(np.argmax(acts[-1]))
    labels = [text for text, _ in view.output_labels()]
    assert labels[winner].startswith(f"{winner}  ")
    view.set_class_names([f"class {i}" for i in range(10)])
    assert view.output_labels()[2][0].startswith("class 2")
    assert view.output_labels()[winner][1] == QColor(_colors.WINNER_HEX).name()

    tip = view.neuron_tooltip(2, 5)
    assert "Hidden layer 2, neuron 5" in tip
    assert f"activation: {acts[2][5]:.3f}" in tip
    assert f"bias: {float(snapshot.biases[1][5]):+.3f}" in tip
    # for the current input: the inputs' contributions w×a, largest first
    contributions = snapshot.weights[1][5] * acts[1]
    strongest = int(np.argmax(np.abs(contributions)))
    assert "largest contributions w×a" in tip
    assert f"= {contributions[strongest]:+.3f} from hidden layer 1 neuron {strongest}" in tip
    first = view.neuron_tooltip(1, 0)
    assert "pixel (row" in first


def test_graph_click_emits_and_select_neuron_does_not(qtbot, snapshot):
    view = _shown(qtbot, NetworkGraphView(), 900, 560)
    view.show_snapshot(snapshot)
    x, y = view._positions[2][4]
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as blocker:
        _click_scene_point(qtbot, view._plot, view._vb, x, y)
    assert blocker.args == [2, 4]
    assert view.selected_neuron() == (2, 4)

    with qtbot.assertNotEmitted(view.neuron_selected):
        view.select_neuron(3, 9)
    assert view.selected_neuron() == (3, 9)
    sx, sy = view._selection.getData()
    assert (sx[0], sy[0]) == tuple(view._positions[3][9])


# ---------------------------------------------------------------------------------- weight images
def test_weight_images_show_weights_with_symmetric_levels(qtbot, snapshot):
    view = WeightImagesView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    images = view.images(1)
    assert len(images) == 16
    for i, image in enumerate(images):
        np.testing.assert_array_equal(image, snapshot.weights[0][i].reshape(28, 28))
    low, high = view.levels(1)
    assert low == -high and high > 0
    np.testing.assert_allclose(view._colorbar.levels(), (low, high))
    # One mosaic draws them all: each weight in the colour of the bar's scale, the gaps transparent.
    mosaic = view.mosaic(1).image
    x, y, w, h = (int(v) for v in view._cell_rect(1, 5))
    assert (w, h) == (28, 28)
    lut = _colors.weight_colormap().getLookupTable(nPts=512, alpha=False)  # the colour bar's colours
    for row, col in ((0, 0), (10, 3), (27, 27)):
        value = snapshot.weights[0][5][row * 28 + col]
        k = int(np.clip((value - low) / (high - low) * len(lut), 0, len(lut) - 1))
        np.testing.assert_array_equal(mosaic[y + row, x + col], [*lut[k], 255])
    assert mosaic[y - 1, x, 3] == 0 and mosaic[y, x + 28, 3] == 0  # the gaps above and beside
    corner = view.mosaic(1).mapToParent(QPointF(x, y))  # one picture pixel per data unit: on its cell
    assert (corner.x(), corner.y()) == (x, y)
    assert "negative" in view._colorbar.axis.labelText and "positive" in view._colorbar.axis.labelText

    templates = view.images(2)
    expected = snapshot.weights[1] @ snapshot.weights[0]
    np.testing.assert_allclose(templates[3], expected[3].reshape(28, 28), rtol=1e-5, atol=1e-6)
    outputs = view.images(3)
    # softmax outputs: what every output template shares is taken away (softmax ignores it)
    t = pixel_templates(snapshot.weights)[2]
    np.testing.assert_allclose(outputs[7], (t[7] - t.mean(axis=0)).reshape(28, 28), rtol=1e-4, atol=1e-6)
    assert "W2·W1" in view._layer_box.itemText(1)
    x, y, w, h = view._cell_rect(1, 5)
    assert view.pixel_text(1, 5, x + w * 3.5 / 28, y + h * 10.5 / 28) == \
        f"\npixel (row 10, col 3): weight {float(snapshot.weights[0][5][10 * 28 + 3]):+.3f}"


def test_weight_images_click_enlarges_and_select_switches_layer(qtbot, snapshot):
    view = _shown(qtbot, WeightImagesView(), 560, 560)
    view.show_snapshot(snapshot)
    x, y, w, h = view._cell_rect(1, 6)
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as blocker:
        _click_scene_point(qtbot, view._plot, view._vb, x + w / 2, y + h / 2)
    assert blocker.args == [1, 6]
    assert view.enlarged_neuron() == (1, 6)
    assert view._enlarged.isVisible()
    np.testing.assert_array_equal(view._enlarged.image, snapshot.weights[0][6].reshape(28, 28))
    assert "neuron 6" in view._caption.text()

    view._back.click()
    assert view.enlarged_neuron() is None
    with qtbot.assertNotEmitted(view.neuron_selected):
        view.select_neuron(2, 11)
    assert view.current_layer() == 2
    assert view._highlight.isVisible()
    assert view._highlight.rect().contains(QPointF(*view._cell_rect(2, 11)[:2]) + QPointF(1, 1))
    assert view.mosaic(2).isVisible()
    assert not view.mosaic(1).isVisible()


def test_weight_images_without_hidden_layers_and_for_non_images(qtbot):
    view = WeightImagesView()
    qtbot.addWidget(view)
    snap = Network((784, 10)).snapshot()
    view.show_snapshot(snap)
    assert len(view.images(1)) == 10
    assert "Output" in view._layer_box.itemText(0)
    w = snap.weights[0]
    np.testing.assert_allclose(view.images(1)[9], (w[9] - w.mean(axis=0)).reshape(28, 28), atol=1e-6)

    view.show_snapshot(Network((2, 8, 2)).snapshot())
    assert view._stack.currentWidget() is view._message
    assert len(view.images(1)) == 0


FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")


def test_weight_images_name_output_neurons_by_class(qtbot, snapshot):
    view = _shown(qtbot, WeightImagesView(), 330, 330)
    view.show_snapshot(snapshot)
    view.set_class_names(FASHION)
    view.select_neuron(3, 9)
    assert view.current_layer() == 3
    labels = [label.toPlainText() for label in view._labels[3]]
    assert labels[4] == "Coat" and labels[9].startswith("Ank")  # shortened only when too wide
    pixel = view._vb.viewPixelSize()[0]
    for label in view._labels[3]:
        width = QFontMetricsF(label.textItem.font()).horizontalAdvance(label.toPlainText())
        assert width <= 28 / pixel + 1  # no name runs into the next image
    assert "“Ankle boot”" in view.image_tooltip(3, 9)
    assert "“" not in view.image_tooltip(1, 9)  # hidden neurons have no class
    assert [label.toPlainText() for label in view._labels[1]][:3] == ["0", "1", "2"]


def test_weight_images_make_numbers_only_for_a_layer_that_can_show_them(qtbot):
    from nnviz.qt.views._caption import Caption

    view = _shown(qtbot, WeightImagesView(), 330, 330)
    view.show_snapshot(Network((784, 128, 10), seed=0).snapshot())

    def numbers():
        return [item for item in view._vb.addedItems if isinstance(item, Caption)]

    assert numbers() == []  # 128 images: numbers would overlap, so none is made
    assert "neuron 100" in view.image_tooltip(1, 100).lower()  # the tooltip still names each
    view.select_neuron(2, 3)  # the ten outputs are numbered
    qtbot.waitUntil(lambda: len(numbers()) == 10 and all(label.isVisible() for label in numbers()), timeout=3000)
    assert [label.toPlainText() for label in numbers()] == [str(i) for i in range(10)]


def test_heat_maps_and_signed_thumbnails_share_one_red_white_blue_mapping(qtbot):
    from PySide6.QtGui import QImage

    from nnviz.qt.views.digit_strip import signed_pixmap
    from nnviz.qt.views.heatmap import to_rgba

    values = np.linspace(-1.5, 1.5, 28 * 28, dtype=np.float32).reshape(28, 28)
    index = _colors.signed_index(values)
    assert index.min() == 0 and index.max() == 255 and (np.diff(index.ravel().astype(int)) >= 0).all()
    assert _colors.signed_index(np.array([0.0, np.nan, -np.inf, np.inf], np.float32)).tolist() == [127, 127, 0, 255]
    assert _colors.signed_index(np.array([-0.5, 0.5], np.float32), m=0.5).tolist() == [0, 255]
    picture = signed_pixmap(values, 28, limit=1.0).toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(picture.constBits(), np.uint8).reshape(28, picture.bytesPerLine())
    thumbnail = rows[:, :28 * 3].reshape(28, 28, 3)
    assert np.array_equal(thumbnail, to_rgba(values)[..., :3])  # a value gets one colour in both views


# ---------------------------------------------------------------------------------- cost curve
def _batches(start: int, n: int, epoch: int = 0) -> list[BatchStats]:
    return [BatchStats(step=s, epoch=epoch, batch=s - start, batches_per_epoch=n,
                       cost=2.0 / (1 + 0.01 * s), learning_rate=0.01)
            for s in range(start, start + n)]


def _epoch(epoch: int, accuracy: float) -> EpochStats:
    return EpochStats(epoch=epoch, train_cost=0.5 / epoch, test_cost=0.6 / epoch,
                      test_accuracy=accuracy, confusion=np.eye(10, dtype=np.int64),
                      seconds=1.0, samples_per_second=1000.0)


def test_cost_curve_holds_points_added(qtbot):
    view = CostCurveView()
    qtbot.addWidget(view)
    view.add_batches(_batches(1, 300))
    view.add_epoch(_epoch(1, 0.9))
    view.add_batches(_batches(301, 300, epoch=1))
    view.add_epoch(_epoch(2, 0.93))
    steps, costs = view.batch_data()
    np.testing.assert_array_equal(steps, np.arange(1, 601))
    np.testing.assert_allclose(costs, 2.0 / (1 + 0.01 * np.arange(1, 601)))
    s_steps, smooth = view.smoothed_data()
    assert len(smooth) == 600 and smooth[0] == pytest.approx(costs[0])
    assert costs[-1] <= smooth[-1] <= costs[0]  # a lagging average of a falling curve
    epochs = view.epoch_data()
    np.testing.assert_array_equal(epochs["train"][0], [300, 600])
    np.testing.assert_allclose(epochs["test"][1], [0.6, 0.3])
    np.testing.assert_allclose(epochs["accuracy"][1], [90.0, 93.0])
    assert "93.0%" in view.accuracy_plot.titleLabel.text
    assert view.accuracy_plot.getAxis("bottom").labelText == "training step (mini-batches)"
    assert view.cost_plot.getAxis("left").labelText == "cost (log)"
    assert view.accuracy_plot.getAxis("left").labelText == "test accuracy %"

    rows = view.history_rows()
    assert len(rows) == 602
    assert rows[0] == {"kind": "batch", "step": 1, "epoch": 0, "cost": pytest.approx(2.0 / 1.01),
                       "test_cost": None, "test_accuracy": None}
    assert rows[300]["kind"] == "epoch" and rows[300]["test_accuracy"] == pytest.approx(0.9)

    view.clear()
    assert len(view.batch_data()[0]) == 0 and view.history_rows() == []


def test_cost_curve_smooths_like_the_step_by_step_average_and_keeps_row_order(qtbot):
    view = CostCurveView()
    qtbot.addWidget(view)
    rng = np.random.default_rng(1)
    costs = rng.uniform(0.1, 3.0, 700)
    stats = [BatchStats(step=i + 1, epoch=0, batch=i, batches_per_epoch=700, cost=float(c),
                        learning_rate=0.01) for i, c in enumerate(costs)]
    view.add_batches(stats[:1])
    view.add_batches(stats[1:400])  # chunks longer than one block of the vectorised average
    view.add_epoch(_epoch(1, 0.5))
    view.add_batches(stats[400:])
    ema = weight = 0.0
    expected = []
    for c in costs:
        ema = (1 - EMA_ALPHA) * ema + EMA_ALPHA * c
        weight = (1 - EMA_ALPHA) * weight + EMA_ALPHA
        expected.append(ema / weight)
    np.testing.assert_allclose(view.smoothed_data()[1], expected, rtol=1e-12)
    kinds = [r["kind"] for r in view.history_rows()]
    assert kinds.index("epoch") == 400 and len(kinds) == 701


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_cost_curve_range_follows_the_data_with_one_paint_per_update(qtbot):
    view = _shown(qtbot, CostCurveView(), 420, 330)
    view.add_batches(_batches(1, 5000))
    (x0, x1), (y0, y1) = view.cost_plot.vb.viewRange()  # y in decades: a log axis
    smooth = view.smoothed_data()[1]
    assert x0 == 0.0 and 5000 <= x1 <= 6000 and 10 ** y0 <= smooth.min() and 10 ** y1 >= smooth.max()
    assert not any(view.cost_plot.vb.autoRangeEnabled())  # no rescans of 100k points

    paints = _PaintCounter()
    view._plot.viewport().installEventFilter(paints)
    view.add_batches(_batches(5001, 50))
    qtbot.waitUntil(lambda: paints.count >= 1, timeout=2000)
    for _ in range(3):  # each turn would deliver a repaint requested while painting
        QApplication.processEvents()
    assert paints.count == 1  # pyqtgraph's delayed auto-range used to repaint two or three times
    view._plot.viewport().removeEventFilter(paints)

    view.cost_plot.vb.setRange(xRange=(100, 200), padding=0.0)  # as if zoomed by hand ...
    view.cost_plot.vb.sigRangeChangedManually.emit([True, True])
    view.add_batches(_batches(5051, 50))
    assert view.cost_plot.vb.viewRange()[0] == [100, 200] and not view.is_following()
    view.cost_plot.autoBtnClicked()  # ... and the "A" button follows the data again
    assert view.is_following() and view.cost_plot.vb.viewRange()[0][0] == 0.0
    assert not any(view.cost_plot.vb.autoRangeEnabled())


def test_cost_curve_axis_stays_readable_when_training_diverges(qtbot):
    """Costs of 1e+35 would squash the curve and give tick labels wider than the axis: the axis stops."""
    curve = CostCurveView()
    qtbot.addWidget(curve)
    curve.resize(400, 400)
    costs = [2.3] * 12 + [4e3, 2e35]
    curve.add_batches([BatchStats(step=i + 1, epoch=0, batch=i, batches_per_epoch=100, cost=c,
                                  learning_rate=10.0) for i, c in enumerate(costs)])
    low, high = curve.cost_plot.vb.viewRange()[1]  # decades: a log axis
    assert 10 ** low <= 2.3 and 2.3 * 10 < 10 ** high <= 2.3 * 100
    labels = [text for level in curve.cost_plot.getAxis("left")._tickLevels for at, text in level
              if text and low <= at <= high]
    assert labels and max(len(text) for text in labels) <= 3
    assert "2e+35" in curve.cut_off_text()
    curve.clear()
    assert curve.cut_off_text() == ""
    curve.add_batches(_batches(1, 5))  # a normal run: no note, the axis fits the curve
    assert curve.cut_off_text() == ""
    assert 10 ** curve.cost_plot.vb.viewRange()[1][1] < 20.0


def test_cost_curve_grows_past_many_thousand_points(qtbot):
    view = CostCurveView()
    qtbot.addWidget(view)
    for start in range(1, 30001, 500):
        view.add_batches(_batches(start, 500))
    steps, costs = view.batch_data()
    assert len(steps) == 30000 and steps[-1] == 30000
    assert np.isfinite(view.smoothed_data()[1]).all()
    assert view.cost_plot.ctrl.clipToViewCheck.isChecked()
    assert view.cost_plot.ctrl.autoDownsampleCheck.isChecked()


# ---------------------------------------------------------------------------------- digit panel
def _canvas_point(canvas, fx: float, fy: float) -> QPoint:
    r = canvas._target_rect()
    return QPoint(int(r.x() + fx * r.width()), int(r.y() + fy * r.height()))


def _stroke(canvas, points) -> None:
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(canvas, left, none, _canvas_point(canvas, *points[0]))
    for a, b in zip(points, points[1:]):
        for t in np.linspace(0.0, 1.0, 6):
            QTest.mouseMove(canvas, _canvas_point(canvas, a[0] + (b[0] - a[0]) * t,
                                                  a[1] + (b[1] - a[1]) * t))
    QTest.mouseRelease(canvas, left, none, _canvas_point(canvas, *points[-1]))


SEVEN_TOP = [(0.3, 0.25), (0.7, 0.25)]
SEVEN_LEG = [(0.7, 0.25), (0.45, 0.8)]


@pytest.fixture
def panel(qtbot):
    widget = _shown(qtbot, DigitPanel(), 420, 620)
    return widget


def test_drawing_emits_preprocessed_input(qtbot, panel):
    with qtbot.waitSignal(panel.input_changed, timeout=2000) as blocker:
        _stroke(panel.canvas, SEVEN_TOP)
    vec = blocker.args[0]
    assert isinstance(vec, np.ndarray) and vec.shape == (784,) and vec.dtype == np.float32
    assert vec.max() > 0.5 and 0.0 <= vec.min()
    np.testing.assert_array_equal(panel.preview_image(), vec.reshape(28, 28))
    assert len(panel.canvas.strokes) == 1


def test_drawing_is_throttled_while_the_pen_moves(qtbot, panel):
    received = []
    panel.input_changed.connect(received.append)
    canvas = panel.canvas
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _canvas_point(canvas, 0.3, 0.3))
    for t in np.linspace(0.3, 0.7, 20):
        QTest.mouseMove(canvas, _canvas_point(canvas, t, 0.5))
    assert received == []  # twenty moves, no event loop yet: one pending update, not twenty
    assert panel._throttle.isActive()
    with qtbot.waitSignal(panel.input_changed, timeout=2000):
        pass  # the throttle timer fires while the pen is still down
    assert len(received) == 1 and received[0].any()
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       _canvas_point(canvas, 0.7, 0.5))
    assert len(received) == 2 and not panel._throttle.isActive()


def test_undo_and_clear(qtbot, panel):
    _stroke(panel.canvas, SEVEN_TOP)
    with qtbot.waitSignal(panel.input_changed, timeout=2000) as both:
        _stroke(panel.canvas, SEVEN_LEG)
    assert len(panel.canvas.strokes) == 2
    with qtbot.waitSignal(panel.input_changed, timeout=2000) as after_undo:
        panel._undo_button.click()
    assert len(panel.canvas.strokes) == 1
    assert not np.array_equal(after_undo.args[0], both.args[0])
    assert after_undo.args[0].any()
    with qtbot.waitSignal(panel.input_changed, timeout=2000) as after_clear:
        panel._clear_button.click()
    assert panel.canvas.is_blank()
    assert not after_clear.args[0].any()
    assert not panel.canvas.to_array().any()


def test_show_outputs_updates_bars_and_winner(qtbot, panel):
    _stroke(panel.canvas, SEVEN_TOP)
    outputs = np.array([0.01, 0.0, 0.02, 0.01, 0.0, 0.0, 0.0, 0.93, 0.02, 0.01], np.float32)
    panel.show_outputs(outputs, DIGITS)
    np.testing.assert_allclose(panel.bar_heights(), outputs)
    assert panel.winner_text() == "The network says: 7 (93% sure)"
    assert panel._bars_plot.getAxis("left")._tickLevels == [[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]]
    brushes = panel._bars.opts["brushes"]
    assert brushes[7].color().name() == _colors.WINNER_HEX
    assert brushes[0].color().name() == _colors.BAR_HEX


def test_nan_outputs_name_no_winner(qtbot, panel, snapshot):
    """A diverged network's outputs are NaN: argmax would say "0", the views say they are not numbers."""
    _stroke(panel.canvas, SEVEN_TOP)
    outputs = np.full(10, np.nan, np.float32)
    panel.show_outputs(outputs, DIGITS)
    assert "not numbers" in panel.winner_text() and "Reset" in panel.winner_text()
    assert "says" not in panel.winner_text()
    assert not panel.bar_heights().any()
    assert {b.color().name() for b in panel._bars.opts["brushes"]} == {_colors.BAR_HEX}
    panel.clear_outputs()
    assert panel.winner_text() == DRAW_PROMPT

    graph = NetworkGraphView()
    qtbot.addWidget(graph)
    graph.show_snapshot(snapshot)
    acts = snapshot.forward(np.zeros(784, np.float32))
    acts[-1] = outputs
    graph.show_activations(acts)
    assert {color for _, color in graph.output_labels()} == {QColor(_colors.FOREGROUND).name()}


def test_drawn_digit_through_a_network_gives_bars_summing_to_one(qtbot, panel, snapshot):
    def forward(vec):
        panel.show_outputs(snapshot.forward(vec)[-1], DIGITS)

    panel.input_changed.connect(forward)
    with qtbot.waitSignal(panel.input_changed, timeout=2000):
        _stroke(panel.canvas, SEVEN_TOP + SEVEN_LEG[1:])
    assert panel.bar_heights().sum() == pytest.approx(1.0, abs=1e-5)
    assert panel.winner_text().startswith("The network says: ")


def test_bars_with_long_class_names_are_numbered(qtbot, panel):
    outputs = np.full(10, 0.01, np.float32)
    outputs[9] = 0.91
    panel.show_outputs(outputs, FASHION)
    ticks = dict(panel._bars_plot.getAxis("bottom")._tickLevels[0])
    assert ticks[9] == "9" and "9: Ankle boot" in panel._bars_plot.toolTip()
    panel.show_outputs(outputs, DIGITS)
    assert dict(panel._bars_plot.getAxis("bottom")._tickLevels[0])[9] == "9"
    assert panel._bars_plot.getAxis("bottom").labelText == "digit"


def test_show_input_displays_a_test_digit(qtbot, panel, digit_image):
    with qtbot.assertNotEmitted(panel.input_changed):
        panel.show_input(digit_image, "test digit #17, label 0")
    np.testing.assert_array_equal(panel.preview_image(), digit_image.reshape(28, 28))
    assert panel.caption_text() == "test digit #17, label 0"
    assert not panel.canvas.is_blank()
    # the canvas shows the digit: ink where the ring is, paper in the middle
    drawing = panel.canvas.to_array()
    assert drawing[140, 140] < 0.1 and drawing[140, 140 + 70] > 0.5
    # drawing afterwards starts afresh
    with qtbot.waitSignal(panel.input_changed, timeout=2000):
        _stroke(panel.canvas, SEVEN_TOP)
    assert panel.caption_text() == "your drawing"
    assert panel.canvas.to_array()[140, 140 + 70] < 0.1


def test_pad_caption_keeps_each_number_with_its_word(panel, digit_image):
    panel.show_input(digit_image, "test digit #4: label 9, network says 4")
    shown = panel._caption.text()  # wraps only at the other spaces, never "label" / "9"
    assert "digit\u00a0#4" in shown and "label\u00a09" in shown and "says\u00a04" in shown
    assert "test digit" in shown and shown.count("\u00a0") == 3
    assert panel.caption_text() == "test digit #4: label 9, network says 4"


def test_test_digit_buttons_emit_requests(qtbot, panel):
    with qtbot.waitSignal(panel.random_test_digit_requested, timeout=1000):
        panel._random_button.click()
    with qtbot.waitSignal(panel.next_misclassified_requested, timeout=1000):
        panel._misclassified_button.click()
    assert panel._random_button.text() == "Random test digit"
    assert panel._misclassified_button.text() == "Next misclassified"


# ---------------------------------------------------------------------------------- evaluation
def test_evaluation_shows_accuracy_and_confusion_matrix(qtbot):
    view = EvaluationView()
    qtbot.addWidget(view)
    rng = np.random.default_rng(0)
    confusion = rng.integers(0, 20, size=(10, 10)) + np.diag(rng.integers(800, 1000, size=10))
    stats = SimpleNamespace(epoch=3, test_accuracy=0.934, test_cost=0.25, confusion=confusion)
    view.show_epoch(stats, DIGITS)
    assert view.accuracy_text() == "93.4%"
    np.testing.assert_array_equal(view.confusion(), confusion)
    # one unit everywhere: the % of the row (rounded down), never a count
    share = 100 * confusion[4, 9] / confusion[4].sum()
    assert view.cell_text(4, 9) == ("" if not confusion[4, 9] else f"{np.floor(share * 10) / 10:.1f}")
    assert view.cell_text(2, 2) == str(100 * confusion[2, 2] // confusion[2].sum())
    assert all(len(view.cell_text(i, j)) <= 3 for i in range(10) for j in range(10))
    assert "% of the row" in view._matrix_title.text()
    shown = view._image.image
    np.testing.assert_allclose(shown, 100 * confusion / confusion.sum(axis=1, keepdims=True),
                               rtol=1e-5)
    assert view._matrix_plot.getAxis("left").labelText == "true digit"
    assert view._matrix_plot.getAxis("bottom").labelText == "predicted digit"
    assert f"{confusion[4, 9]} test images of “4” were mistaken for “9”" in view.cell_tooltip(4, 9)

    items = list(view._texts)
    view.show_epoch(SimpleNamespace(epoch=4, test_accuracy=0.95, test_cost=0.2,
                                    confusion=confusion * 2), DIGITS)
    assert view._texts == items  # updated in place
    assert view.cell_text(0, 1) == view.cell_text(0, 1)  # same shares: doubling changes no %
    assert f"{2 * confusion[3, 3]} of the" in view.cell_tooltip(3, 3)  # full counts in tooltips
    assert "%" in view._colorbar.axis.labelText and "row" in view._colorbar.axis.labelText


def test_evaluation_clear_goes_back_to_no_results(qtbot):
    view = EvaluationView()
    qtbot.addWidget(view)
    confusion = np.diag(np.full(10, 90)) + 1
    view.show_epoch(SimpleNamespace(epoch=1, test_accuracy=0.9, test_cost=0.3, confusion=confusion), DIGITS)
    assert view.cell_text(2, 2) != ""
    view.clear()
    assert view.accuracy_text() == "—"
    assert view.detail_text() == NO_RESULTS
    assert view.confusion().size == 0
    assert all(view.cell_text(i, j) == "" for i in range(10) for j in range(10))
    assert not view._image.image.any()
    assert view._plot.toolTip() == ""
    view.show_epoch(SimpleNamespace(epoch=1, test_accuracy=0.5, test_cost=1.0, confusion=confusion), DIGITS)
    assert view.accuracy_text() == "50.0%"  # fills again after a clear


def test_evaluation_text_fits_its_cells_and_long_class_names(qtbot):
    view = _shown(qtbot, EvaluationView(), 400, 350)
    confusion = np.full((10, 10), 7) + np.diag(np.full(10, 1000))
    confusion[3, 5] = 1234  # a badly confused class early in training
    view.show_epoch(SimpleNamespace(epoch=1, test_accuracy=0.8, test_cost=0.5,
                                    confusion=confusion), FASHION)
    vb = view._matrix_plot.vb
    cell = vb.width() / 10  # cells need not be square: the matrix fills its plot
    for text in view._texts:  # no text spills into its neighbours
        assert QFontMetricsF(text.textItem.font()).horizontalAdvance(text.toPlainText()) <= cell
    assert view._texts[0].textItem.font().pixelSize() >= 8  # yet legible at dock size
    left = dict(view._matrix_plot.getAxis("left")._tickLevels[0])
    bottom = dict(view._matrix_plot.getAxis("bottom")._tickLevels[0])
    assert left[9] == "Ankle boot 9" and bottom[9] == "9"
    assert view._matrix_plot.getAxis("left").labelText == "true class"
    assert "Ankle boot" in view.cell_tooltip(9, 9)


def test_evaluation_numbers_never_overlap_in_a_tiny_matrix(qtbot):
    view = _shown(qtbot, EvaluationView(), 400, 350)
    confusion = np.full((10, 10), 3) + np.diag(np.full(10, 90))
    view.show_epoch(SimpleNamespace(epoch=1, test_accuracy=0.8, test_cost=0.5, confusion=confusion), DIGITS)
    assert all(text.isVisible() for text in view._texts)
    view.resize(200, 200)
    qtbot.waitUntil(lambda: min(view._matrix_plot.vb.width(), view._matrix_plot.vb.height()) < 100)
    view._fit_text()
    vb = view._matrix_plot.vb
    cell = vb.width() / 10
    for text in view._texts:  # hidden, or fitting its cell
        width = QFontMetricsF(text.textItem.font()).horizontalAdvance(text.toPlainText())
        assert not text.isVisible() or width <= cell


# ---------------------------------------------------------------------------------- hovering
def _hover_scene_point(graphics_widget, viewbox, x: float, y: float) -> None:
    """Move the mouse (no button) to view point (x, y), delivered straight to the viewport.

    Sent as an event rather than with QTest.mouseMove, whose cursor positions the offscreen
    platform shifts by the window frame.
    """
    viewport = graphics_widget.viewport()
    local = QPointF(graphics_widget.mapFromScene(viewbox.mapViewToScene(QPointF(x, y))))
    event = QMouseEvent(QEvent.Type.MouseMove, local, QPointF(viewport.mapToGlobal(local)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def test_hovering_a_neuron_explains_it_and_selection_shows_its_inputs(qtbot, snapshot, digit_image):
    view = _shown(qtbot, NetworkGraphView(), 900, 560)
    view.show_snapshot(snapshot)
    view.show_activations(snapshot.forward(digit_image))
    x, y = view._positions[3][7]
    _hover_scene_point(view._plot, view._vb, x, y)  # one move: the scene drops rapid repeats
    qtbot.waitUntil(lambda: "Output, neuron 7" in view._vb.toolTip(), timeout=2000)
    assert "activation:" in view._vb.toolTip() and "bias:" in view._vb.toolTip()

    view.select_neuron(2, 1)
    drawn = sum(len(c.getData()[0] if c.getData()[0] is not None else []) // 2
                for c in view._selected_edges.values())
    assert drawn == 16  # all incoming weights of a hidden-layer-2 neuron
    pos_x, _ = view._selected_edges[1].getData()
    assert len(pos_x) // 2 == int((snapshot.weights[1][1] > 0).sum())


def test_hovering_images_and_cells_gives_tooltips(qtbot, snapshot):
    weights = _shown(qtbot, WeightImagesView(), 560, 560)
    weights.show_snapshot(snapshot)
    x, y, w, h = weights._cell_rect(1, 9)
    _hover_scene_point(weights._plot, weights._vb, x + w / 2, y + h / 2)
    qtbot.waitUntil(lambda: "neuron 9" in weights._plot.toolTip(), timeout=2000)

    evaluation = _shown(qtbot, EvaluationView(), 500, 500)
    confusion = np.full((10, 10), 3) + np.diag(np.full(10, 900))
    evaluation.show_epoch(SimpleNamespace(epoch=1, test_accuracy=0.9, test_cost=0.3,
                                          confusion=confusion), DIGITS)
    _hover_scene_point(evaluation._plot, evaluation._matrix_plot.vb, 5, 3)  # column 5, row 3
    qtbot.waitUntil(lambda: "“3” were mistaken for “5”" in evaluation._plot.toolTip(), timeout=2000)


def test_views_survive_a_diverged_network(qtbot):
    """NaN/inf weights (training diverged) are drawn as zero instead of crashing the window."""
    net = Network((784, 16, 16, 10))
    net.weights[0][3, 5] = np.nan
    net.weights[1][:] = np.inf
    snap = net.snapshot()
    graph, weights, curve = NetworkGraphView(), WeightImagesView(), CostCurveView()
    for widget in (graph, weights, curve):
        qtbot.addWidget(widget)
    graph.show_snapshot(snap)
    with np.errstate(all="ignore"):
        acts = snap.forward(np.ones(784, np.float32))
    graph.show_activations(acts)
    assert graph.edge_count == 16 * INPUT_EDGES_PER_NEURON + 16 * 16 + 10 * 16
    weights.show_snapshot(snap)
    assert np.isfinite(weights.images(1)[3]).all()
    assert weights.levels(1)[1] > 0
    stats = _batches(1, 3)
    stats[1] = BatchStats(step=2, epoch=0, batch=1, batches_per_epoch=3, cost=float("nan"),
                          learning_rate=0.01)
    curve.add_batches(stats)
    np.testing.assert_array_equal(curve.batch_data()[0], [1, 3])
    assert np.isfinite(curve.smoothed_data()[1]).all()
    assert len(curve.history_rows()) == 3


@pytest.mark.parametrize(("size", "full"), [((380, 300), False), ((1000, 600), True)])
def test_graph_column_titles_never_run_into_each_other(qtbot, size, full):
    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(Network((784, 16, 16, 10), seed=0).snapshot())
    items = view._column_titles
    qtbot.waitUntil(lambda: view.column_titles()[0] != "Hidden 1\n16 neurons" or full, timeout=5000)
    rects = [item.mapRectToScene(item.boundingRect()) for item in items]
    for left, right in zip(rects, rects[1:]):
        assert left.right() < right.left(), view.column_titles()  # no overlap on screen
    plot_area = view._vb.sceneBoundingRect()
    assert all(rect.top() >= plot_area.top() for rect in rects), view.column_titles()  # not cut off
    titles = view.column_titles()  # hidden 1, hidden 2, output: the input is the image
    assert ("neurons" in titles[0]) == full  # the full titles when there is room
    assert [title.split("\n")[-1].split()[0] for title in titles] == ["16", "16", "10"]  # counts always shown


def test_weight_images_update_only_the_layer_on_screen(qtbot, snapshot):
    view = WeightImagesView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    assert set(view._mosaics) == {1}  # deeper layers' items are made when first shown
    assert len(view._templates) == 1  # and no deeper template computed
    updates = {1: 0, 3: 0}

    def count_updates(layer):
        item = view._mosaics[layer]

        def counting(*args, _original=item.setImage, **kwargs):
            updates[layer] += 1
            return _original(*args, **kwargs)

        item.setImage = counting

    count_updates(1)
    view.show_snapshot(snapshot)
    assert updates[1] == 1  # one frame: the first layer's mosaic of 16 images
    view.select_neuron(3, 4)  # showing the output layer brings it up to date
    t = pixel_templates(snapshot.weights)[2]
    np.testing.assert_allclose(view._images[3][4], (t[4] - t.mean(axis=0)).reshape(28, 28), rtol=1e-4, atol=1e-6)
    count_updates(3)
    view.show_snapshot(snapshot)
    assert updates == {1: 1, 3: 1}  # now only the output layer's mosaic
    assert set(view._mosaics) == {1, 3}


def test_blank_pad_names_the_forced_answer(qtbot, panel):
    """With nothing drawn the bars still show an answer; the text says it is forced, not a reading."""
    outputs = np.full(10, 0.05, np.float32)
    outputs[5] = 0.55
    panel.show_outputs(outputs, DIGITS)
    assert panel.canvas.is_blank()
    assert "Blank: it still says 5" in panel.winner_text() and "% sure" in panel.winner_text()
    assert "The network says" not in panel.winner_text()


def test_noise_and_blank_buttons_send_inputs_and_the_answer_keeps_its_place(qtbot, panel):
    with qtbot.waitSignal(panel.input_changed, timeout=1000) as noise:
        panel._noise_button.click()
    x = noise.args[0]
    assert x.shape == (784,) and 0.3 < x.mean() < 0.7 and x.std() > 0.2
    assert "noise" in panel.caption_text()
    panel.show_outputs(np.eye(10, dtype=np.float32)[3] * 0.9 + 0.01, DIGITS)
    assert panel.winner_text() == "The network says: 3 (91% sure)"
    height = panel._winner.height()
    with qtbot.waitSignal(panel.input_changed, timeout=1000) as blank:
        panel._blank_button.click()
    assert not blank.args[0].any()
    panel.show_outputs(np.eye(10, dtype=np.float32)[3] * 0.9 + 0.01, DIGITS)
    assert "Blank: it still says 3 (91% sure)" in panel.winner_text()
    assert panel._winner.height() == height  # a longer answer does not push the bars down
    assert panel.canvas.minimumWidth() >= 200 and panel.canvas.minimumHeight() >= 200
