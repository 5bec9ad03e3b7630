"""The Lab's experiments on tiny data: their mechanics (collapse, shuffled labels, shared seeds),
run names and results, answers built from the run's own numbers, and workers that end with them."""

import dataclasses
import multiprocessing

import numpy as np
import pytest

from nnviz.engine.datasets import load_sample
from nnviz.engine.lab import EpochRecord, LabError, LabResult, RunResult, RunSpec, shuffle_labels, training_data
from nnviz.engine.lab_experiments import NAMES, make_plan, parse_widths, run_experiment
from nnviz.engine.lab_parallel import train_plan
from nnviz.engine.lab_probes import (
    agreement, GALLERY_PER_KIND, blank_images, collapse_linear, probe_confidence, scribble_images,
)
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer


@pytest.fixture(scope="module")
def tiny():
    """600 training and 300 test digits of the bundled sample: an experiment trains in a second."""
    data = load_sample()
    return dataclasses.replace(data, name="tiny", x_train=data.x_train[:600], y_train=data.y_train[:600],
                               x_test=data.x_test[:300], y_test=data.y_test[:300])


def _result(items) -> LabResult:
    items = list(items)
    assert isinstance(items[-1], LabResult)
    return items[-1]


# ---------------------------------------------------------------------------------- mechanics


def test_collapsed_product_is_the_linear_network(tiny):
    network = Network((784, 16, 16, 10), "linear", seed=3)
    rng = np.random.default_rng(0)
    for b in network.biases:  # biases must be folded in too, so make them non-zero
        b[...] = rng.normal(0, 0.5, b.shape)
    snapshot = network.snapshot()
    collapsed = collapse_linear(snapshot)
    assert collapsed.layer_sizes == (784, 10)
    np.testing.assert_allclose(collapsed.forward(tiny.x_test)[-1], snapshot.forward(tiny.x_test)[-1],
                               rtol=1e-4, atol=1e-5)
    assert agreement(collapsed, snapshot, tiny.x_test) == 1.0
    # with an activation function the layers do not collapse: the product is another function
    bent = Network((784, 16, 16, 10), "leaky_relu", seed=3).snapshot()
    with pytest.raises(ValueError):
        collapse_linear(bent)
    as_if_linear = collapse_linear(dataclasses.replace(bent, activation="linear"))
    assert not np.allclose(as_if_linear.forward(tiny.x_test)[-1], bent.forward(tiny.x_test)[-1], atol=1e-3)


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 1.0])
def test_shuffled_labels_are_replaced_at_the_given_rate(share):
    labels = np.random.default_rng(1).integers(0, 10, 4000)
    noisy, mask = shuffle_labels(labels, share, 10, seed=7)
    assert mask.sum() == round(share * len(labels))
    np.testing.assert_array_equal(noisy[~mask], labels[~mask])  # the others are untouched
    if share:
        # replaced labels are uniform over the ten classes: one in ten equals the true label by chance
        assert np.mean(noisy[mask] != labels[mask]) == pytest.approx(0.9, abs=0.03)
        counts = np.bincount(noisy[mask], minlength=10) / mask.sum()
        assert counts.min() > 0.06 and counts.max() < 0.14
    again, _ = shuffle_labels(labels, share, 10, seed=7)
    np.testing.assert_array_equal(again, noisy)


def test_shuffle_runs_share_digits_and_differ_only_in_labels(tiny):
    plan = make_plan("shuffle", tiny, epochs=1, subset=400)
    data = [training_data(spec, tiny, plan.seed) for spec in plan.runs]
    assert [d.n_train for d in data] == [400, 400, 400]
    for d in data[1:]:
        np.testing.assert_array_equal(d.x_train, data[0].x_train)
    clean = data[0].y_train
    for spec, d in zip(plan.runs, data):
        changed = np.mean(d.y_train != clean)
        assert changed == pytest.approx(0.9 * spec.label_noise, abs=0.06)
    # the 0% run's labels are the true labels of those digits
    rows = [np.flatnonzero((tiny.x_train == x).all(axis=1))[0] for x in data[0].x_train[:20]]
    np.testing.assert_array_equal(clean[:20], tiny.y_train[rows])


def test_runs_share_a_seed_and_concurrency_changes_nothing(tiny):
    plan = make_plan("depth", tiny, epochs=2, seed=5)
    assert {spec.config.seed for spec in plan.runs} == {5}
    by_mode = {}
    for mode in ("process", "serial"):
        runs = [r for r in train_plan(plan, tiny, mode=mode) if isinstance(r, RunResult)]
        by_mode[mode] = {r.name: r for r in runs}
    # the same network trained alone, from the same seed, ends with the same weights
    alone = Network((784, 16, 16, 10), seed=5)
    for _ in Trainer(alone, tiny, TrainConfig(epochs=2, seed=5)).run():
        pass
    for mode, runs in by_mode.items():
        np.testing.assert_array_equal(runs["784-16-16-10"].snapshot.weights[0], alone.weights[0], err_msg=mode)
    for name, run in by_mode["process"].items():
        accuracies = [(h.epoch, h.train_accuracy, h.test_accuracy) for h in run.history]
        assert accuracies == [(h.epoch, h.train_accuracy, h.test_accuracy) for h in by_mode["serial"][name].history]


# ---------------------------------------------------------------------------------- experiments


RUN_NAMES = {
    "depth": ["784-10", "784-16-10", "784-16-16-10"],
    "width": [f"784-{k}-10" for k in (1, 2, 4, 8, 16, 32, 64)],
    "linear": ["linear 784-16-16-10", "784-10", "leaky ReLU 784-16-16-10"],
    "shuffle": ["shuffled 0%", "shuffled 50%", "shuffled 100%"],
    "noise": ["784-16-16-10"],
}


@pytest.mark.parametrize("name", NAMES)
def test_run_names_are_exact(name, tiny):
    assert [spec.name for spec in make_plan(name, tiny).runs] == RUN_NAMES[name]


def _check_json(result: LabResult, epochs: int) -> dict:
    out = result.as_json()
    assert out["experiment"] == result.experiment and out["seconds"] > 0 and out["answer"]
    for run in out["runs"]:
        assert set(run) >= {"name", "layers", "activation", "train_accuracy", "test_accuracy", "seconds", "history"}
        assert [h["epoch"] for h in run["history"]] == list(range(1, epochs + 1))
        for h in run["history"]:
            for key in ("train_accuracy", "test_accuracy"):
                assert 0.0 <= h[key] <= 1.0
            assert h["train_cost"] > 0 and h["test_cost"] > 0
        assert run["test_accuracy"] == run["history"][-1]["test_accuracy"]
    return out


def test_depth_answer_states_this_runs_numbers(tiny):
    result = _result(run_experiment("depth", tiny, epochs=2, seed=1))
    out = _check_json(result, 2)
    assert [r["layers"] for r in out["runs"]] == [[784, 10], [784, 16, 10], [784, 16, 16, 10]]
    assert out["runs"][0]["activation"] == "none"
    for run in result.runs:
        assert f"{100 * run.test_accuracy:.1f}%" in result.answer
    # train accuracy is measured on the whole training set, against its labels
    run = result.run("784-10")
    assert run.train_accuracy == pytest.approx(run.snapshot.evaluate(tiny.x_train, tiny.y_train).accuracy)


def test_linear_reports_the_collapsed_agreement(tiny):
    result = _result(run_experiment("linear", tiny, epochs=1))
    out = _check_json(result, 1)
    assert out["collapsed_agreement"] == pytest.approx(1.0, abs=0.01)
    assert f"{100 * out['collapsed_agreement']:.1f}%" in result.answer
    collapsed = result.pictures["collapsed"]
    linear = result.run("linear 784-16-16-10").snapshot
    np.testing.assert_allclose(collapsed.forward(tiny.x_test)[-1], linear.forward(tiny.x_test)[-1], atol=1e-4)


def test_width_takes_other_widths_and_shows_the_two_neuron_space(tiny):
    result = _result(run_experiment("width", tiny, epochs=1, widths=(2, 8)))
    assert [r.name for r in result.runs] == ["784-2-10", "784-8-10"]
    points, labels = result.pictures["hidden_2d"]
    assert points.shape == (len(labels), 2) and len(labels) == tiny.n_test
    assert "2: " in result.answer and "8: " in result.answer


@pytest.mark.parametrize("text", ["0,abc", "abc", "", "1,2000", "-1"])
def test_bad_width_lists_are_refused_in_words(text):
    with pytest.raises(LabError):
        parse_widths(text)


def test_width_list_is_sorted_and_unique():
    assert parse_widths(" 8,2, 2,64") == (2, 8, 64)


def test_shuffle_memorises_and_reports_chance(tiny):
    result = _result(run_experiment("shuffle", tiny, epochs=2, subset=200))
    out = _check_json(result, 2)
    assert out["chance"] == pytest.approx(0.1)
    assert "constant learning rate" in out["note"]
    assert [r["layers"] for r in out["runs"]] == [[784, 256, 10]] * 3


def test_noise_probe_figures_and_gallery(tiny):
    result = _result(run_experiment("noise", tiny, epochs=1))
    out = _check_json(result, 1)
    for kind in ("digits", "noise", "blank", "scribble"):
        assert 0.0 <= out[f"{kind}_median_confidence"] <= 1.0
    conf = result.pictures["confidence"]
    assert len(conf["noise"]) == 1000 and len(conf["digits"]) == tiny.n_test
    assert out["noise_share_confident"] == pytest.approx(np.mean(conf["noise"] >= 0.9))
    for item in result.pictures["gallery"]:
        assert item["confidence"] >= 0.9 and item["image"].shape == (784,)


def test_gallery_shows_each_kind_spread_over_its_confident_inputs():
    network = Network([784, 10], seed=0)
    network.biases[0][3] = 50.0  # answers 3 with ~100% whatever it is fed
    _figures, pictures = probe_confidence(network.snapshot(), np.zeros((20, 784), np.float32), seed=0)
    gallery = pictures["gallery"]
    kinds = [item["kind"] for item in gallery]
    assert kinds == ["noise"] * GALLERY_PER_KIND + ["blank"] * GALLERY_PER_KIND + ["scribble"] * GALLERY_PER_KIND
    greys = [float(item["image"].mean()) for item in gallery if item["kind"] == "blank"]
    assert greys[0] == 0.0 and greys[-1] == 1.0 and greys == sorted(set(greys))  # white to black, not 4 blacks
    assert all(item["answer"] == 3 and item["confidence"] > 0.99 for item in gallery)


def test_nonsense_inputs_look_like_their_names():
    blank = blank_images(5)
    assert blank[0].max() == 0.0 and blank[-1].min() == 1.0
    scribbles = scribble_images(6, seed=0)
    assert scribbles.shape == (6, 784) and scribbles.min() >= 0 and scribbles.max() <= 1
    ink = (scribbles > 0.5).mean(axis=1)
    assert (ink > 0.02).all() and (ink < 0.6).all()  # strokes, not empty and not a filled page


def test_probe_confidence_on_a_given_network(tiny):
    figures, pictures = probe_confidence(Network((784, 10), seed=0).snapshot(), tiny.x_test, seed=0, n=50)
    assert len(pictures["confidence"]["scribble"]) == 50
    assert set(figures) >= {"digits_median_confidence", "noise_share_confident", "blank_share_confident"}


def test_plans_refuse_data_without_images():
    from nnviz.engine.toy import make_toy

    with pytest.raises(LabError, match="images"):
        make_plan("depth", make_toy("xor"))
    with pytest.raises(LabError, match="unknown experiment"):
        make_plan("bogus", load_sample())


def test_closing_mid_race_ends_every_worker(tiny):
    plan = make_plan("depth", tiny, epochs=50)
    generator = train_plan(plan, tiny, mode="process")
    first = next(generator)
    assert isinstance(first, EpochRecord)
    generator.close()
    assert multiprocessing.active_children() == []


def test_partial_answer_before_any_epoch(tiny):
    from nnviz.engine.lab_experiments import answer, partial_results

    plan = make_plan("depth", tiny, epochs=3)
    assert "No results yet" in answer(plan, partial_results(plan, {}), {})
    record = EpochRecord("784-10", 1, 0.8, 0.75, 0.5, 0.6, 0.1)
    text = answer(plan, partial_results(plan, {"784-10": [record]}), {})
    assert "75.0%" in text


def test_run_spec_names_activation():
    spec = RunSpec("784-10", (784, 10), "leaky_relu", TrainConfig())
    assert spec.activation_name == "none"


# ---------------------------------------------------------------------------------- real MNIST


def _real_mnist():
    import os
    import pathlib

    from nnviz.engine.datasets import DataError, load_dataset

    repo = pathlib.Path(__file__).resolve().parent.parent
    for candidate in (os.environ.get("NNVIZ_DATA_DIR"), repo.parent / "shared" / "mnist"):
        if candidate and pathlib.Path(candidate).is_dir():
            try:
                return load_dataset(str(candidate))
            except DataError:
                continue
    pytest.skip("the real MNIST is not here (set NNVIZ_DATA_DIR)")


@pytest.mark.mnist
@pytest.mark.slow
def test_on_real_mnist_linear_layers_collapse_and_leaky_relu_pulls_ahead():
    result = _result(run_experiment("linear", _real_mnist(), epochs=1))
    assert result.figures["collapsed_agreement"] > 0.999
    linear, flat, leaky = (result.run(n).test_accuracy for n in RUN_NAMES["linear"])
    assert abs(linear - flat) < 0.02  # three linear layers do what one does
    assert leaky > linear + 0.01


def test_answers_on_clothes_do_not_speak_of_digits(tiny):
    clothes = dataclasses.replace(tiny, name="clothes", class_names=tuple(f"item {i}" for i in range(10)))
    for name in ("depth", "shuffle"):
        options = {"subset": 200} if name == "shuffle" else {}
        result = _result(run_experiment(name, clothes, epochs=1, **options))
        assert "digit" not in result.answer and "digit" not in result.note
        assert f"{100 * result.runs[0].test_accuracy:.1f}%" in result.answer
