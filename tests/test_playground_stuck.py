"""The Playground's not-learning watch: said only after a run has been stuck for a while (spirals often
sit at chance for dozens of epochs before they take off), and cleared once the run recovers."""

import dataclasses

import numpy as np
import pytest

from nnviz.engine.features import with_features
from nnviz.engine.learning_check import CHANCE_MARGIN, RECOVERED_EPOCHS, STUCK_EPOCHS, StuckWatch, stuck_message
from nnviz.engine.playground import SMALL_CONFIG, dead_layers, small_network
from nnviz.engine.toy import make_curve, make_toy
from nnviz.engine.trainer import EpochStats, Trainer


def _watch_run(dataset, hidden, activation, learning_rate, epochs, seed=0):
    """Train headless and feed every epoch to a StuckWatch: (watch, trainer, [(epoch, change)], last stats)."""
    network = small_network(dataset, hidden, activation, seed=seed)
    config = dataclasses.replace(SMALL_CONFIG, learning_rate=learning_rate, epochs=epochs, seed=seed)
    trainer = Trainer(network, dataset, config)
    watch = StuckWatch(dataset.y_test, network.layer_sizes[-1], dataset.is_regression)
    changes, last, accuracies = [], None, []
    for record in trainer.run():
        if isinstance(record, EpochStats):
            last = record
            accuracies.append(record.test_accuracy)
            change = watch.after_epoch(record.epoch, record.test_cost, record.test_accuracy, record.train_cost)
            if change:
                changes.append((record.epoch, change))
    watch.accuracies = accuracies
    return watch, trainer, changes, last


def test_relu_at_rate_3_kills_every_neuron_and_the_flat_fit_is_said_with_what_to_try():
    data = make_curve("sin", n=300, seed=0)
    watch, trainer, changes, last = _watch_run(data, (20,), "relu", 3.0, STUCK_EPOCHS + 20)
    assert changes == [(STUCK_EPOCHS, "stuck")]  # not before: a fit gets STUCK_EPOCHS epochs to take off
    assert last.test_cost >= 0.9 * np.var(data.y_test)  # really no better than the mean
    assert dead_layers(trainer.snapshot(), data.x_train) == (1,)
    text = stuck_message(watch, last.epoch, 3.0, "relu", (20,), (1,))
    assert "died" in text and "0.3" in text and "leaky ReLU" in text
    # the banner stays up while training goes on: it names the epoch its figures come from, and when the streak began
    assert f"since epoch {watch.stuck_since}: at epoch {last.epoch} the test MSE ({last.test_cost:.3f})" in text


def test_a_good_curve_fit_is_never_called_stuck():
    data = make_curve("sin", n=300, seed=0)
    watch, trainer, changes, last = _watch_run(data, (20,), "tanh", SMALL_CONFIG.learning_rate, STUCK_EPOCHS + 50)
    assert changes == [] and last.test_cost < 0.1 * watch.baseline
    assert dead_layers(trainer.snapshot(), data.x_train) == ()  # tanh neurons do not die


def test_spirals_that_stall_at_first_and_then_learn_raise_no_warning():
    """Seed 0, the window's default, sits at chance for about 60 epochs in a row before learning."""
    data = make_toy("spirals", n=500, seed=0)
    watch, _, changes, last = _watch_run(data, (8, 8), "tanh", SMALL_CONFIG.learning_rate, 300)
    assert changes == [] and last.test_accuracy > 0.9


def test_straight_lines_that_cannot_fit_say_why_and_not_to_change_the_rate():
    data = make_curve("abs", n=300, seed=0)  # |x| is symmetric: the best straight line is flat
    watch, _, changes, last = _watch_run(data, (5,), "linear", SMALL_CONFIG.learning_rate, STUCK_EPOCHS + 5)
    assert changes == [(STUCK_EPOCHS, "stuck")]
    assert "non-linear activation" in stuck_message(watch, last.epoch, 0.03, "linear", (5,))
    circles = StuckWatch(make_toy("circles", n=100).y_test, 2, regression=False)
    assert "feature cross" in stuck_message(circles, 10, 0.03, "tanh", ())


def test_the_warning_needs_a_streak_and_clears_only_after_a_streak_of_recovery():
    watch = StuckWatch(np.array([0, 1] * 50), 2, regression=False)  # chance 50%
    chance, good = 0.5, 0.8
    epoch = 0

    def feed(accuracy, n):
        nonlocal epoch
        out = []
        for _ in range(n):
            epoch += 1
            out.append(watch.after_epoch(epoch, 0.7 if accuracy == chance else 0.3, accuracy))
        return [c for c in out if c]

    assert feed(chance, STUCK_EPOCHS - 1) == [] and feed(good, 1) == []  # a streak one short, broken
    assert feed(chance, STUCK_EPOCHS) == ["stuck"] and watch.stuck
    assert watch.stuck_since == STUCK_EPOCHS + 1
    assert feed(good, RECOVERED_EPOCHS - 1) == [] and feed(chance, 1) == []  # a lucky spell is not recovery
    assert feed(good, RECOVERED_EPOCHS) == ["recovered"] and not watch.stuck
    assert feed(chance, STUCK_EPOCHS - 1) == []  # stuck again needs a whole new streak
    assert feed(chance, 1) == ["stuck"]


def test_a_nan_cost_counts_as_stuck_for_curves():
    watch = StuckWatch(np.linspace(-1, 1, 50), 1, regression=True)
    assert watch.looks_stuck(float("nan"), float("nan"))
    assert watch.baseline == pytest.approx(np.var(np.linspace(-1, 1, 50)))


@pytest.mark.parametrize("name", ["circles", "xor"])
def test_a_straight_line_at_a_coin_toss_loss_is_told_it_needs_a_cross_or_a_hidden_layer(name):
    """No hidden layer on circles or XOR: the loss stays at ln 2 while the test accuracy strays well
    above chance (65-75%), which alone would keep resetting the watch."""
    data = with_features(make_toy(name, n=500, noise=0.05, seed=0), ("x1", "x2"))
    watch, _, changes, last = _watch_run(data, (), "tanh", SMALL_CONFIG.learning_rate, STUCK_EPOCHS + 5)
    assert max(watch.accuracies) > watch.baseline + CHANCE_MARGIN  # the accuracy alone is not near chance
    assert watch.chance_loss == pytest.approx(np.log(2), abs=0.01)
    assert last.test_cost >= 0.9 * watch.chance_loss
    assert changes == [(STUCK_EPOCHS, "stuck")]
    text = stuck_message(watch, last.epoch, SMALL_CONFIG.learning_rate, "tanh", (), features=("x1", "x2"))
    assert "straight line cannot separate" in text and "hidden layer" in text
    assert "x₁·x₂" in text and "x₁²" in text and "x₂²" in text
    if watch.near_chance(last.test_accuracy):
        assert f"({last.test_accuracy:.0%}) is no better than always guessing the most common class" in text
    else:  # the loss it is stuck at, from the run
        assert f"test loss ({last.test_cost:.3f}) is no better than that of always guessing each class by how common" in text
    assert "x₁·x₂" not in stuck_message(watch, last.epoch, 0.03, "tanh", (), features=("x1", "x2", "x1x2"))


def test_the_loss_rule_clears_on_recovery_and_spares_a_run_that_fits_its_training_points():
    watch = StuckWatch(np.array([0, 1] * 50), 2, regression=False)  # chance loss ln 2
    coin = float(np.log(2))
    epoch = 0

    def feed(test_cost, train_cost, n, accuracy=0.75):
        nonlocal epoch
        out = []
        for _ in range(n):
            epoch += 1
            out.append(watch.after_epoch(epoch, test_cost, accuracy, train_cost))
        return [c for c in out if c]

    assert feed(coin, 0.2, STUCK_EPOCHS + 10) == []  # overfitting noisy points: high test loss, still learning
    assert feed(coin, coin, STUCK_EPOCHS) == ["stuck"]
    assert feed(0.4, 0.4, RECOVERED_EPOCHS) == ["recovered"] and not watch.stuck
    assert feed(0.95 * coin, 0.95 * coin, STUCK_EPOCHS) == ["stuck"]  # near the coin toss counts too
