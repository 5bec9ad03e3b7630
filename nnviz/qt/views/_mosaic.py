"""Many small images of one layer as one RGBA picture, coloured in NumPy: one item to paint, not one per neuron."""

from __future__ import annotations

import numpy as np


def rgba_table(lut: np.ndarray) -> np.ndarray:
    """(n + 1, 4) uint8 colours: the (n, 3) ``lut`` opaque, then one transparent entry for the gaps."""
    table = np.zeros((len(lut) + 1, 4), np.uint8)
    table[:-1, :3], table[:-1, 3] = lut, 255
    return table


def mosaic_rgba(images: np.ndarray, cols: int, rows: int, gap: int, top: int, table: np.ndarray,
                m: float) -> np.ndarray:
    """(rows * (side + gap + top), cols * (side + gap), 4) uint8 picture of ``images`` (n, side, side).

    Image i sits in row i // cols, column i % cols, ``top`` pixels below its cell's top; the gaps are
    transparent. Values are coloured as pyqtgraph does for levels (-m, m) and the table's colours.
    """
    n_colors = len(table) - 1
    s = images.shape[-1]
    index = np.full((rows * cols, s, s), n_colors, np.intp)
    index[: len(images)] = np.clip((images + m) * (n_colors / (2 * m)), 0, n_colors - 1)
    cells = np.full((rows, s + gap + top, cols, s + gap), n_colors, np.intp)
    cells[:, top:top + s, :, :s] = index.reshape(rows, cols, s, s).transpose(0, 2, 1, 3)
    return table[cells.reshape(rows * (s + gap + top), cols * (s + gap))]
