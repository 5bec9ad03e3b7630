"""How a panel of equal tiles (the weight images) is arranged: the number of columns that makes the
tiles largest in the room there is, with a fixed number of screen pixels above each for its number."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class GridFit:
    """Tiles in ``cols`` x ``rows`` cells; ``scale`` screen pixels per data unit; ``label_units`` data units
    above each tile for its number; ``scrolls``: even at the smallest tile size they need more room."""

    cols: int
    rows: int
    scale: float
    label_units: int
    scrolls: bool

    def size_px(self, side: float, gap: float) -> tuple[int, int]:
        """Screen pixels the whole grid takes at this scale."""
        return (math.ceil(self.cols * (side + gap) * self.scale),
                math.ceil(self.rows * (side + gap + self.label_units) * self.scale))


def fit_grid(n: int, side: float, gap: float, label_px: float, width_px: float, height_px: float,
             min_tile_px: float) -> GridFit:
    """The arrangement of ``n`` tiles of ``side`` data units, ``gap`` units apart and ``label_px`` screen
    pixels below each number, that makes the tiles largest in ``width_px`` x ``height_px`` pixels.

    Tiles never get smaller than ``min_tile_px``: then as many columns as fit the width, and the rows scroll.
    """
    n = max(1, n)
    best: tuple[float, int, int] | None = None
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        if cols > 1 and math.ceil(n / (cols - 1)) == rows:
            continue  # a column fewer holds them in as many rows: no larger tiles here
        scale = min(width_px / (cols * (side + gap)), (height_px / rows - label_px) / (side + gap))
        if best is None or scale > best[0]:
            best = (scale, cols, rows)
    scale, cols, rows = best
    scrolls = scale * side < min_tile_px
    if scrolls:
        scale = min_tile_px / side
        cols = max(1, min(n, int(width_px // ((side + gap) * scale))))
        rows = math.ceil(n / cols)
    return GridFit(cols, rows, scale, math.ceil(label_px / scale), scrolls)


def fit_panel(n: int, side: float, gap: float, label_px: float, width_px: float, height_px: float,
              scroll_bar_px: float, min_tile_px: float) -> GridFit:
    """fit_grid in a scrolling panel: when the tiles scroll, the vertical scroll bar takes ``scroll_bar_px``
    of the width."""
    fit = fit_grid(n, side, gap, label_px, width_px, height_px, min_tile_px)
    return fit_grid(n, side, gap, label_px, width_px - scroll_bar_px, 1.0, min_tile_px) if fit.scrolls else fit
