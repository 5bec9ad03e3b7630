"""Driving the real window from a script (the GUI benchmarks and the docs/ screenshots).

Runs the event loop until something holds, sends a pen stroke to the drawing pad as mouse events,
and measures how late the event loop answers.
"""

from __future__ import annotations

import time

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


class LatenessProbe:
    """How late a precise 10 ms timer fires while something else runs: the event loop's responsiveness.

    ``lateness`` holds, in seconds, how much later than ``interval_ms`` each tick came after the last.
    """

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval_ms = interval_ms
        self.lateness: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(self.interval_ms)

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, (now - self._last) - self.interval_ms / 1000))
        self._last = now
