"""Turn a hand-drawn digit of any size into a 28x28 image normalised the way MNIST's digits were.

Shared by the drawing pad and the tests; pure NumPy.

MNIST's recipe (LeCun et al.): fit the digit's bounding box into 20x20 pixels keeping the aspect
ratio, with anti-aliasing, then place it in a 28x28 field so that its centre of mass is at the
centre. Measured on MNIST itself, the longer side of the box of non-zero pixels is always 20 and
the centre of mass lies at (row 14, column 14) within half a pixel, counting pixel centres from 0;
that is the target used here, reached with a sub-pixel (bilinear) shift.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.stroke import adjust_thickness, stroke_width

__all__ = ["preprocess_digit", "area_resample", "center_of_mass", "SIZE", "BOX", "CENTER", "MAX_SIDE"]

SIZE = 28  # output is SIZE x SIZE
BOX = 20  # the longer side of the ink's bounding box is scaled to BOX pixels
CENTER = (14.0, 14.0)  # (row, column) of the centre of mass, pixel centres counted from 0
_INK = 0.01  # values at or below this are paper, not ink (anti-aliasing and float dust)
WORK = 4  # stroke normalisation works at 4x the output's resolution
MAX_RADIUS = 2.0  # at most this many output pixels of ink added to each side of a stroke
MAX_THIN = 1.0  # and at most this many taken off
#: Largest image side the helpers take or make (a drawing pad is a few hundred pixels).
MAX_SIDE = 4096


def _as_image(image, what: str = "an image") -> np.ndarray:
    """``image`` as a 2-D float64 array, or a ValueError saying why it is not one."""
    array = np.asarray(image)
    if array.dtype.kind not in "biuf" or array.dtype.names is not None:
        raise ValueError(f"{what} must hold real numbers, not {array.dtype} values")
    if array.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array (height, width), not shape {array.shape}")
    if max(array.shape) > MAX_SIDE:
        raise ValueError(f"{what} of shape {array.shape} is too large (at most {MAX_SIDE} pixels a side)")
    return array.astype(np.float64, copy=False)


def _check_scale(scale, shape: tuple[int, int]) -> float:
    try:
        value = float(scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a number, not {scale!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"scale must be a positive finite number, not {scale!r}")
    biggest = max(shape) * value
    if biggest > MAX_SIDE:
        raise ValueError(f"scale {scale!r} would make an image {biggest:,.0f} pixels a side (at most {MAX_SIDE})")
    return value


def preprocess_digit(drawing: np.ndarray, stroke: float | tuple[float, float] | None = None) -> np.ndarray:
    """Normalise a drawing ``(H, W)`` float, ink = 1, paper = 0, into ``(28, 28)`` float32 in 0..1.

    1. crop to the ink's bounding box;
    2. scale the longer side to 20 pixels, keeping the aspect ratio, by exact area averaging;
    3. place it in 28x28;
    4. shift it (sub-pixel, bilinear) so that its centre of mass is at row 14, column 14.
    With ``stroke``, a width in output pixels or a range of widths (low, high) such as
    stroke.MNIST_STROKE_RANGE, the strokes are first thickened or thinned so that the result's
    stroke width is about that width, or inside that range (a drawing already inside is left as
    it is): see _normalise_stroke.
    An empty drawing gives zeros. Flatten the result with ``.reshape(784)`` to feed a network.
    """
    image = _as_image(drawing, "a drawing")
    if image.size == 0:
        return np.zeros((SIZE, SIZE), np.float32)
    image = np.clip(np.nan_to_num(image, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    cropped = _crop(image)
    if cropped is None:
        return np.zeros((SIZE, SIZE), np.float32)
    if stroke is None:
        return _fit(cropped)
    return _normalise_stroke(cropped, _check_stroke(stroke))


def _crop(image: np.ndarray) -> np.ndarray | None:
    """``image`` cut to the bounding box of its ink, or None when it has none."""
    rows = np.flatnonzero(image.max(axis=1) > _INK)
    cols = np.flatnonzero(image.max(axis=0) > _INK)
    if rows.size == 0:
        return None
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _fit(cropped: np.ndarray) -> np.ndarray:
    """Steps 2-4 of preprocess_digit on an image already cropped to its ink."""
    scale = BOX / max(cropped.shape)
    fitted = area_resample(cropped, scale)

    canvas = np.zeros((SIZE, SIZE))
    top = (SIZE - fitted.shape[0]) // 2
    left = (SIZE - fitted.shape[1]) // 2
    canvas[top : top + fitted.shape[0], left : left + fitted.shape[1]] = fitted

    row, col = center_of_mass(canvas)
    shifted = _shift_bilinear(canvas, CENTER[0] - row, axis=0)
    shifted = _shift_bilinear(shifted, CENTER[1] - col, axis=1)
    return np.clip(shifted, 0.0, 1.0).astype(np.float32)


def _check_stroke(stroke) -> tuple[float, float]:
    """``stroke`` as a (low, high) range of widths in output pixels, or a ValueError saying why not."""
    pair = stroke if isinstance(stroke, (tuple, list)) else (stroke, stroke)
    if len(pair) != 2:
        raise ValueError(f"stroke must be a width or a (low, high) pair of widths, not {stroke!r}")
    try:
        low, high = float(pair[0]), float(pair[1])
    except (TypeError, ValueError):
        raise ValueError(f"stroke must be a number of pixels, not {stroke!r}") from None
    if not (0.5 <= low <= high <= 8.0):
        raise ValueError(f"stroke must be between 0.5 and 8 pixels (low <= high), not {stroke!r}")
    return low, high


def _normalise_stroke(cropped: np.ndarray, widths: tuple[float, float]) -> np.ndarray:
    """_fit of ``cropped`` after thickening or thinning its strokes into ``widths`` (low, high) output pixels.

    Works at WORK times the output's resolution (the longer side WORK*BOX pixels), where one step of
    grey dilation or erosion is a quarter of an output pixel. The width is measured on the 28x28
    result with the estimator MNIST_STROKE was measured with, and the radius corrected from it a
    few times, since thickening also enlarges the box that is then scaled back to 20 pixels.
    """
    work = area_resample(cropped, WORK * BOX / max(cropped.shape))
    margin = int(np.ceil(MAX_RADIUS * WORK)) + 1
    work = np.pad(work, margin)
    radius = 0.0  # in output pixels a side
    out = _fit(cropped)
    for _ in range(4):
        width = stroke_width(out)
        error = min(max(width, widths[0]), widths[1]) - width
        if abs(error) < 0.15:
            break
        radius = float(np.clip(radius + error / 2, -MAX_THIN, MAX_RADIUS))
        adjusted = _crop(np.clip(adjust_thickness(work, radius * WORK), 0.0, 1.0))
        if adjusted is None:  # thinned away: keep the drawing as it is
            return _fit(cropped)
        out = _fit(adjusted)
    return out


def area_resample(image: np.ndarray, scale: float) -> np.ndarray:
    """Resize ``image`` ``(H, W)`` by ``scale`` (up or down) with exact area averaging.

    Each output pixel is the mean of the input over the square it covers, counting partly covered
    input pixels by the covered fraction: a box filter, free of aliasing when shrinking. The image
    covers ``H * scale`` by ``W * scale`` output pixels; when that is not a whole number, the last
    row/column is only partly covered and comes out fainter, so the ink's total is exact.
    Returns ``(ceil(H * scale), ceil(W * scale))``. Raises ValueError for anything but a finite 2-D
    real image, or a scale that is not positive and finite or would make a side over MAX_SIDE pixels.
    """
    image = _as_image(image)
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
    scale = _check_scale(scale, image.shape)
    return _area_matrix(image.shape[0], scale) @ image @ _area_matrix(image.shape[1], scale).T


def _area_matrix(n_in: int, scale: float) -> np.ndarray:
    """Weights ``(n_out, n_in)``: output pixel i averages input span [i/scale, (i+1)/scale)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    # The tolerance keeps 20.000000001 from becoming 21 pixels.
    n_out = max(1, int(np.ceil(n_in * scale - 1e-9)))
    out_edges = np.arange(n_out + 1) / scale
    in_edges = np.arange(n_in + 1, dtype=np.float64)
    overlap = np.minimum(out_edges[1:, None], in_edges[None, 1:]) - np.maximum(
        out_edges[:-1, None], in_edges[None, :-1]
    )
    # Divide by the span's length (1/scale): a mean, not a sum.
    return np.clip(overlap, 0.0, None) * scale


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the intensity-weighted mean position of ``image`` ``(H, W)``; pixel centres at 0, 1, ..."""
    image = _as_image(image)
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
    total = image.sum()
    if total <= 0:
        return ((image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2)
    row = float(image.sum(axis=1) @ np.arange(image.shape[0]) / total)
    col = float(image.sum(axis=0) @ np.arange(image.shape[1]) / total)
    return row, col


def _shift_bilinear(image: np.ndarray, shift: float, axis: int) -> np.ndarray:
    """Move ``image`` by ``shift`` pixels (any real number) along ``axis``, linearly interpolated.

    ``out[i] = in[i - shift]``; what moves in from outside is zero. Linear interpolation keeps the
    total and moves the centre of mass by exactly ``shift`` as long as no ink falls off the edge.
    """
    whole = int(np.floor(shift))
    fraction = shift - whole
    moved = np.moveaxis(image, axis, 0)
    n = moved.shape[0]
    out = np.zeros_like(moved)
    # out[i] = (1 - fraction) * in[i - whole] + fraction * in[i - whole - 1]
    for weight, offset in ((1.0 - fraction, whole), (fraction, whole + 1)):
        if weight == 0.0 or abs(offset) >= n:
            continue
        if offset >= 0:
            out[offset:] += weight * moved[: n - offset]
        else:
            out[:offset] += weight * moved[-offset:]
    return np.moveaxis(out, 0, axis)
