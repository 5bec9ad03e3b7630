"""Driving the real window from a script (the GUI benchmark and the docs/ screenshots).

Runs the event loop until something holds, and sends a pen stroke to the drawing pad as mouse events.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QEventLoop, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def run_until(condition, timeout_s: float, poll_ms: int = 5) -> bool:
    """Run the event loop until ``condition()`` holds or ``timeout_s`` passes; returns ``condition()``."""
    if condition():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start(poll_ms)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    deadline.stop()
    return condition()


def send_stroke(canvas: QWidget, points, before_release=lambda: None) -> None:
    """Press at points[0], move through the rest and release: one stroke of the left button."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, x, y, button, buttons):
        pos = QPointF(x, y)
        QApplication.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))

    send(QEvent.Type.MouseButtonPress, *points[0], left, left)
    for x, y in points[1:]:
        send(QEvent.Type.MouseMove, x, y, none, left)
    before_release()
    send(QEvent.Type.MouseButtonRelease, *points[-1], left, none)
