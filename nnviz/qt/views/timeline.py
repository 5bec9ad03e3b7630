"""The replay timeline: a slider over the recorded moments of the run, play at a chosen speed, and
"Live" to go back to the network as it is now. It only emits what the learner asks for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

#: Frames per second of the playback speeds offered.
SPEEDS = (("slow", 4), ("normal", 10), ("fast", 25))


class TimelineBar(QWidget):
    """Slider, play/pause, speed and back-to-live for the recorded frames 0..count-1."""

    scrubbed = Signal(int)       # a frame index the learner moved to (or playback reached)
    live_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Replay: drag to see the network as it was at any recorded moment of this run")
        self.slider.valueChanged.connect(self._on_value)
        self.play_button = QPushButton("Play replay")
        self.play_button.setToolTip("Play the recording from the moment shown")
        self.play_button.clicked.connect(self.toggle_play)
        self.speed = QComboBox()
        for name, fps in SPEEDS:
            self.speed.addItem(name, fps)
        self.speed.setCurrentIndex(1)
        self.speed.setToolTip("Playback speed (recorded moments per second)")
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Back to the network as it is now")
        self.live_button.clicked.connect(self.go_live)
        self.label = QLabel()
        self.label.setMinimumWidth(150)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.speed)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.live_button)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._advance)
        self._quiet = False
        self.set_replaying(False, "")
        self.set_count(0)

    def set_count(self, count: int) -> None:
        """Frames available now (it grows while the run trains); keeps the slider where it is."""
        self._quiet = True
        at_end = self.slider.value() >= self.slider.maximum()
        self.slider.setRange(0, max(0, count - 1))
        if at_end and not self.is_replaying():
            self.slider.setValue(self.slider.maximum())
        self._quiet = False
        for widget in (self.slider, self.play_button):
            widget.setEnabled(count > 1)
        if not self.is_replaying():
            self.label.setText(f"live · {count} moments recorded" if count > 1 else "live · nothing recorded yet")

    def is_replaying(self) -> bool:
        return self.live_button.isEnabled()

    def set_replaying(self, replaying: bool, text: str) -> None:
        self.live_button.setEnabled(replaying)
        if text:
            self.label.setText(text)
        if not replaying:
            self.stop()
            # live is the newest moment: the slider goes back to the end, not where replay left it
            self.show_moment(self.slider.maximum())
            self.set_count(self.slider.maximum() + 1)

    def show_moment(self, index: int) -> None:
        """Put the slider at moment ``index`` without asking for it (the window already shows it)."""
        self._quiet = True
        self.slider.setValue(index)
        self._quiet = False

    def toggle_play(self) -> None:
        if self._timer.isActive():
            self.stop()
            return
        if self.slider.value() >= self.slider.maximum():
            self.slider.setValue(0)
        self._timer.start(int(1000 / self.speed.currentData()))
        self.play_button.setText("Pause")

    def stop(self) -> None:
        self._timer.stop()
        self.play_button.setText("Play replay")

    def go_live(self) -> None:
        self.stop()
        self.live_requested.emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop()
        super().hideEvent(event)

    def _advance(self) -> None:
        self._timer.setInterval(int(1000 / self.speed.currentData()))
        if self.slider.value() >= self.slider.maximum():
            self.stop()
            return
        self.slider.setValue(self.slider.value() + 1)

    def _on_value(self, value: int) -> None:
        if not self._quiet:
            self.scrubbed.emit(value)
