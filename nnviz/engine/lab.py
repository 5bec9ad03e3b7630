"""The Lab's engine: experiments that answer learners' questions by training several networks alike.

A plan (lab_experiments) lists the runs; :func:`train_run` trains one and yields an EpochRecord
per epoch; :func:`run_experiment` trains a plan's runs side by side and ends with a LabResult whose
answer is written from that run's own numbers. Pure NumPy, no Qt.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from nnviz.engine.dataset import Dataset
from nnviz.engine.network import Network, Snapshot
from nnviz.engine.trainer import Diverged, EpochStats, TrainConfig, Trainer

__all__ = [
    "RunSpec", "Plan", "EpochRecord", "RunResult", "LabResult", "LabError",
    "training_data", "shuffle_labels", "train_run", "epoch_record", "make_network",
]


class LabError(Exception):
    """An experiment cannot run as asked (bad option, data that does not fit); the message says why."""


@dataclass(frozen=True)
class RunSpec:
    """One network of an experiment: its name, layer sizes, hidden activation and training settings.

    ``subset`` trains on that many training digits (picked with the plan's seed), ``label_noise``
    replaces that share of their labels by random ones (see :func:`shuffle_labels`).
    """

    name: str
    layers: tuple[int, ...]
    activation: str
    config: TrainConfig
    subset: int | None = None
    label_noise: float = 0.0

    @property
    def activation_name(self) -> str:
        """The hidden activation, or "none" for a network with no hidden layer."""
        return self.activation if len(self.layers) > 2 else "none"


@dataclass(frozen=True)
class Plan:
    """What an experiment trains: its runs (same seed, same data), for how many epochs, and why."""

    experiment: str
    runs: tuple[RunSpec, ...]
    epochs: int
    seed: int
    note: str = ""  # how the training differs from the defaults, in words, shown beside the answer
    options: tuple[tuple[str, object], ...] = ()  # experiment options (e.g. widths), for the record
    digits: bool = True  # the classes are the digits 0-9 (else e.g. Fashion-MNIST's clothes)

    def run(self, name: str) -> RunSpec:
        for spec in self.runs:
            if spec.name == name:
                return spec
        raise KeyError(name)


@dataclass(frozen=True)
class EpochRecord:
    """One epoch of one run: accuracies (0..1) and mean costs on the training and the test set.

    train_* are measured on the run's whole training set after the epoch, against the labels it was
    trained on; seconds is the run's time so far (training and these evaluations).
    """

    run: str
    epoch: int
    train_accuracy: float
    test_accuracy: float
    train_cost: float
    test_cost: float
    seconds: float

    def as_dict(self) -> dict:
        return {
            "epoch": self.epoch,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "train_cost": self.train_cost,
            "test_cost": self.test_cost,
        }


@dataclass(frozen=True, eq=False)  # holds arrays: compare by identity
class RunResult:
    """A finished (or stopped, or diverged) run: its history and its final network."""

    name: str
    layers: tuple[int, ...]
    activation: str
    history: tuple[EpochRecord, ...]
    seconds: float
    snapshot: Snapshot | None = field(default=None, repr=False)
    diverged: str | None = None  # the engine's message if the cost became NaN or infinite

    @property
    def train_accuracy(self) -> float:
        return self.history[-1].train_accuracy if self.history else float("nan")

    @property
    def test_accuracy(self) -> float:
        return self.history[-1].test_accuracy if self.history else float("nan")

    @property
    def epochs(self) -> int:
        return self.history[-1].epoch if self.history else 0

    def as_dict(self) -> dict:
        out = {
            "name": self.name,
            "layers": list(self.layers),
            "activation": self.activation,
            "train_accuracy": _finite_or_none(self.train_accuracy),
            "test_accuracy": _finite_or_none(self.test_accuracy),
            "seconds": round(self.seconds, 3),
            "history": [r.as_dict() for r in self.history],
        }
        if self.diverged:
            out["diverged"] = self.diverged
        return out


@dataclass(frozen=True, eq=False)
class LabResult:
    """An experiment's outcome: every run, the top-level figures, the pictures and the answer.

    ``figures`` holds plain numbers (they go into the JSON); ``pictures`` holds arrays and
    snapshots for the window's picture of the experiment (not exported).
    """

    experiment: str
    seconds: float
    answer: str
    runs: tuple[RunResult, ...]
    figures: dict = field(default_factory=dict)
    pictures: dict = field(default_factory=dict, repr=False)
    note: str = ""
    data: str = ""
    epochs: int = 0
    seed: int = 0

    def run(self, name: str) -> RunResult:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(name)

    def as_json(self) -> dict:
        """The JSON object the CLI prints and the window exports."""
        out = {"experiment": self.experiment, "seconds": round(self.seconds, 3), "answer": self.answer}
        out.update({k: _json_number(v) for k, v in self.figures.items()})
        out.update({"data": self.data, "epochs": self.epochs, "seed": self.seed})
        if self.note:
            out["note"] = self.note
        out["runs"] = [r.as_dict() for r in self.runs]
        return out


def _finite_or_none(value: float):
    return float(value) if np.isfinite(value) else None


def _json_number(value):
    if isinstance(value, (float, np.floating)):
        return _finite_or_none(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


# ---------------------------------------------------------------------------------- data for a run


def shuffle_labels(labels: np.ndarray, share: float, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Replace round(share * n) labels, chosen at random, by labels drawn uniformly from all classes.

    Returns (new labels, mask of the replaced ones). As in Zhang et al. (2017), a replaced label
    may by chance equal the true one (1 time in n_classes).
    """
    labels = np.asarray(labels, dtype=np.int64)
    if not 0.0 <= share <= 1.0:
        raise LabError(f"the share of random labels must be between 0 and 1, got {share}")
    rng = np.random.default_rng([seed, 1])
    n_replaced = int(round(share * len(labels)))
    mask = np.zeros(len(labels), dtype=bool)
    mask[rng.choice(len(labels), size=n_replaced, replace=False)] = True
    out = labels.copy()
    out[mask] = rng.integers(0, n_classes, size=n_replaced)
    return out, mask


def training_data(spec: RunSpec, dataset: Dataset, seed: int) -> Dataset:
    """The dataset a run trains on: ``dataset`` itself, or a seeded subset with some labels randomised.

    Every run of a plan with the same ``subset`` gets the same digits (the subset depends only on
    the seed), so runs differ only in their labels.
    """
    if spec.subset is None and spec.label_noise == 0:
        return dataset
    x, y = dataset.x_train, dataset.y_train
    name = dataset.name
    if spec.subset is not None and spec.subset < len(y):
        pick = np.sort(np.random.default_rng([seed, 0]).choice(len(y), size=spec.subset, replace=False))
        x, y = x[pick], y[pick]
        name = f"{name} ({spec.subset:,} training digits)"
    if spec.label_noise:
        y, _ = shuffle_labels(y, spec.label_noise, dataset.n_classes, seed)
        name = f"{name}, {spec.label_noise:.0%} random labels"
    return dataclasses.replace(dataset, name=name, x_train=np.ascontiguousarray(x), y_train=y)


def make_network(spec: RunSpec, seed: int) -> Network:
    return Network(spec.layers, spec.activation, seed=seed)


def epoch_record(run: str, stats: EpochStats, snapshot: Snapshot, train: Dataset, seconds: float) -> EpochRecord:
    """The EpochRecord of ``stats``: evaluates ``snapshot`` on ``train`` (the labels it learns)."""
    on_train = snapshot.evaluate(train.x_train, train.y_train)
    return EpochRecord(
        run=run,
        epoch=stats.epoch,
        train_accuracy=on_train.accuracy,
        test_accuracy=stats.test_accuracy,
        train_cost=on_train.cost,
        test_cost=stats.test_cost,
        seconds=seconds,
    )


def train_run(spec: RunSpec, dataset: Dataset, seed: int) -> Iterator[EpochRecord | RunResult]:
    """Train one run from ``seed``; yields an EpochRecord per epoch, then its RunResult, then ends."""
    train = training_data(spec, dataset, seed)
    network = make_network(spec, seed)
    trainer = Trainer(network, train, spec.config)
    started = time.perf_counter()
    history: list[EpochRecord] = []
    diverged = None
    generator = trainer.run()
    try:
        for item in generator:
            if isinstance(item, EpochStats):
                record = epoch_record(spec.name, item, trainer.snapshot(), train, time.perf_counter() - started)
                history.append(record)
                yield record
            elif isinstance(item, Diverged):
                diverged = item.message
    finally:
        generator.close()
    yield RunResult(
        name=spec.name,
        layers=tuple(spec.layers),
        activation=spec.activation_name,
        history=tuple(history),
        seconds=time.perf_counter() - started,
        snapshot=trainer.snapshot(),
        diverged=diverged,
    )
