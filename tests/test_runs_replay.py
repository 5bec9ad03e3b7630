"""Run records (history, export, storage in a model) and replay recording, without a window."""

import csv
import json

import numpy as np
import pytest

from nnviz.engine.network import Network
from nnviz.engine.replay import FIRST_EPOCH_FRAMES, ReplayRecorder
from nnviz.engine.runs import RunRecord, export_csv, export_json
from nnviz.engine.trainer import BatchStats, EpochStats, TrainConfig, Trainer


def _trained_run(sample, epochs=2):
    net = Network((784, 16, 16, 10), seed=0)
    trainer = Trainer(net, sample, TrainConfig(epochs=epochs))
    run = RunRecord("Run 1", net.layer_sizes, net.activation, net.cost, sample.name, {"learning_rate": 0.003})
    recorder = ReplayRecorder(net.layer_sizes, net.activation, net.cost)
    recorder.add_initial(net.snapshot())
    for item in trainer.run():
        recorder.observe(item, trainer)
        if isinstance(item, BatchStats):
            run.add_batches([item])
        elif isinstance(item, EpochStats):
            run.add_epoch(item)
    return run, recorder, trainer


def test_a_run_keeps_its_history_and_survives_json_csv_and_a_round_trip(sample, tmp_path):
    run, _, trainer = _trained_run(sample)
    assert run.steps == trainer.step == 250 and run.epochs_done == 2
    assert run.best_accuracy == max(e["test_accuracy"] for e in run.epochs)
    again = RunRecord.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again.epochs == run.epochs and again.batch_costs == pytest.approx(run.batch_costs)
    small = run.to_dict(max_batches=10)
    assert len(small["batch_costs"]) == 10 and small["batch_steps"][-1] == 250
    export_json([run, again], tmp_path / "runs.json")
    document = json.loads((tmp_path / "runs.json").read_text())
    assert [r["name"] for r in document["runs"]] == ["Run 1", "Run 1"]
    export_csv([run], tmp_path / "runs.csv")
    with (tmp_path / "runs.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert sum(r["kind"] == "batch" for r in rows) == 250 and sum(r["kind"] == "epoch" for r in rows) == 2
    assert float(rows[-1]["test_accuracy"]) == pytest.approx(run.final_accuracy)
    with pytest.raises(ValueError, match="damaged"):
        RunRecord.from_dict({"name": "x"})


def test_the_recorder_is_dense_early_and_keeps_every_epoch(sample):
    run, recorder, trainer = _trained_run(sample, epochs=3)
    frames = recorder.frames()
    first = [f for f in frames if 0 < f.step <= 125]
    assert FIRST_EPOCH_FRAMES - 2 <= len(first) <= FIRST_EPOCH_FRAMES + 1
    assert [f.epoch_stats.epoch for f in frames if f.epoch_stats is not None] == [1, 2, 3]
    assert all(1 <= sum(1 for f in frames if e < f.epoch <= e + 1) for e in range(3))
    assert frames[0].step == 0 and [f.step for f in frames] == sorted(f.step for f in frames)
    last = recorder.snapshot(frames[-1])
    np.testing.assert_array_equal(last.weights[0], trainer.network.weights[0])
    assert recorder.last_epoch_stats(len(frames) - 1).epoch == 3 and recorder.last_epoch_stats(0) is None
    assert len(recorder.epoch_frames()) == 4
