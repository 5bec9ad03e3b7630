"""A pyqtgraph TextItem that costs no Python call when its view repaints (for graph captions and labels).

pyqtgraph's own TextItem runs Python at every paint of its scene to check the view's scale.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem


class Caption(pg.TextItem):
    """A TextItem whose text child alone paints (in C++), with the same size on screen whatever the zoom.

    The item itself draws nothing (no border or fill), so Qt is told it has no contents and never
    calls its Python paint(), where pyqtgraph would hook a per-repaint transform check. The scale is
    instead brought up to date when the view's transform changes (pyqtgraph calls
    viewTransformChanged then) and when the item is shown.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)


def fit_captions(view_box: pg.ViewBox, fitted: list) -> bool:
    """Give each caption the longest of its versions that fits its room; False if the view has no size yet.

    ``fitted``: (item, versions longest first, room across in data units, "above" or "below" its anchor
    point); the room up or down runs to the view's edge. An empty version hides the caption.
    """
    pixel_x, pixel_y = view_box.viewPixelSize()
    if not fitted or pixel_x <= 0 or pixel_y <= 0:
        return False
    top, bottom = view_box.viewRange()[1]
    metrics = QFontMetricsF(fitted[0][0].textItem.font())
    for item, versions, across, side in fitted:
        width = across / pixel_x - 6
        y = item.pos().y()
        height = ((y - top) if side == "above" else (bottom - y)) / pixel_y - 4

        def fits(text: str) -> bool:
            lines = text.split("\n")
            return (max(metrics.horizontalAdvance(line) for line in lines) <= width
                    and len(lines) * metrics.lineSpacing() <= height)

        text = next((t for t in versions if not t or fits(t)), versions[-1])
        if item.toPlainText() != text:
            item.setText(text)
    return True


def fit_axis_label(axis: pg.AxisItem, labels: tuple[str, ...]) -> None:
    """Show the longest of ``labels`` that fits along ``axis`` (a longer one is cut at the view's edge)."""
    vertical = axis.orientation in ("left", "right")
    room = axis.geometry().height() if vertical else axis.geometry().width()
    metrics = QFontMetricsF(axis.label.font())
    label = next((t for t in labels if metrics.horizontalAdvance(t) + 8 <= room), labels[-1])
    if axis.labelText != label:  # re-rendering the label is not free
        axis.setLabel(label)
