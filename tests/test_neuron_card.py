"""Clicking a neuron opens its card: real sums, exciting digits, a dream, and ablation with a switch."""

import numpy as np
import pytest

from nnviz.engine.neuron import ablated, per_class_accuracy


def _train_one_epoch(qtbot, window):
    with qtbot.waitSignal(window.epoch_shown, timeout=60000):
        window.step_epoch()
    qtbot.waitUntil(lambda: not window.session.is_busy and window.snapshot.step == window.session.step,
                    timeout=10000)


def test_clicking_a_neuron_opens_its_card_with_real_numbers(qtbot, window, sample):
    _train_one_epoch(qtbot, window)
    window._show_test_digit(7, "test digit #7")
    window.network_graph.neuron_selected.emit(1, 3)  # as a click in the graph does
    card = window.neuron_card
    qtbot.waitUntil(window.neuron_dialog.isVisible, timeout=2000)
    assert card.heading == "Hidden layer 1, neuron 3"
    report = card.report
    x = sample.x_test[7]
    w, b = window.snapshot.weights[0][3], float(window.snapshot.biases[0][3])
    z = float(w.astype(np.float64) @ x + b)
    assert report.sum.z == pytest.approx(z, abs=1e-4)
    assert f"= <b>{z:+.3f}</b>" in card.sum_text()
    top = int(np.argmax(np.abs(w * x)))
    assert f"{w[top]:+.3f} × {x[top]:.3f} = <b>{w[top] * x[top]:+.3f}</b>" in card.sum_text()
    # the 9 most exciting test digits really have the largest z
    z_all = sample.x_test @ w + b
    assert card.most.count() == 9 and card.least.count() == 9
    assert set(report.most) == set(np.argsort(z_all)[-9:])
    assert card.most.caption(0) == f"{z_all[report.most[0]]:+.1f}"
    assert report.dream_z[1] > report.dream_z[0]
    # a most-exciting digit clicked goes to the pad
    with qtbot.waitSignal(window.outputs_shown, timeout=2000):
        card.most._on_clicked(0)
    np.testing.assert_array_equal(window.current_input, sample.x_test[report.most[0]])


def test_ablation_shows_accuracy_per_digit_before_and_after_and_switches_back(qtbot, window, sample):
    _train_one_epoch(qtbot, window)
    window._show_test_digit(0, "test digit #0")
    window.weight_images.neuron_selected.emit(2, 5)
    card = window.neuron_card
    before = per_class_accuracy(window.snapshot, sample.x_test, sample.y_test, 10)
    np.testing.assert_allclose(card.before_heights(), 100 * before)
    assert not card.after_heights().any()
    bars_on = window.digit_panel.bar_heights()
    card.switch.click()
    off = ablated(window.snapshot, 2, 5)
    np.testing.assert_allclose(card.after_heights(), 100 * per_class_accuracy(off, sample.x_test, sample.y_test, 10))
    np.testing.assert_allclose(window.digit_panel.bar_heights(), off.forward(sample.x_test[0])[-1], atol=1e-6)
    assert "without it" in card._ablation_text.text()
    card.switch.click()  # back on
    assert window._ablation is None and not card.after_heights().any()
    np.testing.assert_allclose(window.digit_panel.bar_heights(), bars_on, atol=1e-6)


def test_the_card_closes_when_its_neuron_is_gone(qtbot, window):
    from nnviz.qt._settings import Architecture

    window.network_graph.neuron_selected.emit(2, 12)
    assert window.neuron_dialog.isVisible()
    window.apply_architecture(Architecture((8,), "relu", "cross-entropy"))
    window.refresh_neuron_card()
    assert not window.neuron_dialog.isVisible()
