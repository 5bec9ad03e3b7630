"""Checks on images and labels read from a file, before they become a Dataset.

Each problem (no samples, NaN, complex or structured values, labels that are not whole numbers)
is reported with a message that names it, so bad data is never blamed on the learning rate.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_images", "check_labels", "DataCheckError"]

_NUMBER_KINDS = {"b": "true/false", "u": "whole numbers", "i": "whole numbers", "f": "numbers"}
_KIND_NAMES = {"c": "complex numbers", "V": "structured records", "O": "Python objects",
               "U": "text", "S": "bytes", "M": "dates", "m": "time spans"}


class DataCheckError(ValueError):
    """Images or labels that cannot be trained on; the message says what is wrong (without the place)."""


def _what(dtype: np.dtype) -> str:
    return _KIND_NAMES.get(dtype.kind, f"values of type {dtype}")


def check_images(images: np.ndarray, part: str) -> np.ndarray:
    """``images`` ``(n, rows, columns)`` if they are plain numbers, at least one image of at least one pixel.

    NaN and infinite pixels, complex and structured values are refused. ``part`` is "training" or "test".
    """
    if images.dtype.kind not in _NUMBER_KINDS or images.dtype.names is not None:
        raise DataCheckError(f"the {part} images hold {_what(images.dtype)}, not pixel values")
    if images.ndim != 3:
        raise DataCheckError(f"the {part} images have shape {images.shape}, expected (n, rows, columns)")
    if len(images) == 0:
        raise DataCheckError(f"there are no {part} images (the file declares 0)")
    if 0 in images.shape[1:]:
        raise DataCheckError(f"the {part} images are {images.shape[1]}x{images.shape[2]} pixels: empty")
    if images.dtype.kind == "f":
        bad = ~np.isfinite(images)
        if bad.any():
            nan = int(np.isnan(images).sum())
            what = "NaN (not-a-number)" if nan else "infinite"
            raise DataCheckError(f"{int(bad.sum()):,} {part} pixel values are {what}"
                                 f"{' or infinite' if nan and nan < bad.sum() else ''}; "
                                 "the data is damaged")
    return images


def check_labels(labels: np.ndarray, part: str, n_classes: int) -> np.ndarray:
    """``labels`` ``(n,)`` as int64 if each is a whole number in ``range(n_classes)``.

    NaN, fractional (4.5), complex, structured and true/false labels are refused by name.
    """
    if labels.dtype.kind not in "uif" or labels.dtype.names is not None:
        raise DataCheckError(f"the {part} labels hold {_what(labels.dtype) if labels.dtype.kind != 'b' else 'true/false values'}, "
                             f"not class numbers 0..{n_classes - 1}")
    if labels.ndim != 1:
        raise DataCheckError(f"the {part} labels have shape {labels.shape}, expected (n,)")
    if labels.dtype.kind == "f":
        if np.isnan(labels).any():
            raise DataCheckError(f"{int(np.isnan(labels).sum()):,} {part} labels are NaN (not-a-number), "
                                 f"not class numbers 0..{n_classes - 1}")
        if not np.isfinite(labels).all():
            raise DataCheckError(f"some {part} labels are infinite, not class numbers 0..{n_classes - 1}")
        fractional = labels != np.round(labels)
        if fractional.any():
            example = labels[np.argmax(fractional)]
            raise DataCheckError(f"{int(fractional.sum()):,} {part} labels are not whole numbers "
                                 f"(for example {example:g}); labels are class numbers 0..{n_classes - 1}")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        low, high = labels.min(), labels.max()
        raise DataCheckError(f"the {part} labels range from {low:g} to {high:g}, expected 0..{n_classes - 1}")
    return labels.astype(np.int64)
