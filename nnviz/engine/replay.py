"""Recording a run for replay: the network's parameters at chosen moments, dense early on.

A ReplayRecorder is told of every training record (from the training thread) and keeps the flat
parameter vector about 50 times in the first epoch, a few times in every later epoch and at every
epoch's end (with that epoch's test results); any frame becomes a Snapshot again on demand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from nnviz.engine.network import Snapshot, split_params

__all__ = ["Frame", "ReplayRecorder", "FIRST_EPOCH_FRAMES", "LATER_EPOCH_FRAMES"]

FIRST_EPOCH_FRAMES = 50
LATER_EPOCH_FRAMES = 4


@dataclass(frozen=True, eq=False)
class Frame:
    """The network at one moment: ``params`` is the flat float32 vector (all weights, then biases)."""

    step: int
    epoch: float                     # epochs trained, fractional (2.5 = half way through the third)
    params: np.ndarray = field(repr=False)
    epoch_stats: object = None       # EpochStats when the frame closes an epoch


class ReplayRecorder:
    """Frames of one run; ``observe`` is called on the training thread, the rest on any thread."""

    def __init__(self, layer_sizes, activation: str, cost: str) -> None:
        self.layer_sizes = tuple(layer_sizes)
        self.activation = activation
        self.cost = cost
        self._frames: list[Frame] = []
        self._lock = threading.Lock()
        self._last_step = -1

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """Memory the recorded parameters take."""
        return sum(f.params.nbytes for f in self._frames)

    def frames(self) -> list[Frame]:
        with self._lock:
            return list(self._frames)

    def wants(self, step: int, batch: int, batches_per_epoch: int, epoch: int) -> bool:
        """True when mini-batch ``batch`` (0-based) of ``epoch`` (0-based) should be recorded."""
        per_epoch = FIRST_EPOCH_FRAMES if epoch == 0 else LATER_EPOCH_FRAMES
        if batch + 1 >= batches_per_epoch:
            return False  # the epoch's end is recorded with its test results
        # evenly spread: the batch where the count of frames due so far goes up by one
        return (batch + 1) * per_epoch // batches_per_epoch > batch * per_epoch // batches_per_epoch

    def observe(self, item, trainer) -> None:
        """Called with every BatchStats / EpochStats the trainer yields (on the training thread)."""
        kind = type(item).__name__
        if kind == "BatchStats":
            if self.wants(item.step, item.batch, item.batches_per_epoch, item.epoch):
                self._add(item.step, item.epoch + (item.batch + 1) / item.batches_per_epoch, trainer, None)
        elif kind == "EpochStats":
            self._add(trainer.step, float(item.epoch), trainer, item)

    def _add(self, step: int, epoch: float, trainer, stats) -> None:
        snapshot = trainer.snapshot()
        params = np.concatenate([w.ravel() for w in snapshot.weights] + [b.ravel() for b in snapshot.biases])
        params.setflags(write=False)
        with self._lock:
            if self._frames and self._frames[-1].step == step and stats is None:
                return
            self._frames.append(Frame(int(step), float(epoch), params, stats))

    def add_initial(self, snapshot: Snapshot) -> None:
        """Record the untrained network (step 0) before training starts."""
        params = np.concatenate([w.ravel() for w in snapshot.weights] + [b.ravel() for b in snapshot.biases])
        params.setflags(write=False)
        with self._lock:
            if not self._frames:
                self._frames.append(Frame(0, 0.0, params, None))

    def snapshot(self, frame: Frame) -> Snapshot:
        """The network as it was at ``frame`` (read-only views into the frame's vector)."""
        weights, biases = split_params(frame.params, self.layer_sizes)
        return Snapshot(self.layer_sizes, self.activation, self.cost, tuple(weights), tuple(biases),
                        frame.step, int(frame.epoch))

    def last_epoch_stats(self, index: int):
        """The EpochStats of the latest epoch end at or before frame ``index`` (None before the first)."""
        with self._lock:
            frames = self._frames[: index + 1]
        for frame in reversed(frames):
            if frame.epoch_stats is not None:
                return frame.epoch_stats
        return None

    def epoch_frames(self) -> list[Frame]:
        """The frame of the untrained network (if recorded) and of every epoch's end."""
        with self._lock:
            return [f for f in self._frames if f.step == 0 or f.epoch_stats is not None]
