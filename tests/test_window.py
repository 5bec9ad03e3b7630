"""The main window with every view live: training from the GUI, drawing, selection, divergence, closing."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel

from nnviz.qt._settings import Architecture
from nnviz.qt.main_window import MainWindow


def paused(window):
    return not window.session.is_running and window.start_action.text() == "Start"


def all_shown(window):
    """The views show the trainer's current state: latest snapshot and every mini-batch's cost."""
    batches = sum(row["kind"] == "batch" for row in window.cost_curve.history_rows())
    return window.snapshot.step == window.session.trainer.step == batches


def train_one_epoch(qtbot, window):
    with qtbot.waitSignal(window.epoch_shown, timeout=60000) as blocker:
        window.step_epoch()
    qtbot.waitUntil(lambda: paused(window) and all_shown(window), timeout=10000)
    return blocker.args[0]


def test_default_window_shows_every_view_and_the_data(window, sample):
    assert window.session.network.layer_sizes == (784, 16, 16, 10)
    for key in ("network_graph", "weight_images", "cost_curve", "digit_panel", "evaluation", "training"):
        dock = window.docks[key]
        assert dock.isVisible() and not dock.isFloating() and dock.windowTitle()
        assert dock.widget().width() > 150 and dock.widget().height() > 150
    assert "4,000 training and 1,000 test digits" in window.data_status.text()
    assert sample.name in window.data_status.text()


@pytest.mark.parametrize("size", [(800, 600), (2560, 1440)])
def test_layout_at_small_and_large_sizes(qtbot, window, size):
    from nnviz.qt.main_window import SETTINGS_WIDTH

    minimum = window.minimumSize()
    assert minimum.width() <= 800 and minimum.height() <= 600  # a small screen can hold it
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=5000)
    qtbot.waitUntil(lambda: window._compact_shown == (size[0] < 1000), timeout=5000)  # tabs when small
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1]  # the layout in use fits
    settings = window.docks["training"].widget()
    assert SETTINGS_WIDTH[0] <= settings.width() <= SETTINGS_WIDTH[1]  # a form, not half the screen
    assert settings.width() >= settings.widget().minimumSizeHint().width()  # nothing cut off
    for key in ("network_graph", "weight_images", "cost_curve", "digit_panel", "evaluation"):
        window.docks[key].raise_()  # a tab brought to the front
        view = window.docks[key].widget()
        qtbot.waitUntil(lambda v=view: v.isVisible() and v.width() >= 120 and v.height() >= 150, timeout=2000)
    if size[0] > 2000:
        assert window.docks["network_graph"].width() > 3 * settings.width()


def test_snapshot_reaches_the_views_then_pause(qtbot, window):
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step > 0, timeout=10000):
        window.toggle_training()
    assert window.start_action.text() == "Pause"
    window.toggle_training()
    qtbot.waitUntil(lambda: paused(window) and all_shown(window), timeout=10000)
    snap = window.snapshot
    # The views hold this very snapshot's data.
    assert window.network_graph._snapshot is snap
    first_layer = window.weight_images.images(1)
    assert len(first_layer) == 16
    for i in (0, 7, 15):
        np.testing.assert_allclose(first_layer[i], snap.weights[0][i].reshape(28, 28))
    steps = [row["step"] for row in window.cost_curve.history_rows() if row["kind"] == "batch"]
    assert steps and steps[-1] == snap.step
    assert "step" in window.progress_label.text()


def test_closing_while_training_stops_the_thread(qtbot, window):
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step > 0, timeout=10000):
        window.start_training()
    thread = window.session.thread
    assert thread.isRunning()
    window.close()
    assert thread.isFinished()
    assert window.session.thread is None


def _mouse(widget, kind, x, y, buttons):
    pos = QPointF(x, y)
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw_stroke(canvas, points):
    """Press, move through ``points`` with the button held, release (a real mouse stroke)."""
    left = Qt.MouseButton.LeftButton
    _mouse(canvas, QEvent.Type.MouseButtonPress, *points[0], left)
    for x, y in points[1:]:
        _mouse(canvas, QEvent.Type.MouseMove, x, y, left)
    _mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1], Qt.MouseButton.NoButton)


def test_drawing_a_digit_updates_preview_bars_and_graph(qtbot, window):
    train_one_epoch(qtbot, window)
    canvas = window.digit_panel.canvas
    w, h = canvas.width(), canvas.height()
    # a "1": one vertical stroke down the middle
    points = [(w * 0.5, h * (0.15 + 0.7 * t / 20)) for t in range(21)]
    with qtbot.waitSignal(window.outputs_shown, timeout=5000) as blocker:
        draw_stroke(canvas, points)
    outputs = blocker.args[0]
    assert outputs.shape == (10,)
    assert outputs.sum() == pytest.approx(1.0, abs=1e-5)  # softmax
    preview = window.digit_panel.preview_image()
    assert preview.shape == (28, 28) and preview.max() > 0.5
    qtbot.waitUntil(lambda: abs(window.digit_panel.bar_heights().sum() - 1.0) < 1e-4, timeout=5000)
    np.testing.assert_allclose(window.digit_panel.bar_heights(), outputs, atol=1e-6)
    assert window.digit_panel.winner_text() != "Draw a digit to see what the network says."
    assert window.current_input is not None
    # the graph lights up with this very input: its image, and every neuron shaded by its activation
    graph = window.network_graph
    np.testing.assert_allclose(graph._input_image.image, preview, atol=1e-6)
    np.testing.assert_allclose(graph._activations[-1], outputs, atol=1e-6)
    output_colors = graph.neuron_colors(3).astype(int)
    brightness = output_colors[:, :3].sum(axis=1)
    assert int(np.argmin(brightness)) == int(np.argmax(outputs))  # the winner is the most lit
    assert len({tuple(c) for c in graph.neuron_colors(1)}) > 1  # hidden neurons differ, not all "off"
    assert f"{outputs.max():.2f}" in graph.output_labels()[int(np.argmax(outputs))][0]
    # Esc clears the pad
    assert window.clear_pad_action.shortcut() == QKeySequence(Qt.Key.Key_Escape)
    window.clear_pad_action.trigger()
    assert window.current_input is None


def test_one_epoch_end_to_end(qtbot, window):
    stats = train_one_epoch(qtbot, window)
    rows = window.cost_curve.history_rows()
    assert sum(row["kind"] == "batch" for row in rows) == window.session.trainer.step
    assert any(row["kind"] == "epoch" for row in rows)
    assert stats.test_accuracy > 0.1  # better than chance with ten digits
    assert window.evaluation.confusion().sum() == window.dataset.n_test
    assert "%" in window.evaluation.accuracy_text()
    assert "Epoch 1" in window.last_message


def test_progress_shows_the_last_batch_of_an_epoch(qtbot, window):
    train_one_epoch(qtbot, window)
    batches = window.session.trainer.step
    assert f"step {batches:,} · epoch 1, batch {batches:,} of {batches:,}" in window.progress_label.text()


def test_test_digits_go_through_the_same_path(qtbot, window):
    train_one_epoch(qtbot, window)
    with qtbot.waitSignal(window.outputs_shown, timeout=5000) as blocker:
        window.digit_panel.random_test_digit_requested.emit()
    assert blocker.args[0].sum() == pytest.approx(1.0, abs=1e-5)
    assert "test digit" in window.digit_panel.caption_text()
    with qtbot.waitSignal(window.outputs_shown, timeout=5000) as blocker:
        window.digit_panel.next_misclassified_requested.emit()
    i = window._misclassified_cursor
    assert window.snapshot.predict(window.dataset.x_test[i:i + 1])[0] != window.dataset.y_test[i]
    assert "network says" in window.digit_panel.caption_text()


def test_slow_motion_redraws_every_batch_only_when_batches_are_slower_than_the_throttle(qtbot, window):
    controls = window.training_controls
    controls.set_delay_ms(5)
    controls.delay_changed.emit(0.005)
    assert window.session.delay == pytest.approx(0.005)
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step > 0, timeout=10000):
        window.start_training()
    assert window.session.is_paced  # nearly full speed: the frame clock still throttles
    controls.delay_changed.emit(0.1)
    assert not window.session.is_paced  # ten batches a second: each one shown as it comes
    window.pause_training()
    qtbot.waitUntil(lambda: paused(window), timeout=5000)


def test_step_one_batch_and_shortcuts(qtbot, window):
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step == 1, timeout=10000):
        window.step_action.trigger()
    assert window.session.trainer.step == 1
    shortcuts = {
        window.start_action: QKeySequence(Qt.Key.Key_Space),
        window.step_action: QKeySequence(Qt.Key.Key_N),
        window.reset_action: QKeySequence("Ctrl+R"),
        window.clear_pad_action: QKeySequence(Qt.Key.Key_Escape),
    }
    menu_actions = [a for menu in window.menuBar().findChildren(type(window.recent_menu)) for a in menu.actions()]
    for action, keys in shortcuts.items():
        assert action.shortcut() == keys
        assert action in menu_actions, f"{action.text()} is listed in a menu"


def test_neuron_selection_is_shared_between_views(qtbot, window):
    window.network_graph.neuron_selected.emit(1, 5)
    assert window.weight_images._selected == (1, 5)
    window.weight_images.neuron_selected.emit(2, 3)
    assert window.network_graph.selected_neuron() == (2, 3)


def test_hyper_parameters_change_while_training(qtbot, window):
    window.start_training()
    window.training_controls.learning_rate.setValue(0.0005)
    window.training_controls.batch_size.setValue(64)
    assert window.session.trainer.config.learning_rate == pytest.approx(0.0005)
    assert window.session.trainer.config.batch_size == 64
    qtbot.waitUntil(lambda: len(window.cost_curve.history_rows()) > 5, timeout=10000)
    window.pause_training()
    assert window.settings.hyper_parameters().batch_size == 64


def test_reset_same_seed_gives_the_same_start(qtbot, window):
    start = window.snapshot.weights[0].copy()
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step >= 3, timeout=10000):
        window.session.step_batches(3)
    window.reset_action.trigger()
    assert window.session.trainer.step == 0
    assert window.cost_curve.history_rows() == []
    np.testing.assert_array_equal(window.snapshot.weights[0], start)
    window.reset_new_seed_action.trigger()
    assert not np.array_equal(window.snapshot.weights[0], start)


def test_a_new_network_shows_none_of_the_old_ones_results(qtbot, window, tmp_path):
    """Reset, Apply and Open model: test results and cost curve empty, bars from the new network."""
    from nnviz.qt.views.evaluation import NO_RESULTS

    model = tmp_path / "trained.npz"

    def check_cleared(opened: bool):
        if opened:  # an opened model's own test results at once, and its stored history
            evaluation = window.snapshot.evaluate(window.dataset.x_test, window.dataset.y_test)
            assert window.evaluation.accuracy_text() == f"{100 * evaluation.accuracy:.1f}%"
            assert len(window.cost_curve.history_rows()) == len(window.current_run.batch_costs) + len(
                window.current_run.epochs)
        else:
            assert window.evaluation.detail_text() == NO_RESULTS
            assert window.evaluation.accuracy_text() == "—"
            assert window.cost_curve.history_rows() == []
        expected = window.snapshot.forward(window.current_input)[-1]
        np.testing.assert_allclose(window.digit_panel.bar_heights(), expected, atol=1e-6)

    for opened, replace in ((False, lambda: window.reset_action.trigger()),
                            (False, lambda: window.apply_architecture(Architecture((16, 16), "sigmoid", "cross-entropy"))),
                            (True, lambda: window.open_model(model))):
        train_one_epoch(qtbot, window)
        if not model.exists():
            assert window.save_model(model)
        with qtbot.waitSignal(window.outputs_shown, timeout=5000):
            window.show_random_test_digit()
        assert window.evaluation.detail_text() != NO_RESULTS
        replace()
        check_cleared(opened)


def test_architecture_editor_rebuilds_the_network(qtbot, window):
    editor = window.architecture_editor
    editor.layer_count.setValue(3)
    for box, n in zip(editor.size_boxes, (32, 16, 8)):
        box.setValue(n)
    editor.activation.setCurrentIndex(editor.activation.findData("tanh"))
    editor.apply_button.click()
    assert window.session.trainer.network.layer_sizes == (784, 32, 16, 8, 10)
    assert window.session.trainer.network.activation == "tanh"
    assert window.snapshot.layer_sizes == (784, 32, 16, 8, 10)
    assert len(window.weight_images.images(1)) == 32
    assert window.settings.architecture() == Architecture((32, 16, 8), "tanh", "cross-entropy")
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step == 1, timeout=10000):
        window.step_batch()


def test_divergence_pauses_with_a_message(qtbot, window):
    window.apply_architecture(Architecture((16,), "linear", "cross-entropy"))
    controls = window.training_controls
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
    controls.learning_rate.setValue(50.0)
    with qtbot.waitSignal(window.message_shown, check_params_cb=lambda text, level: level == "warning",
                          timeout=30000):
        window.start_training()
    qtbot.waitUntil(lambda: paused(window), timeout=5000)
    assert window.session.has_diverged
    assert window.banner.isVisible()
    assert "learning rate" in window.banner.label.text()
    assert "paused" in window.last_message
    window.start_training()  # refuses, and says what to do
    assert "Reset" in window.last_message
    window.reset()
    assert not window.banner.isVisible()
    assert not window.session.has_diverged


def test_diverged_outputs_name_no_winner(qtbot, window):
    window.apply_architecture(Architecture((16,), "linear", "cross-entropy"))
    window.show_random_test_digit()
    controls = window.training_controls
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
    controls.learning_rate.setValue(50.0)
    with qtbot.waitSignal(window.message_shown, check_params_cb=lambda text, level: level == "warning",
                          timeout=30000):
        window.start_training()
    qtbot.waitUntil(lambda: paused(window) and all_shown(window), timeout=10000)
    assert not np.isfinite(window.snapshot.forward(window.current_input)[-1]).all()
    assert "not numbers" in window.digit_panel.winner_text()
    assert "says" not in window.digit_panel.winner_text()
    assert "went off the plot" in window.cost_curve.cut_off_text()


def test_a_one_line_warning_takes_one_line_of_the_banner(qtbot, window):
    window.show_message("Training is paused.", "warning")
    line = window.banner.label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: window.banner.label.height() < 2 * line, timeout=5000)


def test_start_after_an_engine_error_says_to_reset_and_reset_trains_again(qtbot, window):
    def failing_run():
        raise MemoryError("no room for the batch")
        yield  # a generator, like Trainer.run

    window.session.trainer.run = failing_run
    with qtbot.waitSignal(window.message_shown, check_params_cb=lambda text, level: level == "error",
                          timeout=10000):
        window.start_training()
    qtbot.waitUntil(lambda: paused(window) and not window.session.is_busy, timeout=5000)
    assert "MemoryError: no room for the batch" in window.banner.label.text()
    assert "Reset" in window.last_message
    window.banner.hide()
    window.toggle_training()  # Start (Space) refuses, and says again what to do
    assert window.start_action.text() == "Start"
    assert window.banner.isVisible() and window.last_message_level == "error"
    assert "Reset" in window.last_message
    window.reset()
    assert window.session.error_message is None and not window.banner.isVisible()
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step > 0, timeout=10000):
        window.start_training()
    window.pause_training()
    qtbot.waitUntil(lambda: paused(window), timeout=5000)


def test_loading_data_on_a_thread(qtbot, store):
    w = MainWindow(settings=store, data_spec="sample")
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.dataset_changed, timeout=30000):
        w.show()
    assert w.dataset.name == "MNIST sample"
    assert w.session.trainer is not None
    assert store.dataset_spec() == "sample"
    qtbot.waitUntil(lambda: not w.data_loader.busy, timeout=5000)


def test_missing_remembered_data_falls_back(qtbot, store, tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "empty"))  # no full MNIST: best available is the sample
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    missing = tmp_path / "no-such-folder"
    store.save_dataset_spec(str(missing))
    w = MainWindow(settings=store)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.dataset_changed, timeout=30000):
        w.show()
    assert w.dataset.source == "bundled sample"
    assert w.last_message_level == "error" and w.banner.isVisible()
    assert str(missing) in w.last_message and "best data available instead" in w.last_message
    assert "MNIST sample" in w.data_status.text()
    assert store.dataset_spec() is None  # the folder is gone: next time, the best available again
    qtbot.waitUntil(lambda: not w.data_loader.busy, timeout=5000)


def test_damaged_full_mnist_falls_back_to_the_sample_and_says_how_to_fix_it(qtbot, store, tmp_path, monkeypatch):
    damaged = tmp_path / "mnist"
    damaged.mkdir()
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (damaged / name).write_bytes(b"\x1f\x8b\x08\x00" + bytes(20))  # a gzip header, then nothing
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(damaged))
    w = MainWindow(settings=store)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.dataset_changed, timeout=30000):
        w.show()
    qtbot.waitUntil(lambda: not w.data_loader.busy, timeout=5000)
    assert w.dataset.source == "bundled sample"
    assert w.session.trainer is not None
    assert "MNIST sample" in w.data_status.text() and "Loading" not in w.data_status.text()
    text = w.banner.label.text()
    assert w.banner.isVisible() and w.last_message_level == "warning"
    assert str(damaged) in text and "-ubyte.gz" in text  # which file
    assert "sample is in use" in text
    assert "download the full MNIST again" in text and "Open dataset folder" in text
    # the banner wraps the long message over several lines instead of cutting off what to do
    line = w.banner.label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: w.banner.label.height() >= 2 * line, timeout=5000)
    assert store.dataset_spec() is None  # once repaired, the full MNIST is used again
    w.step_batch()
    assert "still loading" not in w.last_message


def test_the_latest_data_request_made_while_loading_wins(qtbot, store, tmp_path):
    w = MainWindow(settings=store, data_spec="sample")
    qtbot.addWidget(w)
    changes = []
    w.dataset_changed.connect(changes.append)
    w.load_data("xor")
    w.load_data("spirals")  # replaces the waiting "xor"
    qtbot.waitUntil(lambda: not w.data_loader.busy and w.dataset is not None, timeout=30000)
    # the sample, asked for first, is superseded before it is shown
    assert [d.name for d in changes] == ["two spirals"]
    assert store.dataset_spec() == "spirals"
    assert w.data_status.text().startswith("Data: two spirals")


def test_class_names_reach_the_graph_and_the_weight_images(window, sample):
    from dataclasses import replace

    names = tuple("ABCDEFGHIJ")
    window.set_dataset(replace(sample, class_names=names))
    assert "(“C”)" in window.weight_images.image_tooltip(3, 2)
    assert window.network_graph._class_names == names


def test_help_menu_opens_help_and_about(qtbot, window):
    help_menu = [m for m in window.menuBar().actions() if m.text() == "&Help"][0].menu()
    assert window.help_action in help_menu.actions() and window.about_action in help_menu.actions()
    window.help_action.trigger()
    window.about_action.trigger()
    from PySide6.QtWidgets import QDialog, QMessageBox

    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, (QDialog, QMessageBox)) and w.isVisible()]
    assert len(dialogs) >= 2
    for d in dialogs:
        d.close()


def test_application_names_and_icon(qtbot):
    from PySide6.QtGui import QGuiApplication

    from nnviz.qt.app import app_icon, make_application

    app = make_application()
    assert app.applicationName() == "nnviz"
    assert QGuiApplication.desktopFileName() == "nnviz"
    assert not app_icon().isNull()
    assert not app.windowIcon().isNull()


def test_a_folder_without_data_gives_a_message_and_keeps_the_data(qtbot, window, tmp_path, sample):
    with qtbot.waitSignal(window.message_shown, check_params_cb=lambda text, level: level == "error",
                          timeout=10000):
        window.load_data(str(tmp_path))
    assert window.dataset is sample
    assert str(tmp_path) in window.last_message
    assert "keeps using MNIST sample" in window.last_message
    # said once, in the status bar
    assert not [label for label in window.findChildren(QLabel)
                if label is not window.data_status and label.text().startswith("Data: ")]
    assert window.data_status.text().startswith("Data: MNIST sample — 4,000 training")
    qtbot.waitUntil(lambda: not window.data_loader.busy, timeout=5000)


def test_self_check_trains_one_epoch_from_the_window(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_DATA_DIR=str(tmp_path))
    code = "import sys; from nnviz.qt.app import run_app; sys.exit(run_app(self_check=True))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "self-check OK" in out.stdout


CLOSE_WHILE_TRAINING = """
import sys, os, tempfile, time
from PySide6.QtCore import QSettings, QTimer
from nnviz.qt.app import make_application
app = make_application()
from nnviz.engine.datasets import load_sample
from nnviz.qt._settings import SettingsStore
from nnviz.qt.main_window import MainWindow
store = SettingsStore(QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat))
w = MainWindow(dataset=load_sample(), settings=store)
w.show()
closed = []
def close_when_training(snapshot):
    if snapshot.step > 20 and not closed:
        closed.append(time.perf_counter())
        w.close()
        app.quit()
w.snapshot_shown.connect(close_when_training)
QTimer.singleShot(0, w.start_training)
app.exec()
print("closed cleanly", flush=True)
"""


def test_app_exits_cleanly_when_closed_while_training():
    """No "QThread: Destroyed while thread is still running"; how fast it exits is in bench_gui."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # -X faulthandler: should the child ever crash, its stderr (shown by the assert) says where.
    out = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CLOSE_WHILE_TRAINING], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "QThread" not in out.stderr
    assert "closed cleanly" in out.stdout


def test_keyboard_shortcuts_work(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step == 1, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_N)
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step > 1, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_Space)  # start
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause
    qtbot.waitUntil(lambda: paused(window) and all_shown(window), timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.session.trainer.step == 0


def test_screenshot_script_writes_every_picture_with_throwaway_settings(tmp_path):
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    home = tmp_path / "home"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    command = [sys.executable, "-m", "nnviz.qt.screenshots", str(tmp_path / "docs"), "--data", "sample",
               "--during-steps", "3", "--epochs", "1"]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    for name in ("before", "during", "after", "drawn-digit", "diverged"):
        image = QImage(str(tmp_path / "docs" / f"window-{name}.png"))
        assert (image.width(), image.height()) == (1400, 900), name
    assert not home.exists()  # the user's own settings are neither read nor written
