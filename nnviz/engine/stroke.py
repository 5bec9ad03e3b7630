"""Stroke thickness of a digit image, and grey-level thickening/thinning to change it.

Used by preprocess_digit so that a digit drawn with a thin pen, or shrunk a lot, reaches the network
with strokes as thick as MNIST's; pure NumPy.

The width estimate is ``2 * ink / edge``: a stroke of width w and length L holds w*L of ink and has
about 2*L of edge, measured as the summed gradient magnitude (which counts an anti-aliased edge the
same as a sharp one). On MNIST's 60,000 training digits (28x28) it gives a median of 2.57 pixels
(quartiles 2.27 and 2.97, 5th-95th percentile 1.98-3.79; per digit 2.4 for 5 to 2.8 for 0).
MNIST_STROKE is that median and MNIST_STROKE_RANGE the quartiles: the middle half of the widths a
network trained on MNIST has seen. Bringing a drawing into that range, rather than onto the median,
leaves typical handwriting alone (python -m nnviz.qt.bench_hands measures both).
"""

from __future__ import annotations

import numpy as np

__all__ = ["stroke_width", "adjust_thickness", "MNIST_STROKE", "MNIST_STROKE_RANGE"]

#: Median stroke width of MNIST's training digits, in pixels of the 28x28 image (see above).
MNIST_STROKE = 2.57
#: Lower and upper quartiles of the same widths.
MNIST_STROKE_RANGE = (2.27, 2.97)


def stroke_width(image: np.ndarray) -> float:
    """Mean stroke width, in pixels, of the ink in ``image`` ``(H, W)`` (ink = 1); 0 for a blank image."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or min(image.shape) < 2:
        return 0.0
    gy, gx = np.gradient(image)
    edge = float(np.sqrt(gx * gx + gy * gy).sum())
    if edge <= 0:
        return 0.0
    return 2.0 * float(image.sum()) / edge


def _step(image: np.ndarray, grow: bool, square: bool) -> np.ndarray:
    """One pixel of grey dilation (``grow``) or erosion, over a 3x3 square or a plus-shaped cross."""
    pick = np.maximum if grow else np.minimum
    fill = 0.0 if grow else 1.0  # what lies outside: paper for dilation, ink for erosion (no border bite)
    padded = np.pad(image, 1, constant_values=fill)
    h, w = image.shape
    out = image.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy or dx) and (square or not (dy and dx)):
                out = pick(out, padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w])
    return out


def adjust_thickness(image: np.ndarray, radius: float) -> np.ndarray:
    """Thicken (``radius`` > 0) or thin (< 0) every stroke of ``image`` ``(H, W)`` by ``radius`` pixels a side.

    Grey-level dilation or erosion with a near-round (octagonal) element, made of one-pixel steps that
    alternate between a 3x3 square and a cross; a fractional radius blends the last two steps linearly,
    so the result changes smoothly with ``radius``. Thickening needs ``ceil(radius)`` pixels of paper
    around the ink, which the caller provides.
    """
    image = np.asarray(image, dtype=np.float64)
    steps = abs(float(radius))
    whole = int(np.floor(steps))
    fraction = steps - whole
    grow = radius > 0
    current = image
    for i in range(whole):
        current = _step(current, grow, square=(i % 2 == 1))
    if fraction > 1e-9:
        current = (1.0 - fraction) * current + fraction * _step(current, grow, square=(whole % 2 == 1))
    return current
