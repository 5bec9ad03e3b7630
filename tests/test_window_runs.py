"""Runs (list, comparison, rename, export, saved history, asking before losing a trained network)
and replay (recording, scrubbing every view, playing, back to live, the filmstrip)."""

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnviz.qt._dock_tabs import on_screen
from nnviz.qt._settings import Architecture
from nnviz.qt.views.run_list import COLUMNS


def _train_epochs(qtbot, window, n=1):
    for _ in range(n):
        with qtbot.waitSignal(window.epoch_shown, timeout=60000):
            window.step_epoch()
    qtbot.waitUntil(lambda: not window.session.is_busy and window.snapshot.step == window.session.step
                    and not window._late_timer.isActive(), timeout=10000)


def test_every_network_is_a_run_that_can_be_compared_renamed_exported_and_deleted(qtbot, window, tmp_path):
    _train_epochs(qtbot, window)
    first = window.current_run
    window.apply_architecture(Architecture((32,), "relu", "cross-entropy"))
    _train_epochs(qtbot, window)
    assert [r.shape_text() for r in window.runs] == ["784-16-16-10", "784-32-10"]
    view = window.run_list
    window.docks["runs"].raise_()  # the learner opens the run list's tab
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    epochs, final = COLUMNS.index("Ep."), COLUMNS.index("Final")
    assert view.cell_text(0, epochs) == "1" and view.cell_text(0, final) == f"{100 * first.final_accuracy:.1f}%"
    view.set_ticked(0, True)
    view.set_ticked(1, True)
    assert window.run_overlay.names == ["Run 1", "Run 2"]
    assert "Run&nbsp;1&nbsp;(784-16-16-10)" in window.run_overlay.legend.text() and window.run_overlay.legend.isVisible()
    steps, accuracy = window.run_overlay.curve_data(0)
    assert accuracy[-1] == pytest.approx(100 * first.final_accuracy)
    view.table.item(0, 0).setText("Two layers of 16")
    assert first.name == "Two layers of 16" and window.run_overlay.names[0] == "Two layers of 16"
    assert window.export_runs(tmp_path / "runs.json", "json")
    assert [r["name"] for r in json.loads((tmp_path / "runs.json").read_text())["runs"]] == ["Two layers of 16", "Run 2"]
    assert window.export_runs(tmp_path / "runs.csv", "csv")
    assert "784-32-10" in (tmp_path / "runs.csv").read_text()
    assert not window.export_runs(tmp_path / "no" / "such" / "folder.csv", "csv")
    assert window.last_message_level == "error"
    window.delete_runs([0, 1])  # the run training now stays
    assert window.runs == [window.current_run] and view.table.rowCount() == 1


def test_a_run_list_out_of_sight_rebuilds_nothing_and_catches_up_when_shown(qtbot, window, monkeypatch, tmp_path):
    view = window.run_list
    rebuilt = []
    show_runs = view.show_runs
    monkeypatch.setattr(view, "show_runs", lambda runs, *rest: (rebuilt.append(len(runs)), show_runs(runs, *rest)))
    window.docks["weight_images"].raise_()  # the run list is the tab behind it
    qtbot.waitUntil(lambda: not on_screen(view), timeout=5000)
    _train_epochs(qtbot, window)
    window.apply_architecture(Architecture((32,), "relu", "cross-entropy"))
    _train_epochs(qtbot, window)
    assert len(window.runs) == 2 and rebuilt == []  # three changes, no rebuild
    window.docks["runs"].raise_()
    qtbot.waitUntil(lambda: rebuilt == [2], timeout=5000)  # once, when shown
    assert [view.cell_text(row, 0) for row in range(view.table.rowCount())] == ["Run 1", "Run 2"]
    epochs, final = COLUMNS.index("Ep."), COLUMNS.index("Final")
    assert [view.cell_text(row, epochs) for row in range(2)] == ["1", "1"]  # epochs done
    assert view.cell_text(1, final) == f"{100 * window.current_run.final_accuracy:.1f}%"
    _train_epochs(qtbot, window)  # in sight: shown at once
    assert rebuilt == [2, 2] and view.cell_text(1, epochs) == "2"
    window.docks["runs"].close()  # closed from its title bar, then opened from the View menu
    window.apply_architecture(Architecture((8,), "relu", "cross-entropy"))
    assert rebuilt == [2, 2]
    window.docks["runs"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=5000)
    assert rebuilt == [2, 2, 3] and view.cell_text(2, 1) == "784-8-10"
    window.docks["runs"].close()
    _train_epochs(qtbot, window)
    window.apply_architecture(Architecture((4,), "relu", "cross-entropy"))
    assert window.export_png(tmp_path / "runs.png", "runs")  # a picture of the list as it is now
    assert rebuilt == [2, 2, 3, 4]


def test_a_saved_model_keeps_its_history(qtbot, window, tmp_path):
    _train_epochs(qtbot, window, 2)
    epochs = list(window.current_run.epochs)
    assert window.save_model(tmp_path / "m.npz") and window.current_run.saved
    window.reset()
    assert window.open_model(tmp_path / "m.npz")
    run = window.current_run
    assert run.name == "m" and run.epochs == epochs and run.saved
    assert len(window.cost_curve.history_rows()) == len(run.batch_costs) + 2


def test_replacing_or_quitting_an_unsaved_trained_network_asks_first(qtbot, window, monkeypatch):
    window.confirm_discard = True
    _train_epochs(qtbot, window)
    steps = window.session.step
    answers = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    answers.append(QMessageBox.StandardButton.Cancel)
    window.reset()
    assert window.session.step == steps  # cancelled: nothing replaced
    answers.append(QMessageBox.StandardButton.Discard)
    window.reset()
    assert window.session.step == 0 and len(window.runs) == 2  # its history stays in the list
    assert window.close()  # nothing trained since: no question


def test_the_live_run_ticked_is_not_drawn_twice(qtbot, window):
    _train_epochs(qtbot, window)
    view, overlay = window.run_list, window.run_overlay
    window.docks["runs"].raise_()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    view.set_ticked(0, True)  # the current run: the live curves already show it, in their colours
    assert overlay.names == ["Run 1"] and overlay.drawn() == []
    assert "live" in overlay.legend.text()
    window.apply_architecture(Architecture((32,), "relu", "cross-entropy"))  # Run 1 is no longer live
    _train_epochs(qtbot, window)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    view.set_ticked(0, True)
    view.set_ticked(1, True)
    assert overlay.names == ["Run 1", "Run 2"] and overlay.drawn() == ["Run 1"]


def test_replay_scrubs_every_view_plays_and_goes_back_to_live(qtbot, window, sample):
    window._show_test_digit(3, "test digit #3")
    _train_epochs(qtbot, window, 2)
    recorder = window.recorder
    frames = recorder.frames()
    assert frames[0].step == 0 and 48 <= sum(1 for f in frames if 0 < f.step < 125) <= 50
    assert [f.epoch_stats.epoch for f in frames if f.epoch_stats is not None] == [1, 2]
    assert window.timeline.slider.maximum() == len(frames) - 1
    assert window.timeline.slider.value() == len(frames) - 1  # live: at the newest moment
    assert window.timeline.label.text() == f"live · {len(frames)} moments recorded"
    window.timeline.slider.setValue(10)  # as dragging does
    frame = frames[10]
    assert window.replay_index == 10 and window.snapshot.step == frame.step
    shown = recorder.snapshot(frame)
    np.testing.assert_array_equal(window.weight_images.images(1)[0], shown.weights[0][0].reshape(28, 28))
    np.testing.assert_allclose(window.digit_panel.bar_heights(), shown.forward(sample.x_test[3])[-1], atol=1e-6)
    assert window.evaluation.accuracy_text() == "—"  # before the first epoch's end
    epoch_one = next(i for i, f in enumerate(frames) if f.epoch_stats is not None)
    window.timeline.slider.setValue(epoch_one)
    np.testing.assert_array_equal(window.evaluation.confusion(), frames[epoch_one].epoch_stats.confusion)
    assert f"step {frames[epoch_one].step:,}" in window.timeline.label.text()
    assert "replay: step" in window.progress_label.text()
    window.timeline.speed.setCurrentIndex(2)
    window.timeline.play_button.click()
    qtbot.waitUntil(lambda: window.replay_index == len(frames) - 1, timeout=10000)
    window.timeline.live_button.click()
    assert window.replay_index is None and window.snapshot is window.session.snapshot
    assert "replay" not in window.progress_label.text()
    assert window.evaluation.confusion().sum() == sample.n_test


def test_replay_marks_its_step_on_the_plots_and_says_so_until_live(qtbot, window):
    _train_epochs(qtbot, window)
    frames = window.recorder.frames()
    assert window.cost_curve.replay_step() is None
    window.timeline.slider.setValue(10)
    step = frames[10].step
    assert window.cost_curve.replay_step() == step
    for line in window.cost_curve._replay_lines:  # the same two items, moved: none added per frame
        assert line.isVisible() and line.value() == step
    message = window.statusBar().currentMessage()
    assert f"step {step:,}" in message and "Live" in message
    window.timeline.slider.setValue(20)
    assert window.cost_curve.replay_step() == frames[20].step
    assert f"step {frames[20].step:,}" in window.statusBar().currentMessage()
    window.timeline.live_button.click()
    assert window.cost_curve.replay_step() is None
    assert not any(line.isVisible() for line in window.cost_curve._replay_lines)
    # the slider is back at the newest moment, where the "live" label says it is
    assert window.timeline.slider.value() == window.timeline.slider.maximum() == len(frames) - 1
    assert window.timeline.label.text().startswith("live")
    assert "Replay" not in window.statusBar().currentMessage()


def test_replaying_before_the_first_results_the_views_agree_with_the_moment(qtbot, window):
    _train_epochs(qtbot, window, 2)
    frames = window.recorder.frames()
    epochs = window.cost_curve.epoch_data()["accuracy"][1]
    qtbot.waitUntil(lambda: "epoch 2" in window.cost_curve.accuracy_plot.titleLabel.text, timeout=5000)
    live_title = window.cost_curve.accuracy_plot.titleLabel.text
    assert "epoch 2" in live_title and f"{epochs[-1]:.1f}%" in live_title
    window.timeline.slider.setValue(10)  # early in the first epoch
    detail = window.evaluation.detail_text()
    assert "this moment" in detail and "train for one epoch" not in detail  # 2 epochs were trained
    title = window.cost_curve.accuracy_plot.titleLabel.text
    assert "epoch 2" not in title and f"{epochs[-1]:.1f}%" not in title
    first = next(i for i, f in enumerate(frames) if f.epoch_stats is not None)
    window.timeline.slider.setValue(first + 1)  # after the first epoch's results, before the second's
    title = window.cost_curve.accuracy_plot.titleLabel.text
    assert "epoch 1" in title and f"{epochs[0]:.1f}%" in title
    window.timeline.live_button.click()
    assert window.cost_curve.accuracy_plot.titleLabel.text == live_title
    window.reset()  # a new network: the old advice is right again
    assert window.evaluation.detail_text().startswith("No results yet: train")


def test_the_card_shows_the_neuron_growing_epoch_by_epoch(qtbot, window):
    _train_epochs(qtbot, window, 2)
    window.open_neuron_card(1, 4)
    assert window.neuron_card.film_captions() == ["start", "epoch 1", "epoch 2"]
