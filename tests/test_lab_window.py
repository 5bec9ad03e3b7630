"""The Lab window on the bundled sample: races run through sessions in lockstep, the answer appears,
pause/stop/restart, exports are atomic, "look inside" reaches the main window, closing stops all."""

import json
import threading

import pytest

from nnviz.engine.lab_experiments import EXPERIMENTS
from _pg_helpers import drawn_tick_texts

@pytest.fixture
def lab(qtbot, sample):
    from nnviz.qt.lab_window import LabWindow

    window = LabWindow(dataset=sample)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def _run(qtbot, lab, name, epochs=2, timeout=60_000):
    lab.select(name)
    lab.epochs_box.setValue(epochs)
    lab.start()
    qtbot.waitUntil(lambda: lab.result is not None, timeout=timeout)
    return lab.result


def test_title_and_questions(lab):
    assert "Lab" in lab.windowTitle()
    texts = [lab.questions.item(i).text() for i in range(lab.questions.count())]
    assert len(texts) == 5
    for text, experiment in zip(texts, EXPERIMENTS.values()):
        assert experiment.question in text


def test_depth_race_draws_curves_and_states_the_answer(qtbot, lab):
    result = _run(qtbot, lab, "depth")
    assert [r.name for r in result.runs] == ["784-10", "784-16-10", "784-16-16-10"]
    for run in result.runs:
        xs, ys = lab.curves.points(run.name)
        assert xs == [1, 2]
        assert ys[-1] == pytest.approx(100 * run.test_accuracy)
        assert f"{100 * run.test_accuracy:.1f}%" in lab.answer_label.text()
    assert lab.table.item(0, 3).text() == f"{100 * result.runs[0].test_accuracy:.1f}"
    assert not any(s.is_running for s in lab.race.sessions.values())


def test_racing_networks_stay_within_one_epoch(qtbot, lab):
    spreads = []

    training_at_once = []

    def check(_record):
        race = lab.race
        epochs = [s.epoch for s in race.sessions.values() if s.trainer is not None]
        spreads.append(max(epochs) - min(epochs))
        training_at_once.append(sum(race._limits[n] > race._epochs[n] for n in race.sessions))

    lab.select("width")
    lab.epochs_box.setValue(3)
    lab.start()
    lab.race.record_ready.connect(check)
    qtbot.waitUntil(lambda: lab.result is not None, timeout=90_000)
    assert len(spreads) == 7 * 3
    assert max(spreads) <= 1
    assert max(training_at_once) <= lab.race.concurrent
    assert "hidden_2d" in lab.result.pictures


def test_pause_stop_and_restart(qtbot, lab):
    lab.select("depth")
    lab.epochs_box.setValue(50)
    lab.start()
    qtbot.waitUntil(lambda: any(lab.race.histories.values()), timeout=30_000)
    lab.toggle()  # pause
    assert not lab.race.is_running
    assert lab.start_button.text() == "Start"
    lab.stop()
    qtbot.waitUntil(lambda: lab.result is not None, timeout=30_000)
    assert all(r.epochs < 50 for r in lab.result.runs)
    assert "Stopped" in lab.status_label.text()
    first = lab.race
    lab.restart()
    assert lab.race is not first and lab.race.is_running and lab.result is None
    qtbot.waitUntil(lambda: any(lab.race.histories.values()), timeout=30_000)


def test_closing_mid_race_leaves_no_thread(qtbot, sample):
    from nnviz.qt.lab_window import LabWindow

    before = {t.ident for t in threading.enumerate()}
    window = LabWindow(dataset=sample)
    qtbot.addWidget(window)
    window.show()
    window.select("width")
    window.epochs_box.setValue(100)
    window.start()
    race = window.race
    qtbot.waitUntil(lambda: any(race.histories.values()), timeout=30_000)
    sessions = list(race.sessions.values())
    window.close()
    assert all(s.thread is None for s in sessions)
    assert not race.measuring
    assert {t.ident for t in threading.enumerate() if t.is_alive()} <= before


def test_exports_are_written_whole(qtbot, lab, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    result = _run(qtbot, lab, "linear", epochs=1)
    assert lab.export("json", str(tmp_path / "lab.json"))
    data = json.loads((tmp_path / "lab.json").read_text())
    assert data["experiment"] == "linear" and data["collapsed_agreement"] == result.figures["collapsed_agreement"]
    assert lab.export("csv", str(tmp_path / "lab.csv"))
    lines = (tmp_path / "lab.csv").read_text().splitlines()
    assert lines[0].startswith("experiment,network,epoch") and len(lines) == 1 + 3
    assert lab.export("png", str(tmp_path / "lab.png"))
    assert (tmp_path / "lab.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args))
    assert not lab.export("json", str(tmp_path / "missing" / "lab.json"))
    assert warnings and not (tmp_path / "missing").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab.csv", "lab.json", "lab.png"]


def test_a_bad_width_list_is_a_message_not_a_race(lab):
    lab.select("width")
    lab.widths_edit.setText("0,abc")
    lab.restart()
    assert lab.race is None
    assert "width" in lab.status_label.text()


def test_look_inside_and_send_to_the_pad(qtbot, window, sample):
    from nnviz.qt._lab_menu import open_lab

    lab = open_lab(window)
    qtbot.addWidget(lab)
    assert "Lab" in lab.windowTitle() and lab.dataset is window.dataset
    result = _run(qtbot, lab, "noise", epochs=1)
    lab.table.selectRow(0)
    lab.look_inside()
    trained = result.runs[0].snapshot
    assert window.session.network.layer_sizes == trained.layer_sizes
    assert (window.session.snapshot.weights[0] == trained.weights[0]).all()
    nonsense = lab.picture._images[0] if lab.picture._images else sample.x_test[0]
    lab.send_to_pad(nonsense)
    assert (window.current_input == nonsense).all()


def test_experiments_menu_opens_the_lab_and_closes_with_the_main_window(qtbot, window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Experiments" in titles
    window.lab_action.trigger()
    lab = window.lab_window
    assert lab is not None and lab.isVisible()
    lab.select("depth")
    lab.epochs_box.setValue(100)
    lab.start()
    race = lab.race
    qtbot.waitUntil(lambda: any(race.histories.values()), timeout=30_000)
    window.close()
    assert not lab.isVisible()
    assert all(s.thread is None for s in race.sessions.values())


def test_changed_settings_make_a_new_race_on_start(qtbot, lab):
    lab.select("width")
    prepared = lab.race
    lab.widths_edit.setText("2,8")
    lab.seed_box.setValue(3)
    lab.epochs_box.setValue(1)
    lab.start()
    assert lab.race is not prepared
    assert [s.name for s in lab.race.plan.runs] == ["784-2-10", "784-8-10"]
    assert lab.race.plan.seed == 3 and lab.race.plan.epochs == 1
    qtbot.waitUntil(lambda: lab.result is not None, timeout=60_000)
    assert [r.epochs for r in lab.result.runs] == [1, 1]


def test_data_that_cannot_be_loaded_is_a_message_and_the_old_data_stays(qtbot, lab, sample, tmp_path):
    lab.select("depth")
    messages = []
    lab.message_shown.connect(messages.append)
    lab._load_data(str(tmp_path / "no-such-folder"))
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert "no-such-folder" in messages[-1] and sample.name in messages[-1]
    assert lab.dataset is sample and lab.race is not None


def test_noise_probes_the_main_windows_network(qtbot, window, sample):
    from nnviz.engine.lab_experiments import noise_answer
    from nnviz.engine.lab_probes import probe_confidence
    from nnviz.qt._lab_menu import open_lab

    lab = open_lab(window)
    qtbot.addWidget(lab)
    lab.select("noise")
    lab.picture.probe_main_button.click()
    qtbot.waitUntil(lambda: lab.probe_result is not None, timeout=30_000)
    expected, _ = probe_confidence(window.snapshot, sample.x_test, lab.seed_box.value())
    assert lab.probe_result == expected
    assert lab.answer_label.text() == noise_answer(expected)
    assert "main window" in lab.status_label.text()


def test_noise_probe_without_a_main_window_says_what_to_do(lab):
    lab.select("noise")
    assert not lab.probe_main_network()
    assert "main window" in lab.status_label.text()


def test_cost_tab_shows_the_chosen_networks_own_curve(qtbot, lab):
    result = _run(qtbot, lab, "depth")
    lab.table.selectRow(1)
    name = result.runs[1].name
    assert lab.chosen_run() == name and name in lab.lower_tabs.tabText(1)
    steps, costs = lab.cost_curve.batch_data()
    assert len(steps) == len(lab.race.batches[name]) > 0
    epochs = lab.cost_curve.epoch_data()
    accuracy = next(v for k, v in epochs.items() if "acc" in k)[1]
    assert list(accuracy) == pytest.approx([100 * r.test_accuracy for r in result.runs[1].history])


def test_damaged_best_data_falls_back_to_the_sample(qtbot, tmp_path, monkeypatch):
    from nnviz.qt.lab_window import LabWindow

    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"not an idx file")
    for name in ("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"junk")
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path))
    window = LabWindow()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.dataset is not None, timeout=20_000)
    assert "sample" in window.dataset.name.lower()
    assert window.race is not None
    window.close()


@pytest.mark.slow
def test_the_lab_benchmarks_run_on_the_sample(qtbot, sample):
    """Not a timing test: the benchmark scripts themselves must keep working."""
    from nnviz import bench_lab
    from nnviz.qt import bench_lab_gui

    modes = bench_lab.modes("sample", 1)
    assert set(modes) == {"process", "thread", "serial"} and all(v > 0 for v in modes.values())
    assert bench_lab.free_cores() > 0
    measured = bench_lab_gui.race_measurements(sample, 1)
    assert measured["networks"] == 7 and measured["spread"] <= 1
    assert measured["left_running"] == 0 and measured["lateness"]


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_the_results_table_fits_its_column_and_names_read_as_words(qtbot, lab, size):
    """No sideways scrolling: every column shows, and a long run name wraps at its space, whole."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    lab.resize(*size)
    qtbot.waitUntil(lambda: lab.size().width() == size[0], timeout=3000)
    result = _run(qtbot, lab, "linear", epochs=1)
    names = [r.name for r in result.runs]
    assert "leaky ReLU 784-16-16-10" in names and not any("_" in n for n in names)
    table = lab.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=3000)
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) <= table.viewport().width()
    metrics = QFontMetrics(table.font())
    for row, name in enumerate(names):
        assert table.item(row, 0).text() == name
        words = max(metrics.horizontalAdvance(word) for word in name.split())
        assert words < table.columnWidth(0) - 6  # each word whole, no "…"
        room = QRect(0, 0, table.columnWidth(0) - 8, 1000)
        needed = metrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), name).height()
        assert table.rowHeight(row) >= needed
    lab.table.selectRow(2)
    assert lab.lower_tabs.tabText(1) == "Cost of leaky ReLU 784-16-16-10"


def test_before_start_the_pictures_say_to_press_start_and_clear_with_results(qtbot, lab):
    lab.resize(1400, 900)
    lab.select("depth")
    covers = lab.picture.covers
    assert len(covers) == 2 and all("Press Start" in c.text() for c in covers)
    qtbot.waitUntil(lambda: all(c.isVisible() for c in covers), timeout=3000)  # once the picture is shown
    view = next(iter(lab.picture.views.values()))
    assert covers[0].geometry() == view.rect()  # it covers the whole empty view
    _run(qtbot, lab, "depth", epochs=1)
    assert not any(c.isVisible() for c in lab.picture.covers)


@pytest.mark.parametrize("name", ["depth", "linear"])
def test_the_two_template_panels_share_one_colour_scale(qtbot, lab, name):
    """Equal colours mean equal weights in both panels: the larger of the two views' own scales."""
    _run(qtbot, lab, name, epochs=1)
    views = list(lab.picture.views.values())
    own = dict(lab.picture._own)
    assert len(own) == 2 and len(set(own.values())) == 2  # on their own they would differ (±1.0 vs ±0.7)
    shared = (-max(own.values()), max(own.values()))
    for view in views:
        assert view.levels(view.current_layer()) == pytest.approx(shared)
        assert tuple(view._colorbar.levels()) == pytest.approx(shared)
    if name == "depth":  # another layer chosen in one panel: both follow its scale
        second = views[1]
        second._layer_box.setCurrentIndex(1)
        assert second.current_layer() == 2
        top = max(lab.picture._own.values())
        assert [v.levels(v.current_layer()) for v in views] == [pytest.approx((-top, top))] * 2


def test_the_noise_histograms_dashed_line_says_what_it_is(qtbot, lab):
    lab.select("noise")
    line = lab.picture.confident_line
    assert line.value() == pytest.approx(90) and "90%" in line.label.toPlainText()


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_race_curves_show_the_100_tick_and_the_last_epoch(qtbot, size):
    from nnviz.qt.views.race_curves import RaceCurvesView

    view = RaceCurvesView("title", "training accuracy %")
    qtbot.addWidget(view)
    view.resize(size[0] // 2, size[1] // 2)
    view.show()
    qtbot.waitExposed(view)
    view.set_runs(["a", "b"], 60)
    view.set_chance(10.0)
    for epoch in range(1, 61):
        view.add_point("a", epoch, min(100.0, 15 + 2 * epoch))
    qtbot.waitUntil(lambda: "60" in drawn_tick_texts(view.plot, "bottom"), timeout=3000)
    assert "100" in drawn_tick_texts(view.plot, "left")


@pytest.mark.parametrize("size", [(1024, 640), (1280, 720)])
def test_the_noise_picture_keeps_its_plot_readable_and_scrolls_only_below_1280x720(qtbot, lab, size):
    """At 1024x640 the histogram was squeezed to about 40 px and the gallery's rows ran into each
    other; now the picture keeps its least size and the tab scrolls. At 1280x720 it shows whole."""
    lab.resize(*size)
    qtbot.waitUntil(lambda: lab.size().width() == size[0], timeout=3000)
    _run(qtbot, lab, "noise", epochs=1)
    picture = lab.picture
    qtbot.waitUntil(lambda: picture.histogram.isVisible(), timeout=3000)
    assert picture.histogram.width() >= 220
    cells = [c for c in picture.gallery if c.isVisible()]
    assert cells
    for upper, lower in zip(cells, cells[4:]):  # each cell ends above the one under it
        assert upper.geometry().bottom() < lower.geometry().top()
    scroll = lab.lower_tabs.widget(0)
    bars = (scroll.horizontalScrollBar().maximum(), scroll.verticalScrollBar().maximum())
    if size == (1280, 720):
        assert bars == (0, 0)
    else:
        assert max(bars) > 0  # too small for the picture: it scrolls instead of squeezing


@pytest.mark.parametrize("name", ["depth", "width", "shuffle"])
def test_every_picture_shows_whole_at_1280x720(qtbot, lab, name):
    lab.resize(1280, 720)
    qtbot.waitUntil(lambda: lab.size().width() == 1280, timeout=3000)
    lab.select(name)
    scroll = lab.lower_tabs.widget(0)
    qtbot.waitUntil(lambda: lab.picture.isVisible(), timeout=3000)
    assert (scroll.horizontalScrollBar().maximum(), scroll.verticalScrollBar().maximum()) == (0, 0)
