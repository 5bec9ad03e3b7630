"""The training worker: runs the engine's Trainer.run() generator on a QThread for the window.

Pause/stop/step are thread-safe flags checked between mini-batches; snapshots reach the GUI at most ~20 times a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnviz.engine.network import Snapshot
from nnviz.engine.trainer import BatchStats, Diverged, EpochStats, NotLearning, Trainer

#: Seconds between two snapshots / batch-stat lists sent to the GUI (about 20 per second).
EMIT_INTERVAL = 0.05


class TrainingWorker(QObject):
    """Consumes one ``Trainer.run()`` generator on its own thread and reports what happens.

    The worker is busy in a loop, so it never gets to run queued slot calls: the GUI controls it by
    calling :meth:`start`, :meth:`pause`, :meth:`step_batches`, :meth:`step_epoch` and :meth:`stop`
    directly, which only set ``threading.Event`` flags and a step budget under a lock.

    Snapshots go through a one-place mailbox: :attr:`snapshot_available` is emitted only when the
    mailbox was empty, and a newer snapshot replaces one the GUI has not taken yet, so at most one
    is ever pending and the GUI always shows the latest. Batch statistics are collected in a list
    and sent at the same rate (one signal per ~50 ms, not one per mini-batch).
    """

    snapshot_available = Signal()         # take it with take_snapshot()
    batches_done = Signal(object)         # list[BatchStats], oldest first
    epoch_done = Signal(object)           # EpochStats
    diverged = Signal(object)             # Diverged; the worker pauses itself
    not_learning = Signal(object)         # NotLearning: the run is going nowhere (training goes on)
    running_changed = Signal(bool)        # True when batches are being trained
    training_finished = Signal()          # the generator ran out (config.epochs reached)
    failed = Signal(str)                  # an unexpected error in the engine, in words; the loop ends
    finished = Signal()                   # the loop has ended (after stop())

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()  # parentless: it is moved to a QThread
        self.trainer = trainer
        self._stop = threading.Event()
        self._running = threading.Event()   # set = train continuously
        self._wake = threading.Event()      # set by every control call to interrupt a wait
        self._lock = threading.Lock()
        self._batch_budget = 0              # mini-batches still to train while paused (step)
        self._until_epoch = False           # keep going until the next EpochStats (step epoch)
        self._delay = 0.0                   # seconds to wait after every mini-batch (slow motion)
        self._epoch_limit: int | None = None  # hold once this many epochs are done (races)
        self._mailbox: Snapshot | None = None
        self._pending_batches: list[BatchStats] = []
        self._generator: Iterator | None = None
        self._epoch_end_due = False         # last batch of an epoch done: its EpochStats comes next
        self._busy = False                  # True while batches are being trained (start or step)
        self.has_diverged = False
        self.error: str | None = None       # in words, once the engine raised: this worker trains no more
        self.recorder = None                # e.g. an engine.replay.ReplayRecorder: observe(item, trainer)

    # ---- control, called from the GUI thread ---------------------------------------------------

    def start(self) -> None:
        """Train continuously until paused (does nothing once the loop has ended: see ``error``)."""
        self._running.set()
        self._wake.set()

    def pause(self) -> None:
        """Stop after the mini-batch in progress; the generator is kept, so start() continues."""
        self._running.clear()
        with self._lock:
            self._batch_budget = 0
            self._until_epoch = False
        self._wake.set()

    def step_batches(self, n: int = 1) -> None:
        """Train ``n`` more mini-batches, then pause."""
        with self._lock:
            self._batch_budget += int(n)
        self._wake.set()

    def step_epoch(self) -> None:
        """Train until the end of the current epoch (its evaluation included), then pause."""
        with self._lock:
            self._until_epoch = True
        self._wake.set()

    def stop(self) -> None:
        """End the loop for good (the thread can then be quit and waited on)."""
        self._stop.set()
        self._running.clear()
        self._wake.set()

    def set_delay(self, seconds: float) -> None:
        """Slow motion: wait this long after every mini-batch (0 = full speed)."""
        self._delay = max(0.0, float(seconds))
        self._wake.set()

    def set_epoch_limit(self, epochs: int | None) -> None:
        """Hold (as if paused, without ending) once ``epochs`` epochs are done; None = never hold."""
        self._epoch_limit = None if epochs is None else int(epochs)
        self._wake.set()

    @property
    def delay(self) -> float:
        """Seconds waited after every mini-batch (0 = full speed)."""
        return self._delay

    @property
    def is_busy(self) -> bool:
        """True while mini-batches are being trained, continuously or for a step."""
        return self._busy

    @property
    def is_running(self) -> bool:
        return self._running.is_set()

    def take_snapshot(self) -> Snapshot | None:
        """The latest snapshot not yet taken, or None; frees the mailbox for the next one."""
        with self._lock:
            snapshot, self._mailbox = self._mailbox, None
        return snapshot

    # ---- the loop, on the worker thread ---------------------------------------------------------

    @Slot()
    def run(self) -> None:
        """The training loop; returns when stop() is called."""
        last_emit = 0.0
        held_warnings: list = []  # NotLearning records waiting for their EpochStats
        was_running = False
        try:
            while True:
                self._wake.clear()
                if self._stop.is_set():
                    break
                if not self._may_train():
                    if was_running:
                        was_running = self._busy = False
                        self._flush()
                        self._offer_snapshot()
                        self.running_changed.emit(False)
                    self._wake.wait()
                    continue
                if not was_running:
                    was_running = self._busy = True
                    self.running_changed.emit(True)
                item = self._next_item()
                if item is None:
                    continue
                now = time.perf_counter()
                if isinstance(item, BatchStats):
                    self._pending_batches.append(item)
                    # Slowed down by EMIT_INTERVAL or more, this is every batch; by less, the
                    # GUI would get more than it can show, so the throttle still holds.
                    if now - last_emit >= EMIT_INTERVAL:
                        last_emit = now
                        self._flush()
                        self._offer_snapshot()
                    if self._delay > 0:
                        self._wake.wait(self._delay)  # returns early on pause/stop/step
                elif isinstance(item, EpochStats):
                    self._flush()
                    self._offer_snapshot()
                    self.epoch_done.emit(item)
                    last_emit = now
                    for warning in held_warnings:  # after the results of the epoch they are about
                        self.not_learning.emit(warning)
                    held_warnings.clear()
                elif isinstance(item, NotLearning):
                    held_warnings.append(item)  # the engine yields them just before the epoch's stats
                elif isinstance(item, Diverged):
                    self.has_diverged = True
                    self._flush()
                    self.pause()
                    self.diverged.emit(item)
        except Exception as exc:  # an engine bug must not kill the thread silently
            self.pause()
            self.error = f"Training stopped because of an error ({type(exc).__name__}: {exc})."
            self.failed.emit(self.error)
        finally:
            self._flush()
            if self._generator is not None:
                self._generator.close()
                self._generator = None
            if was_running:
                self._busy = False
                self.running_changed.emit(False)
            self.finished.emit()

    def _may_train(self) -> bool:
        if self.has_diverged:
            return False
        limit = self._epoch_limit
        if limit is not None and not self._epoch_end_due and self.trainer.epoch >= limit:
            return False
        if self._running.is_set() or self._epoch_end_due:
            return True
        with self._lock:
            return self._batch_budget > 0 or self._until_epoch

    def _next_item(self):
        """Advance the generator by one item and update the step budget; None when it ran out."""
        if self._generator is None:
            self._generator = self.trainer.run()
        try:
            item = next(self._generator)
        except StopIteration:
            self._generator = None
            self._epoch_end_due = False
            self.pause()
            self._flush()
            self.training_finished.emit()
            return None
        recorder = self.recorder
        if recorder is not None:
            recorder.observe(item, self.trainer)  # on this thread, between mini-batches
        if isinstance(item, BatchStats):
            # The epoch's evaluation is the next item: finish it even when a step budget ends here,
            # so "step" at the end of an epoch also updates the evaluation.
            self._epoch_end_due = item.batch == item.batches_per_epoch - 1
            with self._lock:
                if self._batch_budget > 0:
                    self._batch_budget -= 1
        elif isinstance(item, EpochStats):
            self._epoch_end_due = False
            with self._lock:
                self._until_epoch = False
        return item

    def _flush(self) -> None:
        if self._pending_batches:
            batches, self._pending_batches = self._pending_batches, []
            self.batches_done.emit(batches)

    def _offer_snapshot(self) -> None:
        snapshot = self.trainer.snapshot()
        with self._lock:
            was_empty = self._mailbox is None
            self._mailbox = snapshot
        if was_empty:
            self.snapshot_available.emit()


class TrainingThread:
    """A TrainingWorker on its own QThread, with a clean shutdown.

    ``shutdown()`` stops the loop, quits the thread and waits for it, so closing the window never
    leaves a running QThread behind.
    """

    def __init__(self, trainer: Trainer) -> None:
        self.worker = TrainingWorker(trainer)
        self.thread = QThread()
        self.thread.setObjectName("nnviz-training")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)

    def start_thread(self) -> None:
        self.thread.start()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the worker and wait for its thread; True if it ended within ``timeout_ms``."""
        self.worker.stop()
        self.thread.quit()  # exec() returns at once once run() is done, even if quit comes first
        return self.thread.wait(timeout_ms)
