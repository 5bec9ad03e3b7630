"""2-D toy classification problems (two spirals, XOR quadrants, circle in a ring, two gaussians)
and 1-D curves to fit (sin, step, |x|, a bump, or any function such as a curve drawn by hand).

Small enough to train in a blink and to plot a network's decision boundary over the plane.

Each maker takes ``n`` (total points, by default 80% training, 20% test: ``test_fraction``),
``noise`` (standard deviation of Gaussian jitter, in the same units as the coordinates, which lie
roughly in -1..1) and ``seed``; the same arguments give identical data. A 2-D maker returns a
``Dataset`` with two features, two classes and ``image_shape`` None; a curve maker one with one
feature x in -1..1 and float32 targets in -1..1 (before the noise), so test MSE reads the same
for every curve.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from nnviz.engine.dataset import Dataset

__all__ = [
    "make_spirals", "make_xor", "make_circles", "make_gaussians", "make_toy", "TOY_DATASETS",
    "CURVES", "make_curve", "make_function_curve", "drawn_curve",
]

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
    test_fraction: float = _TEST_FRACTION,
) -> Dataset:
    """Shuffle, split and wrap points ``(n, d)`` and labels or targets ``(n,)`` in a Dataset."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"the test fraction must lie between 0 and 1, not {test_fraction}")
    order = rng.permutation(len(points))
    points, labels = points[order].astype(np.float32), labels[order]
    n_test = min(max(int(round(len(points) * test_fraction)), 1), len(points) - 1)
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


#: Most points a generated problem may have, and the largest jitter (the data spans about -1..1).
MAX_POINTS = 1_000_000
MAX_NOISE = 10.0


def _check(n: int, noise: float) -> None:
    if int(n) < 10:
        raise ValueError(f"n must be at least 10 points, not {n}")
    if int(n) > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS:,} points can be generated, not {n:,}")
    if not 0 <= noise <= MAX_NOISE:  # also refuses NaN
        raise ValueError(f"noise must be from 0 to {MAX_NOISE:g} (the points lie within about -1..1), not {noise:g}")


def make_spirals(n: int = 1000, noise: float = 0.05, seed: int = 0, test_fraction: float = _TEST_FRACTION) -> Dataset:
    """Two interleaved spirals, each winding 1.75 turns out from the centre to radius 1."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    t = rng.uniform(0.05, 1.0, n)  # distance along the arm, 0 = centre
    angle = t * 1.75 * 2 * np.pi + np.pi * labels  # the second arm is the first turned by 180 degrees
    points = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    points += rng.normal(0.0, noise, points.shape)
    return _finish("two spirals", points, labels, ("spiral A", "spiral B"), rng, n, noise, seed, test_fraction)


def make_xor(n: int = 1000, noise: float = 0.05, seed: int = 0, test_fraction: float = _TEST_FRACTION) -> Dataset:
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
    return _finish("XOR quadrants", points, labels, ("same sign", "opposite sign"), rng, n, noise, seed, test_fraction)


def make_circles(n: int = 1000, noise: float = 0.05, seed: int = 0, test_fraction: float = _TEST_FRACTION) -> Dataset:
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
    return _finish("circle in a ring", points, labels, ("circle", "ring"), rng, n, noise, seed, test_fraction)


def make_gaussians(n: int = 1000, noise: float = 0.3, seed: int = 0, test_fraction: float = _TEST_FRACTION) -> Dataset:
    """Two round Gaussian blobs centred at (-0.5, -0.5) and (0.5, 0.5); ``noise`` is their spread."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    labels = _labels(n)
    centres = np.where(labels[:, None] == 0, -0.5, 0.5)
    points = centres + rng.normal(0.0, noise, (n, 2))
    return _finish("two gaussians", points, labels, ("blob A", "blob B"), rng, n, noise, seed, test_fraction)


TOY_DATASETS: dict[str, Callable[..., Dataset]] = {
    "spirals": make_spirals,
    "xor": make_xor,
    "circles": make_circles,
    "gaussians": make_gaussians,
}


def make_toy(name: str, n: int = 1000, noise: float | None = None, seed: int = 0,
             test_fraction: float = _TEST_FRACTION) -> Dataset:
    """Make the toy dataset called ``name`` (a key of TOY_DATASETS); ``noise`` None = its default."""
    try:
        maker = TOY_DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown toy dataset {name!r}; choose from {', '.join(TOY_DATASETS)}") from None
    if noise is None:
        return maker(n=n, seed=seed, test_fraction=test_fraction)
    return maker(n=n, noise=noise, seed=seed, test_fraction=test_fraction)


# ---- 1-D curves: x in -1..1, targets in -1..1 ------------------------------------------------------

def _sin(x: np.ndarray) -> np.ndarray:
    return np.sin(np.pi * x)  # one full period over -1..1


def _step(x: np.ndarray) -> np.ndarray:
    return np.where(x < 0, -1.0, 1.0)  # jumps from -1 to 1 at 0


def _abs(x: np.ndarray) -> np.ndarray:
    return 2.0 * np.abs(x) - 1.0  # |x| scaled from 0..1 to -1..1


def _bump(x: np.ndarray) -> np.ndarray:
    return 2.0 * np.exp(-0.5 * (x / 0.2) ** 2) - 1.0  # a Gaussian bump of width 0.2 at 0, from -1 to 1


#: name -> (target function of x, what it is in words)
CURVES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "sin": (_sin, "sin(pi x), one full period"),
    "step": (_step, "a step from -1 to 1 at x = 0"),
    "abs": (_abs, "|x|, scaled to -1..1"),
    "bump": (_bump, "a bump of width 0.2 at x = 0"),
}


def make_function_curve(function: Callable[[np.ndarray], np.ndarray], name: str, n: int = 200, noise: float = 0.05,
                        seed: int = 0, test_fraction: float = _TEST_FRACTION) -> Dataset:
    """Points (x, function(x) + jitter) for x uniform in -1..1: a regression Dataset with one feature."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = np.asarray(function(x), dtype=np.float64).reshape(-1)
    if y.shape != x.shape or not np.all(np.isfinite(y)):
        raise ValueError(f"the curve {name!r} must give one finite value per x")
    y = y + rng.normal(0.0, noise, n)
    data = _finish(name, x[:, None], y.astype(np.float32), (), rng, n, noise, seed, test_fraction)
    return data


def make_curve(name: str, n: int = 200, noise: float = 0.05, seed: int = 0,
               test_fraction: float = _TEST_FRACTION) -> Dataset:
    """The curve called ``name`` (a key of CURVES) as a regression Dataset."""
    try:
        function, _ = CURVES[name]
    except KeyError:
        raise ValueError(f"unknown curve {name!r}; choose from {', '.join(CURVES)}") from None
    return make_function_curve(function, f"curve {name}", n, noise, seed, test_fraction)


def drawn_curve(xs, ys) -> Callable[[np.ndarray], np.ndarray]:
    """The function through hand-drawn points (xs, ys), linear between them, flat beyond the ends.

    ys are clipped to -1..1; points are sorted by x and repeated x keep their last y.
    """
    xs = np.asarray(xs, dtype=np.float64).reshape(-1)
    ys = np.clip(np.asarray(ys, dtype=np.float64).reshape(-1), -1.0, 1.0)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    if len(xs) < 2 or np.ptp(xs) <= 0:
        raise ValueError("a drawn curve needs at least two points at different x")
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    last = np.append(xs[1:] != xs[:-1], True)  # keep the last of equal xs
    xs, ys = xs[last], ys[last]
    return lambda x: np.interp(x, xs, ys)
