"""A text that changes many times a second (a score, a step counter) without re-laying out the window.

A QLabel asks its parent's layout to recompute at every new text: about 1 ms for a dock or a toolbar.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QWidget):
    """A QLabel (``.label``) alone in a plain widget without a layout, which takes the label's layout
    requests and ignores them, so a new text only repaints the label.

    With ``grow`` (for one-line texts), the widget asks for the widest text shown so far: one relayout
    when a text needs more room, none when it fits. Without, it takes the size its layout gives
    (a word-wrapped text then wraps within it; give it a fixed height).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, grow: bool = True) -> None:
        super().__init__(parent)
        self.label = QLabel(text, self)
        self._grow = grow
        self._hint = self.label.sizeHint() if grow else QSize(0, 0)
        if not grow:
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        if text == self.label.text():
            return
        self.label.setText(text)
        if self._grow:
            hint = self.label.sizeHint()
            if hint.width() > self._hint.width() or hint.height() > self._hint.height():
                self._hint = hint.expandedTo(self._hint)
                self.updateGeometry()

    def text(self) -> str:
        return self.label.text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._hint

    def setToolTip(self, tip: str) -> None:  # noqa: N802 - QWidget's name
        super().setToolTip(tip)
        self.label.setToolTip(tip)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)
