"""The neuron card's engine: templates, the weighted sum, exciting digits, dreams and ablation."""

import numpy as np
import pytest

from nnviz.engine import neuron as nn_neuron
from nnviz.engine.network import Network


@pytest.fixture
def snap():
    return Network((16, 5, 4, 3), "tanh", seed=2).snapshot()


def test_weighted_sum_adds_up_to_the_forward_pass(snap):
    x = np.random.default_rng(0).random(16).astype(np.float32)
    s = nn_neuron.weighted_sum(snap, x, 2, 1)
    layers = snap.forward(x)
    assert s.z == pytest.approx(float(s.products.sum() + s.bias))
    assert np.tanh(s.z) == pytest.approx(layers[2][1], abs=1e-5)
    np.testing.assert_allclose(s.inputs, layers[1], rtol=1e-6)
    top = s.top_terms(2)
    assert abs(s.products[top[0]]) >= abs(s.products[top[1]]) >= np.sort(np.abs(s.products))[-2] - 1e-12
    out = nn_neuron.weighted_sum(snap, x, 3, 0)
    assert out.function == "softmax" and out.output == pytest.approx(layers[3][0], abs=1e-6)


def test_pixel_template_is_the_weight_product(snap):
    np.testing.assert_allclose(nn_neuron.pixel_template(snap, 1, 3), snap.weights[0][3], rtol=1e-6)
    expected = (snap.weights[1] @ snap.weights[0])[2]
    np.testing.assert_allclose(nn_neuron.pixel_template(snap, 2, 2), expected, rtol=1e-5)
    with pytest.raises(ValueError):
        nn_neuron.pixel_template(snap, 4, 0)


def test_exciting_digits_are_the_extremes(snap):
    x = np.random.default_rng(1).random((50, 16)).astype(np.float32)
    most, least, z = nn_neuron.exciting_digits(snap, x, 2, 3, k=9)
    assert len(most) == len(least) == 9
    assert z[most].min() >= np.sort(z)[-9] - 1e-6 and z[least].max() <= np.sort(z)[8] + 1e-6
    assert list(z[most]) == sorted(z[most], reverse=True)


def test_gradient_of_z_matches_finite_differences(snap):
    x = np.random.default_rng(3).random(16)
    z, g = nn_neuron._grad_z(snap, x, 2, 1)
    eps = 1e-6
    numeric = [(nn_neuron._grad_z(snap, x + eps * e, 2, 1)[0] - nn_neuron._grad_z(snap, x - eps * e, 2, 1)[0]) / (2 * eps)
               for e in np.eye(16)]
    np.testing.assert_allclose(g, numeric, rtol=1e-4, atol=1e-6)


def test_dream_raises_the_neuron_and_stays_in_range():
    snap = Network((784, 16, 10), seed=0).snapshot()
    image, z0, z1 = nn_neuron.dream(snap, 1, 4, steps=60)
    assert image.shape == (784,) and image.min() >= 0 and image.max() <= 1
    assert z1 > z0 + 1.0


def test_ablation_switches_a_neuron_off_and_leaves_the_original_alone(snap):
    off = nn_neuron.ablated(snap, 1, 2)
    x = np.random.default_rng(4).random(16).astype(np.float32)
    assert not off.weights[1][:, 2].any()
    assert snap.weights[1][:, 2].any()  # the snapshot itself is unchanged
    np.testing.assert_allclose(off.forward(x)[1], snap.forward(x)[1])  # its own layer is the same
    out = nn_neuron.ablated(snap, 3, 1)
    assert out.forward(x)[-1][1] < 1e-6


def test_per_class_accuracy_counts_each_class():
    snap = Network((4, 3), seed=0).snapshot()
    x = np.eye(4, dtype=np.float32)[:3].repeat(2, axis=0)
    predicted = snap.predict(x)
    y = np.array([predicted[0], predicted[1], 0, 0, 1, 1])
    acc = nn_neuron.per_class_accuracy(snap, x, y, 3)
    assert np.isnan(acc[2]) or acc[2] >= 0
    right = predicted == y
    assert acc[y[0]] == pytest.approx(right[y == y[0]].mean())
