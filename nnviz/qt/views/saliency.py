"""Saliency: which pixels of the current input push the network's answer up (blue) or down (red),
drawn over the input with a colour bar. Draws a gradient (nnviz.engine.projection.saliency) it is given.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors


class SaliencyView(QWidget):
    """The saliency map of one input (28x28) with the input's ink drawn on top as outlines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saliency")
        title = QLabel("<b>Saliency</b> — for the current input: where more ink would make the network's answer "
                       "more likely (blue) or less likely (red). The input is drawn in grey on top.")
        title.setWordWrap(True)
        self._caption = QLabel("Draw a digit or pick a test digit.")
        self._caption.setWordWrap(True)
        self._plot, self._vb = _colors.picture_box()
        self._map = pg.ImageItem(axisOrder="row-major")
        self._map.setColorMap(_colors.weight_colormap())
        self._ink = pg.ImageItem(axisOrder="row-major")
        self._ink.setOpacity(0.45)
        for item in (self._map, self._ink):
            self._vb.addItem(item)
        self._colorbar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=_colors.weight_colormap(),
                                         interactive=False, width=14)
        self._colorbar.axis.setLabel("red: pushes it down · blue: up")
        self._colorbar.axis.enableAutoSIPrefix(False)
        _colors.readable_axes(self._colorbar.axis)
        self._plot.addItem(self._colorbar, row=0, col=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._caption)
        self.gradient = np.zeros(784, np.float32)

    def show_saliency(self, gradient, image, answer: str, confidence: str) -> None:
        """gradient and image: (side*side,) each; answer: the class it explains, e.g. "7"."""
        g = np.asarray(gradient, dtype=np.float32).reshape(-1)
        side = int(round(np.sqrt(g.size)))
        if side * side != g.size:
            self._caption.setText("Saliency needs image inputs.")
            return
        self.gradient = g.copy()
        m = float(np.percentile(np.abs(g), 99)) or 1.0
        self._map.setImage(g.reshape(side, side), autoLevels=False, levels=(-m, m))
        ink = np.clip(np.asarray(image, dtype=np.float32).reshape(side, side), 0, 1)
        rgba = np.zeros((side, side, 4), np.ubyte)
        rgba[..., 3] = (ink * 255).astype(np.ubyte)  # dark grey strokes, transparent paper
        rgba[..., :3] = 40
        self._ink.setImage(rgba, autoLevels=False)
        for item in (self._map, self._ink):
            item.setRect(0, 0, side, side)
        self._colorbar.setLevels((-m, m))
        self._caption.setText(f"Why “{answer}” ({confidence}): the colour scale runs to ±{m:.3g} change of "
                              f"log-probability per unit of ink.")

    def clear(self) -> None:
        self._map.clear()
        self._ink.clear()
        self._caption.setText("Draw a digit or pick a test digit.")

    def caption_text(self) -> str:
        return self._caption.text()
