"""Training runs kept for comparison: what each run was (layers, activation, data, settings) and its
history (mini-batch costs, per-epoch test results), exportable as JSON or CSV and storable in a model.

Plain Python/NumPy; a RunRecord grows while its run trains and is read by whoever shows it.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field

import numpy as np

from nnviz.engine.atomic import atomic_write

__all__ = ["RunRecord", "export_json", "export_csv", "MAX_STORED_BATCHES"]

#: At most this many mini-batch costs are stored in a file (averaged in equal groups beyond it).
MAX_STORED_BATCHES = 2000
HISTORY_VERSION = 1


@dataclass
class RunRecord:
    """One run: a network trained from its start on one dataset, and everything it measured."""

    name: str
    layer_sizes: tuple[int, ...]
    activation: str
    cost: str
    data: str
    settings: dict = field(default_factory=dict)     # learning rate, batch size, optimizer, seed ...
    batch_steps: list = field(default_factory=list)  # step after each recorded mini-batch
    batch_costs: list = field(default_factory=list)
    epochs: list = field(default_factory=list)       # dicts: epoch, step, train_cost, test_cost, test_accuracy
    saved: bool = False                               # its network was saved since it last trained

    @property
    def steps(self) -> int:
        return int(self.batch_steps[-1]) if self.batch_steps else 0

    @property
    def epochs_done(self) -> int:
        return int(self.epochs[-1]["epoch"]) if self.epochs else 0

    @property
    def best_accuracy(self) -> float | None:
        values = [e["test_accuracy"] for e in self.epochs if _finite(e["test_accuracy"])]
        return max(values) if values else None

    @property
    def final_accuracy(self) -> float | None:
        return float(self.epochs[-1]["test_accuracy"]) if self.epochs else None

    def shape_text(self) -> str:
        return "-".join(str(n) for n in self.layer_sizes)

    def add_batches(self, batches) -> None:
        """BatchStats (step, cost) in training order."""
        for b in batches:
            self.batch_steps.append(int(b.step))
            self.batch_costs.append(float(b.cost))
        if batches:
            self.saved = False

    def add_epoch(self, stats) -> None:
        """An EpochStats; ``step`` is the last mini-batch seen."""
        self.epochs.append({"epoch": int(stats.epoch), "step": self.steps, "train_cost": float(stats.train_cost),
                            "test_cost": float(stats.test_cost), "test_accuracy": float(stats.test_accuracy)})
        self.saved = False

    def epoch_series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(steps, values) of one per-epoch measure ("test_cost", "test_accuracy", "train_cost")."""
        return (np.array([e["step"] for e in self.epochs], dtype=np.float64),
                np.array([e[key] for e in self.epochs], dtype=np.float64))

    # ---- files -----------------------------------------------------------------------------

    def to_dict(self, max_batches: int = MAX_STORED_BATCHES) -> dict:
        """A JSON-ready dict; more than ``max_batches`` batch costs are averaged in equal groups."""
        steps, costs = np.asarray(self.batch_steps, np.float64), np.asarray(self.batch_costs, np.float64)
        if len(costs) > max_batches:
            groups = np.array_split(np.arange(len(costs)), max_batches)
            steps = np.array([steps[g[-1]] for g in groups])
            costs = np.array([costs[g].mean() for g in groups])
        return {"version": HISTORY_VERSION, "name": self.name, "layer_sizes": list(self.layer_sizes),
                "activation": self.activation, "cost": self.cost, "data": self.data,
                "settings": dict(self.settings), "batch_steps": [int(s) for s in steps],
                "batch_costs": [_json_number(c) for c in costs], "epochs": [dict(e) for e in self.epochs]}

    @classmethod
    def from_dict(cls, d: dict) -> "RunRecord":
        """A run from to_dict's form; ValueError (in words) for anything else."""
        try:
            steps = [int(s) for s in d.get("batch_steps", [])]
            costs = [float("nan") if c is None else float(c) for c in d.get("batch_costs", [])]
            epochs = [{"epoch": int(e["epoch"]), "step": int(e["step"]), "train_cost": _float(e["train_cost"]),
                       "test_cost": _float(e["test_cost"]), "test_accuracy": _float(e["test_accuracy"])}
                      for e in d.get("epochs", [])]
            run = cls(str(d["name"]), tuple(int(n) for n in d["layer_sizes"]), str(d["activation"]),
                      str(d["cost"]), str(d.get("data", "")), dict(d.get("settings", {})), steps, costs, epochs)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"the run history is damaged ({type(exc).__name__}: {exc})") from None
        if len(steps) != len(costs):
            raise ValueError("the run history is damaged (steps and costs differ in number)")
        return run


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)


def _float(value) -> float:
    return float("nan") if value is None else float(value)


def _json_number(value: float):
    return float(value) if math.isfinite(value) else None  # JSON has no NaN or infinity


def export_json(runs, path) -> None:
    """Write the runs' histories to ``path`` as one JSON document (atomically)."""
    document = {"nnviz_runs": HISTORY_VERSION, "runs": [r.to_dict(max_batches=10**9) for r in runs]}
    text = json.dumps(document, indent=1, allow_nan=False)
    with atomic_write(path, "w") as f:
        f.write(text)


def export_csv(runs, path) -> None:
    """Write the runs' histories to ``path`` as CSV, one row per mini-batch or epoch (atomically)."""
    with atomic_write(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["run", "layers", "activation", "data", "kind", "step", "epoch", "batch_cost",
                         "train_cost", "test_cost", "test_accuracy"])
        for r in runs:
            head = [r.name, r.shape_text(), r.activation, r.data]
            for step, cost in zip(r.batch_steps, r.batch_costs):
                writer.writerow(head + ["batch", step, "", f"{cost:.6g}", "", "", ""])
            for e in r.epochs:
                writer.writerow(head + ["epoch", e["step"], e["epoch"], "", f"{e['train_cost']:.6g}",
                                        f"{e['test_cost']:.6g}", f"{e['test_accuracy']:.6g}"])
