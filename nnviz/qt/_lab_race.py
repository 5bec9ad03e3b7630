"""A Lab race: one TrainingSession per network of a plan, on the shared FrameClock, in lockstep.

A session may train only the epoch after the slowest network's, so no network is more than one
epoch ahead of another, and only ``concurrent`` sessions train at once: more threads would not
train faster (the GIL) but would keep the GUI thread waiting for it longer. A session that reports epoch e
is held exactly at its end (its limit is e), so the snapshot taken then is that epoch's; a
background thread measures its training-set accuracy (engine.lab.epoch_record) and, at the end,
the experiment's figures, off the GUI thread.
"""

from __future__ import annotations

import queue
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from nnviz.engine.dataset import Dataset
from nnviz.engine.lab import EpochRecord, LabResult, Plan, RunResult, epoch_record, make_network, training_data
from nnviz.engine.lab_experiments import partial_results, result
from nnviz.qt.session import FrameClock, TrainingSession

__all__ = ["LabRace", "Measurer", "CONCURRENT"]

#: Sessions training at once. Measured with python -m nnviz.qt.bench_lab_gui on 2 cores: one at a
#: time finishes a 7-network race as fast as two (the GIL serialises them) with a lower p99
#: event-loop lateness; the other core is left to the GUI thread and the measurements.
CONCURRENT = 1


class Measurer(QObject):
    """One Python thread that runs measurements in order and posts each result back as a signal."""

    done = Signal(object, object)  # (callback, value) -- delivered on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="nnviz-lab-measure", daemon=True)
        self._thread.start()
        self.done.connect(self._deliver)

    def submit(self, work, callback) -> None:
        self._jobs.put((work, callback))

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            work, callback = job
            try:
                value = work()
            except Exception as exc:  # shown to the learner, never lost in a dead thread
                value = exc
            self.done.emit(callback, value)

    @Slot(object, object)
    def _deliver(self, callback, value) -> None:
        callback(value)

    def close(self) -> None:
        """Drop waiting jobs, finish the current one, and end the thread."""
        try:
            while True:
                self._jobs.get_nowait()
        except queue.Empty:
            pass
        self._jobs.put(None)
        self._thread.join(timeout=30)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


class LabRace(QObject):
    """Trains a plan's networks side by side in the window; emits records as they are measured."""

    record_ready = Signal(object)      # EpochRecord, with its training-set accuracy
    batches_ready = Signal(str, object)  # run name, list[BatchStats] (for one network's cost curve)
    epoch_stats_ready = Signal(str, object)  # run name, EpochStats
    run_finished = Signal(object)      # RunResult (diverged ones too)
    finished = Signal(object)          # LabResult, once every run is done (or the race was stopped)
    running_changed = Signal(bool)
    failed = Signal(str)               # a session or a measurement failed, in words

    def __init__(self, plan: Plan, dataset: Dataset, clock: FrameClock | None = None,
                 concurrent: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.dataset = dataset
        self.histories: dict[str, list[EpochRecord]] = {spec.name: [] for spec in plan.runs}
        self.results: dict[str, RunResult] = {}
        self.batches: dict[str, list] = {spec.name: [] for spec in plan.runs}  # every BatchStats, per run
        self.epoch_stats: dict[str, list] = {spec.name: [] for spec in plan.runs}
        self.result: LabResult | None = None
        self._epochs = {spec.name: 0 for spec in plan.runs}  # epochs reported (held at the end of)
        self._limits = {spec.name: 0 for spec in plan.runs}  # epochs each session may complete
        self.concurrent = max(1, concurrent if concurrent is not None else CONCURRENT)
        self._running = False
        self._closed = False
        self._started = time.perf_counter()
        self._measurer = Measurer(self)
        self._train = {spec.name: training_data(spec, dataset, plan.seed) for spec in plan.runs}
        clock = clock if clock is not None else FrameClock.shared()
        self.sessions: dict[str, TrainingSession] = {}
        for spec in plan.runs:
            session = TrainingSession(make_network(spec, plan.seed), self._train[spec.name], spec.config,
                                      clock=clock, parent=self)
            session.set_epoch_limit(0)  # held until _schedule lets it train
            session.epoch_finished.connect(lambda stats, name=spec.name: self._on_epoch(name, stats))
            session.batches_ready.connect(lambda batches, name=spec.name: self._on_batches(name, batches))
            session.diverged.connect(lambda d, name=spec.name: self._on_diverged(name, d))
            session.error.connect(self.failed)
            self.sessions[spec.name] = session

    # ---- state ----------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def is_done(self) -> bool:
        return self.result is not None

    @property
    def epoch(self) -> int:
        """Epochs every still-training network has completed."""
        live = [e for name, e in self._epochs.items() if name not in self.results]
        return min(live) if live else self.plan.epochs

    @property
    def measuring(self) -> bool:
        return self._measurer.alive

    def snapshot(self, name: str):
        """The latest network of run ``name`` (its final one once finished)."""
        if name in self.results and self.results[name].snapshot is not None:
            return self.results[name].snapshot
        session = self.sessions.get(name)
        return session.snapshot if session is not None else None

    def seconds(self) -> float:
        return time.perf_counter() - self._started

    # ---- control --------------------------------------------------------------------------------

    def start(self) -> None:
        if self._closed or self.is_done:
            return
        for name, session in self.sessions.items():
            if name not in self.results:
                session.start()
        self._running = True
        self._schedule()
        self.running_changed.emit(True)

    def pause(self) -> None:
        for session in self.sessions.values():
            session.pause()
        if self._running:
            self._running = False
            self.running_changed.emit(False)

    def stop(self) -> None:
        """End the race now: the networks keep what they learnt, the answer uses what there is."""
        if self._closed or self.is_done:
            return
        self.pause()
        for spec in self.plan.runs:
            if spec.name not in self.results:
                self._finish_run(spec.name, None)
        self._close_sessions()

    def close(self) -> bool:
        """Stop every thread (sessions and measurements) and wait for them; True if all ended."""
        self._closed = True
        ended = self._close_sessions()
        self._measurer.close()
        return ended and not self._measurer.alive

    def _close_sessions(self) -> bool:
        ended = True
        for session in self.sessions.values():
            ended = session.close() and ended
        if self._running:
            self._running = False
            self.running_changed.emit(False)
        return ended

    # ---- results --------------------------------------------------------------------------------

    def _on_batches(self, name: str, batches: list) -> None:
        if not self._closed:
            self.batches[name].extend(batches)
            self.batches_ready.emit(name, batches)

    def _on_epoch(self, name: str, stats) -> None:
        session = self.sessions[name]
        if self._closed or name in self.results or session.trainer is None:
            return
        self.epoch_stats[name].append(stats)
        self.epoch_stats_ready.emit(name, stats)
        # Held at this epoch's end (see the module docstring): this snapshot is the epoch's.
        snapshot = session.trainer.snapshot()
        self._epochs[name] = stats.epoch
        seconds = self.seconds()
        train = self._train[name]
        self._measurer.submit(lambda: epoch_record(name, stats, snapshot, train, seconds), self._on_record)
        if stats.epoch >= self.plan.epochs:
            self._finish_run(name, None)
        self._schedule()

    def _on_record(self, record) -> None:
        if isinstance(record, Exception):
            self.failed.emit(f"Measuring a network failed ({type(record).__name__}: {record}).")
            return
        if self._closed:
            return
        self.histories[record.run].append(record)
        self.record_ready.emit(record)
        self._maybe_finish()

    def _on_diverged(self, name: str, diverged) -> None:
        if name not in self.results:
            self._finish_run(name, diverged.message)
            self._schedule()

    def _schedule(self) -> None:
        """Let sessions behind the next epoch train it, ``concurrent`` at a time, in the plan's order."""
        live = [spec.name for spec in self.plan.runs if spec.name not in self.results]
        if not live or self._closed:
            return
        target = min(self._epochs[n] for n in live) + 1
        training = [n for n in live if self._limits[n] > self._epochs[n]]
        for name in live:
            if len(training) >= self.concurrent:
                break
            if self._epochs[name] < target and name not in training:
                self._limits[name] = target
                self.sessions[name].set_epoch_limit(target)
                training.append(name)

    def _finish_run(self, name: str, diverged: str | None) -> None:
        spec = self.plan.run(name)
        session = self.sessions[name]
        snapshot = session.trainer.snapshot() if session.trainer is not None else session.snapshot
        session.pause()
        # the history is filled in by _maybe_finish once its measurements are in
        self.results[name] = RunResult(name, spec.layers, spec.activation_name, (), self.seconds(),
                                       snapshot, diverged)
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        """Once every run is done and measured, compute the experiment's figures (off the GUI thread)."""
        if self._closed or self.result is not None or len(self.results) < len(self.plan.runs):
            return
        if any(len(self.histories[n]) < self._epochs[n] for n in self.histories):
            return  # measurements still under way
        if getattr(self, "_finishing", False):
            return
        self._finishing = True
        runs = [RunResult(r.name, r.layers, r.activation, tuple(self.histories[r.name]), r.seconds,
                          r.snapshot, r.diverged) for r in self.results.values()]
        for run in runs:
            self.run_finished.emit(run)
        plan, dataset, seconds = self.plan, self.dataset, self.seconds()
        self._close_sessions()
        self._measurer.submit(lambda: result(plan, runs, dataset, seconds), self._on_result)

    def _on_result(self, value) -> None:
        if isinstance(value, Exception):
            self.failed.emit(f"Measuring the results failed ({type(value).__name__}: {value}).")
            return
        if self._closed:
            return
        self.result = value
        self.finished.emit(value)

    def partial_runs(self) -> list[RunResult]:
        """What the race has shown so far, as RunResults without networks (for a live answer)."""
        return partial_results(self.plan, self.histories)
