"""Pacing of live views: one FrameClock decides when training sessions pass snapshots and statistics on.

Several sessions (the main window, a Lab race) share one clock; its pace follows the GUI thread's CPU budget.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

__all__ = ["FrameClock", "FRAME_INTERVAL_S", "STATS_FRAMES", "GUI_BUDGET", "MAX_FRAME_INTERVAL_S"]

#: While training at full speed, snapshots reach the views at most 1/FRAME_INTERVAL_S times a second
#: (the worker offers at most 20): the graph and the output bars redraw about 17 times a second
#: (bench_gui, quiet 2-core machine, same run: 0.05 s gave 16.9-17.7 redraws/s at 74-79% of headless,
#: 0.06 s 14.6-15.4 at 71-76%: timer jitter leaves 0.06 s under 15 a second)...
FRAME_INTERVAL_S = 0.05
#: ... and batch/epoch statistics once every STATS_FRAMES such frames (the cost curve is the dearest).
STATS_FRAMES = 14
#: The shared clock spaces its frames out while drawing them takes more than this share of one core:
#: the GUI thread then holds the GIL the training thread needs. At most MAX_FRAME_INTERVAL_S apart.
#: On 2 cores (bench_gui) training lost about 1.3 times the GUI thread's share of a core.
GUI_BUDGET = 0.22
#: Frames come closer again while the GUI thread uses less than this share of its budget: a wide gap
#: (0.75 of 12%) left the clock slower than it needed after a dear moment (an epoch's end, a resize).
RECOVER = 0.85
MAX_FRAME_INTERVAL_S = 0.3


class FrameClock(QObject):
    """One timer that paces every live session of the process, so N sessions never fight N timers.

    The clock ticks twice per frame: on even ticks every session with a new snapshot delivers it,
    on odd ticks (every ``stats_frames``-th frame) every session with new statistics delivers them,
    so the two redraws fall in different event-loop turns. Sessions are visited round-robin from a
    rotating start, so with many racing sessions none is always served first. The timer runs only
    while some session trains at full speed; paused, stepping or slowed sessions deliver at once.

    With a ``gui_budget`` (the shared clock has GUI_BUDGET), the clock measures the GUI thread's CPU
    time from frame to frame, drawing included, and lengthens the frame interval while that exceeds
    the budget (up to MAX_FRAME_INTERVAL_S), shortening it again towards ``frame_interval_s`` when
    there is room: a slow or busy machine gets fewer frames instead of slower training.
    """

    _shared: "FrameClock | None" = None

    def __init__(self, frame_interval_s: float = FRAME_INTERVAL_S, stats_frames: int = STATS_FRAMES,
                 parent: QObject | None = None, gui_budget: float | None = None) -> None:
        super().__init__(parent)
        self._sessions: list = []  # TrainingSession objects
        self._tick = 0
        self._start = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self.set_pacing(frame_interval_s, stats_frames, gui_budget)

    def set_pacing(self, frame_interval_s: float, stats_frames: int, gui_budget: float | None = None) -> None:
        """Snapshots every ``frame_interval_s`` (at most), statistics every ``stats_frames`` frames."""
        self.frame_interval_s = float(frame_interval_s)
        self.stats_frames = max(1, int(stats_frames))
        self.gui_budget = gui_budget
        self._set_interval(self.frame_interval_s)
        self._gui_busy: float | None = None  # smoothed share of one core the GUI thread used per frame
        self._cpu_mark: tuple[float, float] | None = None  # (wall clock, GUI thread CPU) at the last frame

    interval_s = property(lambda self: self._interval, doc="Seconds between two frames now.")

    def _set_interval(self, seconds: float) -> None:
        self._interval = seconds
        self._timer.setInterval(max(1, int(seconds * 500)))  # two ticks per frame

    def _adapt(self) -> None:
        """Follow the GUI budget: called at the start of every frame."""
        now, cpu = time.perf_counter(), time.thread_time()
        mark, self._cpu_mark = self._cpu_mark, (now, cpu)
        if self.gui_budget is None or mark is None or now <= mark[0]:
            return
        busy = (cpu - mark[1]) / (now - mark[0])
        self._gui_busy = busy if self._gui_busy is None else 0.7 * self._gui_busy + 0.3 * busy
        longest = max(MAX_FRAME_INTERVAL_S, self.frame_interval_s)
        if self._gui_busy > self.gui_budget:
            self._set_interval(min(self._interval * 1.2, longest))
        elif self._gui_busy < RECOVER * self.gui_budget and self._interval > self.frame_interval_s:
            self._set_interval(max(self._interval / 1.1, self.frame_interval_s))

    @classmethod
    def shared(cls) -> "FrameClock":
        """The process-wide clock (owned by the application object, created on first use)."""
        if cls._shared is None:
            cls._shared = cls(parent=QCoreApplication.instance(), gui_budget=GUI_BUDGET)
            cls._shared.destroyed.connect(cls._forget_shared)
        return cls._shared

    @classmethod
    def _forget_shared(cls, *_args) -> None:
        cls._shared = None

    @property
    def sessions(self) -> tuple["TrainingSession", ...]:
        return tuple(self._sessions)

    def register(self, session: "TrainingSession") -> None:
        if session not in self._sessions:
            self._sessions.append(session)

    def unregister(self, session: "TrainingSession") -> None:
        if session in self._sessions:
            self._sessions.remove(session)
        self.wake()

    def wake(self) -> None:
        """Run the timer while some session trains at full speed, stop it otherwise."""
        if any(s.is_paced for s in self._sessions):
            if not self._timer.isActive():
                self._cpu_mark = None  # the time the clock stood still is no frame
                self._timer.start()
        else:
            self._timer.stop()

    @Slot()
    def _on_tick(self) -> None:
        sessions = self._sessions
        if not sessions:
            self._timer.stop()
            return
        tick, self._tick = self._tick, self._tick + 1
        frame, phase = divmod(tick, 2)
        if phase == 0:
            self._adapt()
        start = self._start % len(sessions)
        self._start += 1
        for session in sessions[start:] + sessions[:start]:
            if phase == 0:
                session.deliver_snapshot()
            elif frame % self.stats_frames == 0:
                session.deliver_statistics()
        self.wake()
