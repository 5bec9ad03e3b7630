"""2-D toy classification problems (two spirals, XOR quadrants, circle in a ring, two gaussians).

Small enough to train in a blink and to plot a network's decision boundary over the plane.

Each maker takes ``n`` (total points, 80% training, 20% test), ``noise`` (standard deviation of
Gaussian jitter, in the same units as the coordinates, which lie roughly in -1..1) and ``seed``;
the same arguments give identical data. Each returns a ``Dataset`` with two features, two classes
and ``image_shape`` None.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from nnviz.engine.dataset import Dataset

__all__ = ["make_spirals", "make_xor", "make_circles", "make_gaussians", "make_toy", "TOY_DATASETS"]

_TEST_FRACTION = 0.2


def _labels(n: int) -> np.ndarray:
    """``n`` labels, half 0 and half 1 (the extra one is 1 when n is odd)."""
    labels = np.zeros(n, np.int64)
    labels[n // 2 :] = 1
    return labels


def _finish(
    name: str,
    points: np.ndarray,
    labels: np.ndarray,
    class_names: tuple[str, str],
    rng: np.random.Generator,
    n: int,
    noise: float,
    seed: int,
) -> Dataset:
    """Shuffle, split 80/20 and wrap points ``(n, 2)`` and labels ``(n,)`` in a Dataset."""
    order = rng.permutation(len(points))
    points, labels = points[order].astype(np.float32), labels[order]
    n_test = int(round(len(points) * _TEST_FRACTION))
    n_train = len(points) - n_test
    return Dataset(
        name=name,
        source=f"generated (n={n}, noise={noise:g}, seed={seed})",
        x_train=np.ascontiguousarray(points[:n_train]),
        y_train=labels[:n_train],
        x_test=np.ascontiguousarray(points[n_train:]),
        y_test=labels[n_train:],
        image_shape=None,
        class_names=class_names,
    )


def _check(n: int, noise: float) -> None:
    if int(n) < 10:
        raise ValueError(f"n must be at least 10 points, not {n}")
    if not noise >= 0:
        raise ValueError(f"noise must be 0 or more, not {noise}")


def make_spirals(n: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Two interleaved spirals, each winding 1.75 turns out from the centre to radius 1."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    t = rng.uniform(0.05, 1.0, n)  # distance along the arm, 0 = centre
    angle = t * 1.75 * 2 * np.pi + np.pi * labels  # the second arm is the first turned by 180 degrees
    points = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    points += rng.normal(0.0, noise, points.shape)
    return _finish("two spirals", points, labels, ("spiral A", "spiral B"), rng, n, noise, seed)


def make_xor(n: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Points in the four quadrants of -1..1; class 1 where x and y have opposite signs."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    # Draw |x|, |y| away from the axes, then pick signs that give the wanted label.
    magnitude = rng.uniform(0.1, 1.0, (n, 2))
    sign_x = rng.choice([-1.0, 1.0], n)
    sign_y = np.where(labels == 1, -sign_x, sign_x)
    points = magnitude * np.column_stack([sign_x, sign_y])
    points += rng.normal(0.0, noise, points.shape)
    return _finish("XOR quadrants", points, labels, ("same sign", "opposite sign"), rng, n, noise, seed)


def make_circles(n: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A disc of radius 0.5 (class 0) inside a ring from radius 0.7 to 1.0 (class 1)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    # sqrt makes the points uniform over the area, not crowded at the centre.
    inner = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, n))
    outer = np.sqrt(rng.uniform(0.7**2, 1.0, n))
    radius = np.where(labels == 0, inner, outer)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    points += rng.normal(0.0, noise, points.shape)
    return _finish("circle in a ring", points, labels, ("circle", "ring"), rng, n, noise, seed)


def make_gaussians(n: int = 1000, noise: float = 0.3, seed: int = 0) -> Dataset:
    """Two round Gaussian blobs centred at (-0.5, -0.5) and (0.5, 0.5); ``noise`` is their spread."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    centres = np.where(labels[:, None] == 0, -0.5, 0.5)
    points = centres + rng.normal(0.0, noise, (n, 2))
    return _finish("two gaussians", points, labels, ("blob A", "blob B"), rng, n, noise, seed)


TOY_DATASETS: dict[str, Callable[..., Dataset]] = {
    "spirals": make_spirals,
    "xor": make_xor,
    "circles": make_circles,
    "gaussians": make_gaussians,
}


def make_toy(name: str, n: int = 1000, noise: float | None = None, seed: int = 0) -> Dataset:
    """Make the toy dataset called ``name`` (a key of TOY_DATASETS); ``noise`` None = its default."""
    try:
        maker = TOY_DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown toy dataset {name!r}; choose from {', '.join(TOY_DATASETS)}") from None
    return maker(n=n, seed=seed) if noise is None else maker(n=n, noise=noise, seed=seed)
