"""Honest CLI output: valid JSON with null for a missing number, a broken model said to be broken,
and a reader that goes away (`| head`) ends the command quietly."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from nnviz.engine.model_io import save_model
from nnviz.engine.network import Network


def nnviz(*args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnviz", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def maxfloat_model(tmp_path_factory):
    """Finite weights of 3.4e38: loadable, but every output overflows."""
    network = Network((784, 16, 16, 10), seed=0)
    for w in network.weights:
        w[...] = np.finfo(np.float32).max
    path = tmp_path_factory.mktemp("m") / "maxfloat.npz"
    save_model(path, network)
    return path


def strict_json(text: str):
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


def test_json_of_a_broken_model_is_valid_with_null(maxfloat_model):
    done = nnviz("evaluate", str(maxfloat_model), "--data", "sample", "--json")
    report = strict_json(done.stdout)
    assert report["test_cost"] is None
    assert "broken" in report["broken"]
    assert done.returncode == 1
    assert "RuntimeWarning" not in done.stderr and "Traceback" not in done.stderr


def test_text_of_a_broken_model_says_it_is_broken(maxfloat_model):
    done = nnviz("evaluate", str(maxfloat_model), "--data", "sample")
    assert done.returncode == 1
    assert "cost not a finite number" in done.stdout and "nan" not in done.stdout.lower()
    assert "the model is broken" in done.stderr and "3.4e+38" in done.stderr


def test_json_of_a_healthy_model_has_no_problem(tmp_path):
    path = tmp_path / "ok.npz"
    save_model(path, Network((784, 16, 16, 10), seed=0))
    done = nnviz("evaluate", str(path), "--data", "sample", "--json")
    assert done.returncode == 0
    report = strict_json(done.stdout)
    assert report["broken"] is None and isinstance(report["test_cost"], float)


@pytest.mark.parametrize("command", [
    ["evaluate", "{model}", "--data", "sample"],
    ["train", "--data", "sample", "--epochs", "2"],
])
def test_a_closed_pipe_ends_quietly(tmp_path, command):
    path = tmp_path / "ok.npz"
    save_model(path, Network((784, 16, 16, 10), seed=0))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as `| head` after its lines
    try:
        done = nnviz(*[part.format(model=path) for part in command], stdout=write_end)
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 141


def test_head_three_in_a_shell(tmp_path):
    path = tmp_path / "ok.npz"
    save_model(path, Network((784, 16, 16, 10), seed=0))
    done = subprocess.run(f"'{sys.executable}' -m nnviz evaluate '{path}' --data sample | head -3",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert len(done.stdout.splitlines()) == 3
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


# ---- help ------------------------------------------------------------------------------------


def test_every_option_has_a_help_line_and_shows_its_default():
    import argparse

    from nnviz.cli import _build_parser

    parser = _build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("train", "evaluate", "download"):
        sub = commands.choices[name]
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"nnviz {name} {action.dest} has no help line"
        text = sub.format_help()
        for action in sub._actions:
            if action.option_strings and action.default not in (None, False, "", argparse.SUPPRESS):
                shown = ",".join(map(str, action.default)) if isinstance(action.default, tuple) else str(action.default)
                assert "default" in (action.help or "").lower() or f"(default: {shown})" in " ".join(text.split()), \
                    f"nnviz {name} {action.option_strings[0]} does not show its default"
    train = " ".join(commands.choices["train"].format_help().split())
    assert "(default: adam)" in train and "(default: 0)" in train  # --optimizer, --seed


def test_bench_help_shows_the_benchmarks_own_options():
    done = nnviz("bench", "--help")
    assert done.returncode == 0
    assert "usage: nnviz bench" in done.stdout and "--skip-accuracy" in done.stdout


def test_fashion_without_the_data_suggests_the_download(tmp_path):
    import os

    env = dict(os.environ, NNVIZ_DATA_DIR=str(tmp_path / "none"), XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c",
                           "import sys; from nnviz.engine import datasets; "
                           f"datasets.DEBIAN_FASHION_DIR = datasets.pathlib.Path({str(tmp_path / 'no-debian')!r}); "
                           "from nnviz.cli import main; sys.exit(main(['train', '--data', 'fashion', '--epochs', '1']))"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "nnviz download --fashion" in done.stderr


def test_leaving_the_app_at_once_still_runs_exit_handlers_and_flushes():
    code = ("import atexit, sys\n"
            "from nnviz.cli_support import exit_at_once\n"
            "atexit.register(lambda: print('handler ran'))\n"
            "print('output', end=' ')\n"
            "exit_at_once(3)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stdout == "output handler ran\n"


@pytest.mark.parametrize("option", ["--l2", "--l1"])
def test_an_absurd_penalty_is_a_usage_error_not_a_divergence_blamed_on_the_learning_rate(option):
    done = nnviz("train", "--data", "sample", "--epochs", "1", option, "1e300")
    assert done.returncode == 2
    assert f"argument {option}: must be from 0 to 1" in done.stderr and "learning rate" not in done.stderr


def test_a_diverged_run_with_json_still_prints_one_json_object():
    done = nnviz("train", "--data", "sample", "--epochs", "1", "--lr", "1e300", "--json")
    assert done.returncode == 1
    report = strict_json(done.stdout)
    assert report["diverged"].startswith("Training diverged") and report["epochs"] == 0
