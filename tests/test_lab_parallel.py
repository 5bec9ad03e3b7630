"""How the Lab's runs are spread over processes: forked children inherit what the parent set up
once (data, imports), and however the runs are scheduled, each one's results stay the same."""

import multiprocessing
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


@needs_fork
def test_forked_runs_do_not_import_numpy_random_each():
    """numpy.random loads on first use; the parent loads it before forking, so it happens once,
    not once per run while the runs compete for the cores."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", _RACE],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imports = [line for line in done.stderr.splitlines() if line.rstrip().endswith("| numpy.random")]
    assert len(imports) == 1, imports
