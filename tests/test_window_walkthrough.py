"""Fixes from a learner's walk-through of the main window: keys, warnings, opened models, data
switches, settings, and a layout that fits a 1280x720 screen."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar

from nnviz.engine.network import Network
from nnviz.qt._settings import LEARNING_RATE_RANGE, Architecture


def test_space_in_the_learning_rate_box_types_there_and_does_not_start_training(qtbot, window):
    box = window.training_controls.learning_rate
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (box, box.lineEdit()))
    before = box.value()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert not window.session.is_running and not window.session.is_busy
    assert window.session.step == 0
    assert box.value() == pytest.approx(before)  # the box still holds its number
    window.network_graph.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not box.lineEdit())
    with qtbot.waitSignal(window.session.running_changed, timeout=5000):
        qtbot.keyClick(window.network_graph, Qt.Key.Key_Space)  # elsewhere Space still starts training
    window.pause_training()


def test_guessing_at_chance_level_is_reported(qtbot, window):
    window.apply_architecture(Architecture((16, 16), "sigmoid", "cross-entropy"))
    controls = window.training_controls
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
    controls.learning_rate.setValue(10.0)
    with qtbot.waitSignal(window.message_shown, timeout=30000,
                          check_params_cb=lambda text, level: "guessing" in text or "stalled" in text) as said:
        window.step_epoch()
    # The epoch's own (info) message may follow at once in the status bar: the banner keeps the warning.
    text, level = said.args
    assert level == "warning"
    assert "learning rate 10 times smaller (1 instead of 10)" in text
    assert "reset the network" in text
    qtbot.waitUntil(lambda: not window.session.is_busy, timeout=10000)
    assert window.banner.label.text() == text


def test_a_capped_learning_rate_says_so(qtbot, window):
    box = window.training_controls.learning_rate
    box.setValue(LEARNING_RATE_RANGE[1])
    with qtbot.waitSignal(window.message_shown, timeout=2000):
        box.stepBy(1)
    assert "capped at 10" in window.last_message
    assert box.value() == LEARNING_RATE_RANGE[1]


def test_an_opened_model_shows_its_test_results_at_once(qtbot, window, sample, tmp_path):
    from nnviz.engine.model_io import save_model
    from nnviz.engine.trainer import TrainConfig, Trainer

    network = Network((784, 16, 16, 10), seed=3)
    trainer = Trainer(network, sample, TrainConfig(epochs=1))
    for _ in trainer.run():
        pass
    path = tmp_path / "trained.npz"
    save_model(path, network, {"epoch": 1})
    assert window.open_model(path)
    expected = network.evaluate(sample.x_test, sample.y_test)
    assert window.evaluation.accuracy_text() == f"{100 * expected.accuracy:.1f}%"
    np.testing.assert_array_equal(window.evaluation.confusion(), expected.confusion)
    assert window.evaluation.accuracy_text() in window.last_message


def test_switching_data_mid_training_says_what_it_did(qtbot, window, sample):
    window.step_batch()
    # not the first running_changed(False): a step's "started" arrives as False once the worker is no
    # longer running continuously, possibly before its mini-batch is done
    qtbot.waitUntil(lambda: window.session.step == 1 and not window.session.is_busy, timeout=10000)
    window.set_dataset(sample)  # the same data again: the window still says what it did
    assert "Switched from MNIST sample" in window.last_message
    assert "keeps what it learned" in window.last_message


def test_activation_choice_is_off_without_hidden_layers(window):
    editor = window.architecture_editor
    editor.layer_count.setValue(0)
    assert not editor.activation.isEnabled()
    editor.layer_count.setValue(1)
    assert editor.activation.isEnabled()


def test_title_does_not_repeat_the_application_name(window):
    assert "nnviz" not in window.windowTitle()  # the platform adds "— nnviz" itself


def test_epochs_schedule_and_shifts_are_window_settings(qtbot, window):
    controls = window.training_controls
    controls.epochs.setValue(3)
    controls.schedule.setCurrentIndex(controls.schedule.findData("constant"))
    controls.augment.setValue(0)
    config = window.session.config
    assert (config.epochs, config.schedule, config.augment) == (3, "constant", 0)
    assert window.settings.hyper_parameters().epochs == 3
    with qtbot.waitSignal(window.session.finished, timeout=60000):
        window.start_training()
    assert window.session.epoch == 3
    assert "3 epochs" in window.last_message


def _tabbed(window) -> set[str]:
    """Titles of the docks that share tabs."""
    titles = set()
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            titles.update(bar.tabText(i) for i in range(bar.count()))
    return titles


def test_a_1280x720_screen_gets_tabs_and_readable_views(qtbot, window):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.is_compact() and window._compact_shown, timeout=5000)
    tabs = {window.docks[key].windowTitle() for key in ("weight_images", "cost_curve", "evaluation", "network_graph")}
    assert tabs <= _tabbed(window)
    for key in ("network_graph", "weight_images", "cost_curve", "evaluation"):
        window.docks[key].raise_()
        view = window.docks[key].widget()
        qtbot.waitUntil(view.isVisible, timeout=2000)
        qtbot.waitUntil(lambda v=view: v.width() >= 600 and v.height() >= 450, timeout=2000)
        if key == "cost_curve":
            assert window.cost_curve.cost_plot.height() >= 120
    pad = window.docks["digit_panel"].widget()
    assert pad.isVisible() and pad.canvas.width() >= 200 and pad.canvas.height() >= 200
    window.resize(1400, 900)  # a big screen again: every view at once
    qtbot.waitUntil(lambda: not window._compact_shown, timeout=5000)
    assert all(isinstance(d, QDockWidget) and d.isVisible() for d in window.docks.values())


def test_weight_images_stay_readable_for_a_big_layer(qtbot):
    from nnviz.qt.views.weight_images import MIN_THUMB_PX, WeightImagesView

    view = WeightImagesView()
    qtbot.addWidget(view)
    view.resize(320, 320)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(Network((784, 128, 10), seed=1).snapshot())

    def thumb_px() -> float:
        pixel_x, _ = view._vb.viewPixelSize()
        return 28 / pixel_x if pixel_x > 0 else 0.0

    qtbot.waitUntil(lambda: thumb_px() >= MIN_THUMB_PX - 0.5, timeout=3000)  # the grid scrolls rather than shrinks
    assert view._scroll.verticalScrollBar().maximum() > 0
    assert "Hidden 1" in view._layer_box.currentText()
    assert view._layer_box.width() >= view._layer_box.sizeHint().width() - 1  # "Show:" not cut


def test_a_layer_of_256_is_drawn_as_bars_and_hover_finds_every_neuron(qtbot):
    from PySide6.QtCore import QPointF

    from nnviz.qt.views.network_graph import NetworkGraphView

    view = NetworkGraphView()
    qtbot.addWidget(view)
    view.resize(700, 450)
    view.show()
    qtbot.waitExposed(view)
    snapshot = Network((784, 256, 10), seed=0).snapshot()
    view.show_snapshot(snapshot)
    found = set()
    for neuron in range(256):
        x, y = view._positions[1][neuron]
        points = view._neurons.pointsAt(QPointF(x + 0.1, y))  # a little off centre: the bar is wide
        found.update(view._spot_ids[int(p.data())] for p in points)
    assert {(1, n) for n in range(256)} <= found
    assert all(s != "o" for s in view._neurons.data["symbol"][:256])
    assert view._neurons.data["symbol"][-1] == "o"  # the 10 outputs stay circles
