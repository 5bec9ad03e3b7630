"""`nnviz train` on 2-D points and curves: defaults that learn, --json results, one-line errors."""

import json

import pytest

from nnviz.cli import main


def _json(capsys, *args):
    assert main(["train", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_cross_solves_circles_with_no_hidden_layer(capsys):
    result = _json(capsys, "--data", "circles", "--features", "x1sq,x2sq", "--hidden", "none",
                   "--epochs", "40", "--points", "300")
    assert result["layers"] == [2, 2] and result["features"] == ["x1sq", "x2sq"]
    assert result["test_accuracy"] >= 0.95
    assert "test_mse" not in result


def test_a_straight_line_stays_near_chance_on_xor(capsys):
    result = _json(capsys, "--data", "xor", "--hidden", "none", "--epochs", "40", "--points", "300")
    assert result["test_accuracy"] < 0.75 and result["test_cost"] > 0.6


def test_curves_report_test_mse_and_more_neurons_fit_better(capsys):
    fitted = _json(capsys, "--data", "curve:sin", "--epochs", "150", "--points", "200")
    straight = _json(capsys, "--data", "curve:sin", "--hidden", "none", "--epochs", "150", "--points", "200")
    assert fitted["layers"] == [1, 20, 1] and fitted["cost"] == "identity-mse"
    assert "test_accuracy" not in fitted
    assert fitted["test_mse"] < 0.03 < 0.15 < straight["test_mse"]


def test_spirals_with_the_defaults_print_progress_and_learn(capsys):
    assert main(["train", "--data", "spirals", "--epochs", "200"]) == 0
    out = capsys.readouterr().out
    assert "2-8-8-2 (tanh, cross-entropy" in out
    lines = [line for line in out.splitlines() if line.startswith("epoch")]
    assert 10 <= len(lines) <= 20  # a readable number of lines, not one per epoch
    final = float(lines[-1].split("test accuracy")[1].strip().rstrip("%"))
    assert final >= 80


def test_points_and_noise_shape_the_data(capsys):
    result = _json(capsys, "--data", "gaussians", "--points", "60", "--noise", "0.1", "--epochs", "3")
    assert result["points"] == 60


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--data", "sample", "--features", "x1,x2"], "--features works on 2-D points"),
        (["--data", "sample", "--hidden", "0,abc"], "--hidden takes sizes"),
        (["--data", "spirals", "--hidden", "8,0"], "positive whole numbers"),
        (["--data", "curve:cos"], "unknown curve 'cos'"),
        (["--data", "xor", "--features", "x1,x3"], "unknown feature 'x3'"),
        (["--data", "curve:sin", "--features", "x1"], "a curve has the one input x"),
        (["--data", "spirals", "--layers", "2,8,2"], "--hidden"),
        (["--data", "spirals", "--points", "5"], "at least 10"),
        (["--data", "sample", "--layers", "784,10", "--hidden", "16"], "not both"),
        (["--data", "spirals", "--hidden", "8,8,8,8,8,8,8"], "at most 6 hidden layers"),
    ],
)
def test_bad_combinations_end_in_one_clear_line(capsys, args, fragment):
    assert main(["train", *args, "--epochs", "1"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], captured.err
    assert "epoch" not in captured.out


def test_hidden_works_for_images_too(capsys, sample):
    result = _json(capsys, "--data", "sample", "--hidden", "16,16", "--epochs", "1")
    assert result["layers"] == [784, 16, 16, 10]
