"""The Dataset every part of nnviz trains on: training and test arrays, image shape, class names.

Loaders (datasets.py) and generators (toy.py) both build it; it depends on nothing but NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, repr=False)
class Dataset:
    """A classification or regression dataset split into training and test parts.

    x_train ``(n_train, n_features)`` float32 in 0..1 for images (28x28 images are flattened row by
    row to 784 features); y_train ``(n_train,)`` int64 labels in ``range(n_classes)``, or, for
    regression (``class_names`` empty), float32 real-valued targets; likewise x_test, y_test.
    ``image_shape`` is ``(28, 28)`` for images and None for points and curves.
    """

    name: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int] | None
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        for part in ("train", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
                raise ValueError(f"{self.name}: x_{part} {x.shape} and y_{part} {y.shape} do not match")
            if x.dtype != np.float32:
                raise ValueError(f"{self.name}: x_{part} must be float32")
            if self.is_regression and y.dtype != np.float32:
                raise ValueError(f"{self.name}: regression targets y_{part} must be float32")
            if not self.is_regression and y.dtype != np.int64:
                raise ValueError(f"{self.name}: class labels y_{part} must be int64")
            # a float64 sum is NaN or infinite exactly when a value is (float32 values cannot overflow it)
            for what, values in (("inputs", x), ("targets", y)):
                with np.errstate(all="ignore"):  # inf + -inf is NaN: reported below, not warned about
                    total = values.sum(dtype=np.float64) if values.dtype.kind == "f" else 0.0
                if not np.isfinite(total):
                    raise ValueError(f"{self.name}: the {'training' if part == 'train' else 'test'} {what} contain "
                                     "NaN or infinite values; "
                                     "the data is damaged")
        if self.x_train.shape[1] != self.x_test.shape[1]:
            raise ValueError(f"{self.name}: training and test features differ in number")
        if self.image_shape is not None and int(np.prod(self.image_shape)) != self.x_train.shape[1]:
            raise ValueError(f"{self.name}: image_shape {self.image_shape} does not fit the features")

    @property
    def n_features(self) -> int:
        """Number of inputs per example (784 for 28x28 images, 2 for toy points)."""
        return int(self.x_train.shape[1])

    @property
    def is_regression(self) -> bool:
        """True for real-valued targets (no class names), False for class labels."""
        return not self.class_names

    @property
    def n_classes(self) -> int:
        """Number of classes, one output neuron each (0 for regression)."""
        return len(self.class_names)

    @property
    def n_outputs(self) -> int:
        """Output neurons a network needs for this data: one per class, or one real-valued target."""
        return 1 if self.is_regression else self.n_classes

    @property
    def n_train(self) -> int:
        """Number of training examples."""
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        """Number of test examples."""
        return int(self.x_test.shape[0])

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={self.n_train}, test={self.n_test}, "
            f"features={self.n_features}, "
            + ("regression" if self.is_regression else f"classes={self.n_classes}")
            + f", source={self.source!r})"
        )
