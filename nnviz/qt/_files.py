"""The window's File menu: open, save and drop model files, recent files, PNG and CSV exports.

A mixin of MainWindow: every file is written atomically, and every failure becomes a message.
"""

from __future__ import annotations

import csv
import os
import pathlib

from PySide6.QtCore import QBuffer, QCoreApplication, QEvent, QIODevice
from PySide6.QtWidgets import QFileDialog

from nnviz.engine.atomic import atomic_write
from nnviz.engine.model_io import ModelFileError, load_model, save_model
from nnviz.engine.network import Network
from nnviz.qt._settings import Architecture

MODEL_FILTER = "nnviz model (*.npz);;All files (*)"


class FileActions:
    """Open/save/export/recent/drop for MainWindow.

    Uses the window's settings, show_message, session, dataset, architecture editor, cost curve,
    docks, recent_menu and use_network.
    """

    def _start_folder(self) -> str:
        return self.settings.last_folder() or str(pathlib.Path.home())

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", self._start_folder(), MODEL_FILTER)
        if path:
            self.open_model(path)

    def open_model(self, path: str | os.PathLike) -> bool:
        """Load a saved network; on any problem say so and keep the current network as it is."""
        path = str(path)
        try:
            network, metadata = load_model(path)
        except ModelFileError as exc:
            self.show_message(f"Could not open the model: {exc}", "error")
            return False
        except (OSError, ValueError, KeyError, EOFError) as exc:
            self.show_message(f"Could not open the model {path}: it is not an nnviz model file ({exc}).", "error")
            return False
        if self.dataset is not None and (network.layer_sizes[0] != self.dataset.n_features
                                         or network.layer_sizes[-1] != self.dataset.n_classes):
            self.show_message(
                f"{pathlib.Path(path).name} is a {'-'.join(map(str, network.layer_sizes))} network, which does not "
                f"fit {self.dataset.name} ({self.dataset.n_features} inputs, {self.dataset.n_classes} classes). "
                "The current network is unchanged.", "error")
            return False
        if not self.may_discard(f"Opening {pathlib.Path(path).name}") or not self.use_network(network):
            return False
        self.adopt_history(metadata, pathlib.Path(path).stem)
        self.architecture = Architecture(tuple(network.layer_sizes[1:-1]), network.activation, network.cost)
        self.architecture_editor.set_architecture(self.architecture)
        self.settings.save_last_folder(str(pathlib.Path(path).parent))
        self._add_recent(path)
        self._show_opened_results(_whole(metadata.get("epoch", 0) if isinstance(metadata, dict) else 0))
        accuracy = f" It gets {self.evaluation.accuracy_text()} of the test digits right." if self.dataset else ""
        self.show_message(f"Opened {pathlib.Path(path).name}: a {'-'.join(map(str, network.layer_sizes))} network."
                          + accuracy)
        return True

    def save_model_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", os.path.join(self._start_folder(), "network.npz"),
                                              MODEL_FILTER)
        if path:
            self.save_model(path)

    def save_model(self, path: str | os.PathLike) -> bool:
        """Save the network as it is now (a consistent snapshot, even while training), atomically."""
        path = str(path)
        session = self.session
        snapshot = session.trainer.snapshot() if session.trainer is not None else session.network.snapshot()
        metadata = {"step": snapshot.step, "epoch": snapshot.epoch, "seed": session.config.seed}
        if self.dataset is not None:
            metadata["dataset"] = self.dataset.name
        if session.trainer is not None:
            metadata["config"] = {k: v for k, v in vars(session.trainer.config).items()}
        history = self.history_metadata()
        if history is not None:
            metadata["history"] = history  # the run's costs and test results travel with its weights
        try:
            save_model(path, Network.from_snapshot(snapshot), metadata)
        except (OSError, ValueError, TypeError) as exc:
            self.show_message(f"Could not save the model to {path}: {exc}", "error")
            return False
        self.settings.save_last_folder(str(pathlib.Path(path).parent))
        self._add_recent(path)
        self._saved()
        self.show_message(f"Saved the network to {path}.")
        return True

    def _add_recent(self, path: str) -> None:
        self.settings.add_recent_file(os.path.abspath(path))
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(pathlib.Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_model(p))
        self.recent_menu.setEnabled(bool(files))

    def export_png_dialog(self, key: str = "window") -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export view as PNG",
                                              os.path.join(self._start_folder(), f"nnviz-{key}.png"),
                                              "PNG image (*.png)")
        if path:
            self.export_png(path, key)

    def export_png(self, path: str | os.PathLike, key: str = "window") -> bool:
        """Save a picture of the whole window or one view, atomically."""
        self.catch_up_view(key)  # a view out of sight is not kept up to date
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # its texts laid out before the picture
        widget = self if key == "window" else self.docks[key].widget()
        image = widget.grab()
        # encoded in memory first: a failed encoding must not touch the file
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            self.show_message("Could not turn the view into a PNG image.", "error")
            return False
        try:
            with atomic_write(path) as file:
                file.write(bytes(buffer.data()))
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc}", "error")
            return False
        self.show_message(f"Saved a picture to {path}.")
        return True

    def export_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export cost history as CSV",
                                              os.path.join(self._start_folder(), "cost-history.csv"),
                                              "CSV table (*.csv)")
        if path:
            self.export_csv(path)

    def export_csv(self, path: str | os.PathLike) -> bool:
        """Write every mini-batch and epoch of the cost curve to a CSV table, atomically."""
        columns = ["kind", "step", "epoch", "cost", "test_cost", "test_accuracy"]
        rows = self.cost_curve.history_rows()
        try:
            with atomic_write(path, "w", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc}", "error")
            return False
        self.show_message(f"Saved {len(rows):,} rows of cost history to {path}.")
        return True

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_model(paths[0])
        else:
            event.ignore()


def _whole(value) -> int:
    """A whole number from a model file's metadata, 0 when it is not one."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError, OverflowError):
        return 0
