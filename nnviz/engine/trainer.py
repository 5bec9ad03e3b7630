"""Mini-batch training as one generator of small frozen records, consumed by the CLI, tests and app.

Pause by not calling next(), stop with .close(); hyperparameters change between mini-batches.
"""

from __future__ import annotations

import ctypes
import dataclasses
import math
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

from nnviz.engine.network import REGRESSION_COST, Backprop, Evaluation, Network, Snapshot
from nnviz.engine.learning_check import LearningCheck, NotLearning
from nnviz.engine.optimizers import OPTIMIZERS, SCHEDULES, make_optimizer, scheduled_rate

if TYPE_CHECKING:  # pragma: no cover
    from nnviz.engine.datasets import Dataset

__all__ = ["TrainConfig", "BatchStats", "EpochStats", "Diverged", "NotLearning", "Trainer", "MAX_AUGMENT"]

#: Largest random shift, in pixels, the augmentation accepts.
MAX_AUGMENT = 4


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of a training run; the defaults are the best found for 784-16-16-10 on MNIST."""

    learning_rate: float = 0.003
    batch_size: int = 32
    optimizer: str = "adam"  # "sgd" | "momentum" | "adam"
    l2: float = 0.0  # weight decay: adds l2/2 * sum of squared weights to the cost
    l1: float = 0.0  # sparsity: adds l1 * sum of |weights| to the cost
    dropout: float = 0.0  # probability of dropping each hidden neuron during training
    epochs: int | None = 30  # None = train until stopped
    schedule: str = "cosine"  # "constant" | "step" | "cosine"
    augment: int = 1  # max random shift in pixels for image data, 0 = off
    seed: int = 0

    def __post_init__(self):
        _check_config(self)


def _check_config(c: TrainConfig) -> None:
    if not (isinstance(c.learning_rate, (int, float)) and math.isfinite(c.learning_rate) and c.learning_rate > 0):
        raise ValueError(f"learning rate must be a positive number, got {c.learning_rate!r}")
    if isinstance(c.batch_size, bool) or not isinstance(c.batch_size, (int, np.integer)) or c.batch_size < 1:
        raise ValueError(f"batch size must be a whole number of at least 1, got {c.batch_size!r}")
    if c.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {c.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not (isinstance(c.l2, (int, float)) and math.isfinite(c.l2) and c.l2 >= 0):
        raise ValueError(f"L2 weight decay must be zero or positive, got {c.l2!r}")
    if not (isinstance(c.l1, (int, float)) and math.isfinite(c.l1) and c.l1 >= 0):
        raise ValueError(f"L1 regularisation must be zero or positive, got {c.l1!r}")
    if not (isinstance(c.dropout, (int, float)) and 0 <= c.dropout < 1):
        raise ValueError(f"dropout must be at least 0 and below 1, got {c.dropout!r}")
    if c.epochs is not None and (isinstance(c.epochs, bool) or not isinstance(c.epochs, (int, np.integer)) or c.epochs < 1):
        raise ValueError(f"epochs must be a whole number of at least 1, or None, got {c.epochs!r}")
    if c.schedule not in SCHEDULES:
        raise ValueError(f"unknown learning-rate schedule {c.schedule!r}; choose one of {', '.join(SCHEDULES)}")
    if isinstance(c.augment, bool) or not isinstance(c.augment, (int, np.integer)) or not 0 <= c.augment <= MAX_AUGMENT:
        raise ValueError(f"augment (max shift in pixels) must be a whole number from 0 to {MAX_AUGMENT}, got {c.augment!r}")


@dataclass(frozen=True)
class BatchStats:
    """One mini-batch done. step is 1-based over the run; epoch and batch are 0-based."""

    step: int
    epoch: int
    batch: int
    batches_per_epoch: int
    cost: float
    learning_rate: float


@dataclass(frozen=True, eq=False)  # holds arrays: compare by identity
class EpochStats:
    """One epoch done. epoch counts completed epochs (1-based); train_cost is the mean batch cost.

    seconds is the time the engine spent on the epoch's mini-batches (not the test evaluation, not
    time the consumer kept the generator paused); samples_per_second = training samples / seconds.
    """

    epoch: int
    train_cost: float
    test_cost: float
    test_accuracy: float
    confusion: np.ndarray = field(repr=False)
    seconds: float
    samples_per_second: float


@dataclass(frozen=True)
class Diverged:
    """The batch cost became NaN or infinite; the generator ends after yielding this."""

    step: int
    epoch: int
    cost: float
    message: str


#: Settings update() may change while training runs.
UPDATABLE = ("learning_rate", "batch_size", "optimizer", "l2", "l1", "dropout", "schedule", "augment", "epochs")


class _Shifter:
    """Random shifts of image batches by up to ``max_shift`` pixels, zero-filled, vectorised."""

    def __init__(self, batch_size: int, image_shape: tuple[int, int], max_shift: int, dtype):
        h, w = image_shape
        s = max_shift
        self.shape = (batch_size, h, w)
        self.max_shift = s
        self.padded = np.zeros((batch_size, h + 2 * s, w + 2 * s), dtype=dtype)
        self.interior = self.padded[:, s : s + h, s : s + w]
        # windows[i, dy, dx] is image i shifted by (s - dy, s - dx)
        self.windows = np.lib.stride_tricks.sliding_window_view(self.padded, (h, w), axis=(1, 2))
        self.rows = np.arange(batch_size)

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> None:
        """Shift every image of x (batch_size, h*w) in place by its own random offset."""
        images = x.reshape(self.shape)
        self.interior[...] = images
        offsets = rng.integers(0, 2 * self.max_shift + 1, size=(2, len(x)))
        images[...] = self.windows[self.rows, offsets[0], offsets[1]]


#: Matrix products smaller than this (m * n_in * n_out multiply-adds) run fastest on one BLAS thread.
SINGLE_THREAD_WORK = 1 << 23


def _openblas_thread_functions():
    """(get, set) thread-count functions of the OpenBLAS NumPy uses, or None if there is none.

    Found the way threadpoolctl finds them: the library bundled with NumPy's wheel, or on Linux
    any OpenBLAS mapped into the process.
    """
    base = Path(np.__file__).parent
    candidates = [*base.parent.glob("numpy.libs/*openblas*"), *base.glob(".dylibs/*openblas*")]
    if sys.platform.startswith("linux"):
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            maps = ""
        candidates += sorted({Path(line.split()[-1]) for line in maps.splitlines() if "openblas" in line and "/" in line})
    for path in candidates:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    get.restype = ctypes.c_int
                    set_.argtypes = [ctypes.c_int]
                    return get, set_
    return None


_blas_functions: list = []  # [(get, set) or None] once looked up


def blas_thread_functions():
    """(get, set) of OpenBLAS's thread count, looked up once per process; None without OpenBLAS."""
    if not _blas_functions:
        try:
            _blas_functions.append(_openblas_thread_functions())
        except Exception:  # an odd library layout must never stop training
            _blas_functions.append(None)
    return _blas_functions[0]


def limit_blas_threads(n_threads: int):
    """Set NumPy's OpenBLAS to ``n_threads`` threads; returns a function restoring the old count.

    Training's matrices are tiny (784x16 at batch 32): a second BLAS thread only adds
    synchronisation, and under load (the GUI thread, other programs) it makes every product wait
    for a busy core. Does nothing (and the restore does nothing) when NumPy uses another BLAS.
    """
    functions = blas_thread_functions()
    if functions is None:
        return lambda: None
    get, set_ = functions
    previous = get()
    if previous == n_threads:
        return lambda: None
    set_(n_threads)
    return lambda: set_(previous)


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # as a decorator it costs 0.4 us less than a with
def _quiet_step(bp: Backprop, optimizer, params, grad, labels, config: TrainConfig, dropout_rng, lr: float) -> float:
    """One mini-batch: the cost and gradient, then the update if the cost is finite; returns the cost.

    Overflow just before divergence is reported by the caller as Diverged, not as NumPy warnings.
    """
    cost = bp.loss_and_gradient(params, grad, None, labels, config.l2, config.dropout, dropout_rng, config.l1)
    if math.isfinite(cost):
        optimizer.step(params, grad, lr)
    return cost


class Trainer:
    """Trains a Network on a Dataset with mini-batches; see :meth:`run`."""

    def __init__(self, network: Network, dataset: "Dataset", config: TrainConfig | None = None):
        config = TrainConfig() if config is None else config
        if dataset.x_train.ndim != 2 or dataset.x_train.shape[1] != network.layer_sizes[0]:
            raise ValueError(
                f"the network has {network.layer_sizes[0]} inputs but {dataset.name} has "
                f"{dataset.x_train.shape[1:]} features per sample"
            )
        regression = bool(getattr(dataset, "is_regression", False))
        if regression != (network.cost == REGRESSION_COST):
            raise ValueError(
                f"{dataset.name} needs the {REGRESSION_COST} cost (real-valued targets)" if regression else
                f"the {REGRESSION_COST} cost fits real-valued targets, but {dataset.name} has class labels"
            )
        if regression:
            n_classes = 1
        else:
            n_classes = len(dataset.class_names) if getattr(dataset, "class_names", None) else int(dataset.y_train.max()) + 1
        if network.layer_sizes[-1] != n_classes:
            what = "target" if regression else "classes"
            raise ValueError(f"the network has {network.layer_sizes[-1]} outputs but {dataset.name} has {n_classes} {what}")
        if len(dataset.x_train) == 0:
            raise ValueError(f"{dataset.name} has no training samples")
        self.network = network
        self.dataset = dataset
        self.config = config
        self._x_train = np.ascontiguousarray(dataset.x_train, dtype=np.float32)
        self._y_train = np.ascontiguousarray(dataset.y_train, dtype=np.float32 if regression else np.int64)
        self._lock = threading.Lock()  # guards the parameters against snapshot() during a step
        self._update_lock = threading.Lock()
        self._pending: dict = {}
        self._step = 0
        self._epoch = 0
        self._grad = np.zeros_like(network.params)
        self._optimizer = make_optimizer(config.optimizer, network.params.size)
        self._backprops: dict[int, Backprop] = {}
        self._shifters: dict[tuple[int, int], _Shifter] = {}

    def __repr__(self) -> str:
        return f"Trainer({self.network!r}, {self.dataset.name!r}, step={self._step}, epoch={self._epoch})"

    @property
    def step(self) -> int:
        """Mini-batches trained so far."""
        return self._step

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self._epoch

    def update(self, **changes) -> None:
        """Change hyperparameters (see UPDATABLE); thread-safe, applied before the next mini-batch.

        Raises ValueError (in the caller's thread) for unknown names or bad values. Switching to
        another optimizer starts it with fresh state; naming the current one again changes nothing.
        """
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise ValueError(f"cannot change {', '.join(unknown)} during training; changeable: {', '.join(UPDATABLE)}")
        with self._update_lock:
            new_config = dataclasses.replace(self.config, **changes)  # validates
            self.config = new_config
            self._pending.update(changes)

    def snapshot(self) -> Snapshot:
        """Read-only copies of the current weights and biases, safe to hand to another thread."""
        with self._lock:
            return self.network.snapshot(step=self._step, epoch=self._epoch)

    def set_parameter(self, kind: str, layer: int, index: tuple[int, ...], value: float) -> None:
        """Set one weight (kind "weight", index (row, col)) or bias ("bias", (row,)) of ``layer`` by hand.

        Thread-safe: applied between mini-batches. ``layer`` counts weight matrices from 0.
        """
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, got {value!r}")
        arrays = {"weight": self.network.weights, "bias": self.network.biases}.get(kind)
        if arrays is None:
            raise ValueError(f"kind must be 'weight' or 'bias', not {kind!r}")
        if not 0 <= layer < len(arrays):
            raise ValueError(f"this network has {len(arrays)} layers of {kind}s, not a layer {layer}")
        array = arrays[layer]
        index = tuple(int(i) for i in index)
        if len(index) != array.ndim or any(not 0 <= i < n for i, n in zip(index, array.shape)):
            raise ValueError(f"no {kind} at {index} in layer {layer} of shape {array.shape}")
        with self._lock:
            array[index] = value

    def evaluate(self) -> Evaluation:
        """Cost, accuracy and confusion matrix on the test set."""
        with self._lock:
            snap = self.network.snapshot(step=self._step, epoch=self._epoch)
        return snap.evaluate(self.dataset.x_test, self.dataset.y_test)

    def _backprop(self, batch_size: int) -> Backprop:
        bp = self._backprops.get(batch_size)
        if bp is None:
            net = self.network
            bp = self._backprops[batch_size] = Backprop(net.layer_sizes, net.activation, net.cost, batch_size)
        return bp

    def _shifter(self, batch_size: int, max_shift: int) -> _Shifter:
        key = (batch_size, max_shift)
        shifter = self._shifters.get(key)
        if shifter is None:
            shifter = self._shifters[key] = _Shifter(batch_size, self.dataset.image_shape, max_shift, np.float32)
        return shifter

    def _take_updates(self) -> dict:
        with self._update_lock:
            changes, self._pending = self._pending, {}
            return changes

    def run(self) -> Iterator[BatchStats | EpochStats | Diverged]:
        """Train, yielding a BatchStats after every mini-batch and an EpochStats after every epoch.

        Ends after config.epochs epochs (None = never), or right after yielding Diverged when the
        cost becomes NaN or infinite. The same seed gives the same batch order and the same result.
        While it runs, small networks use one BLAS thread (see :func:`limit_blas_threads`); the old
        count is restored when the generator ends or is closed.
        """
        sizes = self.network.layer_sizes
        biggest_product = self.config.batch_size * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        restore_threads = limit_blas_threads(1) if biggest_product < SINGLE_THREAD_WORK else None
        try:
            if getattr(self.dataset, "is_regression", False):
                yield from self._train()
            else:
                yield from self._watched(self._train())
        finally:
            if restore_threads is not None:
                restore_threads()

    def _watched(self, records):
        """Pass ``records`` on; before an epoch's EpochStats, a NotLearning once per way the run goes nowhere.

        It comes before the EpochStats so a consumer that stops at the end of an epoch still gets it.
        """
        check = LearningCheck(self.dataset.y_test, self.network.layer_sizes[-1])
        for record in records:
            if check.start_cost is None and type(record) is BatchStats:
                check.first_batch(record.cost)
            elif type(record) is EpochStats:
                warning = check.after_epoch(record.epoch, record.train_cost, record.test_cost,
                                            record.test_accuracy, record.confusion, self.config)
                if warning is not None:
                    yield warning
            yield record

    def _train(self) -> Iterator[BatchStats | EpochStats | Diverged]:
        config = self.config
        params, grad = self.network.params, self._grad
        x_train, y_train = self._x_train, self._y_train
        n = len(x_train)
        is_image = getattr(self.dataset, "image_shape", None) is not None
        # independent streams, so e.g. switching dropout on does not change the batch order
        shuffle_rng, dropout_rng, augment_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(3))
        lock = self._lock
        clock = time.perf_counter
        take = np.take
        isfinite = math.isfinite
        while config.epochs is None or self._epoch < config.epochs:
            epoch = self._epoch
            order = shuffle_rng.permutation(n)
            targets = y_train[order]  # each batch's labels are then a slice, not a gather
            batch_size = config.batch_size
            batches_per_epoch = -(-n // batch_size)
            start = batch = 0
            cost_sum = 0.0
            busy = 0.0
            optimizer = self._optimizer
            bp = self._backprop(min(batch_size, n))
            while start < n:
                t0 = clock()
                if self._pending:
                    changes = self._take_updates()
                    config = self.config
                    if config.optimizer != optimizer.name:  # same name again keeps Adam's moments
                        self._optimizer = optimizer = make_optimizer(config.optimizer, params.size)
                    if config.batch_size != batch_size:
                        # buffers for old batch sizes are not needed again (a slider can visit many)
                        self._backprops.clear()
                        self._shifters.clear()
                        batch_size = config.batch_size
                        batches_per_epoch = batch + -(-(n - start) // batch_size)
                stop = start + batch_size
                if stop > n:
                    stop = n
                if stop - start != bp.batch_size:
                    bp = self._backprop(stop - start)
                # the indices are valid by construction: mode="clip" skips take's check, which
                # buffers the whole output (about 4 us of 13 for 32 MNIST rows)
                take(x_train, order[start:stop], axis=0, out=bp.x, mode="clip")
                labels = targets[start:stop]
                if is_image and config.augment:
                    self._shifter(bp.batch_size, config.augment)(bp.x, augment_rng)
                if config.schedule == "constant":
                    lr = config.learning_rate
                else:
                    lr = scheduled_rate(config.schedule, config.learning_rate, epoch + start / n, config.epochs)
                with lock:
                    cost = _quiet_step(bp, optimizer, params, grad, labels, config, dropout_rng, lr)
                    finite = isfinite(cost)
                    if finite:
                        self._step += 1
                if not finite:
                    what = "NaN" if math.isnan(cost) else "infinite"
                    yield Diverged(
                        step=self._step + 1,
                        epoch=epoch,
                        cost=cost,
                        message=(
                            f"Training diverged (the cost became {what}) at step {self._step + 1}. "
                            f"Try a lower learning rate (now {lr:.3g}), then reset the network."
                        ),
                    )
                    return
                cost_sum += cost
                start = stop
                busy += clock() - t0
                yield BatchStats(self._step, epoch, batch, batches_per_epoch, cost, lr)
                batch += 1
            self._epoch += 1
            evaluation = self.evaluate()
            yield EpochStats(
                epoch=self._epoch,
                train_cost=cost_sum / batch,
                test_cost=evaluation.cost,
                test_accuracy=evaluation.accuracy,
                confusion=evaluation.confusion,
                seconds=busy,
                samples_per_second=n / busy if busy > 0 else float("inf"),
            )
            config = self.config
