"""Tests for the 2-D toy datasets: shapes, balance, determinism and the geometry of each problem."""

import numpy as np
import pytest

from nnviz.engine.datasets import load_dataset
from nnviz.engine.toy import TOY_DATASETS, make_circles, make_gaussians, make_spirals, make_toy, make_xor


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_shapes_types_and_split(name):
    data = make_toy(name, n=501, seed=3)
    assert data.n_features == 2 and data.n_classes == 2 and data.image_shape is None
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.n_train + data.n_test == 501
    assert data.n_test == 100
    labels = np.concatenate([data.y_train, data.y_test])
    assert abs(int(np.sum(labels == 0)) - int(np.sum(labels == 1))) <= 1
    assert np.all(np.isfinite(data.x_train))


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = make_toy(name, seed=7), make_toy(name, seed=7), make_toy(name, seed=8)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_noise_moves_points(name):
    calm, noisy = make_toy(name, noise=0.0), make_toy(name, noise=0.5)
    assert np.std(noisy.x_train - calm.x_train) > 0.2


def test_xor_without_noise_follows_the_sign_rule():
    data = make_xor(n=400, noise=0.0)
    x, y = data.x_train, data.y_train
    np.testing.assert_array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64))
    assert np.abs(x).max() <= 1.0


def test_circles_without_noise_are_separated_by_radius():
    data = make_circles(n=400, noise=0.0)
    radius = np.hypot(data.x_train[:, 0], data.x_train[:, 1])
    assert radius[data.y_train == 0].max() <= 0.5 + 1e-6
    assert radius[data.y_train == 1].min() >= 0.7 - 1e-6
    assert radius.max() <= 1.0 + 1e-6


def test_spirals_arms_are_point_symmetric():
    data = make_spirals(n=2000, noise=0.0)
    a = data.x_train[data.y_train == 0]
    b = data.x_train[data.y_train == 1]
    # Turning arm A by 180 degrees lands each of its points on arm B.
    turned = -a[:50]
    nearest = np.min(np.linalg.norm(turned[:, None, :] - b[None, :, :], axis=2), axis=1)
    assert nearest.max() < 0.05


def test_gaussians_centres():
    data = make_gaussians(n=4000, noise=0.3, seed=1)
    np.testing.assert_allclose(data.x_train[data.y_train == 0].mean(0), [-0.5, -0.5], atol=0.05)
    np.testing.assert_allclose(data.x_train[data.y_train == 1].mean(0), [0.5, 0.5], atol=0.05)


def test_load_dataset_knows_the_toys():
    assert load_dataset("spirals").name == "two spirals"


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown toy"):
        make_toy("moons")
    with pytest.raises(ValueError, match="noise"):
        make_spirals(noise=-1)
    with pytest.raises(ValueError, match="at least"):
        make_xor(n=3)
