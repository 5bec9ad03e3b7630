"""A pyqtgraph TextItem that costs no Python call when its view repaints (for graph captions and labels).

pyqtgraph's own TextItem runs Python at every paint of its scene to check the view's scale.
"""

from __future__ import annotations

import pyqtgraph as pg
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
