"""Feature transforms of 2-D points (x1, x2, squares, their product, sines): the Playground's inputs.

A network with no hidden layer draws a straight line through its inputs; fed x1² and x2² instead
of x1 and x2, that line is a circle in the plane. The transforms here turn points (n, 2) into
network inputs (n, k), one column per chosen feature, in the order given.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from nnviz.engine.dataset import Dataset

__all__ = ["FEATURES", "FEATURE_LABELS", "DEFAULT_FEATURES", "check_features", "parse_features",
           "feature_matrix", "with_features"]

#: name -> function of the two coordinates. The sines take pi * x so that, over the data's -1..1,
#: a sine feature is one full wave (sin x1 itself would be nearly the straight line x1 there).
FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1sq": lambda x1, x2: x1 * x1,
    "x2sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sinx1": lambda x1, x2: np.sin(np.pi * x1),
    "sinx2": lambda x1, x2: np.sin(np.pi * x2),
}

#: How each feature is written for a learner.
FEATURE_LABELS: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁·x₂",
    "sinx1": "sin(πx₁)",
    "sinx2": "sin(πx₂)",
}

DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")


def check_features(names: Iterable[str]) -> tuple[str, ...]:
    """The names as a tuple if they are known, distinct and at least one; else a ValueError in words."""
    names = tuple(names)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from {','.join(FEATURES)}")
    if not names:
        raise ValueError("choose at least one feature")
    if len(set(names)) != len(names):
        raise ValueError(f"each feature may be chosen once, got {','.join(names)}")
    return names


def parse_features(text: str) -> tuple[str, ...]:
    """Features from a comma-separated list such as "x1,x2,x1x2"."""
    return check_features(part.strip() for part in text.split(",") if part.strip())


def feature_matrix(points: np.ndarray, names: Iterable[str]) -> np.ndarray:
    """Network inputs (n, len(names)) float32 for points (n, 2), one column per feature."""
    names = check_features(names)
    points = np.asarray(points, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"features are made from 2-D points (n, 2), got shape {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    out = np.empty((len(points), len(names)), dtype=np.float32)
    for column, name in enumerate(names):
        out[:, column] = FEATURES[name](x1, x2)
    return out


def with_features(dataset: Dataset, names: Iterable[str]) -> Dataset:
    """The same points and labels, with the chosen features as inputs (a 2-D dataset only)."""
    names = check_features(names)
    if dataset.n_features != 2 or dataset.image_shape is not None:
        raise ValueError(f"features are made from 2-D points, but {dataset.name} has {dataset.n_features} inputs")
    return Dataset(
        name=dataset.name,
        source=f"{dataset.source}, features {','.join(names)}",
        x_train=feature_matrix(dataset.x_train, names),
        y_train=dataset.y_train,
        x_test=feature_matrix(dataset.x_test, names),
        y_test=dataset.y_test,
        image_shape=None,
        class_names=dataset.class_names,
    )
