"""Activation space (exact for two neurons, PCA otherwise) and saliency, checked against references."""

import numpy as np
import pytest

from nnviz.engine.network import Network
from nnviz.engine.projection import project_layer, saliency


def test_two_neurons_are_shown_exactly():
    snap = Network((6, 2, 3), "tanh", seed=1).snapshot()
    x = np.random.default_rng(0).random((20, 6)).astype(np.float32)
    p = project_layer(snap, x, 1)
    assert p.exact and p.axes == ("neuron 0", "neuron 1")
    np.testing.assert_allclose(p.points, snap.forward(x)[1], rtol=1e-6)


def test_wider_layers_use_pca_that_keeps_its_direction():
    snap = Network((6, 5, 3), "tanh", seed=1).snapshot()
    x = np.random.default_rng(0).random((200, 6)).astype(np.float32)
    p = project_layer(snap, x, 1)
    a = snap.forward(x)[1].astype(np.float64)
    centred = a - a.mean(axis=0)
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(centred.T, bias=True)))[::-1]
    assert p.points[:, 0].var() == pytest.approx(eigenvalues[0], rel=1e-4)
    assert p.points[:, 1].var() == pytest.approx(eigenvalues[1], rel=1e-4)
    assert p.explained[0] >= p.explained[1] and not p.exact and "principal component 1" in p.axes[0]
    flipped = type(p)(p.points, p.axes, False, p.explained, -p.components)
    again = project_layer(snap, x, 1, previous=flipped)
    np.testing.assert_allclose(again.points, -p.points, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cost", ["cross-entropy", "mse"])
def test_saliency_is_the_gradient_of_the_answer(cost):
    snap = Network((8, 5, 4), "sigmoid", cost, seed=3).snapshot()
    x = np.random.default_rng(2).random(8)
    g, target = saliency(snap, x)
    assert target == int(np.argmax(snap.forward(x.astype(np.float32))[-1]))

    def score(v):
        out = snap.forward(v.astype(np.float32))
        h = out[-2].astype(np.float64)
        z = snap.weights[-1].astype(np.float64) @ h + snap.biases[-1]
        return (z[target] - np.log(np.exp(z - z.max()).sum()) - z.max()) if cost == "cross-entropy" else z[target]

    eps = 1e-3
    numeric = np.array([(score(x + eps * e) - score(x - eps * e)) / (2 * eps) for e in np.eye(8)])
    np.testing.assert_allclose(g, numeric, rtol=2e-2, atol=2e-4)
