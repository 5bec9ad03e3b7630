"""TrainingSession and FrameClock driven without any window: start, pause, step, rebuild, races, close."""

import dataclasses

import pytest
from PySide6.QtCore import QObject, Slot

from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig
from nnviz.qt.session import FrameClock, TrainingSession


class Recorder(QObject):
    """Collects a session's signals on the GUI thread, as a window's views would."""

    def __init__(self, session: TrainingSession):
        super().__init__()
        self.snapshots, self.batches, self.epochs, self.running, self.changed = [], [], [], [], []
        self.finished = 0
        session.snapshot_ready.connect(self.on_snapshot)
        session.batches_ready.connect(self.on_batches)
        session.epoch_finished.connect(self.on_epoch)
        session.running_changed.connect(self.on_running)
        session.network_changed.connect(self.on_changed)
        session.finished.connect(self.on_finished)

    @Slot(object)
    def on_snapshot(self, s):
        self.snapshots.append(s)

    @Slot(object)
    def on_batches(self, b):
        self.batches.extend(b)

    @Slot(object)
    def on_epoch(self, e):
        self.epochs.append(e)

    @Slot(bool)
    def on_running(self, r):
        self.running.append(r)

    @Slot(object)
    def on_changed(self, s):
        self.changed.append(s)

    @Slot()
    def on_finished(self):
        self.finished += 1


@pytest.fixture
def clock(qapp):
    c = FrameClock(frame_interval_s=0.05)
    yield c
    assert not c._timer.isActive(), "the clock's timer runs only while a session trains"


def _session(sample, clock, sizes=(784, 16, 10), epochs=None, seed=0, **config):
    config = TrainConfig(epochs=epochs, seed=seed, augment=0, **config)
    return TrainingSession(Network(sizes, seed=seed), sample, config, clock=clock)


def test_start_pause_delivers_batches_in_order_and_the_final_snapshot(qtbot, sample, clock):
    session = _session(sample, clock)
    rec = Recorder(session)
    try:
        assert session.start()
        assert session.is_paced and clock._timer.isActive()
        qtbot.waitUntil(lambda: len(rec.batches) >= 30, timeout=10000)
        session.pause()
        qtbot.waitUntil(lambda: not session.is_busy and rec.running and rec.running[-1] is False, timeout=5000)
        qtbot.waitUntil(lambda: rec.snapshots[-1].step == session.step, timeout=5000)
        steps = [b.step for b in rec.batches]
        assert steps == list(range(1, session.step + 1)), "every mini-batch delivered once, in order"
        assert not clock._timer.isActive(), "a paused session does not keep the clock running"
    finally:
        assert session.close()


def test_step_batches_and_step_epoch(qtbot, sample, clock):
    session = _session(sample, clock)
    rec = Recorder(session)
    try:
        session.step_batches(3)
        qtbot.waitUntil(lambda: len(rec.batches) == 3 and not session.is_busy, timeout=5000)
        assert session.step == 3 and rec.snapshots[-1].step == 3
        session.step_epoch()
        qtbot.waitUntil(lambda: len(rec.epochs) == 1 and not session.is_busy, timeout=20000)
        assert session.epoch == 1 and rec.epochs[0].epoch == 1
        assert session.step == -(-sample.n_train // 32)
        assert rec.epochs[0].test_accuracy > 0.5
    finally:
        session.close()


def test_rebuild_mid_run_starts_a_new_network_and_drops_the_old_results(qtbot, sample, clock):
    session = _session(sample, clock)
    rec = Recorder(session)
    try:
        session.start()
        qtbot.waitUntil(lambda: len(rec.batches) >= 5, timeout=10000)
        old_thread = session.thread
        session.rebuild((8, 8), "tanh", "cross-entropy")
        assert old_thread.isFinished(), "the old worker's thread has ended"
        assert session.network.layer_sizes == (784, 8, 8, 10) and session.network.activation == "tanh"
        assert session.step == 0 and not session.is_running
        assert rec.changed and rec.changed[-1].layer_sizes == (784, 8, 8, 10)
        n = len(rec.batches)
        session.step_batches(2)
        qtbot.waitUntil(lambda: len(rec.batches) == n + 2 and not session.is_busy, timeout=5000)
        assert [b.step for b in rec.batches[n:]] == [1, 2], "the new network counts from its first batch"
    finally:
        session.close()


def test_live_update_and_bad_values(qtbot, sample, clock):
    session = _session(sample, clock)
    rec = Recorder(session)
    try:
        session.update(learning_rate=0.0001, schedule="constant")
        with pytest.raises(ValueError):
            session.update(batch_size=0)
        assert session.config.batch_size == 32, "a refused change leaves the settings as they were"
        session.step_batches(2)
        qtbot.waitUntil(lambda: len(rec.batches) == 2 and not session.is_busy, timeout=5000)
        assert rec.batches[-1].learning_rate == pytest.approx(0.0001)
    finally:
        session.close()


def test_without_data_it_shows_the_network_but_refuses_to_train(qtbot, clock):
    session = TrainingSession(Network((784, 16, 10), seed=0), clock=clock)
    try:
        assert session.trainer is None and session.snapshot.layer_sizes == (784, 16, 10)
        assert not session.start()
        assert "loading" in session.cannot_train()
    finally:
        session.close()


def test_a_network_that_does_not_fit_the_data_is_refused_with_a_message(qtbot, sample, clock):
    session = _session(sample, clock)
    try:
        with pytest.raises(ValueError, match="Cannot train"):
            session.set_network(Network((2, 4, 2)))
        assert session.trainer is None and session.cannot_train() is not None
    finally:
        session.close()


def test_two_sessions_train_at_once_and_share_the_clock(qtbot, sample, clock):
    a, b = _session(sample, clock, seed=1), _session(sample, clock, sizes=(784, 10), seed=1)
    ra, rb = Recorder(a), Recorder(b)
    try:
        assert clock.sessions == (a, b)
        a.start()
        b.start()
        qtbot.waitUntil(lambda: len(ra.batches) >= 50 and len(rb.batches) >= 50, timeout=20000)
        assert a.thread is not b.thread and a.thread.isRunning() and b.thread.isRunning()
        a.pause()
        b.pause()
        qtbot.waitUntil(lambda: not a.is_busy and not b.is_busy, timeout=5000)
        qtbot.waitUntil(lambda: ra.snapshots[-1].step == a.step and rb.snapshots[-1].step == b.step, timeout=5000)
        assert ra.snapshots[-1].layer_sizes == (784, 16, 10) and rb.snapshots[-1].layer_sizes == (784, 10)
    finally:
        a.close()
        b.close()
    assert clock.sessions == ()


def test_epoch_limit_holds_racing_sessions_level(qtbot, sample, clock):
    small = dataclasses.replace(sample, x_train=sample.x_train[:400], y_train=sample.y_train[:400],
                                x_test=sample.x_test[:100], y_test=sample.y_test[:100])
    sessions = [_session(small, clock, sizes=s, epochs=3) for s in ((784, 10), (784, 16, 10), (784, 32, 16, 10))]
    recs = [Recorder(s) for s in sessions]
    try:
        for s in sessions:
            s.set_epoch_limit(1)
            s.start()
        qtbot.waitUntil(lambda: all(len(r.epochs) == 1 for r in recs)
                        and not any(s.is_busy for s in sessions), timeout=30000)
        assert [s.epoch for s in sessions] == [1, 1, 1], "none runs ahead of the limit"
        for s in sessions:
            s.set_epoch_limit(None)
        qtbot.waitUntil(lambda: all(r.finished == 1 for r in recs), timeout=60000)
        assert [s.epoch for s in sessions] == [3, 3, 3]
    finally:
        for s in sessions:
            s.close()


def test_close_while_training_leaves_no_thread_running(qtbot, sample, clock):
    session = _session(sample, clock)
    rec = Recorder(session)
    session.set_delay(5.0)  # a long wait per batch must not hold the close up
    session.start()
    qtbot.waitUntil(lambda: len(rec.batches) >= 1, timeout=10000)
    thread = session.thread
    assert session.close()
    assert thread.isFinished() and session.thread is None
    assert not session.start(), "a closed session trains no more"


def test_set_parameters_changes_weights_by_hand_in_one_snapshot(qtbot):
    from nnviz.engine.toy import make_toy

    session = TrainingSession(Network((2, 3, 2)), make_toy("xor", n=40))
    shown = []
    session.snapshot_ready.connect(shown.append)
    session.set_parameters([("weight", 0, (1, 0), 4.0), ("bias", 1, (0,), -2.0)])
    assert len(shown) == 1 and shown[0].weights[0][1, 0] == 4.0 and shown[0].biases[1][0] == -2.0
    assert session.network.weights[0][1, 0] == 4.0  # the trainer goes on from there
    with pytest.raises(ValueError, match="no weight"):
        session.set_parameter("weight", 0, (9, 0), 1.0)
    session.close()
