"""One live training run (network, trainer, worker thread, snapshot pacing) with no widgets.

Every window drives its networks through TrainingSession; one FrameClock paces them all fairly.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot

from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network, Snapshot
from nnviz.engine.trainer import TrainConfig, Trainer
from nnviz.qt._worker import EMIT_INTERVAL, TrainingThread
from nnviz.qt.frame_clock import FRAME_INTERVAL_S, GUI_BUDGET, MAX_FRAME_INTERVAL_S, STATS_FRAMES, FrameClock

__all__ = ["FrameClock", "TrainingSession", "FRAME_INTERVAL_S", "STATS_FRAMES", "GUI_BUDGET", "MAX_FRAME_INTERVAL_S"]


class TrainingSession(QObject):
    """One network training live on its own thread; start, pause, step, reset, rebuild, change data.

    It owns the Network, its Trainer and the worker thread, and emits plain signals on the GUI
    thread. It never touches a widget: windows connect its signals to their views. Snapshots and
    statistics reach it from the worker at most ~20 times a second (worker mailbox); the
    FrameClock decides when it passes them on while training runs at full speed.
    Without a dataset there is a network (its snapshot is shown) but no trainer.
    """

    snapshot_ready = Signal(object)     # Snapshot: the network as it is now
    batches_ready = Signal(object)      # list[BatchStats], oldest first
    epoch_finished = Signal(object)     # EpochStats (with the test results)
    diverged = Signal(object)           # Diverged: the worker paused itself
    not_learning = Signal(object)       # NotLearning: chance accuracy after an epoch; message says what to try
    running_changed = Signal(bool)      # True while mini-batches are being trained
    finished = Signal()                 # the configured number of epochs is done
    error = Signal(str)                 # the engine raised; in words. This trainer trains no more
    network_changed = Signal(object)    # a new network or trainer (reset, rebuild, open, data): clear old results

    def __init__(self, network: Network, dataset: Dataset | None = None, config: TrainConfig | None = None,
                 clock: FrameClock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock if clock is not None else FrameClock.shared()
        self.config = config if config is not None else TrainConfig()
        self.dataset = dataset
        self.network = network
        self.trainer: Trainer | None = None
        self.snapshot: Snapshot = network.snapshot()
        self._thread: TrainingThread | None = None
        self._delay = 0.0
        self._epoch_limit: int | None = None
        self._queued: list[tuple[str, object]] = []  # ("batches", list) / ("epoch", EpochStats), in order
        self._snapshot_waiting = False
        self._closed = False
        self._lingering: list[TrainingThread] = []
        self.clock.register(self)
        self._install(network)

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.network.layer_sizes))
        data = self.dataset.name if self.dataset is not None else "no data"
        return f"TrainingSession({sizes}, {data}, step={self.step}, running={self.is_running})"

    # ---- state ----------------------------------------------------------------------------------

    @property
    def worker(self):
        """The current TrainingWorker (None without data or trainer)."""
        return self._thread.worker if self._thread is not None else None

    @property
    def thread(self):
        """The current QThread (None without a trainer, or once closed)."""
        return self._thread.thread if self._thread is not None else None

    @property
    def step(self) -> int:
        return self.trainer.step if self.trainer is not None else 0

    @property
    def epoch(self) -> int:
        return self.trainer.epoch if self.trainer is not None else 0

    @property
    def is_running(self) -> bool:
        """True while training continuously (until paused)."""
        return self.worker is not None and self.worker.is_running

    @property
    def is_busy(self) -> bool:
        """True while mini-batches are being trained, continuously or for a step."""
        return self.worker is not None and self.worker.is_busy

    @property
    def has_diverged(self) -> bool:
        return self.worker is not None and self.worker.has_diverged

    @property
    def error_message(self) -> str | None:
        return self.worker.error if self.worker is not None else None

    @property
    def delay(self) -> float:
        """Seconds waited after every mini-batch (slow motion; 0 = full speed)."""
        return self._delay

    @property
    def is_paced(self) -> bool:
        """True while results come faster than a learner can follow: the FrameClock paces them."""
        return (not self._closed and (self.is_running or self.is_busy) and self._delay < EMIT_INTERVAL)

    def cannot_train(self) -> str | None:
        """Why training cannot start now, in words; None if it can."""
        if self._closed:
            return "This training session is closed."
        if self.dataset is None:
            return "The data is still loading; training can start in a moment."
        if self.trainer is None:
            return f"This network cannot be trained on {self.dataset.name}."
        if self.has_diverged:
            return "This network diverged. Lower the learning rate, then press Reset (Ctrl+R)."
        if self.error_message is not None:
            return f"{self.error_message} Press Reset (Ctrl+R) to start training again."
        return None

    # ---- control --------------------------------------------------------------------------------

    def start(self) -> bool:
        """Train continuously until paused; False (and nothing happens) if it cannot: see cannot_train."""
        if self.cannot_train() is not None:
            return False
        self.worker.start()
        self.running_changed.emit(True)
        self.clock.wake()
        return True

    def pause(self) -> None:
        """Stop after the mini-batch in progress; start() continues from there."""
        if self.worker is not None:
            self.worker.pause()

    def toggle(self) -> bool:
        """Pause if running, else start; False if it could not start."""
        if self.is_running:
            self.pause()
            return True
        return self.start()

    def step_batches(self, n: int = 1) -> bool:
        """Train ``n`` more mini-batches, then pause."""
        if self.cannot_train() is not None:
            return False
        self.worker.step_batches(n)
        return True

    def step_epoch(self) -> bool:
        """Train to the end of the current epoch (its test evaluation included), then pause."""
        if self.cannot_train() is not None:
            return False
        self.worker.step_epoch()
        return True

    def set_delay(self, seconds: float) -> None:
        """Slow motion: wait this long after every mini-batch (0 = full speed)."""
        self._delay = max(0.0, float(seconds))
        if self.worker is not None:
            self.worker.set_delay(self._delay)

    def set_epoch_limit(self, epochs: int | None) -> None:
        """Hold (paused, not finished) once this many epochs are done; None = no hold. For races."""
        self._epoch_limit = epochs
        if self.worker is not None:
            self.worker.set_epoch_limit(epochs)

    def update(self, **changes) -> None:
        """Change hyperparameters live (see engine.trainer.UPDATABLE); ValueError for bad values.

        Without a trainer the new values are kept for the next one.
        """
        new_config = dataclasses.replace(self.config, **changes)  # validates
        if self.trainer is not None:
            self.trainer.update(**changes)
        self.config = new_config

    def set_parameter(self, kind: str, layer: int, index: tuple[int, ...], value: float) -> None:
        """Set one weight ("weight", (row, col)) or bias ("bias", (row,)) by hand and show it at once.

        ValueError in words for a bad place or value. Training (if running) goes on from the new value.
        """
        self.set_parameters([(kind, layer, index, value)])

    def set_parameters(self, changes) -> None:
        """Several set_parameter changes (kind, layer, index, value) shown as one new snapshot."""
        if self.trainer is None:
            raise ValueError(self.cannot_train() or "This network has no trainer.")
        for kind, layer, index, value in changes:
            self.trainer.set_parameter(kind, layer, index, value)
        self.snapshot = self.trainer.snapshot()
        self.snapshot_ready.emit(self.snapshot)

    # ---- new networks ---------------------------------------------------------------------------

    def reset(self, seed: int | None = None) -> None:
        """Start again from random weights of the same shape (this seed, else the current one)."""
        if seed is not None:
            self.config = dataclasses.replace(self.config, seed=int(seed))
        net = self.network
        self.set_network(Network(net.layer_sizes, net.activation, net.cost, seed=self.config.seed))

    def rebuild(self, hidden: tuple[int, ...], activation: str, cost: str) -> None:
        """A new network with these hidden layers (inputs and outputs follow the data); from zero."""
        n_in, n_out = self.io_sizes()
        self.set_network(Network((n_in, *hidden, n_out), activation, cost, seed=self.config.seed))

    def io_sizes(self) -> tuple[int, int]:
        """(inputs, outputs) the data asks for; the network's own without data."""
        if self.dataset is not None:
            return self.dataset.n_features, self.dataset.n_outputs
        return self.network.layer_sizes[0], self.network.layer_sizes[-1]

    def set_network(self, network: Network) -> None:
        """Train ``network`` from now on (e.g. an opened model); results of the old one are dropped.

        Raises ValueError, after installing it untrained, if it does not fit the data.
        """
        self._install(network)
        if self._install_error is not None:
            raise ValueError(self._install_error)

    def set_dataset(self, dataset: Dataset, network: Network | None = None) -> None:
        """Train on ``dataset`` from now on; with ``network`` (e.g. rebuilt to fit it), that one."""
        self.dataset = dataset
        self.set_network(network if network is not None else self.network)

    def _install(self, network: Network) -> None:
        """Stop the current worker, take ``network`` and, with data, a fresh paused worker for it."""
        self._stop_thread()
        self._queued = []
        self._snapshot_waiting = False
        self.network = network
        self.trainer = None
        self._install_error = None
        if self.dataset is not None:
            try:
                self.trainer = Trainer(network, self.dataset, self.config)
            except ValueError as exc:
                self._install_error = f"Cannot train this network on {self.dataset.name}: {exc}"
        if self.trainer is not None and not self._closed:
            self._thread = TrainingThread(self.trainer)
            worker = self._thread.worker
            worker.set_delay(self._delay)
            worker.set_epoch_limit(self._epoch_limit)
            worker.snapshot_available.connect(self._on_snapshot_available)
            worker.batches_done.connect(self._on_batches_done)
            worker.epoch_done.connect(self._on_epoch_done)
            worker.diverged.connect(self._on_diverged)
            worker.not_learning.connect(self._on_not_learning)
            worker.running_changed.connect(self._on_running_changed)
            worker.training_finished.connect(self._on_training_finished)
            worker.failed.connect(self._on_failed)
            self._thread.start_thread()
            self.snapshot = self.trainer.snapshot()
        else:
            self.snapshot = network.snapshot()
        self.network_changed.emit(self.snapshot)
        self.snapshot_ready.emit(self.snapshot)
        self.clock.wake()

    # ---- delivery (called by the FrameClock, or at once when not paced) ---------------------------

    def deliver_snapshot(self) -> None:
        """Pass the worker's latest snapshot on, if there is a new one."""
        if not self._snapshot_waiting or self.worker is None:
            return
        self._snapshot_waiting = False
        snapshot = self.worker.take_snapshot()
        if snapshot is not None:
            self.snapshot = snapshot
            self.snapshot_ready.emit(snapshot)

    def deliver_statistics(self) -> None:
        """Pass on the batch and epoch statistics gathered since the last delivery, in order."""
        queued, self._queued = self._queued, []
        batches: list = []
        for kind, payload in queued:
            if kind == "batches":
                batches.extend(payload)
                continue
            if batches:
                self.batches_ready.emit(batches)
                batches = []
            (self.epoch_finished if kind == "epoch" else self.not_learning).emit(payload)
        if batches:
            self.batches_ready.emit(batches)

    def deliver_all(self) -> None:
        """Show the latest state now (on pausing, diverging, finishing)."""
        self.deliver_snapshot()
        self.deliver_statistics()

    def _current(self) -> bool:
        return self.worker is not None and self.sender() is self.worker

    @Slot()
    def _on_snapshot_available(self) -> None:
        if not self._current():
            return
        self._snapshot_waiting = True
        if self.is_paced:
            self.clock.wake()
        else:
            self.deliver_snapshot()

    @Slot(object)
    def _on_batches_done(self, batches: list) -> None:
        if self._current() and batches:
            self._queued.append(("batches", batches))
            if not self.is_paced:
                self.deliver_statistics()

    @Slot(object)
    def _on_epoch_done(self, stats) -> None:
        if self._current():
            self._queued.append(("epoch", stats))
            if not self.is_paced:
                self.deliver_statistics()

    @Slot(object)
    def _on_not_learning(self, warning) -> None:
        # in line with the statistics: the warning about an epoch must come after that epoch's results
        if self._current():
            self._queued.append(("not_learning", warning))
            if not self.is_paced:
                self.deliver_statistics()

    @Slot(object)
    def _on_diverged(self, diverged) -> None:
        if self._current():
            self.deliver_all()
            self.diverged.emit(diverged)

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if not self._current():
            return
        if running and not self.worker.is_running:
            running = False  # a stale "started" from a step that has already ended
        if not running:
            self.deliver_all()
        self.clock.wake()
        self.running_changed.emit(running)

    @Slot()
    def _on_training_finished(self) -> None:
        if self._current():
            self.deliver_all()
            self.finished.emit()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._current():
            self.deliver_all()
            self.error.emit(message)

    # ---- closing --------------------------------------------------------------------------------

    def _stop_thread(self) -> bool:
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        ended = thread.shutdown()
        # Drop what the old worker posted before it ended, now, while no worker is current: once
        # the old worker is freed, a new one may get its address and its wrapper, and its queued
        # results would then pass for the new network's.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        if not ended:
            self._lingering.append(thread)  # keep it alive until its thread returns
        return ended

    def close(self) -> bool:
        """Stop training for good and wait for the thread; True if it ended in time."""
        self._closed = True
        ended = self._stop_thread()
        self.clock.unregister(self)
        return ended

