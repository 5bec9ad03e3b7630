"""How the Lab's runs are spread over processes: forked children inherit what the parent set up
once (data, imports), and however the runs are scheduled, each one's results stay the same."""

import multiprocessing
import statistics
import subprocess
import sys

import pytest

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="processes are forked only where the OS can fork")

_RACE = """
import dataclasses
from nnviz.engine.datasets import load_sample
from nnviz.engine.lab_experiments import make_plan
from nnviz.engine.lab_parallel import train_plan
data = load_sample()
tiny = dataclasses.replace(data, x_train=data.x_train[:200], y_train=data.y_train[:200],
                           x_test=data.x_test[:100], y_test=data.y_test[:100])
assert sum(1 for _ in train_plan(make_plan("depth", tiny, epochs=1), tiny, mode="process")) == 6
"""


@pytest.fixture(scope="module")
def tiny():
    import dataclasses

    from nnviz.engine.datasets import load_sample

    data = load_sample()
    return dataclasses.replace(data, name="tiny", x_train=data.x_train[:400], y_train=data.y_train[:400],
                               x_test=data.x_test[:200], y_test=data.y_test[:200])


def test_processes_give_every_run_the_same_history_and_weights_as_one_by_one(tiny):
    import numpy as np

    from nnviz.engine.lab import RunResult
    from nnviz.engine.lab_experiments import make_plan
    from nnviz.engine.lab_parallel import train_plan

    plan = make_plan("depth", tiny, epochs=2, seed=7)
    by_mode = {mode: {r.name: r for r in train_plan(plan, tiny, mode=mode) if isinstance(r, RunResult)}
               for mode in ("process", "serial")}
    assert set(by_mode["process"]) == set(by_mode["serial"]) == {spec.name for spec in plan.runs}
    for name, alone in by_mode["serial"].items():
        raced = by_mode["process"][name]
        assert [h.as_dict() for h in raced.history] == [h.as_dict() for h in alone.history]  # costs too, exactly
        for a, b in zip(raced.snapshot.weights + raced.snapshot.biases, alone.snapshot.weights + alone.snapshot.biases):
            np.testing.assert_array_equal(a, b)


@needs_fork
def test_forked_runs_do_not_import_numpy_random_each():
    """numpy.random loads on first use; the parent loads it before forking, so it happens once,
    not once per run while the runs compete for the cores."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", _RACE],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imports = [line for line in done.stderr.splitlines() if line.rstrip().endswith("| numpy.random")]
    assert len(imports) == 1, imports


def test_bench_ratio_is_the_ratio_of_the_medians_and_counts_free_rounds():
    from nnviz import bench_lab

    cores = __import__("os").cpu_count() or 1
    out = bench_lab.summarise({"lab": [3.0, 9.0, 4.0], "train_in_turn": [6.0, 10.0, 5.0],
                               "lab_cpu": [5.0, 5.5, 5.2], "train_in_turn_cpu": [6.0, 6.2, 5.9],
                               "free_cores": [cores, 0.5 * cores, cores],
                               "lab_own_cpu": [0.5, 0.6, 0.7], "lab_runs_cpu": [4.5, 4.8, 5.1]})
    assert out["ratio"] == pytest.approx(4.0 / 6.0)
    assert out["round_ratios"] == pytest.approx([0.5, 0.9, 0.8])
    assert out["cpu_ratio"] == pytest.approx(5.2 / 6.0)
    assert out["rounds_all_cores_free"] == 2
    assert out["ratio_all_cores_free"] == pytest.approx(0.65)  # rounds 1 and 3 only
    shared = min(cores, 3)  # the lab's own process in turn, its three runs side by side
    assert out["ratio_from_cpu"] == pytest.approx(statistics.median(
        [(0.5 + 4.5 / shared) / 6.0, (0.6 + 4.8 / shared) / 6.2, (0.7 + 5.1 / shared) / 5.9]))


@pytest.mark.slow
def test_bench_alternates_rounds_and_reports_json(capsys):
    """Not a timing test: the benchmark must run its rounds and say what it measured."""
    import json

    from nnviz import bench_lab

    assert bench_lab.main(["--data", "sample", "--epochs", "1", "--rounds", "2", "--skip-modes", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    commands = result["commands"]
    assert len(commands["lab"]) == len(commands["train_in_turn"]) == len(commands["free_cores"]) == 2
    assert all(s > 0 for s in commands["lab"] + commands["train_in_turn_cpu"])
    assert "modes" not in result
    # the lab's CPU splits into its own process and its runs' processes, which did the training
    assert all(0 < own < total for own, total in zip(commands["lab_own_cpu"], commands["lab_cpu"]))
    assert all(runs > 0 for runs in commands["lab_runs_cpu"])
