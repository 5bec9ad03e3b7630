"""Digits rendered from the installed fonts onto the drawing pad's canvas: handwriting that is not MNIST.

Used by ``python -m nnviz.qt.bench_hands`` and the tests to send digits of known shape, size, stroke,
slant and position through the pad's own path (DrawingCanvas.to_array, then pad_preprocess).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QTransform

from nnviz.qt.views.drawing_pad import CANVAS_SIZE

__all__ = ["Rendering", "digit_fonts", "render_digit"]

#: Stroke changes (of the strokes' full width), as a fraction of the digit's height: negative thins the font's strokes (a white
#: outline pen eats into them), positive thickens them (a black outline pen adds to them).
STROKES = {"thin": -0.06, "font": 0.0, "bold": 0.06, "heavy": 0.14}


_ALIASES = {"Sans Serif", "Serif", "Monospace", "Sans", "Mono", "Fixed", "System-ui", "Cursive", "Fantasy"}


@dataclass(frozen=True)
class Rendering:
    """How one digit is drawn: font family, height in canvas pixels, stroke, slant and offset."""

    family: str
    digit: int
    height: float = 180.0  # of the digit's ink before slanting, in canvas pixels (canvas: CANVAS_SIZE)
    stroke: str = "font"  # a key of STROKES
    slant: float = 0.0  # degrees, positive leans right like italics
    offset: tuple[float, float] = (0.0, 0.0)  # (x, y) of the centre in -1..1 of the room left on the canvas


def digit_fonts() -> list[str]:
    """Font families Qt finds that write Latin digits, once each, sorted.

    Symbol fonts (dingbats), private families, fontconfig's generic aliases and the same family
    from another foundry ("Nimbus Sans [urw]") are left out.
    """
    families = set()
    for family in QFontDatabase.families(QFontDatabase.WritingSystem.Latin):
        name = family.split(" [")[0]
        if name in _ALIASES or QFontDatabase.isPrivateFamily(family):
            continue
        if QFontDatabase.WritingSystem.Symbol in QFontDatabase.writingSystems(family):
            continue
        metrics = QFontMetricsF(QFont(name, 48))
        if all(metrics.inFontUcs4(ord(str(d))) for d in range(10)):
            families.add(name)
    return sorted(families)


def render_digit(rendering: Rendering) -> np.ndarray:
    """``rendering`` drawn black on white on a CANVAS_SIZE square; returned as ink (1) on paper (0) float32.

    Raises ValueError when the digit would not fit on the canvas.
    """
    font = QFont(rendering.family)
    font.setPixelSize(100)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, str(rendering.digit))
    box = path.boundingRect()
    if box.height() <= 0:
        raise ValueError(f"{rendering.family} has no ink for {rendering.digit}")
    scale = rendering.height / box.height()
    extra = STROKES[rendering.stroke] * rendering.height
    shear = math.tan(math.radians(rendering.slant))
    # Centre the glyph at the origin, scale it, then slant it about its middle.
    shape = QTransform().shear(-shear, 0).scale(scale, scale).translate(-box.center().x(), -box.center().y())
    outline = shape.map(path)
    half = abs(extra) / 2  # the outline pen reaches this far beyond the glyph
    ink = outline.boundingRect().adjusted(-half, -half, half, half)
    room_x = (CANVAS_SIZE - ink.width()) / 2 - 2
    room_y = (CANVAS_SIZE - ink.height()) / 2 - 2
    if room_x < 0 or room_y < 0:
        raise ValueError(f"a {rendering.height:.0f} px digit slanted {rendering.slant} degrees does not fit")
    centre_x = CANVAS_SIZE / 2 - ink.center().x() + rendering.offset[0] * room_x
    centre_y = CANVAS_SIZE / 2 - ink.center().y() + rendering.offset[1] * room_y
    outline = QTransform.fromTranslate(centre_x, centre_y).map(outline)

    image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillPath(outline, QColor(0, 0, 0))
    if extra:
        pen = QPen(QColor(0, 0, 0) if extra > 0 else QColor(255, 255, 255), abs(extra))
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.strokePath(outline, pen)
    painter.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(CANVAS_SIZE, image.bytesPerLine())
    return (255.0 - rows[:, :CANVAS_SIZE].astype(np.float32)) / 255.0
