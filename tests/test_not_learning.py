"""A run going nowhere (chance accuracy after an epoch, cost above its start or one answer for all)
is reported once: a NotLearning record from the engine, a warning on the CLI, a session signal."""

import json
import subprocess
import sys

import pytest

from nnviz.engine.network import Network
from nnviz.engine.trainer import BatchStats, EpochStats, NotLearning, TrainConfig, Trainer

GOING_NOWHERE = [
    ("sigmoid", "cross-entropy", "sgd", 1000.0),
    ("relu", "cross-entropy", "sgd", 5.0),
    ("tanh", "cross-entropy", "momentum", 10.0),
    ("sigmoid", "mse", "sgd", 1000.0),
]
LEARNING = [
    ("leaky_relu", "cross-entropy", "adam", 0.003),
    ("sigmoid", "cross-entropy", "sgd", 0.1),   # slow on the sample, but it learns
    ("sigmoid", "mse", "sgd", 0.5),
]


def records(sample, activation, cost, optimizer, rate, epochs=2):
    network = Network((784, 16, 16, 10), activation, cost, seed=0)
    config = TrainConfig(learning_rate=rate, optimizer=optimizer, epochs=epochs, schedule="constant", seed=0)
    return list(Trainer(network, sample, config).run())


@pytest.mark.parametrize(("activation", "cost", "optimizer", "rate"), GOING_NOWHERE)
def test_a_run_going_nowhere_is_reported_once_before_its_epoch(sample, activation, cost, optimizer, rate):
    out = records(sample, activation, cost, optimizer, rate)
    warnings = [r for r in out if isinstance(r, NotLearning)]
    assert len(warnings) == 1
    warning = warnings[0]
    at = out.index(warning)
    assert isinstance(out[at + 1], EpochStats) and out[at + 1].epoch == warning.epoch == 1
    assert warning.test_accuracy == out[at + 1].test_accuracy <= 0.15
    assert warning.chance == pytest.approx(0.1, abs=0.02)
    first = next(r for r in out if isinstance(r, BatchStats))
    assert warning.start_cost == first.cost
    assert warning.cost > 1.1 * warning.start_cost or warning.one_answer
    assert f"{rate / 10:.3g}" in warning.message and "learning rate" in warning.message


@pytest.mark.parametrize(("activation", "cost", "optimizer", "rate"), LEARNING)
def test_a_run_that_learns_gives_no_warning(sample, activation, cost, optimizer, rate):
    assert not any(isinstance(r, NotLearning) for r in records(sample, activation, cost, optimizer, rate))


def test_the_cli_warns_and_the_json_says_so():
    done = subprocess.run([sys.executable, "-m", "nnviz", "train", "--data", "sample", "--epochs", "1",
                           "--optimizer", "sgd", "--activation", "sigmoid", "--lr", "1000", "--schedule", "constant",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["warning"].startswith("Training is going nowhere")
    assert "nnviz train: warning: Training is going nowhere" in done.stderr
    assert "try a learning rate 10 times smaller (100 instead of 1e+03)" in done.stderr


def test_the_session_passes_the_warning_on(qtbot, sample):
    from nnviz.qt.session import FrameClock, TrainingSession

    config = TrainConfig(learning_rate=1000.0, optimizer="sgd", schedule="constant", epochs=None, augment=0)
    session = TrainingSession(Network((784, 16, 16, 10), "sigmoid", seed=0), sample, config,
                              clock=FrameClock(frame_interval_s=0.05))
    try:
        with qtbot.waitSignal(session.not_learning, timeout=30000) as blocker:
            session.step_epoch()
        assert isinstance(blocker.args[0], NotLearning) and blocker.args[0].epoch == 1
        qtbot.waitUntil(lambda: not session.is_busy, timeout=10000)
    finally:
        assert session.close()


def test_the_cli_warns_on_small_problems_too():
    done = subprocess.run([sys.executable, "-m", "nnviz", "train", "--data", "spirals", "--epochs", "2",
                           "--optimizer", "sgd", "--lr", "1000"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("nnviz train: warning: Training is going nowhere") == 1


class _Config:
    learning_rate, optimizer = 0.003, "adam"


def _check(start=2.3):
    import numpy as np
    from nnviz.engine.learning_check import LearningCheck

    check = LearningCheck(np.repeat(np.arange(10), 10), 10)
    check.first_batch(start)
    return check


def _confusion(answers=10):
    import numpy as np

    confusion = np.zeros((10, 10), int)
    confusion[np.arange(10), np.arange(10) % answers] = 10
    return confusion


def test_a_flat_test_cost_short_of_a_good_accuracy_is_a_plateau_said_once():
    check = _check()
    said = [check.after_epoch(e, 0.9, 0.9, 0.6, _confusion(), _Config) for e in range(1, 7)]
    assert [w.kind if w else None for w in said] == [None, None, None, "plateau", None, None]
    assert "stalled" in said[3].message and "0.900" in said[3].message


def test_a_falling_or_converged_cost_is_no_plateau():
    falling, converged = _check(), _check()
    for e, cost in enumerate([0.9, 0.7, 0.5, 0.4, 0.35], 1):
        assert falling.after_epoch(e, cost, cost, 0.6 + e / 20, _confusion(), _Config) is None
        assert converged.after_epoch(e, 0.1, 0.1, 0.97, _confusion(), _Config) is None


def test_guessing_with_one_answer_is_reported_once_and_then_no_plateau():
    check = _check()
    first = check.after_epoch(1, 2.303, 2.303, 0.1, _confusion(answers=1), _Config)
    assert first.kind == "chance" and first.one_answer and "guessing" in first.message
    assert all(check.after_epoch(e, 2.303, 2.303, 0.1, _confusion(answers=1), _Config) is None for e in range(2, 7))
