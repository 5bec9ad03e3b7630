"""Files and settings of the window: open/save/drop models, PNG and CSV export, QSettings, download dialog."""

import csv
import os
import pathlib

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent

from nnviz.engine import download as engine_download
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import COSTS, DEFAULT_ACTIVATION, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, Network
from nnviz.engine.optimizers import OPTIMIZERS
from nnviz.qt import _dialogs
from nnviz.qt._controls import ArchitectureEditor, TrainingControls
from nnviz.qt._settings import Architecture, HyperParameters, SettingsStore
from nnviz.qt._window_layout import DEFAULT_SIZE, available_screen, fitted_size
from nnviz.qt.main_window import MainWindow


def ini_store(path) -> SettingsStore:
    return SettingsStore(QSettings(str(path), QSettings.Format.IniFormat))


def train_steps(qtbot, window, n):
    with qtbot.waitSignal(window.snapshot_shown, check_params_cb=lambda s: s.step >= n, timeout=10000):
        window.session.step_batches(n)
    qtbot.waitUntil(lambda: not window.session.is_busy
                    and len(window.cost_curve.history_rows()) == window.session.trainer.step, timeout=5000)


def leftovers(folder: pathlib.Path, keep: set[str]):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# ---- models -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"this is not a model", b"PK\x03\x04 broken zip" + bytes(100)])
def test_damaged_model_file_leaves_the_network_unchanged(window, tmp_path, content):
    bad = tmp_path / "damaged.npz"
    bad.write_bytes(content)
    before = window.snapshot
    trainer = window.session.trainer
    assert window.open_model(bad) is False
    assert window.session.trainer is trainer
    assert window.snapshot is before
    assert window.last_message_level == "error"
    assert "damaged.npz" in window.last_message
    assert window.banner.isVisible()


def test_model_that_does_not_fit_the_data_is_refused(window, tmp_path):
    path = tmp_path / "toy.npz"
    save_model(path, Network((2, 8, 3), seed=1))
    trainer = window.session.trainer
    assert window.open_model(path) is False
    assert window.session.trainer is trainer
    assert "does not fit" in window.last_message


def test_save_then_open_model_round_trip(qtbot, window, tmp_path):
    train_steps(qtbot, window, 5)
    path = tmp_path / "net.npz"
    assert window.save_model(path)
    assert leftovers(tmp_path, {"net.npz", "settings.ini"}) == []
    network, metadata = load_model(path)
    np.testing.assert_array_equal(network.weights[0], window.snapshot.weights[0])
    assert metadata["step"] == 5
    window.reset(new_seed=True)
    assert window.open_model(path)
    np.testing.assert_array_equal(window.snapshot.weights[0], network.weights[0])
    assert window.recent_menu.actions()[0].toolTip() == os.path.abspath(path)


def test_save_model_is_atomic(window, tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    path.write_bytes(b"old contents")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    assert window.save_model(path) is False
    assert path.read_bytes() == b"old contents"
    assert leftovers(tmp_path, {"net.npz", "settings.ini"}) == []
    assert window.last_message_level == "error"


def test_dropping_a_model_file_opens_it(window, tmp_path):
    path = tmp_path / "dropped.npz"
    save_model(path, Network((784, 20, 10), seed=3))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.session.trainer.network.layer_sizes == (784, 20, 10)
    assert window.architecture_editor.architecture().hidden == (20,)


def test_recent_files_menu_opens_a_model(window, tmp_path):
    path = tmp_path / "recent.npz"
    save_model(path, Network((784, 12, 10), seed=2))
    window.open_model(path)
    window.reset()
    window.apply_architecture(Architecture((16, 16)))
    window.recent_menu.actions()[0].trigger()
    assert window.session.trainer.network.layer_sizes == (784, 12, 10)


# ---- exports ----------------------------------------------------------------------------------


def test_export_cost_history_csv(qtbot, window, tmp_path):
    train_steps(qtbot, window, 7)
    path = tmp_path / "history.csv"
    assert window.export_csv(path)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["kind", "step", "epoch", "cost", "test_cost", "test_accuracy"]
    assert [int(r["step"]) for r in rows] == list(range(1, 8))
    assert all(float(r["cost"]) > 0 for r in rows)
    assert leftovers(tmp_path, {"history.csv", "settings.ini"}) == []


def test_export_csv_is_atomic(qtbot, window, tmp_path, monkeypatch):
    train_steps(qtbot, window, 2)
    path = tmp_path / "history.csv"
    path.write_text("old")
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("disk full")))
    assert window.export_csv(path) is False
    assert path.read_text() == "old"
    assert leftovers(tmp_path, {"history.csv", "settings.ini"}) == []


@pytest.mark.parametrize("key", ["window", "network_graph", "cost_curve"])
def test_export_view_as_png(window, tmp_path, key):
    path = tmp_path / f"{key}.png"
    assert window.export_png(path, key)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_menu_lists_every_view(window, tmp_path):
    titles = [action.text().rstrip("…") for action in window.export_view_menu.actions()]
    views = [key for key in window.docks if key != "training"]
    # the views' full names, as in the View menu (a tab may carry a shorter title)
    assert titles == ["Whole window"] + [window.docks[key].toggleViewAction().text() for key in views]
    assert "Network graph" in titles and "Weight images" in titles
    for key in ("activation_space", "saliency", "runs"):
        assert key in views
        path = tmp_path / f"{key}.png"
        assert window.export_png(path, key)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_png_is_atomic(window, tmp_path, monkeypatch):
    path = tmp_path / "window.png"
    path.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("disk full")))
    assert window.export_png(path) is False
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path, {"window.png", "settings.ini"}) == []
    assert window.last_message_level == "error"


# ---- settings ---------------------------------------------------------------------------------


def test_settings_round_trip(tmp_path):
    store = ini_store(tmp_path / "s.ini")
    store.save_architecture(Architecture((32, 8, 4), "sigmoid", "mse"))
    store.save_hyper_parameters(HyperParameters(0.01, 64, "momentum", 0.001, 0.2))
    store.save_dataset_spec("/some/folder")
    store.add_recent_file("/a.npz")
    store.add_recent_file("/b.npz")
    store.add_recent_file("/a.npz")
    store.sync()
    again = ini_store(tmp_path / "s.ini")
    assert again.architecture() == Architecture((32, 8, 4), "sigmoid", "mse")
    assert again.hyper_parameters() == HyperParameters(0.01, 64, "momentum", 0.001, 0.2)
    assert again.dataset_spec() == "/some/folder"
    assert again.recent_files() == ["/a.npz", "/b.npz"]


def test_garbage_settings_fall_back_to_defaults(tmp_path):
    path = tmp_path / "s.ini"
    path.write_bytes(
        b"\x00\xff\xfe[[[not ini\n[network]\nhidden=abc,,-3\nactivation=wobbly\ncost=7\n"
        b"[training]\nlearning_rate=-5\nbatch_size=lots\noptimizer=magic\nl2=nan\ndropout=3\n"
        b"[window]\ngeometry=@ByteArray(\\x01\\x02)\nstate=12\n[files]\nrecent=@Variant(\\xff)\n"
    )
    store = ini_store(path)
    assert store.architecture() == Architecture()
    assert store.hyper_parameters() == HyperParameters()
    assert isinstance(store.recent_files(), list)


@pytest.mark.parametrize(
    ("saved", "hidden"),
    [("1024,1,1024", (1024, 1, 1024)), ("", ()), ("8,8,8,8,8,8", (8,) * 6),
     ("1025", (16, 16)), ("0,4", (16, 16)), ("8,8,8,8,8,8,8", (16, 16))],
)
def test_saved_hidden_layers_follow_the_engine_limits(tmp_path, saved, hidden):
    path = tmp_path / "s.ini"
    path.write_text(f"[network]\nhidden={saved}\n")
    assert ini_store(path).architecture().hidden == hidden


def test_controls_offer_what_the_engine_accepts(qtbot):
    editor = ArchitectureEditor(Architecture((1024,) * MAX_HIDDEN_LAYERS))
    qtbot.addWidget(editor)
    assert editor.layer_count.maximum() == MAX_HIDDEN_LAYERS
    assert all((box.minimum(), box.maximum()) == (1, MAX_LAYER_SIZE) for box in editor.size_boxes)
    assert editor.architecture().hidden == (1024,) * MAX_HIDDEN_LAYERS
    assert [editor.activation.itemData(i) for i in range(editor.activation.count())] == list(ACTIVATIONS)
    assert [editor.cost.itemData(i) for i in range(editor.cost.count())] == list(COSTS)
    controls = TrainingControls(HyperParameters())
    qtbot.addWidget(controls)
    assert [controls.optimizer.itemData(i) for i in range(controls.optimizer.count())] == list(OPTIMIZERS)
    assert controls.hyper_parameters() == HyperParameters()
    assert Architecture().activation == DEFAULT_ACTIVATION


def test_activation_combo_shows_human_names_and_stores_engine_keys(qtbot, window, tmp_path):
    editor = window.architecture_editor
    labels = [editor.activation.itemText(i) for i in range(editor.activation.count())]
    assert "leaky ReLU" in labels and "ReLU" in labels and not any("_" in t for t in labels)
    editor.activation.setCurrentIndex(labels.index("leaky ReLU"))  # as a learner picks it
    window.apply_architecture(editor.architecture())
    assert window.session.trainer.network.activation == "leaky_relu"
    path = tmp_path / "leaky.npz"
    assert window.save_model(path)
    assert load_model(path)[0].activation == "leaky_relu"  # the file keeps the engine's key
    window.apply_architecture(Architecture((16, 16), "relu", "cross-entropy"))
    assert editor.activation.currentText() == "ReLU"
    assert window.open_model(path)
    assert (editor.activation.currentText(), editor.activation.currentData()) == ("leaky ReLU", "leaky_relu")
    settings = tmp_path / "s.ini"
    settings.write_text("[network]\nhidden=8\nactivation=leaky_relu\ncost=mse\n")
    from_file = ArchitectureEditor(ini_store(settings).architecture())
    qtbot.addWidget(from_file)
    assert from_file.activation.currentText() == "leaky ReLU"
    assert from_file.architecture() == Architecture((8,), "leaky_relu", "mse")


def test_window_starts_with_defaults_from_a_corrupt_store(qtbot, sample, tmp_path):
    path = tmp_path / "s.ini"
    path.write_bytes(b"[network]\nhidden=999999\n[window]\ngeometry=@ByteArray(garbage)\nstate=@ByteArray(junk)\n")
    w = MainWindow(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(w)
    w.show()
    assert w.session.trainer.network.layer_sizes == (784, 16, 16, 10)
    expected = fitted_size(DEFAULT_SIZE, available_screen())  # the default size, within the screen
    assert (w.size().width(), w.size().height()) == (expected.width(), expected.height())
    assert all(not dock.isFloating() for dock in w.docks.values())


def test_window_remembers_geometry_architecture_and_hyper_parameters(qtbot, sample, tmp_path):
    path = tmp_path / "s.ini"
    w = MainWindow(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(w)
    w.show()
    w.resize(1200, 800)
    w.apply_architecture(Architecture((24,), "tanh", "cross-entropy"))
    w.training_controls.learning_rate.setValue(0.02)
    geometry = w.saveGeometry()
    w.close()
    assert ini_store(path).geometry() == geometry
    w2 = MainWindow(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(w2)
    w2.show()
    # Qt fits the restored geometry to the (small, offscreen) screen; it is no longer the default size.
    assert w2.size().width() != 1400
    assert w2.session.trainer.network.layer_sizes == (784, 24, 10)
    assert w2.training_controls.hyper_parameters().learning_rate == pytest.approx(0.02)


# ---- download dialog --------------------------------------------------------------------------


def fake_download(chunks=4, fail=None, wait_for_cancel=False):
    def download_mnist(dest=None, progress=None, mirrors=None, cancel=None, timeout=15.0):
        for name in engine_download.MNIST_FILES:
            for i in range(1, chunks + 1):
                if cancel is not None and cancel.is_set():
                    raise engine_download.DownloadCancelled("cancelled")
                progress(name, i * 1000, chunks * 1000)
                if fail:
                    raise engine_download.DownloadError(fail)
                if wait_for_cancel:
                    cancel.wait(10)
        return pathlib.Path(dest)

    return download_mnist


def test_download_dialog_reports_progress_and_success(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_download, "download_mnist", fake_download())
    dialog = _dialogs.DownloadDialog(dest=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    values = []
    dialog.progress_bar.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.downloaded, timeout=10000) as blocker:
        dialog.download_button.click()
    assert blocker.args == [str(tmp_path)]
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert values == sorted(values) and len(values) > 4
    assert dialog.progress_bar.value() == 1000
    assert dialog.close_button.isVisible()


def closed_port_url() -> str:
    """A local address where nothing listens: connecting is refused at once, as when offline."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_download_dialog_offline_message(qtbot, tmp_path):
    dialog = _dialogs.DownloadDialog(dest=tmp_path, mirrors=(closed_port_url(),))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    text = dialog.status.text()
    assert text.startswith("could not reach any mirror for train-images-idx3-ubyte.gz")  # the engine's reason
    assert "Are you offline?" in text
    assert "bundled sample" in text and "Data ▸ Open dataset folder" in text  # what to do instead
    assert dialog.download_button.text() == "Try again"
    assert dialog.folder is None


def test_download_dialog_does_not_blame_the_network_for_a_disk_problem(qtbot, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    dialog = _dialogs.DownloadDialog(dest=not_a_folder / "mnist", mirrors=(closed_port_url(),))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    text = dialog.status.text()
    assert str(not_a_folder / "mnist") in text
    assert "offline" not in text
    assert "keeps its current data" in text


def test_download_dialog_cancel(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_download, "download_mnist", fake_download(wait_for_cancel=True))
    dialog = _dialogs.DownloadDialog(dest=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Downloading"), timeout=10000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert "cancelled" in dialog.status.text()
    assert dialog.folder is None


def test_the_app_opens_the_window_at_its_saved_size(qtbot, sample, tmp_path):
    from nnviz.qt.app import build_window

    path = tmp_path / "s.ini"
    first = build_window(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(first)
    first.show()
    expected = fitted_size(DEFAULT_SIZE, available_screen())  # nothing saved yet: the default size, on screen
    assert (first.width(), first.height()) == (expected.width(), expected.height())
    assert expected.width() <= available_screen().width()
    first.resize(790, 620)  # fits the offscreen test screen (800x800), so Qt restores it as it was
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (790, 620), timeout=5000)
    first.close()
    again = build_window(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (790, 620)


@pytest.fixture
def stalled_server():
    """A local HTTP server that sends the headers of a large file, then nothing (a stalled download)."""
    import http.server
    import threading

    release = threading.Event()

    class Stalling(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            from nnviz.engine.download import MNIST_SIZES  # the real size: a larger one is refused at once

            self.send_header("Content-Length", str(MNIST_SIZES["train-images-idx3-ubyte.gz"]))
            self.end_headers()
            self.wfile.flush()
            release.wait(30)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_closing_the_download_dialog_during_a_stalled_download_does_not_block(qtbot, tmp_path, stalled_server):
    dialog = _dialogs.DownloadDialog(dest=tmp_path, mirrors=(stalled_server,))
    dialog.read_timeout = 0.5
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Downloading"), timeout=10000)
    thread = dialog._thread
    dialog.reject()  # the window's close button, Esc or Cancel after "Cancelling…"
    # reject() returned while the download thread still waits on the silent server: nothing blocked
    assert not dialog.isVisible()
    assert thread.isRunning()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=5000)  # the event loop keeps turning meanwhile
    timer.stop()
    # the thread sees the cancel after one read timeout and ends on its own
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert thread.isFinished()
    assert not list(tmp_path.iterdir())  # no partial file left behind


def test_the_window_deletes_a_closed_download_dialog_once_its_download_ends(qtbot, sample, store, tmp_path,
                                                                          stalled_server, monkeypatch):
    import shiboken6

    monkeypatch.setattr(_dialogs, "READ_TIMEOUT_S", 0.5)
    monkeypatch.setattr(engine_download, "MNIST_MIRRORS", (stalled_server,))
    w = MainWindow(dataset=sample, settings=store)
    qtbot.addWidget(w)
    w.show()
    w.download_dialog()
    dialog = w.download_window
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Downloading"), timeout=10000)
    dialog.reject()
    assert shiboken6.isValid(dialog) and dialog.busy  # kept while its thread runs
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10000)


def test_closing_the_window_ends_a_stalled_download(qtbot, sample, store, stalled_server, monkeypatch):
    monkeypatch.setattr(_dialogs, "READ_TIMEOUT_S", 0.5)
    monkeypatch.setattr(engine_download, "MNIST_MIRRORS", (stalled_server,))
    w = MainWindow(dataset=sample, settings=store)
    qtbot.addWidget(w)
    w.show()
    w.download_dialog()
    dialog = w.download_window
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Downloading"), timeout=10000)
    thread = dialog._thread
    w.close()
    assert thread.isFinished()
