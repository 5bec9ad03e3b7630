"""Network: layer validation, seeded initialisation, forward pass, evaluation, snapshots, gradients."""

import numpy as np
import pytest

from nnviz.engine import activations
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import COSTS, Backprop, Network, Snapshot, split_params


def _data(n=7, n_in=5, k=3, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_in)), rng.integers(0, k, size=n)


# ---------------------------------------------------------------- architecture


@pytest.mark.parametrize("sizes", [(784, 10), (784, 16, 16, 10), (2, 1, 2), (3,) + (1024,) * 6 + (2,)])
def test_valid_layer_sizes_give_float32_weights_shaped_out_by_in(sizes):
    net = Network(sizes)
    assert net.layer_sizes == sizes
    assert [w.shape for w in net.weights] == [(b, a) for a, b in zip(sizes[:-1], sizes[1:])]
    assert [b.shape for b in net.biases] == [(s,) for s in sizes[1:]]
    assert all(w.dtype == np.float32 for w in net.weights + net.biases)


@pytest.mark.parametrize(
    "sizes, words",
    [
        ((784,), "at least an input and an output"),
        ((784, 16, 16, 16, 16, 16, 16, 16, 10), "at most 6 hidden layers"),
        ((784, 1025, 10), "1 to 1024 neurons"),
        ((784, 0, 10), "1 to 1024 neurons"),
        ((0, 10), "at least one neuron"),
        ((784, 2.5, 10), "whole numbers"),
        (("a", 10), "whole numbers"),
    ],
)
def test_invalid_layer_sizes_raise_a_clear_error(sizes, words):
    with pytest.raises(ValueError, match=words):
        Network(sizes)


def test_unknown_activation_or_cost_is_rejected():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Network((4, 3, 2), activation="swish")
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        Network((4, 3, 2), cost="hinge")


def test_same_seed_gives_bit_identical_weights_and_another_seed_does_not():
    a, b, c = Network((784, 16, 16, 10), seed=3), Network((784, 16, 16, 10), seed=3), Network((784, 16, 16, 10), seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize(
    "activation, expected_std",
    [("relu", np.sqrt(2 / 400)), ("leaky_relu", np.sqrt(2 / 400)), ("tanh", np.sqrt(2 / 600)),
     ("sigmoid", np.sqrt(2 / 600)), ("linear", np.sqrt(1 / 400))],
)
def test_initialisation_suits_the_activation(activation, expected_std):
    net = Network((400, 200, 10), activation=activation)
    assert net.weights[0].std() == pytest.approx(expected_std, rel=0.03)
    assert net.weights[1].std() == pytest.approx(np.sqrt(1 / 200), rel=0.1)
    assert not net.biases[0].any()


def test_weights_are_views_into_the_flat_parameter_vector():
    net = Network((5, 4, 3))
    net.params[:] = 0
    assert not net.weights[0].any() and not net.biases[1].any()
    net.weights[1][...] = 7
    assert (net.params[20:32] == 7).all()


# ---------------------------------------------------------------- forward / evaluate


@pytest.mark.parametrize("cost", COSTS)
def test_forward_returns_every_layer_for_one_input_or_many(cost):
    net = Network((6, 5, 4, 3), activation="sigmoid", cost=cost, seed=2)
    x = np.random.default_rng(0).random((8, 6), dtype=np.float32)
    layers = net.forward(x)
    assert [layer.shape for layer in layers] == [(8, 6), (8, 5), (8, 4), (8, 3)]
    single = net.forward(x[3])
    assert [layer.shape for layer in single] == [(6,), (5,), (4,), (3,)]
    for one, many in zip(single, layers):
        np.testing.assert_allclose(one, many[3], rtol=1e-5, atol=1e-7)
    out = layers[-1]
    assert ((out > 0) & (out < 1)).all()
    if cost == "cross-entropy":
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)


def test_forward_rejects_inputs_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"expected input of shape \(6,\)"):
        Network((6, 3)).forward(np.zeros(5))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_extreme_inputs_give_finite_outputs_without_warnings(activation):
    net = Network((3, 4, 2), activation=activation, cost="mse")
    net.weights[0][...] = 1e4
    out = net.forward(np.array([[1e4, -1e4, 3e4], [-1e4, -1e4, -1e4]]))[-1]
    assert np.isfinite(out).all()


def test_evaluate_counts_a_confusion_matrix_consistent_with_predict():
    net = Network((5, 4, 3), seed=1)
    x, y = _data(n=50)
    ev = net.evaluate(x, y)
    pred = net.predict(x)
    assert ev.confusion.shape == (3, 3) and ev.confusion.dtype == np.int64
    assert ev.confusion.sum() == 50
    assert ev.accuracy == pytest.approx(np.mean(pred == y))
    for true, p in zip(y, pred):
        assert ev.confusion[true, p] > 0
    out = net.forward(x)[-1]
    assert ev.cost == pytest.approx(-np.mean(np.log(out[np.arange(50), y])), rel=1e-5)


def test_mse_cost_is_the_sum_of_squares_averaged_over_samples():
    net = Network((5, 4, 3), cost="mse", seed=1)
    x, y = _data(n=20)
    out = net.forward(x)[-1]
    expected = np.mean(np.sum((out - np.eye(3)[y]) ** 2, axis=1))
    assert net.evaluate(x, y).cost == pytest.approx(expected, rel=1e-5)


# ---------------------------------------------------------------- snapshots


def test_snapshot_is_a_read_only_copy_that_forwards_like_the_network():
    net = Network((5, 4, 3), activation="tanh", seed=1)
    snap = net.snapshot(step=12, epoch=2)
    assert isinstance(snap, Snapshot) and (snap.step, snap.epoch) == (12, 2)
    assert snap.layer_sizes == (5, 4, 3) and snap.activation == "tanh" and snap.cost == "cross-entropy"
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
    with pytest.raises(ValueError):
        snap.biases[0].flags.writeable = True
    before = snap.weights[0].copy()
    net.weights[0] += 1
    assert np.array_equal(snap.weights[0], before)
    x, _ = _data()
    net.weights[0][...] = before
    for a, b in zip(snap.forward(x), net.forward(x)):
        np.testing.assert_array_equal(a, b)


def test_from_snapshot_rebuilds_an_independent_trainable_network():
    net = Network((5, 4, 3), activation="leaky_relu", cost="mse", seed=5)
    copy = Network.from_snapshot(net.snapshot())
    assert (copy.layer_sizes, copy.activation, copy.cost) == (net.layer_sizes, net.activation, net.cost)
    assert np.array_equal(copy.params, net.params)
    copy.weights[0][...] = 0
    assert net.weights[0].any()


# ---------------------------------------------------------------- gradients


def _reference_cost(net, params, x, y, l2):
    """The cost from the definition, computed with forward_pass only (no backprop code)."""
    weights, biases = split_params(params, net.layer_sizes)
    from nnviz.engine.network import forward_pass

    out = forward_pass(weights, biases, net.activation, net.cost, x)[-1]
    k = out.shape[1]
    if net.cost == "cross-entropy":
        data = -np.mean(np.log(out[np.arange(len(y)), y]))
    else:
        data = np.mean(np.sum((out - np.eye(k)[y]) ** 2, axis=1))
    return data + 0.5 * l2 * sum(float(np.sum(w * w)) for w in weights)


def _max_gradient_error(net, x, y, l2, h=1e-5):
    """Largest relative error between backprop's float64 gradient and central differences."""
    cost, grad = net.loss_and_gradient(x, y, l2=l2)
    params = net.params.astype(np.float64)
    assert cost == pytest.approx(_reference_cost(net, params, x, y, l2), rel=1e-10)
    numeric = np.empty_like(params)
    for i in range(params.size):
        plus, minus = params.copy(), params.copy()
        plus[i] += h
        minus[i] -= h
        numeric[i] = (_reference_cost(net, plus, x, y, l2) - _reference_cost(net, minus, x, y, l2)) / (2 * h)
    scale = np.maximum(np.abs(numeric) + np.abs(grad), 1e-4)  # central differences resolve ~1e-10
    return float(np.max(np.abs(numeric - grad) / scale))


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_finite_differences_in_float64(activation, cost, l2):
    net = Network((5, 4, 4, 3), activation=activation, cost=cost, seed=7)
    net.biases[0][...] = 0.1  # move ReLU kinks away from zero inputs
    x, y = _data()
    assert _max_gradient_error(net, x, y, l2) < 1e-6


def test_the_gradient_check_catches_a_wrong_derivative(monkeypatch):
    net = Network((5, 4, 4, 3), activation="sigmoid", seed=7)
    x, y = _data()
    assert _max_gradient_error(net, x, y, 0.0) < 1e-6
    real_backprop = activations.backprop
    monkeypatch.setattr(
        activations, "backprop", lambda name, grad, a, scratch=None: real_backprop("tanh", grad, a, scratch)
    )
    assert _max_gradient_error(net, x, y, 0.0) > 1e-2


def test_leaky_relu_keeping_its_slope_matches_activate_and_backprop():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 9)).astype(np.float32)
    z[0, :3] = 0  # the kink: both ways give the negative side's slope
    grad = rng.normal(size=z.shape).astype(np.float32)
    slope = np.empty_like(z)
    a = activations.activate_keeping_slope("leaky_relu", z.copy(), slope)
    np.testing.assert_array_equal(a, activations.activate("leaky_relu", z))
    np.testing.assert_array_equal(grad * slope, activations.backprop("leaky_relu", grad.copy(), a))
    with pytest.raises(ValueError, match="does not keep its slope"):
        activations.activate_keeping_slope("sigmoid", z.copy(), slope)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(16, 32), (512, 128)])  # the small network's layer; a wide one
def test_leaky_relu_slope_is_the_same_to_the_bit_whichever_way_it_is_found(shape, dtype):
    """Small arrays take np.sign, large ones np.greater: both must give max(sign(z), slope) exactly."""
    assert (np.prod(shape) >= activations.SLOPE_BY_COMPARISON_FROM) == (shape == (512, 128))
    info = np.finfo(dtype)
    z = np.random.default_rng(4).normal(size=shape).astype(dtype)
    special = [0.0, -0.0, np.inf, -np.inf, info.smallest_subnormal, -info.smallest_subnormal, info.max, -info.max]
    z.flat[:len(special)] = special
    slope_expected = np.maximum(np.sign(z), dtype(activations.LEAKY_SLOPE))
    expected = z * slope_expected
    slope = np.empty_like(z)
    a = activations.activate_keeping_slope("leaky_relu", z.copy(), slope)
    bits = np.uint32 if dtype == np.float32 else np.uint64
    np.testing.assert_array_equal(slope.view(bits), slope_expected.view(bits))
    np.testing.assert_array_equal(a.view(bits), expected.view(bits))  # -0.0 stays -0.0
    np.testing.assert_array_equal(a.view(bits), activations.activate("leaky_relu", z).view(bits))


def test_leaky_relu_gradients_are_the_same_either_way_even_when_a_value_is_nan(monkeypatch):
    """Where z is NaN the two ways' slopes differ (NaN or LEAKY_SLOPE), but no gradient can tell."""
    rng = np.random.default_rng(5)
    net = Network((20, 160, 10), "leaky_relu", seed=5)  # hidden layer 160 x 32: above the threshold
    x = rng.normal(size=(32, 20)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    x_nan = x.copy()
    x_nan[7, 3] = np.nan  # one input of one sample
    results = []
    for x_given in (x, x_nan):
        for threshold in (10**9, 0):  # np.sign, then np.greater
            monkeypatch.setattr(activations, "SLOPE_BY_COMPARISON_FROM", threshold)
            bp = Backprop(net.layer_sizes, net.activation, net.cost, 32)
            grad = np.zeros_like(net.params)
            cost = bp.loss_and_gradient(net.params, grad, x_given, y)
            results.append((cost, grad, bp.scratch_t[0].copy()))
    for (cost_a, grad_a, _), (cost_b, grad_b, _) in (results[:2], results[2:]):
        np.testing.assert_array_equal([cost_a], [cost_b])
        np.testing.assert_array_equal(grad_a, grad_b)  # NaN where the other has NaN, and the same bits elsewhere
    assert np.isnan(results[2][2]).any() and not np.isnan(results[3][2]).any()  # the slopes did differ


def test_softmax_cross_entropy_gives_the_mean_cost_and_leaves_its_gradient_in_the_output():
    """The cross-entropy branch the trainer and bench_step both call, against float64 by hand."""
    rng = np.random.default_rng(2)
    bp = Backprop((4, 5, 3), "tanh", "cross-entropy", 6)
    z = (rng.normal(size=bp.out_t.shape) * 20).astype(np.float32)  # large logits: exp overflows without the max
    y = rng.integers(0, 3, 6)
    bp.out_t[...] = z
    cost = bp.softmax_cross_entropy(y)
    z64 = z.astype(np.float64)
    p = np.exp(z64 - z64.max(axis=0))
    p /= p.sum(axis=0)
    assert cost == pytest.approx(-np.log(p[y, np.arange(6)]).mean(), rel=1e-5)
    p[y, np.arange(6)] -= 1.0
    np.testing.assert_allclose(bp.out_t, p / 6, atol=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_dropout_gradient_matches_finite_differences_for_a_fixed_mask(activation):
    net = Network((5, 6, 6, 3), activation=activation, seed=3)
    net.biases[0][...] = 0.1
    net.biases[1][...] = 0.1
    x, y = _data()
    bp = Backprop(net.layer_sizes, activation, net.cost, len(x), dtype=np.float64)
    params = net.params.astype(np.float64)
    grad = np.empty_like(params)

    def cost_at(p):
        return bp.loss_and_gradient(p, np.empty_like(p), x, y, dropout=0.4, rng=np.random.default_rng(11))

    bp.loss_and_gradient(params, grad, x, y, dropout=0.4, rng=np.random.default_rng(11))
    assert not bp.masks[0].all() and bp.masks[0].any()  # some neurons really were dropped
    h = 1e-6
    numeric = np.array([(cost_at(params + h * e) - cost_at(params - h * e)) / (2 * h) for e in np.eye(params.size)])
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_float32_training_gradient_agrees_with_float64():
    net = Network((5, 4, 3), seed=2)
    x, y = _data()
    _, grad64 = net.loss_and_gradient(x, y, l2=0.1)
    _, grad32 = net.loss_and_gradient(x, y, l2=0.1, dtype=np.float32)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-3, atol=1e-6)
