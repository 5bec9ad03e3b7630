"""Activation space, saliency and the confusion-cell gallery in the main window."""

import numpy as np
import pytest

from nnviz.engine.projection import project_layer, saliency


def _train_one_epoch(qtbot, window):
    with qtbot.waitSignal(window.epoch_shown, timeout=60000):
        window.step_epoch()
    qtbot.waitUntil(lambda: not window.session.is_busy and window.snapshot.step == window.session.step
                    and not window._late_timer.isActive(), timeout=10000)


def test_activation_space_shows_test_digits_in_the_chosen_layer(qtbot, window, sample):
    window.docks["activation_space"].raise_()
    qtbot.waitUntil(window.activation_space.isVisible, timeout=2000)
    _train_one_epoch(qtbot, window)
    view = window.activation_space
    qtbot.waitUntil(lambda: len(view.points()) == 1000, timeout=5000)
    expected = project_layer(window.snapshot, sample.x_test[window._space_indices], 1)
    np.testing.assert_allclose(np.abs(view.points()), np.abs(expected.points), rtol=1e-3, atol=1e-4)
    assert "principal component 1" in view._plot.getAxis("bottom").labelText
    assert "PCA" in view._note.text()
    view._layer_box.setCurrentIndex(1)  # the second hidden layer
    expected = project_layer(window.snapshot, sample.x_test[window._space_indices], 2)
    np.testing.assert_allclose(np.abs(view.points()), np.abs(expected.points), rtol=1e-3, atol=1e-4)
    from nnviz.qt._settings import Architecture

    window.apply_architecture(Architecture((2,), "tanh", "cross-entropy"))  # exact for two neurons
    window._refresh_view("activation_space", fresh=True)
    assert view._plot.getAxis("bottom").labelText == "neuron 0"
    np.testing.assert_allclose(view.points(), window.snapshot.forward(sample.x_test[window._space_indices])[1],
                               rtol=1e-5)


def test_views_out_of_sight_are_drawn_when_exported(qtbot, window, tmp_path):
    window.docks["cost_curve"].raise_()  # activation space and saliency are the tabs behind it
    qtbot.waitUntil(lambda: window.cost_curve.isVisible(), timeout=2000)
    _train_one_epoch(qtbot, window)
    window._show_test_digit(5, "test digit #5")
    assert len(window.activation_space.points()) == 0 and not window.saliency_view.gradient.any()  # not measured
    assert window.export_png(tmp_path / "space.png", "activation_space")
    assert window.export_png(tmp_path / "saliency.png", "saliency")
    assert len(window.activation_space.points()) == 1000  # the picture shows the network as it is
    note = window.activation_space._note
    assert note.height() >= note.heightForWidth(note.width())  # laid out for its new text, not cut
    np.testing.assert_allclose(window.saliency_view.gradient, saliency(window.snapshot, window.current_input)[0],
                               rtol=1e-4, atol=1e-7)


def _label_inside(axis, view) -> bool:
    """The axis label's text (its box less the text item's own margin) lies inside the widget showing it."""
    margin = axis.label.document().documentMargin()
    text = axis.label.boundingRect().adjusted(margin, margin, -margin, -margin)
    return view.rect().contains(view.mapFromScene(axis.label.mapRectToScene(text)).boundingRect())


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_activation_space_axis_labels_are_whole_at_common_screen_sizes(qtbot, window, size):
    window.resize(*size)
    window.docks["activation_space"].raise_()
    view = window.activation_space
    qtbot.waitUntil(view.isVisible, timeout=2000)
    _train_one_epoch(qtbot, window)
    view._layer_box.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(view.points()) == 1000, timeout=5000)
    for name in ("bottom", "left"):
        axis = view._plot.getAxis(name)
        assert axis.labelText.startswith(("principal component", "PC ")) and "%" in axis.labelText
        assert _label_inside(axis, view._plot), (name, axis.labelText)


def test_saliency_follows_the_current_input(qtbot, window, sample):
    window.docks["saliency"].raise_()
    qtbot.waitUntil(window.saliency_view.isVisible, timeout=2000)
    _train_one_epoch(qtbot, window)
    window._show_test_digit(5, "test digit #5")
    gradient, target = saliency(window.snapshot, sample.x_test[5])
    np.testing.assert_allclose(window.saliency_view.gradient, gradient, rtol=1e-4, atol=1e-7)
    assert f"Why “{target}”" in window.saliency_view.caption_text() and "% sure" in window.saliency_view.caption_text()
    assert "down" in window.saliency_view._colorbar.axis.labelText


def test_a_confusion_cell_opens_its_digits_and_one_goes_to_the_pad(qtbot, window, sample):
    _train_one_epoch(qtbot, window)
    predicted = window.snapshot.predict(sample.x_test)
    confusion = np.bincount(sample.y_test * 10 + predicted, minlength=100).reshape(10, 10)
    np.fill_diagonal(confusion, 0)
    true, guess = np.unravel_index(int(np.argmax(confusion)), confusion.shape)
    window.evaluation.cell_clicked.emit(int(true), int(guess))
    qtbot.waitUntil(window.gallery_dialog.isVisible, timeout=2000)
    expected = np.flatnonzero((sample.y_test == true) & (predicted == guess))
    assert window.gallery.count() == min(len(expected), 40)
    assert f"{len(expected)} test digits" in window.gallery_title.text()
    with qtbot.waitSignal(window.outputs_shown, timeout=2000):
        window.gallery._on_clicked(0)
    np.testing.assert_array_equal(window.current_input, sample.x_test[expected[0]])
    assert window.snapshot.predict(window.current_input) == guess


def test_steady_label_repaints_without_asking_for_a_new_layout(qtbot):
    """A QLabel's new text re-lays out its container; a SteadyLabel's does not, unless it needs more room."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    from nnviz.qt.views._steady_label import SteadyLabel

    class LayoutRequests(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.LayoutRequest:
                self.count += 1
            return False

    boxes = []  # kept alive to the end

    def requests_after(label, texts) -> int:
        box = QWidget()
        boxes.append(box)
        qtbot.addWidget(box)
        QVBoxLayout(box).addWidget(label)
        box.show()
        qtbot.waitExposed(box)
        label.setText(texts[0])
        qtbot.wait(1)  # a sent layout request would be handled here...
        watcher = LayoutRequests()
        box.installEventFilter(watcher)
        for text in texts[1:]:
            label.setText(text)
            QApplication.processEvents()  # ...and here
        box.removeEventFilter(watcher)
        return watcher.count

    texts = [f"step {i:,}" for i in (1000, 1001, 1002, 1003)]
    assert requests_after(QLabel(), texts) > 0  # the cost SteadyLabel avoids
    steady = SteadyLabel()
    assert requests_after(steady, texts) == 0
    assert steady.text() == "step 1,003" and steady.label.text() == "step 1,003"
    wide = steady.sizeHint().width()
    steady.setText("step 1,000,000 · a much longer text")  # needs more room: the widget asks for it
    assert steady.sizeHint().width() > wide
    qtbot.waitUntil(lambda: steady.label.width() >= steady.label.sizeHint().width(), timeout=2000)
    steady.setText("step 1")  # keeps its width: no jumping toolbar
    assert steady.sizeHint().width() > wide


def test_graph_and_bars_redraw_only_what_visibly_changed(qtbot):
    """At every frame while training: a snapshot that moves no line to another bin, no neuron to another
    colour and no bar by a pixel repaints nothing; one that does, repaints."""
    from nnviz.engine.network import Network
    from nnviz.qt.views.drawing_pad import BAR_STEP, DigitPanel
    from nnviz.qt.views.network_graph import NetworkGraphView

    graph, panel = NetworkGraphView(), DigitPanel()
    for widget in (graph, panel):
        qtbot.addWidget(widget)
    updates = {"edges": 0, "neurons": 0}
    for name, item in (("edges", graph._edges), ("neurons", graph._neurons)):
        def counting(*args, _name=name, _original=item.update):
            updates[_name] += 1
            return _original(*args)
        item.update = counting
    network = Network((784, 16, 16, 10), activation="relu", seed=3)
    snapshot = network.snapshot()
    x = np.linspace(0, 1, 784, dtype=np.float32)
    graph.show_snapshot(snapshot)
    graph.show_activations(snapshot.forward(x))
    assert updates["edges"] >= 1 and updates["neurons"] >= 1
    before = dict(updates)
    graph.show_snapshot(snapshot)  # the same weights again
    graph.show_activations(snapshot.forward(x))
    assert updates == before
    network.weights[2][3] *= -1  # some output weights change sign: their lines change colour
    changed = network.snapshot()
    graph.show_snapshot(changed)
    graph.show_activations(changed.forward(x))
    assert updates["edges"] == before["edges"] + 1
    assert sum(len(xs) for sign, _, _, xs, _ in graph.edge_bins() if sign > 0) // 2 == int(
        (changed.weights[1] > 0).sum() + (changed.weights[2] > 0).sum()
        + sum((row[np.argsort(-np.abs(row))[:5]] > 0).sum() for row in changed.weights[0]))

    outputs = np.full(10, 0.05, np.float32)
    outputs[4] = 0.55
    panel.show_outputs(outputs, [str(i) for i in range(10)])
    drawn = panel._bars.opts["height"]
    panel.show_outputs(outputs + BAR_STEP / 3, [str(i) for i in range(10)])  # under a pixel
    assert panel._bars.opts["height"] is drawn
    np.testing.assert_allclose(panel.bar_heights(), outputs + BAR_STEP / 3)  # what it reports is exact
    outputs[4], outputs[6] = 0.25, 0.35  # a visible change, and a new winner
    panel.show_outputs(outputs, [str(i) for i in range(10)])
    np.testing.assert_allclose(panel._bars.opts["height"], outputs)
    assert "6" in panel.winner_text()


def test_cost_curve_draws_a_delivery_of_several_epochs_once(qtbot):
    """At full speed one delivery brings several epochs: the main window's curve draws them together."""
    from nnviz.engine.trainer import BatchStats, EpochStats
    from nnviz.qt.views.cost_curve import CostCurveView

    curve = CostCurveView()
    qtbot.addWidget(curve)
    curve.coalesce = True
    drawn = []
    original = curve._train_curve.setData
    curve._train_curve.setData = lambda *a, **k: (drawn.append(len(a[0])), original(*a, **k))
    for epoch in (1, 2, 3):
        curve.add_batches([BatchStats(step=100 * epoch - 99 + i, epoch=epoch - 1, batch=i, batches_per_epoch=100,
                                      cost=1.0 / epoch, learning_rate=0.01) for i in range(100)])
        curve.add_epoch(EpochStats(epoch=epoch, train_cost=1.0 / epoch, test_cost=1.1 / epoch,
                                   test_accuracy=0.8 + 0.05 * epoch, confusion=np.eye(10, dtype=np.int64),
                                   seconds=1.0, samples_per_second=1000.0))
    assert drawn == [] and len(curve.epoch_data()["test"][0]) == 3  # the data at once, the drawing later
    qtbot.waitUntil(lambda: drawn == [3], timeout=2000)  # one redraw with all three epochs
    assert "epoch 3: 95.0%" in curve.accuracy_plot.titleLabel.text
    assert curve.cost_plot.vb.viewRange()[0][1] >= 300  # the range follows all of it
    curve.add_epoch(EpochStats(epoch=4, train_cost=0.2, test_cost=0.2, test_accuracy=0.96,
                               confusion=np.eye(10, dtype=np.int64), seconds=1.0, samples_per_second=1000.0))
    curve.coalesce = False  # e.g. the window closing: what waits is drawn now, no timer left running
    assert drawn == [3, 4] and not curve._redraw_timer.isActive()


def test_confusion_labels_too_small_to_read_are_not_laid_out_until_they_can_be_read(qtbot):
    from nnviz.engine.trainer import EpochStats
    from nnviz.qt.views.evaluation import EvaluationView

    view = EvaluationView()
    qtbot.addWidget(view)
    view.resize(300, 260)  # cells of a few pixels: colours and tooltips only
    view.show()
    qtbot.waitExposed(view)
    confusion = np.diag(np.full(10, 90)) + 1
    for epoch in (1, 2):
        view.show_epoch(EpochStats(epoch=epoch, train_cost=0.3, test_cost=0.3, test_accuracy=0.9,
                                   confusion=confusion * epoch, seconds=1.0, samples_per_second=1.0),
                        [str(i) for i in range(10)])
    assert not any(text.isVisible() for text in view._texts)
    assert all(text.toPlainText() == "" for text in view._texts)  # nothing set while unreadable
    assert view.cell_text(3, 3) == "91"  # yet known: 91 of the row's 100
    view.resize(700, 760)
    qtbot.waitUntil(lambda: all(text.isVisible() for text in view._texts), timeout=2000)
    assert view._texts[3 * 10 + 3].toPlainText() == view.cell_text(3, 3)
    assert view._texts[3 * 10 + 4].toPlainText() == view.cell_text(3, 4) == "1.0"
