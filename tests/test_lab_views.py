"""The Lab's views say what they show: one colour per network across experiments, the live answer's
epoch, the linear picture's caption, the shuffle answer's pace in words, flat pages named by their ink,
and plots that keep their "100" tick and spread the width curves."""

import numpy as np
import pytest

from nnviz.engine.lab import EpochRecord, RunResult
from nnviz.engine.lab_experiments import answer, make_plan
from _pg_helpers import drawn_tick_texts


def _history(name, accuracies):
    return tuple(EpochRecord(name, e, a, a, 1.0, 1.0, float(e)) for e, a in enumerate(accuracies, 1))


def test_shuffle_answer_says_the_pace_in_words(sample):
    plan = make_plan("shuffle", sample, epochs=4, subset=200)
    fits = {"shuffled 0%": [0.6, 0.9, 1.0, 1.0], "shuffled 50%": [0.3, 0.4, 0.5, 0.6],
            "shuffled 100%": [0.1, 0.2, 0.4, 0.55]}
    runs = [RunResult(n, (784, 256, 10), "leaky_relu", _history(n, a), 1.0) for n, a in fits.items()]
    text = answer(plan, runs, {"chance": 0.1})
    assert "It took 4 epochs to fit half of the random labels, against 1 epoch for half of the true labels." in text
    assert "true labels:" not in text


def test_each_network_keeps_its_colour_across_experiments(sample):
    from nnviz.qt._lab_pictures import plan_colors

    colours = {}
    for experiment in ("depth", "width", "linear", "shuffle", "noise"):
        plan = make_plan(experiment, sample, epochs=1)
        chosen = plan_colors(plan)
        assert len(set(chosen)) == len(chosen), experiment  # the networks of one plan never share one
        for spec, colour in zip(plan.runs, chosen):
            key = (spec.layers, spec.activation if len(spec.layers) > 2 else "")
            colours.setdefault(key, set()).add(colour)
    assert colours[((784, 10), "")] and len(colours[((784, 10), "")]) == 1  # depth and linear
    assert len(colours[((784, 16, 16, 10), "leaky_relu")]) == 1  # depth, linear and noise
    assert len(colours[((784, 16, 10), "leaky_relu")]) == 1  # depth and width
    linear = colours[((784, 16, 16, 10), "linear")]
    assert linear.isdisjoint(colours[((784, 16, 16, 10), "leaky_relu")])  # a different network


def test_unfamiliar_widths_still_get_distinct_colours():
    from nnviz.qt.views.race_curves import RUN_COLORS, network_colors

    chosen = network_colors([((w,), "leaky_relu") for w in (3, 5, 16, 7, 16)])
    assert len(set(chosen)) == 5
    assert chosen[2] == network_colors([((16,), "leaky_relu")])[0]  # the first 784-16-10 keeps its own
    assert set(chosen) <= set(RUN_COLORS)


@pytest.fixture
def lab(qtbot, sample):
    from nnviz.qt.lab_window import LabWindow

    window = LabWindow(dataset=sample)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def test_table_and_curves_use_the_networks_colours(lab):
    lab.select("linear")
    for row, colour in enumerate(lab.colors):
        assert lab.table.item(row, 0).foreground().color().name().lower() == colour.lower()
    lab.select("depth")
    depth = dict(zip((s.name for s in lab.race.plan.runs), lab.colors))
    lab.select("linear")
    linear = dict(zip((s.name for s in lab.race.plan.runs), lab.colors))
    assert linear["784-10"] == depth["784-10"]
    assert linear["leaky ReLU 784-16-16-10"] == depth["784-16-16-10"]


def test_live_answer_names_the_epoch_its_figures_come_from(qtbot, lab):
    lab.select("width")
    lab.widths_edit.setText("1,2")
    lab.epochs_box.setValue(2)
    seen = []

    def check(record):
        race = lab.race
        common = min(len(h) for h in race.histories.values())
        if common and max(len(h) for h in race.histories.values()) > common:
            seen.append((common, lab.answer_label.text()))

    lab.start()
    lab.race.record_ready.connect(check)  # after the window's own slot: the answer is written
    qtbot.waitUntil(lambda: lab.result is not None, timeout=60_000)
    assert seen  # a moment when one network was an epoch ahead of the other
    for common, text in seen:
        assert f"at epoch {common}, the last one every network has finished" in text
        assert f"after {common} epoch" in text


def test_linear_picture_captions_the_multiplied_matrices(qtbot, lab):
    lab.select("linear")
    lab.epochs_box.setValue(1)
    lab.start()
    qtbot.waitUntil(lambda: lab.result is not None, timeout=60_000)
    collapsed, flat = lab.picture.views["collapsed"], lab.picture.views["784-10"]
    assert "product of the linear network's three weight matrices" in collapsed._caption.text()
    assert "incoming weights" not in collapsed._caption.text()
    assert "incoming weights" in flat._caption.text()  # the one-layer network's are its weights


def test_flat_pages_are_named_by_their_ink(qtbot, lab):
    from nnviz.qt._lab_pictures import KIND_NAMES

    lab.select("noise")
    page = np.ones(784, np.float32)
    lab.picture.show_probe({"confidence": {}, "gallery": [
        {"kind": "blank", "answer": 3, "confidence": 0.99, "image": page},
        {"kind": "blank", "answer": 3, "confidence": 0.95, "image": 0 * page}]})
    texts = [cell.text() for cell in lab.picture.gallery if not cell.isHidden()]
    assert texts[0].startswith("100% ink") and texts[1].startswith("no ink")  # not "blank page" for all ink
    assert "0–100% ink" in KIND_NAMES["blank"]


@pytest.mark.parametrize("height", [170, 230, 450])
def test_a_short_race_plot_keeps_its_100_tick(qtbot, height):
    """At 1280x720 the shuffle's top plot is about 180 px tall: a margin of 3% of the range was under
    half a label's height, and pyqtgraph dropped the "100"."""
    from nnviz.qt.views.race_curves import RaceCurvesView

    view = RaceCurvesView("title", "test accuracy %")
    qtbot.addWidget(view)
    view.resize(660, height)
    view.show()
    qtbot.waitExposed(view)
    view.set_runs(["a", "b"], 60)
    view.set_chance(10.0)
    for epoch in range(1, 61):
        view.add_point("a", epoch, 95.0)
        view.add_point("b", epoch, 10.0)
    qtbot.waitUntil(lambda: "60" in drawn_tick_texts(view.plot, "bottom"), timeout=3000)
    assert "100" in drawn_tick_texts(view.plot, "left")


def test_the_width_race_spreads_the_curves_near_100(qtbot, lab):
    """At 1280x720 four widths between 91% and 98% lay within about 15 px of each other."""
    lab.select("width")
    curves = lab.curves
    assert "stretched near 100" in curves._title.text()
    for name, percent in zip((s.name for s in lab.race.plan.runs), (25.7, 60.1, 84.6, 91.9, 94.9, 97.2, 98.0)):
        curves.add_point(name, 1, percent)
    qtbot.waitUntil(lambda: curves.plot.getViewBox().height() > 100, timeout=3000)
    view = curves.plot.getViewBox()
    (_x0, _x1), (y0, y1) = view.viewRange()
    pixels = view.height() / (y1 - y0)
    first, last = (curves._curves[s.name].yData[0] for s in (lab.race.plan.runs[3], lab.race.plan.runs[6]))
    assert (last - first) * pixels > 40  # 91.9% to 98.0%
    assert {"50", "90", "98"} <= drawn_tick_texts(curves.plot, "left")  # labelled in plain %
    assert y0 < curves._curves[lab.race.plan.runs[0].name].yData[0]  # 25.7% still shows
    assert curves.points(lab.race.plan.runs[0].name)[1] == [25.7]  # the data stay in plain %
    lab.select("depth")
    curves.add_point("784-10", 1, 92.0)
    assert "stretched" not in curves._title.text() and "50" not in drawn_tick_texts(curves.plot, "left")
