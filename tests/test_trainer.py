"""Trainer: the training generator, determinism, divergence, live updates, augmentation, optimizers."""

import math
import threading

import numpy as np
import pytest

from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network, Snapshot
from nnviz.engine.optimizers import Adam, Momentum, SGD, make_optimizer, scheduled_rate
from nnviz.engine.trainer import BatchStats, Diverged, EpochStats, Trainer, TrainConfig, _Shifter


def _xor(copies=25):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return Dataset("XOR", "test", np.tile(x, (copies, 1)), np.tile(y, copies), x, y, None, ("0", "1"))


def _images(n_train=96, n_test=20, side=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y_train, y_test = rng.integers(0, k, n_train), rng.integers(0, k, n_test)
    x_train = rng.random((n_train, side * side), dtype=np.float32)
    x_test = rng.random((n_test, side * side), dtype=np.float32)
    return Dataset("tiny images", "test", x_train, y_train, x_test, y_test, (side, side), tuple("abc"[:k]))


def _run(trainer):
    return list(trainer.run())


def test_a_tiny_network_learns_xor():
    net = Network((2, 8, 2), activation="tanh", seed=0)
    trainer = Trainer(net, _xor(), TrainConfig(learning_rate=0.05, batch_size=4, epochs=60, augment=0))
    stats = [s for s in _run(trainer) if isinstance(s, EpochStats)]
    assert stats[-1].test_accuracy == 1.0
    assert stats[-1].test_cost < 0.1 < stats[0].test_cost
    assert np.array_equal(net.predict(_xor().x_test), [0, 1, 1, 0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_learns_xor_with_mse(optimizer):
    lr = {"sgd": 2.0, "momentum": 0.3, "adam": 0.05}[optimizer]
    net = Network((2, 8, 2), activation="sigmoid", cost="mse", seed=1)
    config = TrainConfig(learning_rate=lr, batch_size=4, epochs=150, optimizer=optimizer, schedule="constant")
    _run(Trainer(net, _xor(), config))
    assert net.evaluate(_xor().x_test, _xor().y_test).accuracy == 1.0


def test_records_count_steps_batches_and_epochs():
    data = _images(n_train=50)
    records = _run(Trainer(Network((36, 5, 3)), data, TrainConfig(batch_size=16, epochs=2)))
    batches = [r for r in records if isinstance(r, BatchStats)]
    epochs = [r for r in records if isinstance(r, EpochStats)]
    assert [type(r) for r in records] == ([BatchStats] * 4 + [EpochStats]) * 2
    assert [b.step for b in batches] == list(range(1, 9))
    assert [(b.epoch, b.batch) for b in batches] == [(e, i) for e in range(2) for i in range(4)]
    assert {b.batches_per_epoch for b in batches} == {4}
    assert [e.epoch for e in epochs] == [1, 2]
    assert epochs[0].train_cost == pytest.approx(np.mean([b.cost for b in batches[:4]]))
    assert epochs[0].confusion.shape == (3, 3) and epochs[0].confusion.sum() == 20
    assert epochs[0].seconds > 0 and epochs[0].samples_per_second > 0


def test_same_seed_gives_identical_weights_and_costs():
    def train(seed):
        net = Network((36, 7, 5, 3), seed=seed)
        config = TrainConfig(epochs=3, batch_size=8, dropout=0.2, augment=1, seed=seed)
        costs = [r.cost for r in _run(Trainer(net, _images(), config)) if isinstance(r, BatchStats)]
        return net, costs

    (a, costs_a), (b, costs_b), (c, costs_c) = train(5), train(5), train(6)
    assert costs_a == costs_b
    assert np.array_equal(a.params, b.params)
    assert costs_a != costs_c


def test_a_huge_learning_rate_yields_diverged_and_ends():
    net = Network((36, 8, 3), activation="linear", seed=0)  # nothing saturates: weights grow without bound
    config = TrainConfig(learning_rate=1e3, optimizer="sgd", schedule="constant", epochs=50, batch_size=8)
    records = _run(Trainer(net, _images(), config))
    assert isinstance(records[-1], Diverged)
    assert not any(isinstance(r, Diverged) for r in records[:-1])
    diverged = records[-1]
    assert not math.isfinite(diverged.cost)
    assert diverged.step == len(records) - sum(isinstance(r, EpochStats) for r in records)
    assert "diverged" in diverged.message and "lower learning rate" in diverged.message
    snap_out = Trainer(net, _images()).snapshot().forward(_images().x_test)[-1]  # no warnings either
    assert snap_out.shape == (20, 3)


def test_update_changes_batch_size_and_learning_rate_before_the_next_batch():
    trainer = Trainer(Network((36, 5, 3)), _images(n_train=96), TrainConfig(batch_size=8, schedule="constant", epochs=2))
    run = trainer.run()
    first = next(run)
    assert (first.batches_per_epoch, first.learning_rate) == (12, 0.003)
    trainer.update(batch_size=32, learning_rate=0.01)
    second = next(run)
    # 8 samples done, 88 left in batches of 32: 1 + 3 batches this epoch
    assert (second.batch, second.batches_per_epoch, second.learning_rate) == (1, 4, 0.01)
    assert trainer.config.batch_size == 32
    rest = list(run)
    assert [r.batches_per_epoch for r in rest if isinstance(r, BatchStats) and r.epoch == 1] == [3, 3, 3]


def test_update_from_another_thread_and_bad_updates():
    trainer = Trainer(Network((36, 5, 3)), _images(), TrainConfig(schedule="constant", epochs=1))
    run = trainer.run()
    next(run)
    worker = threading.Thread(target=trainer.update, kwargs={"learning_rate": 0.02, "optimizer": "momentum"})
    worker.start()
    worker.join()
    assert next(run).learning_rate == 0.02
    with pytest.raises(ValueError, match="learning rate must be a positive"):
        trainer.update(learning_rate=-1)
    with pytest.raises(ValueError, match="cannot change seed"):
        trainer.update(seed=3)
    assert trainer.config.learning_rate == 0.02
    run.close()


def test_schedule_changes_the_learning_rate_over_the_run():
    trainer = Trainer(Network((36, 5, 3)), _images(n_train=32), TrainConfig(batch_size=8, epochs=4, schedule="cosine"))
    rates = [r.learning_rate for r in _run(trainer) if isinstance(r, BatchStats)]
    assert rates[0] == 0.003
    assert all(a > b for a, b in zip(rates, rates[1:]))


def test_scheduled_rate():
    assert scheduled_rate("constant", 0.1, 7.5, 10) == 0.1
    assert scheduled_rate("cosine", 0.1, 0, 10) == 0.1
    assert scheduled_rate("cosine", 0.1, 5, 10) == pytest.approx(0.05)
    assert scheduled_rate("cosine", 0.1, 10, 10) == pytest.approx(0)
    assert scheduled_rate("cosine", 0.1, 50, None) == 0.1
    assert [scheduled_rate("step", 1.0, e, 9) for e in (0, 2.9, 3, 6, 8.9)] == pytest.approx([1, 1, 0.3, 0.09, 0.09])
    with pytest.raises(ValueError, match="unknown learning-rate schedule"):
        scheduled_rate("warm", 0.1, 0, 10)


def test_snapshot_and_evaluate_during_training():
    data = _images()
    trainer = Trainer(Network((36, 5, 3)), data, TrainConfig(epochs=1, batch_size=32))
    run = trainer.run()
    next(run)
    snap = trainer.snapshot()
    assert isinstance(snap, Snapshot) and snap.step == 1 and snap.epoch == 0
    assert not snap.weights[0].flags.writeable
    next(run)
    assert not np.array_equal(snap.weights[0], trainer.network.weights[0])
    assert trainer.evaluate().confusion.sum() == len(data.y_test)
    run.close()
    assert trainer.step == 2


def test_endless_run_continues_past_the_default_epochs():
    trainer = Trainer(Network((2, 3, 2)), _xor(copies=1), TrainConfig(epochs=None, batch_size=4))
    run = trainer.run()
    epochs = [r for _, r in zip(range(200), run) if isinstance(r, EpochStats)]
    run.close()
    assert len(epochs) == 100 and trainer.epoch == 100


def test_trainer_rejects_a_network_that_does_not_fit_the_data():
    with pytest.raises(ValueError, match="2 inputs but tiny images has"):
        Trainer(Network((2, 3)), _images())
    with pytest.raises(ValueError, match="4 outputs but tiny images has 3 classes"):
        Trainer(Network((36, 4)), _images())


@pytest.mark.parametrize(
    "changes, words",
    [({"learning_rate": 0}, "learning rate"), ({"batch_size": 0}, "batch size"), ({"optimizer": "rmsprop"}, "optimizer"),
     ({"l2": -1.0}, "L2"), ({"dropout": 1.0}, "dropout"), ({"epochs": 0}, "epochs"),
     ({"schedule": "warm"}, "schedule"), ({"augment": 9}, "augment")],
)
def test_config_validation(changes, words):
    with pytest.raises(ValueError, match=words):
        TrainConfig(**changes)


# ---------------------------------------------------------------- augmentation


def test_random_shifts_move_each_image_by_at_most_the_max_shift():
    side, s, n = 12, 2, 400
    x = np.zeros((n, side, side), dtype=np.float32)
    x[:, 5, 6] = 1.0
    shifter = _Shifter(n, (side, side), s, np.float32)
    flat = x.reshape(n, -1).copy()
    shifter(flat, np.random.default_rng(0))
    images = flat.reshape(n, side, side)
    assert (images.sum(axis=(1, 2)) == 1).all()
    rows, cols = np.nonzero(images)[1:]
    dy, dx = rows - 5, cols - 6
    assert set(dy) == set(dx) == set(range(-s, s + 1))


def test_shifted_pixels_leaving_the_image_are_dropped_and_zeros_fill_in():
    x = np.arange(1, 17, dtype=np.float32).reshape(1, 16)
    shifter = _Shifter(1, (4, 4), 1, np.float32)
    for seed in range(10):
        flat = x.copy()
        shifter(flat, np.random.default_rng(seed))
        img = flat.reshape(4, 4)
        assert (img == 0).sum() in (0, 3, 4, 7)
        assert set(img[img > 0]) <= set(range(1, 17))


def test_augmentation_is_ignored_for_data_that_is_not_images():
    records = _run(Trainer(Network((2, 3, 2)), _xor(), TrainConfig(augment=2, epochs=1)))
    assert isinstance(records[-1], EpochStats)


# ---------------------------------------------------------------- optimizers


def test_adam_matches_the_textbook_update():
    rng = np.random.default_rng(0)
    params = rng.normal(size=50)
    ref = params.copy()
    m = v = np.zeros(50)
    adam = Adam(50, dtype=np.float64)
    for t in range(1, 6):
        g = rng.normal(size=50)
        adam.step(params, g, 0.01)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(params, ref, rtol=1e-10)


def test_sgd_and_momentum_updates():
    p, g = np.ones(3), np.array([1.0, -2.0, 0.5])
    SGD(3, np.float64).step(p, g, 0.1)
    np.testing.assert_allclose(p, [0.9, 1.2, 0.95])
    p = np.zeros(3)
    mom = Momentum(3, np.float64)
    mom.step(p, g, 0.1)
    mom.step(p, g, 0.1)
    np.testing.assert_allclose(p, -0.1 * g * (1 + 1.9))
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("lbfgs", 3)


def test_training_uses_one_blas_thread_and_restores_the_count_afterwards():
    from nnviz.engine import trainer as trainer_module

    functions = trainer_module._openblas_thread_functions()
    if functions is None:
        pytest.skip("NumPy does not use OpenBLAS here")
    get, set_ = functions
    before = get()
    set_(2)
    if get() != 2:
        set_(before)
        pytest.skip("this OpenBLAS is single-threaded")
    try:
        run = Trainer(Network((36, 5, 3)), _images(), TrainConfig(epochs=1)).run()
        next(run)
        assert get() == 1
        run.close()
        assert get() == 2
    finally:
        set_(before)


def _real_mnist_folder():
    import os
    import pathlib

    repo = pathlib.Path(__file__).resolve().parent.parent
    for candidate in (os.environ.get("NNVIZ_DATA_DIR"), repo.parent / "shared" / "mnist"):
        if candidate and (pathlib.Path(candidate) / "t10k-labels-idx1-ubyte.gz").exists():
            return pathlib.Path(candidate)
    return None


@pytest.mark.mnist
def test_the_default_network_reads_real_digits_after_one_epoch():
    folder = _real_mnist_folder()
    if folder is None:
        pytest.skip("the real MNIST is not here (set NNVIZ_DATA_DIR)")
    from nnviz.engine.datasets import load_dataset

    data = load_dataset(str(folder))
    trainer = Trainer(Network((784, 16, 16, 10)), data, TrainConfig(epochs=1))
    last = _run(trainer)[-1]
    assert isinstance(last, EpochStats)
    assert last.test_accuracy > 0.93
    assert last.confusion.sum() == 10_000


def test_repeating_the_current_optimizer_keeps_its_state():
    trainer = Trainer(Network((36, 5, 3)), _images(), TrainConfig(optimizer="adam", epochs=1))
    run = trainer.run()
    next(run)
    adam = trainer._optimizer
    trainer.update(optimizer="adam", learning_rate=0.001)
    next(run)
    assert trainer._optimizer is adam and adam.t == 2
    trainer.update(optimizer="sgd")
    next(run)
    assert trainer._optimizer.name == "sgd"
    run.close()
