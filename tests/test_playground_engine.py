"""The Playground's engine: features, L1, regression, curves, and the claims the Playground shows.

Each claim trains a real network on a few hundred points in well under a second.
"""

import dataclasses
import math

import numpy as np
import pytest

from nnviz.engine.dataset import Dataset
from nnviz.engine.features import FEATURES, feature_matrix, parse_features, with_features
from nnviz.engine.network import REGRESSION_COST, Network, forward_pass, split_params
from nnviz.engine.playground import (SMALL_CONFIG, PlaneSampler, curve_parts, dead_layers, grid_lines, plane_points,
                                      small_network)
from nnviz.engine.toy import CURVES, drawn_curve, make_curve, make_toy
from nnviz.engine.trainer import EpochStats, Trainer

ALL_CROSSES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")


def _train(data, hidden, activation="tanh", epochs=60, l1=0.0, seed=0):
    """Train with the Playground's own settings (SMALL_CONFIG) and network (small_network)."""
    net = small_network(data, hidden, activation, seed=seed)
    config = dataclasses.replace(SMALL_CONFIG, epochs=epochs, l1=l1, seed=seed)
    last = None
    for record in Trainer(net, data, config).run():
        if isinstance(record, EpochStats):
            last = record
    return net, last


# ---------------------------------------------------------------- the claims


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", ["circles", "xor"])
def test_a_straight_line_cannot_split_circles_or_xor(name, seed):
    _, result = _train(with_features(make_toy(name, n=400, seed=seed), ["x1", "x2"]), (), seed=seed)
    assert result.test_cost > 0.66  # about ln 2 = 0.69: every answer a coin toss
    assert result.test_accuracy < 0.8  # at best three of XOR's four quadrants


@pytest.mark.parametrize("name, cross", [("circles", ["x1sq", "x2sq"]), ("xor", ["x1x2"])])
def test_the_right_cross_solves_it_with_no_hidden_layer(name, cross):
    _, result = _train(with_features(make_toy(name, n=400), cross), ())
    assert result.test_accuracy >= 0.95


def test_all_crosses_together_do_not_solve_the_spirals_with_no_hidden_layer():
    _, result = _train(with_features(make_toy("spirals", n=400), ALL_CROSSES), (), epochs=100)
    assert result.test_accuracy < 0.7


@pytest.mark.parametrize("seed", [0, 1])
def test_two_hidden_layers_of_8_tanh_learn_the_spirals_from_x1_x2_alone(seed):
    data = with_features(make_toy("spirals", n=500, seed=seed), ["x1", "x2"])
    _, result = _train(data, (8, 8), epochs=400, seed=seed)
    assert result.test_accuracy >= 0.85


def test_the_first_layer_starts_scaled_to_the_inputs_spread():
    small = with_features(make_toy("xor", n=200), ["x1x2"])  # x1·x2 has a spread of about 0.2
    net = small_network(small, (8,), seed=3)
    plain = Network((1, 8, 2), "tanh", seed=3)
    ratio = net.weights[0] / plain.weights[0]
    np.testing.assert_allclose(ratio, 1 / small.x_train.std(), rtol=1e-5)
    np.testing.assert_array_equal(net.weights[1], plain.weights[1])
    with pytest.raises(ValueError, match="input_std"):
        Network((1, 2), input_std=0.0)


def test_20_hidden_neurons_fit_sin_closely_and_no_hidden_layer_cannot():
    data = make_curve("sin", n=200, noise=0.05)
    _, fitted = _train(data, (20,), epochs=150)
    _, straight = _train(data, (), epochs=150)
    assert fitted.test_cost < 0.02  # noise alone is 0.0025
    assert straight.test_cost > 0.15  # the best straight line through one sine period
    assert math.isnan(fitted.test_accuracy)


# ---------------------------------------------------------------- features


def test_features_are_the_named_functions_of_the_coordinates():
    points = np.array([[0.5, -2.0], [1.0, 0.25]], np.float32)
    m = feature_matrix(points, ALL_CROSSES)
    x1, x2 = points[:, 0], points[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(np.pi * x1), np.sin(np.pi * x2)])
    np.testing.assert_allclose(m, expected, rtol=1e-6, atol=1e-7)
    assert m.dtype == np.float32 and set(ALL_CROSSES) == set(FEATURES)


@pytest.mark.parametrize("text, words", [("x1,x3", "unknown feature 'x3'"), ("", "at least one"), ("x1,x1", "once")])
def test_bad_feature_lists_are_refused_in_words(text, words):
    with pytest.raises(ValueError, match=words):
        parse_features(text)


def test_with_features_keeps_labels_and_refuses_images():
    data = make_toy("xor", n=50)
    crossed = with_features(data, ["x1x2"])
    assert crossed.n_features == 1 and crossed.y_train is data.y_train
    np.testing.assert_allclose(crossed.x_test[:, 0], data.x_test[:, 0] * data.x_test[:, 1], rtol=1e-6)
    image = Dataset("img", "t", np.zeros((2, 4), np.float32), np.zeros(2, np.int64), np.zeros((1, 4), np.float32),
                    np.zeros(1, np.int64), (2, 2), ("a", "b"))
    with pytest.raises(ValueError, match="2-D points"):
        with_features(image, ["x1"])


# ---------------------------------------------------------------- curves and regression data


@pytest.mark.parametrize("name", sorted(CURVES))
def test_curves_lie_in_minus_one_to_one(name):
    data = make_curve(name, n=500, noise=0.0, seed=1)
    assert data.is_regression and data.n_outputs == 1 and data.n_classes == 0
    assert data.y_train.dtype == np.float32 and data.x_train.shape[1] == 1
    assert data.x_train.min() >= -1 and data.x_train.max() <= 1
    assert data.y_train.min() >= -1 - 1e-6 and data.y_train.max() <= 1 + 1e-6
    assert data.y_train.max() - data.y_train.min() > 1.8  # uses the full range
    assert data.n_test == 100 and "regression" in repr(data)


def test_sin_spans_a_full_period_and_step_jumps_at_zero():
    sin = make_curve("sin", n=400, noise=0.0)
    x, y = sin.x_train[:, 0], sin.y_train
    assert y[x > 0].max() > 0.99 and y[x < 0].min() < -0.99  # a crest and a trough
    step = make_curve("step", n=400, noise=0.0)
    x, y = step.x_train[:, 0], step.y_train
    assert np.all(y[x < 0] == -1) and np.all(y[x >= 0] == 1)


def test_unknown_curve_and_bad_drawn_curves_are_refused():
    with pytest.raises(ValueError, match="unknown curve 'cos'"):
        make_curve("cos")
    with pytest.raises(ValueError, match="two points"):
        drawn_curve([0.1, 0.1], [0, 1])


def test_a_drawn_curve_interpolates_its_points_and_clips_to_the_range():
    f = drawn_curve([0.5, -0.5, 0.0], [2.0, -1.0, 0.0])
    np.testing.assert_allclose(f(np.array([-1.0, -0.25, 0.25, 0.5, 1.0])), [-1.0, -0.5, 0.5, 1.0, 1.0])


def test_dataset_insists_on_float_targets_for_regression_and_int_labels_for_classes():
    x = np.zeros((3, 1), np.float32)
    with pytest.raises(ValueError, match="float32"):
        Dataset("r", "t", x, np.zeros(3, np.int64), x, np.zeros(3, np.int64), None, ())
    with pytest.raises(ValueError, match="int64"):
        Dataset("c", "t", x, np.zeros(3, np.float32), x, np.zeros(3, np.float32), None, ("a", "b"))


def test_the_trainer_refuses_a_cost_that_does_not_fit_the_targets():
    curve, points = make_curve("abs", n=40), make_toy("xor", n=40)
    with pytest.raises(ValueError, match="needs the identity-mse cost"):
        Trainer(Network((1, 1)), curve)
    with pytest.raises(ValueError, match="class labels"):
        Trainer(Network((2, 2), cost=REGRESSION_COST), points)


# ---------------------------------------------------------------- regression and L1 gradients


def _numeric_gradient(net, x, y, l1, h=1e-6):
    def cost(params):
        weights, biases = split_params(params, net.layer_sizes)
        out = forward_pass(weights, biases, net.activation, net.cost, x)[-1][:, 0]
        return np.mean((out - y) ** 2) + l1 * sum(np.abs(w).sum() for w in weights)

    params = net.params.astype(np.float64)
    return np.array([(cost(params + h * e) - cost(params - h * e)) / (2 * h) for e in np.eye(params.size)]), cost(params)


@pytest.mark.parametrize("l1", [0.0, 0.2])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_regression_and_l1_gradients_match_finite_differences(activation, l1):
    net = Network((1, 5, 1), activation=activation, cost=REGRESSION_COST, seed=4)
    net.biases[0][...] = 0.1
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-1, 1, (9, 1)), rng.uniform(-1, 1, 9)
    cost, grad = net.loss_and_gradient(x, y, l1=l1)
    numeric, reference = _numeric_gradient(net, x, y, l1)
    assert cost == pytest.approx(reference, rel=1e-10)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_l1_drives_useless_weights_to_zero_more_than_l2_does():
    data = with_features(make_toy("circles", n=300), ALL_CROSSES)  # only x1², x2² matter
    plain, _ = _train(data, (), epochs=80)
    sparse, result = _train(data, (), epochs=80, l1=0.01)
    useless = [0, 1, 4, 5, 6]
    assert np.abs(sparse.weights[0][:, useless]).mean() < 0.5 * np.abs(plain.weights[0][:, useless]).mean()
    assert result.test_accuracy >= 0.95


# ---------------------------------------------------------------- what the window draws


def _frame(snapshot, features, resolution, layer=0, points=np.zeros((0, 2), np.float32), grid=grid_lines(3, 4)):
    """One frame as the Playground window samples it (PlaneSampler), maps and decision at one resolution."""
    return PlaneSampler(features, resolution, resolution, points, grid).frame(snapshot, layer)


def _hidden_space(snapshot, features, layer, points, grid):
    """The hidden layer's view of ``points`` and ``grid`` as the window gets it (its plane grids kept tiny)."""
    return _frame(snapshot, features, 1, layer, points, grid).space


def _plane_reference(net, features, resolution):
    """Every layer over the plane by the network's own forward pass (rows), unscaled: [(n_units, res, res)]."""
    layers = net.forward(feature_matrix(plane_points(resolution), features))
    return [values.T.reshape(-1, resolution, resolution) for values in layers]


def test_plane_maps_cover_every_unit_in_minus_one_to_one():
    net = Network((3, 4, 2, 2), "relu", seed=1)
    features = ["x1", "x1sq", "x1x2"]
    frame = _frame(net.snapshot(), features, 10)
    maps = frame.maps
    assert [m.shape for m in maps] == [(3, 10, 10), (4, 10, 10), (2, 10, 10), (1, 10, 10)]
    assert all(np.abs(m).max() <= 1 for m in maps)
    x1 = plane_points(10)[:, 0].reshape(10, 10)
    np.testing.assert_allclose(maps[0][0], x1 / np.abs(x1).max(), rtol=1e-6)  # x1 grows along columns
    reference = _plane_reference(net, features, 10)
    for got, values in zip(maps[1:-1], reference[1:-1], strict=True):  # ReLU units: divided by their largest value
        largest = np.maximum(np.abs(values).max(axis=(1, 2), keepdims=True), 1.0)
        np.testing.assert_allclose(got, values / largest, atol=1e-6)
    np.testing.assert_allclose(maps[-1][0], frame.decision, atol=1e-6)


def test_decision_map_is_the_probability_difference():
    net = Network((2, 2), seed=3)
    score = _frame(net.snapshot(), ["x1", "x2"], 4).decision.ravel()
    p = net.forward(plane_points(4))[-1]
    np.testing.assert_allclose(score, p[:, 1] - p[:, 0], atol=1e-6)


def test_hidden_space_of_a_two_neuron_layer_is_its_activations_with_the_output_line():
    net = Network((2, 2, 2), "tanh", seed=5)
    points = np.array([[0.3, -0.2], [0.9, 0.1]], np.float32)
    grid = grid_lines(3, 4)
    space = _hidden_space(net.snapshot(), ["x1", "x2"], 1, points, grid)
    np.testing.assert_allclose(space.points, net.forward(points)[1], atol=1e-6)
    assert space.grid.shape == (24, 2) and space.axes == ("neuron 1", "neuron 2")
    w1, w2, b = space.boundary
    p = net.forward(points)[-1]
    side = w1 * space.points[:, 0] + w2 * space.points[:, 1] + b
    np.testing.assert_array_equal(side > 0, p[:, 1] > p[:, 0])  # the line splits the outputs' classes


def test_hidden_space_of_a_wider_layer_is_a_pca_projection():
    net = Network((2, 6, 3, 2), "tanh", seed=5)
    points = make_toy("circles", n=60).x_train
    space = _hidden_space(net.snapshot(), ["x1", "x2"], 1, points, grid_lines(3, 4))
    assert space.axes[0] == "principal component 1" and 0 < space.explained <= 1 and space.boundary is None
    centred = space.points - space.points.mean(axis=0)
    assert abs(float(centred[:, 0] @ centred[:, 1])) < 1e-2 * len(points)  # uncorrelated components
    assert centred[:, 0].var() >= centred[:, 1].var()
    with pytest.raises(ValueError, match="not a layer 3"):
        _hidden_space(net.snapshot(), ["x1", "x2"], 3, points, points)


def test_curve_parts_add_up_to_the_output():
    net = Network((1, 7, 1), "sigmoid", REGRESSION_COST, seed=2)
    net.biases[1][...] = 0.3
    x = np.linspace(-1, 1, 11)
    parts = curve_parts(net.snapshot(), x)
    assert parts.contributions.shape == (7, 11)
    np.testing.assert_allclose(parts.contributions.sum(axis=0) + parts.output_bias, parts.output, atol=1e-5)


def test_set_parameter_changes_one_weight_and_refuses_nonsense():
    data = make_curve("step", n=40)
    trainer = Trainer(Network((1, 3, 1), "sigmoid", REGRESSION_COST), data)
    trainer.set_parameter("weight", 0, (2, 0), 12.5)
    trainer.set_parameter("bias", 1, (0,), -0.5)
    snap = trainer.snapshot()
    assert snap.weights[0][2, 0] == 12.5 and snap.biases[1][0] == -0.5
    for args, words in [(("weight", 2, (0, 0), 1.0), "not a layer 2"), (("weight", 0, (3, 0), 1.0), "no weight"),
                        (("bias", 0, (0,), float("nan")), "finite")]:
        with pytest.raises(ValueError, match=words):
            trainer.set_parameter(*args)


def test_a_dead_relu_layer_is_found_beyond_the_first_chunk_of_samples():
    """Layer 2 gives 0 everywhere but at the very last sample, which lies in the second chunk of products."""
    from nnviz.engine.playground import FORWARD_CHUNK

    net = Network((2, 3, 2, 2), "relu", seed=1)
    net.weights[0][...] = [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]  # neuron 1 of layer 1 passes x1 > 0 on,
    net.biases[0][...] = [0.0, 0.1, 0.0]  # neuron 2 always gives 0.1: layer 1 lives
    net.weights[1][...] = [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    net.biases[1][...] = -0.5  # so layer 2 lives only where x1 > 0.5
    points = np.zeros((FORWARD_CHUNK + 10, 2), np.float32)
    assert dead_layers(net.snapshot(), points) == (2,)
    points[-1, 0] = 1.0
    assert dead_layers(net.snapshot(), points) == ()
    net.biases[0][...] = -2.0  # now layer 1 gives 0 for every point, and layer 2 after it
    assert dead_layers(net.snapshot(), points) == (1, 2)
    assert dead_layers(Network((2, 3, 2), "tanh", seed=1).snapshot(), points) == ()  # only ReLU neurons die


@pytest.mark.parametrize("activation, cost, sizes", [("tanh", "cross-entropy", (2, 5, 3, 2)),
                                                     ("relu", "cross-entropy", (2, 4, 3)),
                                                     ("sigmoid", REGRESSION_COST, (2, 6, 1))])
def test_forward_by_columns_equals_the_networks_forward_pass(activation, cost, sizes):
    from nnviz.engine import playground

    net = Network(sizes, activation, cost, seed=4)
    points = plane_points(60)  # 3,600 points: two chunks
    whole = forward_pass(net.weights, net.biases, net.activation, net.cost, points)
    buffers = {}
    for _ in range(2):  # the second pass reuses the first one's buffers
        columns = playground._forward_columns(net.snapshot(), np.ascontiguousarray(points.T), buffers)
        for a, b in zip(columns, whole):
            np.testing.assert_allclose(a.T, b, rtol=1e-5, atol=1e-6)
    assert len(buffers) == len(sizes) - 1


def test_one_plane_frame_holds_the_maps_the_decision_and_the_hidden_space_of_separate_passes():
    """Maps, decision, points and grid share one forward pass: each part must be what it is alone."""
    from nnviz.engine.playground import _pca

    net = Network((3, 5, 4, 2), "tanh", seed=2)
    features = ["x1", "x2", "x1x2"]
    points = make_toy("xor", n=40).x_train
    grid = grid_lines(3, 5)
    sampler = PlaneSampler(features, 12, 20, points, grid)
    for layer in (1, 2):
        frame = sampler.frame(net.snapshot(), layer)
        reference = _plane_reference(net, features, 12)
        for a, b in zip(frame.maps[:-1], reference[:-1], strict=True):  # tanh and features in -1.5..1.5
            np.testing.assert_allclose(a, b / np.maximum(np.abs(b).max(axis=(1, 2), keepdims=True), 1.0), atol=1e-6)
        np.testing.assert_allclose(frame.maps[-1][0], reference[-1][1] - reference[-1][0], atol=1e-6)
        p = net.forward(feature_matrix(plane_points(20), features))[-1]
        np.testing.assert_allclose(frame.decision.ravel(), p[:, 1] - p[:, 0], atol=1e-6)
        hidden = np.concatenate([net.forward(feature_matrix(part, features))[layer] for part in (points, grid)])
        coords, explained = _pca(hidden.astype(np.float64), hidden[:len(points)].astype(np.float64))
        np.testing.assert_allclose(frame.space.points, coords[:len(points)], atol=1e-5)
        np.testing.assert_allclose(frame.space.grid, coords[len(points):], atol=1e-5)
        assert frame.space.explained == pytest.approx(explained, abs=1e-6)
        assert frame.space.axes[0] == "principal component 1" and frame.space.layer == layer
    net.weights[0][...] = 0.0  # a new snapshot through the same buffers: the first frame's arrays stay as they were
    kept = [m.copy() for m in frame.maps]
    sampler.frame(net.snapshot(), 0)
    for a, b in zip(frame.maps, kept):
        np.testing.assert_array_equal(a, b)
    assert sampler.frame(net.snapshot(), 0).space is None


def test_a_blown_up_network_still_gives_a_finite_frame():
    net = Network((2, 4, 3, 2), "relu", seed=2)
    net.weights[0][0, 0], net.weights[0][1, 1] = np.inf, np.nan  # as a diverged run or a typed weight leaves it
    frame = PlaneSampler(["x1", "x2"], 8, 10, np.zeros((5, 2), np.float32), grid_lines(3, 4)).frame(net.snapshot(), 1)
    assert all(np.isfinite(m).all() and np.abs(m).max() <= 1 for m in frame.maps)
    assert np.isfinite(frame.decision).all() and np.abs(frame.decision).max() <= 1
    assert np.isfinite(frame.space.points).all() and np.isfinite(frame.space.grid).all()


def test_the_windows_grid_bends_smoothly_under_a_steep_tanh_layer():
    """A trained 2-neuron tanh layer is steep: each grid line must stay a curve of short steps,
    not straight chords jumping between the saturated corners of the square."""
    from nnviz.qt.playground_window import GRID_LINES, GRID_SAMPLES

    net = Network((2, 2, 2), "tanh", seed=5)
    net.weights[0][...] = np.array([[15.0, -9.0], [6.0, 14.0]], np.float32)  # slopes a trained spiral layer reaches
    grid = grid_lines(GRID_LINES, GRID_SAMPLES)
    space = _hidden_space(net.snapshot(), ["x1", "x2"], 1, np.zeros((1, 2), np.float32), grid)
    lines = space.grid.reshape(2 * GRID_LINES, GRID_SAMPLES, 2)
    steps = np.linalg.norm(np.diff(lines, axis=1), axis=2)
    assert steps.max() < 0.15  # of a 2 x 2 square: a visible bend, never a chord across it


def test_hidden_space_of_a_runaway_network_is_finite():
    net = Network((2, 6, 2), "relu", seed=5)
    net.params[:] = 3e38  # what a diverging run leaves: activations overflow to inf
    points = make_toy("circles", n=60).x_train
    space = _hidden_space(net.snapshot(), ["x1", "x2"], 1, points, grid_lines(3, 4))
    assert np.isfinite(space.points).all() and np.isfinite(space.grid).all() and 0 <= space.explained <= 1


def test_hidden_space_says_how_many_points_a_bounded_layer_saturates():
    points = make_toy("spirals", n=200).x_train
    net = Network((2, 2, 2), "tanh", seed=3)
    net.weights[0][...] = np.array([[0.3, 0.1], [-0.2, 0.4]], np.float32)  # gentle: nothing near ±1
    gentle = _hidden_space(net.snapshot(), ["x1", "x2"], 1, points, grid_lines(3, 4))
    net.weights[0][...] = np.array([[40.0, 0.0], [0.0, 40.0]], np.float32)  # steep: all but a thin band at ±1
    steep = _hidden_space(net.snapshot(), ["x1", "x2"], 1, points, grid_lines(3, 4))
    on_edge = (np.abs(steep.points) > 0.95).any(axis=1).mean()
    assert gentle.saturated == 0.0
    assert steep.saturated == pytest.approx(on_edge) and steep.saturated > 0.9
    relu = Network((2, 2, 2), "relu", seed=3)  # no limit, nothing to saturate against
    assert np.isnan(_hidden_space(relu.snapshot(), ["x1", "x2"], 1, points, grid_lines(3, 4)).saturated)
