"""The training worker on its QThread: start, pause, step, throttled snapshots, divergence and shutdown."""

import pytest
from PySide6.QtCore import QObject, Signal, Slot

from nnviz.engine.network import Network
from nnviz.engine.trainer import BatchStats, EpochStats, TrainConfig, Trainer
from nnviz.qt import _worker
from nnviz.qt._worker import EMIT_INTERVAL, TrainingThread


@pytest.fixture
def training(sample):
    network = Network((784, 16, 16, 10), seed=0)
    trainer = Trainer(network, sample, TrainConfig(learning_rate=0.003, batch_size=32, epochs=None))
    t = TrainingThread(trainer)
    t.start_thread()
    yield t
    assert t.shutdown()


class Gui(QObject):
    """Receives the worker's signals on the GUI thread, as the window does (queued connections).

    A plain Python callable connected to a cross-thread signal would run on the worker thread.
    """

    snapshot_available = Signal()
    batches_done = Signal(object)
    epoch_done = Signal(object)
    running_changed = Signal(bool)
    diverged = Signal(object)
    failed = Signal(str)

    def __init__(self, worker, take_snapshots=True):
        super().__init__()
        self.worker = worker
        self.take_snapshots = take_snapshots
        self.batches, self.epochs, self.snapshots, self.running, self.batch_lists = [], [], [], [], []
        self.loop_ended = False
        worker.snapshot_available.connect(self.on_snapshot)
        worker.batches_done.connect(self.on_batches)
        worker.epoch_done.connect(self.on_epoch)
        worker.running_changed.connect(self.on_running)
        worker.diverged.connect(self.on_diverged)
        worker.failed.connect(self.on_failed)
        worker.finished.connect(self.on_finished)

    @Slot()
    def on_snapshot(self):
        if self.take_snapshots:
            snap = self.worker.take_snapshot()
            if snap is not None:
                self.snapshots.append(snap)
        self.snapshot_available.emit()

    @Slot(object)
    def on_batches(self, batches):
        self.batches.extend(batches)
        self.batch_lists.append(batches)
        self.batches_done.emit(batches)

    @Slot(object)
    def on_epoch(self, stats):
        self.epochs.append(stats)
        self.epoch_done.emit(stats)

    @Slot(bool)
    def on_running(self, running):
        self.running.append(running)
        self.running_changed.emit(running)

    @Slot(object)
    def on_diverged(self, d):
        self.diverged.emit(d)

    @Slot(str)
    def on_failed(self, message):
        self.failed.emit(message)

    @Slot()
    def on_finished(self):
        self.loop_ended = True


def not_running(running):
    return not running


def test_start_pause_delivers_batches_in_lists_and_latest_snapshot(qtbot, training):
    worker = training.worker
    gui = Gui(worker)
    with qtbot.waitSignal(gui.snapshot_available, timeout=5000):
        worker.start()
    qtbot.waitUntil(lambda: len(gui.batches) >= 20, timeout=5000)
    with qtbot.waitSignal(gui.running_changed, check_params_cb=not_running, timeout=5000):
        worker.pause()
    qtbot.waitUntil(lambda: gui.snapshots and gui.snapshots[-1].step == gui.batches[-1].step, timeout=5000)
    steps = [b.step for b in gui.batches]
    assert steps == list(range(1, len(steps) + 1)), "every mini-batch reported once, in order"
    assert all(isinstance(b, BatchStats) for b in gui.batches)
    assert gui.snapshots[-1].step == worker.trainer.step, "after pausing, the last snapshot is the current state"


def test_step_one_batch_then_pauses(qtbot, training):
    worker = training.worker
    gui = Gui(worker)
    with qtbot.waitSignal(gui.running_changed, check_params_cb=not_running, timeout=5000):
        worker.step_batches(1)
    qtbot.waitUntil(lambda: len(gui.batches) == 1, timeout=5000)
    assert gui.batches[0].step == 1
    assert worker.trainer.step == 1
    with qtbot.waitSignal(gui.running_changed, check_params_cb=not_running, timeout=5000):
        worker.step_batches(3)
    qtbot.waitUntil(lambda: len(gui.batches) == 4, timeout=5000)
    assert worker.trainer.step == 4


def test_step_epoch_ends_with_its_evaluation(qtbot, training, sample):
    worker = training.worker
    gui = Gui(worker)
    with qtbot.waitSignal(gui.epoch_done, timeout=20000) as blocker:
        worker.step_epoch()
    stats = blocker.args[0]
    assert isinstance(stats, EpochStats) and stats.epoch == 1
    qtbot.waitUntil(lambda: gui.running and gui.running[-1] is False, timeout=5000)
    assert worker.trainer.step == -(-sample.n_train // 32)
    assert stats.test_accuracy > 0.5


class FakeClock:
    """The worker's clock, advancing ``tick`` seconds each time it is read (once per trained item).

    Throttling then depends on the number of batches, not on how fast this machine trains.
    """

    def __init__(self, tick: float) -> None:
        self.now = 1000.0
        self.tick = tick

    def perf_counter(self) -> float:
        self.now += self.tick
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(tick=EMIT_INTERVAL / 5 * 1.001)  # every fifth batch is due to be sent
    monkeypatch.setattr(_worker, "time", fake)
    return fake


def test_snapshots_are_throttled_and_never_queued(qtbot, training, clock):
    """At most one report per EMIT_INTERVAL; while the GUI does not take the snapshot, no new signal."""
    worker = training.worker
    gui = Gui(worker, take_snapshots=False)
    signals = []
    gui.snapshot_available.connect(lambda: signals.append(1))
    with qtbot.waitSignal(gui.snapshot_available, timeout=5000):
        worker.start()
    # Nobody takes it: the mailbox stays full and newer snapshots replace it without new signals.
    n = len(gui.batch_lists)
    qtbot.waitUntil(lambda: len(gui.batch_lists) >= n + 3, timeout=5000)
    assert len(signals) == 1
    # one list of five mini-batches per EMIT_INTERVAL of the worker's clock, not one per batch
    full = gui.batch_lists[1:]  # the first batch is sent at once
    assert full and all(len(batches) == 5 for batches in full), [len(b) for b in gui.batch_lists]
    snap = worker.take_snapshot()
    assert snap is not None and snap.step > 1, "the mailbox holds the latest snapshot, not the first"
    assert worker.take_snapshot() is None
    with qtbot.waitSignal(gui.snapshot_available, timeout=5000):
        pass
    worker.pause()


def test_batch_stats_are_batched_not_one_signal_per_batch(qtbot, training):
    worker = training.worker
    gui = Gui(worker)
    worker.start()
    qtbot.waitUntil(lambda: len(gui.batches) >= 200, timeout=10000)
    worker.pause()
    assert len(gui.batch_lists) < len(gui.batches) / 2


def test_hyper_parameter_change_while_training_applies(qtbot, training):
    worker = training.worker
    gui = Gui(worker)
    worker.start()
    qtbot.waitUntil(lambda: len(gui.batches) >= 5, timeout=5000)
    worker.trainer.update(learning_rate=0.0001, schedule="constant")
    n = len(gui.batches)
    qtbot.waitUntil(lambda: len(gui.batches) >= n + 50, timeout=10000)
    worker.pause()
    assert gui.batches[-1].learning_rate == pytest.approx(0.0001)


def test_divergence_pauses_the_worker(qtbot, sample):
    network = Network((784, 16, 10), activation="linear", cost="cross-entropy", seed=0)
    trainer = Trainer(network, sample, TrainConfig(learning_rate=50.0, optimizer="sgd", schedule="constant"))
    t = TrainingThread(trainer)
    gui = Gui(t.worker)
    t.start_thread()
    try:
        with qtbot.waitSignal(gui.diverged, timeout=20000) as blocker:
            t.worker.start()
        assert "learning rate" in blocker.args[0].message
        qtbot.waitUntil(lambda: not t.worker.is_running, timeout=5000)
        assert t.worker.has_diverged
    finally:
        assert t.shutdown()


def test_an_engine_error_is_reported_and_ends_the_loop(qtbot, sample):
    trainer = Trainer(Network((784, 16, 10), seed=0), sample, TrainConfig(epochs=None))
    real_run = trainer.run

    def failing_run():
        for i, item in enumerate(real_run()):
            if i == 3:
                raise FloatingPointError("broken maths")
            yield item

    trainer.run = failing_run
    t = TrainingThread(trainer)
    gui = Gui(t.worker)
    t.start_thread()
    try:
        with qtbot.waitSignal(gui.failed, timeout=10000) as blocker:
            t.worker.start()
        qtbot.waitUntil(lambda: gui.loop_ended, timeout=5000)
        message = blocker.args[0]
        assert message == t.worker.error
        assert "FloatingPointError: broken maths" in message
        assert not t.worker.is_running and not t.worker.is_busy
        assert [b.step for b in gui.batches] == [1, 2, 3]  # what was trained before the error is shown
        t.worker.start()  # the loop has ended: nothing restarts it
        assert t.worker.error == message
    finally:
        assert t.shutdown()


def test_slow_motion_faster_than_the_emit_interval_stays_throttled(qtbot, training, clock):
    worker = training.worker
    gui = Gui(worker)
    worker.set_delay(0.005)  # the slider's shortest delay: far more batches than the GUI can show
    with qtbot.waitSignal(gui.running_changed, check_params_cb=not_running, timeout=20000):
        worker.step_batches(40)
    qtbot.waitUntil(lambda: len(gui.batches) == 40, timeout=5000)
    assert len(gui.batch_lists) <= 40 / 5 + 1  # 8 throttled reports, plus the last on pausing
    assert len(gui.snapshots) <= 40 / 5 + 1
    assert gui.snapshots[-1].step == 40


def test_slow_motion_slower_than_the_emit_interval_shows_every_batch(qtbot, training, monkeypatch):
    monkeypatch.setattr(_worker, "time", FakeClock(tick=EMIT_INTERVAL * 1.001))  # each batch takes the interval
    worker = training.worker
    gui = Gui(worker)
    worker.set_delay(0.001)
    with qtbot.waitSignal(gui.running_changed, check_params_cb=not_running, timeout=20000):
        worker.step_batches(6)
    qtbot.waitUntil(lambda: len(gui.batches) == 6, timeout=5000)
    assert [len(batches) for batches in gui.batch_lists] == [1] * 6


def test_slow_motion_still_stops_at_once(qtbot, training):
    worker = training.worker
    gui = Gui(worker)
    worker.set_delay(10.0)  # ten seconds per batch: stopping must not wait for it
    with qtbot.waitSignal(gui.batches_done, timeout=5000):
        worker.start()
    assert training.shutdown(timeout_ms=2000)
    assert training.thread.isFinished()


def test_shutdown_while_training(qtbot, training):
    gui = Gui(training.worker)
    with qtbot.waitSignal(gui.batches_done, timeout=5000):
        training.worker.start()
    assert training.shutdown(timeout_ms=2000)
    assert training.thread.isFinished()
