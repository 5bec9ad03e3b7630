"""The optimised training path (Backprop buffers, in-place activations, fused optimizers, state flush)
gives the parameters a plain textbook implementation in float64 gives, step by step."""

import numpy as np
import pytest

from nnviz.engine.dataset import Dataset
from nnviz.engine.network import Network, split_params
from nnviz.engine.optimizers import TINY_STATE, Adam, Momentum
from nnviz.engine.trainer import BatchStats, TrainConfig, Trainer

SLOPE = 0.01


def _act(name, z):
    return {"relu": lambda: np.maximum(z, 0), "leaky_relu": lambda: np.where(z > 0, z, SLOPE * z),
            "sigmoid": lambda: 1 / (1 + np.exp(-z)), "tanh": lambda: np.tanh(z), "linear": lambda: z}[name]()


def _act_slope(name, z):
    return {"relu": lambda: (z > 0) * 1.0, "leaky_relu": lambda: np.where(z > 0, 1.0, SLOPE),
            "sigmoid": lambda: _act("sigmoid", z) * (1 - _act("sigmoid", z)),
            "tanh": lambda: 1 - np.tanh(z) ** 2, "linear": lambda: np.ones_like(z)}[name]()


def _reference_gradient(weights, biases, activation, x, y):
    """Mean softmax cross-entropy gradient, written out layer by layer (float64)."""
    zs, activations = [], [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = activations[-1] @ w.T + b
        zs.append(z)
        if i < len(weights) - 1:
            activations.append(_act(activation, z))
    z = zs[-1] - zs[-1].max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    delta = (p - np.eye(weights[-1].shape[0])[y]) / len(x)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        gw[i] = delta.T @ activations[i]
        gb[i] = delta.sum(axis=0)
        if i:
            delta = (delta @ weights[i]) * _act_slope(activation, zs[i - 1])
    return gw, gb


class _ReferenceOptimizer:
    def __init__(self, name, n):
        self.name, self.t = name, 0
        self.m, self.v = np.zeros(n), np.zeros(n)

    def step(self, p, g, lr):
        self.t += 1
        if self.name == "sgd":
            p -= lr * g
        elif self.name == "momentum":
            self.m = 0.9 * self.m + g
            p -= lr * self.m
        else:
            self.m = 0.9 * self.m + 0.1 * g
            self.v = 0.999 * self.v + 0.001 * g * g
            m_hat, v_hat = self.m / (1 - 0.9**self.t), self.v / (1 - 0.999**self.t)
            p -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)


def _data(n=64, n_in=12, k=3, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, n_in), dtype=np.float32)
    x[:, :3] = 0  # features that are always zero: their weights get exactly zero gradients
    y = rng.integers(0, k, n)
    return Dataset("reference", "test", x, y, x[:8], y[:8], None, tuple("abc"[:k]))


@pytest.mark.parametrize("activation", ["leaky_relu", "relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_steps_match_a_textbook_float64_implementation(activation, optimizer):
    data = _data()
    sizes = (12, 7, 5, 3)
    net = Network(sizes, activation=activation, seed=3)
    params = net.params.astype(np.float64)
    lr = 0.05 if optimizer != "adam" else 0.01
    # one batch per epoch, so the batch order cannot matter; a constant rate, no shifts
    config = TrainConfig(learning_rate=lr, batch_size=len(data.x_train), optimizer=optimizer, epochs=None,
                         schedule="constant", augment=0)
    run = Trainer(net, data, config).run()
    reference = _ReferenceOptimizer(optimizer, params.size)
    x, y = data.x_train.astype(np.float64), data.y_train
    for step in range(12):
        while not isinstance(next(run), BatchStats):
            pass
        weights, biases = split_params(params, sizes)
        gw, gb = _reference_gradient(weights, biases, activation, x, y)
        reference.step(params, np.concatenate([g.ravel() for g in gw] + gb), lr)
        np.testing.assert_allclose(net.params, params, rtol=2e-4, atol=2e-6, err_msg=f"step {step + 1}")
    run.close()


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_shuffled_mini_batches_and_a_short_last_batch_match_the_textbook_steps(optimizer):
    # 70 samples in batches of 16: four full batches and one of 6 per epoch, in the trainer's
    # shuffled order, so every batch's rows and labels must come from the same samples
    data = _data(n=70)
    sizes = (12, 7, 5, 3)
    net = Network(sizes, seed=4)
    params = net.params.astype(np.float64)
    lr = 0.05 if optimizer == "sgd" else 0.01
    config = TrainConfig(learning_rate=lr, batch_size=16, optimizer=optimizer, epochs=2, schedule="constant",
                         augment=0, seed=5)
    shuffle_rng = np.random.default_rng(np.random.SeedSequence(config.seed).spawn(3)[0])  # the trainer's stream
    reference = _ReferenceOptimizer(optimizer, params.size)
    x, y = data.x_train.astype(np.float64), data.y_train
    records = Trainer(net, data, config).run()
    steps = 0
    for _ in range(config.epochs):
        order = shuffle_rng.permutation(len(x))
        for start in range(0, len(x), config.batch_size):
            index = order[start:start + config.batch_size]
            record = next(records)
            while not isinstance(record, BatchStats):
                record = next(records)
            weights, biases = split_params(params, sizes)
            gw, gb = _reference_gradient(weights, biases, "leaky_relu", x[index], y[index])
            reference.step(params, np.concatenate([g.ravel() for g in gw] + gb), lr)
            steps += 1
            np.testing.assert_allclose(net.params, params, rtol=2e-4, atol=2e-6, err_msg=f"step {steps}")
    records.close()
    assert steps == 10


def test_adam_state_of_parameters_without_gradient_never_goes_subnormal_and_params_match():
    rng = np.random.default_rng(0)
    n = 40
    params32 = rng.normal(size=n).astype(np.float32)
    params64 = params32.astype(np.float64)
    adam, reference = Adam(n), _ReferenceOptimizer("adam", n)
    tiny = np.finfo(np.float32).tiny
    for t in range(1000):  # without the flush, the idle moments are subnormal from about step 770
        g = rng.normal(size=n) * 1e-3 if t < 5 else np.zeros(n)  # gradient only at the start
        g[: n // 2] = rng.normal(size=n // 2) * 1e-3  # half the parameters keep learning
        adam.step(params32, g.astype(np.float32), 0.001)
        reference.step(params64, g, 0.001)
        for state in (adam.m_sum, adam.v_sum):
            subnormal = (state != 0) & (np.abs(state) < tiny)
            assert not subnormal.any(), f"subnormal optimizer state at step {t + 1}"
    # the idle half: the first moment decayed past TINY_STATE and was flushed to exactly zero
    assert np.all(adam.m_sum[n // 2:] == 0) and TINY_STATE < 1e-20
    np.testing.assert_allclose(params32, params64, rtol=1e-5, atol=1e-6)


def test_momentum_flushes_a_decayed_velocity():
    momentum = Momentum(4)
    p = np.zeros(4, dtype=np.float32)
    momentum.step(p, np.ones(4, dtype=np.float32), 0.1)
    for _ in range(1000):
        momentum.step(p, np.zeros(4, dtype=np.float32), 0.1)
    assert np.all(momentum.velocity == 0)
    np.testing.assert_allclose(p, -0.1 / (1 - 0.9), rtol=1e-5)


def test_adam_over_several_cache_blocks_matches_the_textbook_update():
    from nnviz.engine.optimizers import BLOCK

    rng = np.random.default_rng(2)
    n = 2 * BLOCK + 123  # three blocks, the last one short
    params32 = rng.normal(size=n).astype(np.float32)
    params64 = params32.astype(np.float64)
    adam, reference = Adam(n), _ReferenceOptimizer("adam", n)
    assert len(adam._blocks) == 3
    for _ in range(4):
        g = rng.normal(size=n) * 1e-2
        adam.step(params32, g.astype(np.float32), 0.01)
        reference.step(params64, g, 0.01)
    np.testing.assert_allclose(params32, params64, rtol=1e-5, atol=1e-6)
