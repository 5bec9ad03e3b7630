"""FrameClock pacing: the shared clock gives training priority over frames when drawing gets dear."""

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QTimer

from nnviz.qt import frame_clock as clock_module
from nnviz.qt.frame_clock import GUI_BUDGET, MAX_FRAME_INTERVAL_S, FrameClock


@pytest.fixture
def gui_thread_time(monkeypatch):
    """A fake clock and GUI-thread CPU counter the FrameClock reads at every frame."""
    now = SimpleNamespace(wall=0.0, cpu=0.0)
    monkeypatch.setattr(clock_module, "time", SimpleNamespace(perf_counter=lambda: now.wall,
                                                                 thread_time=lambda: now.cpu))
    return now


def _frames(clock, now, n, gui_share):
    """n frames at the clock's current interval, the GUI thread busy for gui_share of each."""
    for _ in range(n):
        now.wall += clock.interval_s
        now.cpu += gui_share * clock.interval_s
        clock._adapt()


def test_frames_space_out_while_the_gui_thread_is_over_budget_and_come_back_when_it_is_not(qapp, gui_thread_time):
    clock = FrameClock(frame_interval_s=0.06, stats_frames=4, gui_budget=0.2)
    assert clock.interval_s == 0.06
    _frames(clock, gui_thread_time, 3, 0.1)
    assert clock.interval_s == 0.06  # under budget: as fast as asked
    _frames(clock, gui_thread_time, 40, 0.5)
    assert clock.interval_s == pytest.approx(MAX_FRAME_INTERVAL_S)  # drawing takes half a core: slow down, not stop
    assert clock._timer.interval() == int(MAX_FRAME_INTERVAL_S * 500)
    _frames(clock, gui_thread_time, 80, 0.05)
    assert clock.interval_s == pytest.approx(0.06)
    _frames(clock, gui_thread_time, 40, 0.5)
    _frames(clock, gui_thread_time, 80, 0.16)  # a little under budget: back to full pace, not stuck slower
    assert clock.interval_s == pytest.approx(0.06)


def test_without_a_budget_the_pace_is_fixed_and_the_shared_clock_has_one(qapp, gui_thread_time):
    clock = FrameClock(frame_interval_s=0.06)
    _frames(clock, gui_thread_time, 40, 0.9)
    assert clock.interval_s == 0.06
    assert FrameClock.shared().gui_budget == GUI_BUDGET


class FakeSession:
    """What the clock asks of a TrainingSession: whether it is paced, and to deliver."""

    def __init__(self):
        self.is_paced = True
        self.snapshots = self.statistics = 0

    def deliver_snapshot(self):
        self.snapshots += 1

    def deliver_statistics(self):
        self.statistics += 1


def test_two_ticks_a_frame_while_training_and_none_when_idle(qtbot):
    """The timer ticks at half the frame interval on purpose (snapshots, then statistics half a frame
    later); idle, it does not tick at all, even if a session stops without saying so."""
    clock = FrameClock(frame_interval_s=0.02, stats_frames=3)
    ticks = []
    clock._timer.timeout.connect(lambda: ticks.append(clock._tick))
    session = FakeSession()
    clock.register(session)
    assert not clock._timer.isActive()  # nothing registered trains yet... until woken
    clock.wake()
    qtbot.waitUntil(lambda: session.snapshots >= 12, timeout=10000)
    frames = session.snapshots
    assert len(ticks) in (2 * frames - 1, 2 * frames)  # one snapshot a frame, every other tick
    assert session.statistics == len(range(0, len(ticks) // 2, 3))  # on the odd tick of every third frame
    session.is_paced = False  # paused without waking the clock: its next tick notices
    seen = len(ticks)
    qtbot.waitUntil(lambda: not clock._timer.isActive(), timeout=5000)
    assert len(ticks) - seen <= 1
    idle = len(ticks)
    reference = []
    timer = QTimer()
    timer.timeout.connect(lambda: reference.append(1))
    timer.start(20)
    qtbot.waitUntil(lambda: len(reference) >= 10, timeout=10000)  # ten frame intervals of an idle app
    timer.stop()
    assert len(ticks) == idle and not clock._timer.isActive()
    clock.unregister(session)
