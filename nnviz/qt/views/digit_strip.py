"""A row of small digit images with captions; clicking one emits its index (e.g. to send it to the pad).

Also the one place that turns a 28x28 array into a QPixmap, as ink or as a signed weight picture.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from nnviz.qt.views import colors as _colors

THUMB_PX = 44  # about 1.6 screen pixels per input pixel: a digit stays readable


def ink_pixmap(image, size: int) -> QPixmap:
    """A 2-D array of intensities 0..1 (1 = ink) as black on white, scaled to size x size."""
    image = np.nan_to_num(np.asarray(image, dtype=np.float32))
    pixels = np.ascontiguousarray(255 - np.clip(image, 0, 1) * 255, dtype=np.uint8)
    h, w = pixels.shape
    qimage = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


def signed_pixmap(image, size: int, limit: float | None = None) -> QPixmap:
    """A 2-D array of signed values as red (negative) - white - blue (positive), symmetric around 0."""
    image = np.nan_to_num(np.asarray(image, dtype=np.float32))
    m = float(limit) if limit else float(np.percentile(np.abs(image), 99.5)) or 1.0
    rgb = np.ascontiguousarray(_colors.weight_lut()[_colors.signed_index(image, m), :3])
    h, w = image.shape
    qimage = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimage).scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


class _Thumb(QLabel):
    clicked = Signal()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class DigitStrip(QWidget):
    """Up to ``capacity`` digits side by side (``columns`` per row), each with a one-line caption.

    ``chosen(index)`` gives the index passed to show_digits for the clicked digit.
    """

    chosen = Signal(int)

    def __init__(self, capacity: int = 9, columns: int = 9, thumb_px: int = THUMB_PX,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumb_px = thumb_px
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(0)
        self._thumbs: list[_Thumb] = []
        self._captions: list[QLabel] = []
        self._indices: list[int] = []
        for i in range(capacity):
            thumb = _Thumb()
            thumb.setFixedSize(thumb_px + 2, thumb_px + 2)
            thumb.setStyleSheet("border: 1px solid #b0b0b0; background: white")
            thumb.setCursor(Qt.CursorShape.PointingHandCursor)
            thumb.clicked.connect(lambda i=i: self._on_clicked(i))
            caption = QLabel()
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            caption.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            row, col = divmod(i, columns)
            grid.addWidget(thumb, 2 * row, col, Qt.AlignmentFlag.AlignHCenter)
            grid.addWidget(caption, 2 * row + 1, col)
            self._thumbs.append(thumb)
            self._captions.append(caption)
        self.show_digits([], [], [], [])

    def show_digits(self, images, indices, captions, tooltips) -> None:
        """images: (n, side*side) intensities; indices: what chosen() reports; one caption/tooltip each."""
        self._indices = [int(i) for i in indices]
        for k, (thumb, caption) in enumerate(zip(self._thumbs, self._captions)):
            shown = k < len(self._indices)
            thumb.setVisible(shown)
            caption.setVisible(shown)
            if shown:
                image = np.asarray(images[k], dtype=np.float32)
                side = int(round(np.sqrt(image.size)))
                thumb.setPixmap(ink_pixmap(image.reshape(side, side), self._thumb_px))
                caption.setText(captions[k])
                thumb.setToolTip(tooltips[k] + "\nClick to send it to the drawing pad.")

    def count(self) -> int:
        return len(self._indices)

    def caption(self, k: int) -> str:
        return self._captions[k].text()

    def _on_clicked(self, k: int) -> None:
        if k < len(self._indices):
            self.chosen.emit(self._indices[k])
