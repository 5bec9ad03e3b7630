"""The `nnviz` command: training headless on the bundled sample, evaluation, and one-line usage errors."""

import json
import subprocess
import sys

import pytest

from nnviz.cli import main


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "sample.npz"
    done = _run_cli("train", "--data", "sample", "--epochs", "2", "--json", "--save", str(path))
    assert done.returncode == 0, done.stderr
    return path, json.loads(done.stdout.strip().splitlines()[-1])


def test_train_json_reports_results_and_saves(trained_model):
    path, result = trained_model
    assert path.exists()
    for key in ("test_accuracy", "test_cost", "train_cost", "epochs", "seconds_per_epoch", "samples_per_second"):
        assert key in result
    assert result["epochs"] == 2
    assert result["layers"] == [784, 16, 16, 10]
    # Ten classes: chance is 10 %; two epochs on 4,000 digits must do far better.
    assert result["test_accuracy"] > 0.5
    assert result["samples_per_second"] > 0


def test_evaluate_saved_model(trained_model, capsys):
    path, result = trained_model
    assert main(["evaluate", str(path), "--data", "sample", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["test_accuracy"] == pytest.approx(result["test_accuracy"], abs=1e-6)
    from nnviz.engine.datasets import load_dataset

    assert sum(map(sum, report["confusion"])) == load_dataset("sample").n_test


def test_train_prints_one_line_per_epoch(capsys):
    assert main(["train", "--data", "sample", "--layers", "784,10", "--epochs", "2"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("epoch")]
    assert len(lines) == 2
    assert "test accuracy" in lines[-1]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "--data", "sample", "--layers", "100,16,10"], "784"),
        (["train", "--data", "sample", "--layers", "784,16,7"], "10 classes"),
        (["train", "--lr", "-0.1"], "positive"),
        (["train", "--activation", "swish"], "invalid choice"),
        (["train", "--layers", "784,x,10"], "784,16,16,10"),
        (["train", "--dropout", "1.5"], "below 1"),
        (["train", "--data", "/no/such/folder"], "/no/such/folder"),
        (["evaluate", "/no/such/model.npz"], "does not exist"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_code_2(args, fragment):
    done = _run_cli(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert fragment in lines[0]


def test_evaluate_rejects_a_file_that_is_not_a_model(tmp_path):
    bogus = tmp_path / "notes.npz"
    bogus.write_text("these are not weights")
    done = _run_cli("evaluate", str(bogus), "--data", "sample")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bogus) in done.stderr


def test_download_offline_is_a_clear_message_and_leaves_no_file(tmp_path, monkeypatch, capsys):
    import socket

    from nnviz.engine import download

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setattr(download, "MNIST_MIRRORS", (f"http://127.0.0.1:{closed_port}/",))
    assert main(["download", "--dest", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert "could not reach" in error and "Traceback" not in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (["--augment", "10"], "0 to 4"),
        (["--save", "{tmp}"], "it is a folder"),
        (["--save", "{tmp}/missing/model.npz"], "does not exist"),
    ],
)
def test_bad_train_options_are_refused_before_training(tmp_path, extra, fragment):
    extra = [part.replace("{tmp}", str(tmp_path)) for part in extra]
    done = _run_cli("train", "--data", "sample", "--epochs", "1", *extra)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert fragment in done.stderr
    assert "epoch" not in done.stdout  # refused before any training


def test_auto_data_falls_back_to_the_sample_when_mnist_is_damaged(tmp_path):
    import gzip
    import os

    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        with gzip.open(tmp_path / name, "wb") as broken:
            broken.write(b"\x00\x00\x08\x03 truncated")
    env = dict(os.environ, NNVIZ_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "nnviz", "train", "--layers", "784,10", "--epochs", "1", "--json"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "bundled sample instead" in done.stderr
    assert json.loads(done.stdout)["data"] == "MNIST sample"


# ---------------------------------------------------------------------------------- nnviz lab


def test_lab_json_last_line_and_progress_per_epoch():
    done = _run_cli("lab", "depth", "--data", "sample", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["experiment"] == "depth"
    assert [r["name"] for r in result["runs"]] == ["784-10", "784-16-10", "784-16-16-10"]
    assert all(len(r["history"]) == 2 for r in result["runs"])
    progress = [line for line in done.stderr.splitlines() if "epoch" in line]
    assert len(progress) == 6  # one line per epoch per network
    assert f"{100 * result['runs'][0]['test_accuracy']:.1f}%" in result["answer"]


def test_lab_list_names_every_experiment(capsys):
    assert main(["lab", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("depth", "width", "linear", "shuffle", "noise"):
        assert name in out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["lab", "width", "--data", "sample", "--widths", "0,abc"], "width"),
        (["lab", "width", "--data", "sample", "--widths", "2,abc"], "'abc'"),
        (["lab", "depth", "--data", "/no/such/folder"], "/no/such/folder"),
        (["lab", "depth", "--data", "xor"], "images"),
        (["lab", "depth", "--epochs", "0"], "positive"),
        (["lab", "bogus"], "unknown experiment"),
        (["lab", "depth", "--widths", "2,4"], "width experiment"),
    ],
)
def test_lab_usage_errors_are_one_line(args, fragment, capsys):
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse's own checks exit from the parser
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_lab_without_a_name_opens_the_window(monkeypatch):
    import nnviz.qt.lab_app

    opened = []
    monkeypatch.setattr(nnviz.qt.lab_app, "run_lab", lambda: opened.append(True) or 0)
    assert main(["lab"]) == 0
    assert opened == [True]
