"""The Lab's exports: the window as PNG, the results as JSON or CSV, each written atomically.

Before the race ends, JSON and CSV hold the epochs measured so far (and say so).
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from nnviz.engine.atomic import atomic_write
from nnviz.engine.bounded import dumps_json
from nnviz.engine.lab import LabResult
from nnviz.engine.lab_experiments import answer

__all__ = ["export", "results_json", "results_rows"]


def results_json(window) -> dict:
    """The LabResult's JSON, or the same shape from the epochs measured so far."""
    if window.result is not None:
        return window.result.as_json()
    race = window.race
    if race is None:
        raise ValueError("there are no results yet: start an experiment first")
    runs = race.partial_runs()
    partial = LabResult(race.plan.experiment, race.seconds(), answer(race.plan, runs, {}), tuple(runs), {}, {},
                        race.plan.note, race.dataset.name, race.plan.epochs, race.plan.seed)
    out = partial.as_json()
    out["complete"] = False
    return out


def results_rows(window) -> list[list]:
    """One CSV row per network per epoch."""
    data = results_json(window)
    rows = [["experiment", "network", "epoch", "train_accuracy", "test_accuracy", "train_cost", "test_cost"]]
    for run in data["runs"]:
        for h in run["history"]:
            rows.append([data["experiment"], run["name"], h["epoch"], h["train_accuracy"], h["test_accuracy"],
                         h["train_cost"], h["test_cost"]])
    return rows


def _png_bytes(widget) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise ValueError("the picture could not be encoded as PNG")
    buffer.close()
    return bytes(data)


def export(window, kind: str, path: str) -> None:
    """Write ``kind`` ("png", "json" or "csv") to ``path``; OSError/ValueError leave no partial file."""
    if kind == "png":
        content = _png_bytes(window.centralWidget())
        with atomic_write(path, "wb") as file:
            file.write(content)
    elif kind == "json":
        text = dumps_json(results_json(window), indent=2)  # null for a number that is not finite
        with atomic_write(path, "w") as file:
            file.write(text + "\n")
    elif kind == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(results_rows(window))
        with atomic_write(path, "w", newline="") as file:
            file.write(out.getvalue())
    else:
        raise ValueError(f"unknown export {kind!r}")
