"""The Playground window on tiny data: controls, live training, the network view, editing weights,
hidden space and curve mode. Driven through its widgets and signals, waiting on conditions."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from nnviz.qt._playground_state import PlaygroundState, needs_rebuild
from nnviz.qt.playground_window import PlaygroundWindow

TINY = dict(points=60, data="xor")


@pytest.fixture
def playground(qtbot):
    def make(**settings):
        window = PlaygroundWindow(PlaygroundState(**{**TINY, **settings}))
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        return window

    return make


def _train_epochs(qtbot, window, epochs):
    """Run ``epochs`` more epochs and wait until the window has shown the last one."""
    target = window.session.epoch + epochs
    window.session.set_epoch_limit(target)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_epoch is not None and window.last_epoch.epoch >= target
                    and not window.session.is_busy, timeout=20000)
    window.run_action.trigger()  # held at the limit, it still counts as running: pause it
    qtbot.waitUntil(lambda: not window.session.is_running and window.run_action.text() == "Run", timeout=5000)


def test_title_tiles_and_first_frame(playground):
    window = playground(hidden=(3, 2))
    assert "Playground" in window.windowTitle()
    view = window.network_view
    assert view.tile_counts == [2, 3, 2, 2]
    for column, corners in enumerate(view._corners):  # each column's image covers exactly its tiles
        rect = view.column_rect(column)
        top = corners[0, 1] + 1.0
        assert (rect.left(), rect.width()) == pytest.approx((corners[0, 0], 1.0))
        assert (rect.top(), rect.bottom()) == pytest.approx((corners[-1, 1], top))
    assert window.frames_drawn >= 1
    assert window.epoch_label.text() == "Epoch 0"


def test_run_trains_and_shows_epochs_losses_and_the_decision(qtbot, playground):
    window = playground()
    before = window.decision_view.image.image.copy()
    _train_epochs(qtbot, window, 3)
    window._flush_epochs()
    assert window.loss_view.n_points == 3
    assert window.epoch_label.text() == "Epoch 3"
    assert "Test accuracy" in window.loss_label.text() and "Training loss" in window.loss_label.text()
    assert not np.array_equal(before, window.decision_view.image.image)


def test_step_trains_one_epoch(qtbot, playground):
    window = playground()
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.session.epoch == 1 and not window.session.is_busy, timeout=10000)
    qtbot.waitUntil(lambda: window.epoch_label.text() == "Epoch 1", timeout=5000)


def test_features_checkboxes_change_the_inputs(playground):
    window = playground(hidden=(2,))
    window.controls.feature_boxes["x1x2"].setChecked(True)
    window.controls.feature_boxes["x1"].setChecked(False)
    assert window.state.features == ("x2", "x1x2")
    assert window.session.network.layer_sizes == (2, 2, 2)
    np.testing.assert_allclose(window.session.dataset.x_train[:, 1],
                               window.raw_points.x_train[:, 0] * window.raw_points.x_train[:, 1], rtol=1e-6)
    window.controls.feature_boxes["x2"].setChecked(False)
    window.controls.feature_boxes["x1x2"].setChecked(False)  # the last one stays
    assert window.state.features == ("x1x2",) and window.controls.feature_boxes["x1x2"].isChecked()


def test_plus_and_minus_buttons_change_layers_and_neurons(playground):
    window = playground(hidden=(2,))
    controls = window.controls
    controls.layers_counter.plus.click()
    assert window.session.network.layer_sizes == (2, 2, 4, 2)
    controls.neuron_counters[0].plus.click()
    assert window.session.network.layer_sizes == (2, 3, 4, 2)
    for _ in range(10):
        controls.neuron_counters[1].plus.click()
    assert window.session.network.layer_sizes == (2, 3, 8, 2)  # at most 8
    assert not controls.neuron_counters[1].plus.isEnabled()
    for _ in range(3):
        controls.layers_counter.minus.click()
    assert window.session.network.layer_sizes == (2, 2)
    assert not controls.layers_counter.minus.isEnabled()
    assert "No hidden layer" in window.hidden_view.caption.text()
    axis = window.hidden_view.plot.getPlotItem().getAxis("bottom")
    assert not axis.isVisible()  # no empty 0..1 axes under the message
    controls.layers_counter.plus.click()
    assert axis.isVisible() and axis.labelText == "principal component 1"


def test_training_settings_go_to_the_trainer_without_a_new_network(playground):
    window = playground()
    network = window.session.network
    window.controls.learning_rate.setCurrentIndex(window.controls.learning_rate.findData(0.3))
    assert not window.controls.regularisation_rate.isEnabled()  # no regularisation, no rate
    window.controls.regularisation.setCurrentIndex(window.controls.regularisation.findData("L1"))
    assert window.controls.regularisation_rate.isEnabled()
    window.controls.batch_size.setValue(7)
    config = window.session.trainer.config
    assert (config.learning_rate, config.l1, config.l2, config.batch_size) == (0.3, 0.001, 0.0, 7)
    assert window.session.network is network
    window.controls.activation.setCurrentIndex(window.controls.activation.findData("relu"))
    assert window.session.network is not network and window.session.network.activation == "relu"


def test_sliders_make_new_data(playground):
    window = playground()
    window.controls.points.setValue(100)
    assert window.session.dataset.n_train + window.session.dataset.n_test == 100
    window.controls.split.setValue(50)
    assert window.session.dataset.n_test == 50
    window.controls.noise.setValue(30)
    assert window.state.noise == pytest.approx(0.3)


def test_test_points_switch(playground):
    window = playground()
    legend = window.decision_view.legend
    assert not window.decision_view.test_points.isVisible()
    assert "test points" not in legend.text()  # no key for points not drawn
    window.controls.show_test.setChecked(True)
    assert window.decision_view.test_points.isVisible()
    assert len(window.decision_view.test_points.data) == window.session.dataset.n_test
    assert "outlined squares: test points" in legend.text()
    window.controls.data_box.setCurrentIndex(window.controls.data_box.findData("circles"))  # new data keeps the key
    assert window.state.data == "circles" and "test points" in legend.text()
    window.controls.show_test.setChecked(False)
    assert "test points" not in legend.text() and "circle" in legend.text()


def test_clicking_an_edge_sets_the_weight_typed(qtbot, playground, monkeypatch):
    window = playground(hidden=(2,))
    view = window.network_view
    a, b = view._segments[0, :2], view._segments[0, 2:]
    middle = QPointF(*((a + b) / 2))
    layer, row, col = view.edge_at(middle)
    assert "weight" in view.describe(middle) and "click" in view.describe(middle)
    monkeypatch.setattr("nnviz.qt.playground_window.QInputDialog.getDouble", lambda *args, **kw: (2.5, True))
    view.edge_clicked.emit(layer, row, col, 0.0)
    assert window.session.snapshot.weights[layer][row, col] == 2.5
    assert window.session.network.weights[layer][row, col] == 2.5
    assert f"{2.5:+.3f}" in view.describe(middle)


def test_hovering_a_tile_tells_its_value_there(playground):
    window = playground(hidden=(2,))
    view = window.network_view
    x, y = view._corners[0][0]  # the x1 tile
    text = view.describe(QPointF(x + 0.7, y + 0.5))
    assert text.startswith("x₁") and "x₁ = +0.60" in text


def test_hovering_an_output_tile_tells_its_class_probability(playground):
    from nnviz.engine.features import feature_matrix
    from nnviz.engine.network import forward_pass

    window = playground(data="circles", hidden=(3,))
    view, snapshot = window.network_view, window.session.snapshot
    for row, name in enumerate(window.session.dataset.class_names):
        x, y = view._corners[-1][row]
        text = view.describe(QPointF(x + 0.5, y + 0.5))
        x1, x2 = (float(v) for v in text.split("x₁ = ")[1].split(":")[0].split(", x₂ = "))
        point = feature_matrix(np.array([[x1, x2]], np.float32), window.state.features)
        p = forward_pass(snapshot.weights, snapshot.biases, snapshot.activation, snapshot.cost, point)[-1][0, row]
        shown = float(text.split(f"p({name}) = ")[1].split(" ")[0])
        assert shown == pytest.approx(p, abs=0.03)  # the tile's pixel holds the value near this point


def test_hidden_space_of_a_two_neuron_layer_and_pca_of_a_wider_one(qtbot, playground):
    window = playground(hidden=(4, 2))
    assert window.hidden_layer_box.count() == 2
    assert window.hidden_layer_box.currentData() == 2  # the 2-neuron layer is shown first
    assert window.hidden_view.plot.getPlotItem().getAxis("bottom").labelText == "neuron 1"
    assert len(window.hidden_view.boundary.getData()[0]) == 2  # the output's straight line
    window.hidden_layer_box.setCurrentIndex(0)
    assert window.hidden_view.plot.getPlotItem().getAxis("bottom").labelText == "principal component 1"
    assert "variance" in window.hidden_view.caption.text()


def test_curve_mode_shows_each_neurons_contribution(qtbot, playground):
    window = playground(mode="curve", curve_neurons=5)
    assert window.pages.currentIndex() == 1
    assert window.session.network.layer_sizes == (1, 5, 1)
    assert sum(part.isVisible() for part in window.curve_view.parts) == 5
    window.controls.curve_neurons.setValue(12)
    assert sum(part.isVisible() for part in window.curve_view.parts) == 12
    _train_epochs(qtbot, window, 2)
    window._flush_epochs()
    assert window.curve_loss_view.n_points == 2
    assert "Test accuracy" not in window.loss_label.text()


def test_dragging_the_handle_moves_the_chosen_neurons_step_and_height(playground):
    window = playground(mode="curve", curve_neurons=3)
    window.neuron_editor.neuron.setValue(2)
    window.curve_view.handle.setPos(0.4, 0.7)
    snap = window.session.snapshot
    w, b, v = snap.weights[0][1, 0], snap.biases[0][1], snap.weights[1][0, 1]
    assert -b / w == pytest.approx(0.4, abs=1e-5) and v == pytest.approx(0.7, abs=1e-6)
    assert "x = +0.40" in window.neuron_editor.where.text()
    window.neuron_editor.weight.setValue(20.0)
    assert window.session.snapshot.weights[0][1, 0] == 20.0


def test_a_drawn_curve_becomes_the_target(playground):
    window = playground(mode="curve")
    stroke = np.array([[-1.0, -0.5], [0.0, 0.8], [1.0, -0.5]])
    window.use_drawn_curve(stroke)
    assert window.state.curve == "drawn"
    data = window.session.dataset
    expected = np.interp(data.x_train[:, 0], stroke[:, 0], stroke[:, 1])
    assert np.abs(data.y_train - expected).mean() < 0.1  # the noise is 0.05
    window.use_drawn_curve(np.array([[0.2, 0.1]]))
    assert "not a curve" in window.banner.label.text()


def test_needs_rebuild_only_for_data_and_network_changes():
    state = PlaygroundState()
    assert not needs_rebuild(state, state.replace(learning_rate=0.1, batch_size=5, show_test=True))
    assert needs_rebuild(state, state.replace(noise=0.2))
    with pytest.raises(ValueError, match="hidden layers"):
        state.replace(hidden=(9,))


def test_main_window_opens_the_playground_from_experiments(qtbot, window):
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    actions = {a.text(): a for a in menus["&Experiments"].actions()}
    actions["Playground"].trigger()
    playground = window.playground_window
    qtbot.addWidget(playground)
    assert "Playground" in playground.windowTitle() and playground.isVisible()
    actions["Playground"].trigger()  # again: the same window comes to the front
    assert window.playground_window is playground
    window.close()  # closing the main window closes the Playground and stops its training
    assert not playground.isVisible() and playground.session.thread is None


def test_nnviz_playground_command_opens_the_window(monkeypatch):
    from nnviz import cli

    opened = []
    monkeypatch.setattr("nnviz.qt.playground_app.run_playground", lambda: opened.append(True) or 0)
    monkeypatch.setattr("nnviz.display_check.display_problem", lambda: None)
    assert cli.main(["playground"]) == 0 and opened == [True]


def test_nnviz_playground_without_a_display_says_so(monkeypatch, capsys):
    from nnviz import cli

    monkeypatch.setattr("nnviz.display_check.display_problem", lambda: "nnviz: no display found")
    monkeypatch.setattr("nnviz.qt.playground_app.run_playground", lambda: 1 / 0)  # never reached
    assert cli.main(["playground"]) == 1
    assert capsys.readouterr().err.strip() == "nnviz: no display found"


def test_the_decision_map_is_coloured_by_the_network(qtbot, playground):
    window = playground(data="circles", features=("x1sq", "x2sq"), hidden=(), points=300)
    _train_epochs(qtbot, window, 30)
    view = window.decision_view.plot
    shot = view.grab().toImage()
    centre = view.mapFromScene(view.getViewBox().mapViewToScene(QPointF(0.0, 0.0)))
    corner = view.mapFromScene(view.getViewBox().mapViewToScene(QPointF(1.4, 1.4)))
    inside, outside = shot.pixelColor(centre.x() + 3, centre.y() + 3), shot.pixelColor(corner.x(), corner.y())
    assert inside.red() > inside.blue() + 60  # the circle: red
    assert outside.blue() > outside.red() + 60  # outside it: blue
    # each output tile reads in its own class's colour, as the plane does where the network answers that class
    assert window.session.dataset.class_names == ("circle", "ring")
    circle, ring = window.network_view.tile_colours(1, 0), window.network_view.tile_colours(1, 1)  # RGBA
    assert circle.shape == (50, 50, 4) and circle[25, 25, 0] > circle[25, 25, 2] + 60  # red in the middle
    assert ring[0, 0, 2] > ring[0, 0, 0] + 60  # blue in the corner
    assert min(circle[0, 0, :3]) > 200 and min(ring[25, 25, :3]) > 200  # each pale where the other class is
    x1 = window.network_view.tile_colours(0, 0)  # x1², white at x1 = 0, blue at the sides
    assert min(x1[25, 25, :3]) > 235 and x1[25, 0, 2] > x1[25, 0, 0] + 60


def test_reset_starts_again_from_new_weights_on_the_same_data(qtbot, playground):
    window = playground(hidden=(3,))
    _train_epochs(qtbot, window, 2)
    window._flush_epochs()
    data, weights = window.session.dataset, window.session.snapshot.weights[0].copy()
    window.reset_action.trigger()
    assert window.session.dataset is data and window.session.epoch == 0
    assert not np.array_equal(weights, window.session.snapshot.weights[0])
    assert window.loss_view.n_points == 0 and window.epoch_label.text() == "Epoch 0"


def test_drawing_with_the_mouse_sets_the_target(qtbot, playground):
    from nnviz.qt._scripted import send_stroke

    window = playground(mode="curve")
    window.resize(1400, 900)
    window.controls.draw_button.setChecked(True)
    assert window.curve_view.box.drawing
    view = window.curve_view
    box = view.getViewBox()

    def at(x, y):
        point = view.mapFromScene(box.mapViewToScene(QPointF(x, y)))
        return point.x(), point.y()

    xs = np.linspace(-0.9, 0.9, 25)
    send_stroke(view.viewport(), [at(x, 0.8 * np.cos(3 * x)) for x in xs])
    qtbot.waitUntil(lambda: window.state.curve == "drawn", timeout=5000)
    assert not window.controls.draw_button.isChecked() and not view.box.drawing
    drawn_x, drawn_y = (np.array(v) for v in window.state.drawn)
    np.testing.assert_allclose(drawn_y, 0.8 * np.cos(3 * drawn_x), atol=0.08)
    assert window.controls.curve_box.currentData() == "drawn"


def test_moving_the_mouse_over_an_edge_shows_its_weight(qtbot, playground):
    from PySide6.QtWidgets import QToolTip

    window = playground(hidden=(2,))
    view = window.network_view
    a, b = view._segments[0, :2], view._segments[0, 2:]
    point = view.mapFromScene(view.getViewBox().mapViewToScene(QPointF(*((a + b) / 2))))
    qtbot.mouseMove(view.viewport(), point)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "weight" in QToolTip.text(), timeout=5000)
    QToolTip.hideText()


def test_edges_are_drawn_by_sign_and_size(playground):
    window = playground(hidden=(2,))
    view = window.network_view
    window.set_parameter("weight", 0, (0, 0), 50.0)  # by far the largest: the widest blue item
    window.set_parameter("weight", 0, (1, 1), -0.001)  # tiny and negative: the thinnest red item
    bins = {(sign, strength): (pen, np.column_stack([xs[0::2], ys[0::2], xs[1::2], ys[1::2]]))
            for sign, strength, pen, xs, ys in view.edge_bins()}
    strongest = max(strength for _, strength in bins)
    widest_pen, widest_blue = bins[(1, strongest)]
    thinnest_pen, thinnest_red = bins[(-1, 0)]
    a = view._segments[0]  # x1 -> neuron 1
    b = view._segments[3]  # x2 -> neuron 2
    np.testing.assert_array_equal(widest_blue, [a[[0, 1, 2, 3]]])
    assert any(np.array_equal(row, b) for row in thinnest_red)
    assert widest_pen.widthF() > thinnest_pen.widthF()
    blue, red = widest_pen.color(), thinnest_pen.color()
    assert blue.blue() > blue.red() and red.red() > red.blue()
    bounds = view._edges.boundingRect()  # set once per layout: every line must lie inside it
    for x0, y0, x1, y1 in view._segments:
        assert bounds.contains(x0, y0) and bounds.contains(x1, y1)


def test_the_handle_stays_inside_the_plot_for_a_tall_neuron_and_says_where_it_really_is(playground):
    from nnviz.qt.views.curve_fit import Y_MAX

    window = playground(mode="curve", curve_neurons=2)
    window.set_parameter("weight", 1, (0, 0), 7.5)  # taller than the plot may grow
    view = window.curve_view
    low, high = view.getPlotItem().viewRange()[1]
    assert high == pytest.approx(Y_MAX, rel=0.05) and view.handle.pos().y() < high
    assert "height +7.50" in window.neuron_editor.where.text()
    assert view.off_plot.isVisible() and "height +7.50" in view.off_plot.toPlainText()


def test_the_handle_sits_at_the_chosen_neurons_step_and_height_joined_to_its_curve(playground):
    """A sigmoid neuron stepping down at x = -0.2 to a height of -2.49: the plot takes in its whole
    curve, the circle is at the true height, and a dashed line joins it to the curve at the step."""
    window = playground(mode="curve", curve_neurons=8, activation="sigmoid")
    w, b, v = -10.06, -1.97, -2.49
    window.session.set_parameters([("weight", 0, (0, 0), w), ("bias", 0, (0,), b), ("weight", 1, (0, 0), v)])
    window.draw(window.session.snapshot)
    view = window.curve_view
    step = -b / w
    low, high = view.getPlotItem().viewRange()[1]
    curve_x, curve_y = view.chosen.getData()
    assert low <= curve_y.min() and curve_y.max() <= high  # the chosen curve does not run off the plot
    assert (view.handle.pos().x(), view.handle.pos().y()) == pytest.approx((step, v), abs=1e-4)
    guide_x, guide_y = view.guide.getData()
    assert guide_x == pytest.approx([step, step])
    assert guide_y == pytest.approx([np.interp(step, curve_x, curve_y), v], abs=1e-4)
    assert guide_y[0] == pytest.approx(v / 2, abs=0.01)  # a sigmoid is half way up at its step
    assert not view.off_plot.isVisible()


def test_a_diverging_run_stops_with_a_message_and_no_nan_picture(qtbot, playground):
    window = playground(activation="relu")
    window.session.network.params[:] = 3e38  # overflows at the first step, as a runaway learning rate would
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.session.has_diverged and not window.session.is_busy, timeout=20000)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert "diverge" in window.banner.label.text().lower()
    assert not window.session.is_running and window.run_action.text() == "Run"
    window.grab()  # drawing the last state must not raise


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_the_decision_colour_bar_fits_in_its_view(qtbot, playground, size):
    window = playground(data="spirals", hidden=(8, 8))
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=3000)
    view = window.decision_view
    item = view.plot.getPlotItem()
    bar = view.colour_bar.mapRectToScene(view.colour_bar.boundingRect())
    assert bar.right() <= view.plot.width() + 1  # its tick labels are not cut off at the right
    assert item.geometry().width() <= view.plot.width() + 1


def test_the_hidden_space_caption_says_when_the_layer_is_saturated(playground):
    window = playground(hidden=(2,))
    assert "Saturated" not in window.hidden_view.caption.text()  # fresh weights: points spread inside the square
    window.session.set_parameters([("weight", 0, (0, 0), 60.0), ("weight", 0, (1, 1), 60.0)])
    window.draw(window.session.snapshot)
    assert "Saturated" in window.hidden_view.caption.text()
    assert "% of the points" in window.hidden_view.caption.text()


def test_a_stuck_run_is_said_on_the_banner_and_cleared_once_it_recovers(qtbot, playground):
    """ReLU at learning rate 3 kills every neuron: the fit goes flat and the banner says what to try.
    Brought back to life by hand and trained at a sane rate, the run recovers and the warning goes."""
    from nnviz.engine.learning_check import STUCK_EPOCHS

    window = playground(mode="curve", curve_neurons=5, activation="relu", learning_rate=3.0)
    _train_epochs(qtbot, window, STUCK_EPOCHS + 10)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    text = window.banner.label.text()
    assert "Not learning" in text and "died" in text and "0.3" in text
    window.controls.set_state(window.state.replace(learning_rate=0.03))
    window.apply_state(window.state.replace(learning_rate=0.03))
    steps = np.linspace(-0.8, 0.8, 5)  # five live neurons, steps spread over -1..1
    window.session.set_parameters([change for j, x in enumerate(steps) for change in
                                   (("weight", 0, (j, 0), 5.0), ("bias", 0, (j,), -5.0 * x),
                                    ("weight", 1, (0, j), 0.1))])
    _train_epochs(qtbot, window, 100)
    assert window.last_epoch.test_cost < 0.5 * window.stuck_watch.baseline
    assert not window.banner.isVisible()


@pytest.mark.parametrize("data", ["circles", "xor"])
def test_a_straight_line_at_a_coin_toss_is_told_on_the_banner_it_needs_a_cross(qtbot, playground, data):
    """No hidden layer: the loss stays at ln 2 though the test accuracy wanders above chance."""
    from nnviz.engine.learning_check import STUCK_EPOCHS

    window = playground(data=data, hidden=(), points=500)
    accuracies = []
    window.session.epoch_finished.connect(lambda stats: accuracies.append(stats.test_accuracy))
    _train_epochs(qtbot, window, STUCK_EPOCHS + 5)
    assert max(accuracies) > window.stuck_watch.baseline + 0.05  # the accuracy alone would not say it
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    text = window.banner.label.text()
    assert "Not learning" in text and "straight line cannot separate" in text
    assert "x₁·x₂" in text and "x₁²" in text and "hidden layer" in text


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_the_loss_plot_fits_in_its_view(qtbot, playground, size):
    window = playground(data="spirals", hidden=(8, 8, 2))
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=3000)
    for view in (window.loss_view,):
        assert view.getPlotItem().geometry().width() <= view.width() + 1  # its title does not widen it


def test_the_loss_plot_has_a_title_and_every_axis_reads_dark_on_white(playground):
    from PySide6.QtGui import QColor

    window = playground(hidden=(2,))
    for view in (window.loss_view, window.curve_loss_view):
        assert "Loss:" in view.getPlotItem().titleLabel.text
    axes = [window.decision_view.colour_bar.axis, window.decision_view.colour_bar.getAxis("left")]
    for item in (window.decision_view.plot.getPlotItem(), window.hidden_view.plot.getPlotItem(),
                 window.loss_view.getPlotItem(), window.curve_view.getPlotItem()):
        axes += [item.getAxis("left"), item.getAxis("bottom")]
    for axis in axes:
        assert QColor(axis.textPen().color()).lightness() < 80, axis.labelText  # not pyqtgraph's light grey


@pytest.mark.parametrize("mode", ["plane", "curve"])
def test_at_1024x640_the_window_fits_and_no_plot_is_cut_or_covered(qtbot, playground, mode):
    """The window may be as narrow as a 1024 screen, and each plot is as wide as its title and legend
    need: a plot wider than its view is cut off at the side (the curve's right part lay under the
    neuron editor). The hidden space's caption sits under its plot, not over its axis."""
    window = playground(mode=mode, data="spirals", hidden=(8, 8), points=200)
    assert window.minimumSizeHint().width() <= 1000
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.size().width() == 1024, timeout=3000)
    views = ([window.decision_view.plot, window.hidden_view.plot, window.loss_view] if mode == "plane"
             else [window.curve_view, window.curve_loss_view])
    for view in views:
        assert view.getPlotItem().geometry().width() <= view.width() + 1, type(view).__name__
    if mode == "plane":
        hidden = window.hidden_view
        assert hidden.caption.geometry().top() >= hidden.plot.geometry().bottom()


def test_every_tile_shows_its_units_map_through_the_colour_scale(playground):
    """Tiles are coloured in NumPy: each must match what pyqtgraph's own lookup would paint for that
    unit's map at levels -1..1 (within one step of the table: the two round at different places)."""
    import pyqtgraph as pg

    from nnviz.engine.features import feature_matrix
    from nnviz.engine.network import forward_pass
    from nnviz.engine.playground import PlaneSampler, plane_points
    from nnviz.qt.views.heatmap import heat_lut

    window = playground(hidden=(3, 2), features=("x1", "x2", "x1x2"))
    snapshot = window.session.snapshot
    window.draw(snapshot)
    no_points = np.zeros((0, 2), np.float32)
    maps = PlaneSampler(window.state.features, 50, 50, no_points, no_points).frame(snapshot).maps
    grid = feature_matrix(plane_points(50), window.state.features)
    p = forward_pass(snapshot.weights, snapshot.biases, snapshot.activation, snapshot.cost, grid)[-1]
    p = p.T.reshape(2, 50, 50)  # each class's probability, indexed [x2, x1]
    columns = [*maps[:-1], np.stack([-p[0], p[1]])]  # outputs: class 0 (red) below 0, class 1 (blue) above
    lut = heat_lut()
    step = int(np.abs(np.diff(lut[:, :3].astype(int), axis=0)).max())
    for column, values in enumerate(columns):
        assert window.network_view.tile_counts[column] == len(values)
        for row, value in enumerate(values):
            expected, _ = pg.functions.makeARGB(value, lut=lut, levels=(-1.0, 1.0))  # BGRA
            shown = window.network_view.tile_colours(column, row)
            assert np.abs(shown[..., 2::-1].astype(int) - expected[..., :3]).max() <= step, (column, row)
            assert (shown[..., 3] == 255).all()


def test_heat_colours_run_red_white_blue_and_show_nan_as_white():
    from nnviz.qt.views.heatmap import to_rgba

    colours = to_rgba(np.array([np.nan, -1.0, 0.0, 1.0, -5.0], np.float32)).astype(int)
    nan, low, zero, high, below = colours
    assert min(zero[:3]) > 240 and np.array_equal(nan, zero)  # NaN: the middle of the scale, white
    assert low[0] > low[2] + 100 and high[2] > high[0] + 100  # red below, blue above
    assert np.array_equal(below, low)  # beyond the scale: its end colour
