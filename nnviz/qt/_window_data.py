"""The main window's Data menu: load data on a thread, fall back when it fails, say what is in use.

A mixin of MainWindow, like _files.py: it uses the window's session, settings, data_loader and labels.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network
from nnviz.qt._dialogs import DownloadDialog, choose_dataset_folder


class DataActions:
    """Loading, fallback and status of the data the window's session trains on."""

    def load_data(self, spec: str | None) -> None:
        """Load data on a thread; the window stays responsive and switches to it when ready.

        A request made while another is loading runs when that one is done; only the latest waits.
        """
        if self.dataset is not None and not self.may_discard("Switching the data"):
            return
        self._fallback = None
        self.data_status.setText("Loading data…")
        self.settings.begin_data_load(spec)  # a crash while reading it must not repeat at every start
        self.data_loader.load(spec, remember=spec)

    @Slot(object, object)
    def _on_data_loaded(self, dataset: Dataset, remember) -> None:
        self.settings.end_data_load()
        if not self._closing:
            self.set_dataset(dataset, remember)

    @Slot(str, object)
    def _on_data_failed(self, message: str, spec) -> None:
        self.settings.end_data_load()
        if self._closing:
            return
        if self.dataset is not None:
            self._show_data_status()
            self.show_message(f"{message} The window keeps using {self.dataset.name}.", "error")
            return
        # No data at all: never leave the window without any, fall back a step (remembering
        # "best available", so a repaired full MNIST is used at the next start).
        if spec is None or str(spec).strip().lower() == "auto":
            self._fallback = ("sample", None)
            self.show_message(
                "The full MNIST could not be loaded, so the bundled MNIST sample is in use instead. To fix "
                "this, download the full MNIST again (Data ▸ Download full MNIST…) or choose a folder that "
                f"has it (Data ▸ Open dataset folder…). The problem: {message}", "warning")
        elif str(spec).strip().lower() != "sample":
            self._fallback = (None, None)
            self.show_message(f"{message} nnviz uses the best data available instead; choose other data in the "
                              "Data menu.", "error")
        else:
            self._show_data_status()
            self.show_message(f"{message} Choose data in the Data menu.", "error")

    @Slot()
    def _on_data_idle(self) -> None:
        fallback, self._fallback = self._fallback, None
        if fallback is not None and not self._closing:
            self.data_status.setText("Loading data…")
            self.data_loader.load(*fallback)

    @property
    def dataset(self) -> Dataset | None:
        """The data the session trains on (None while the first data loads)."""
        return self.session.dataset

    def _show_data_status(self) -> None:
        """Say which data is in use (status bar and settings panel)."""
        dataset = self.dataset
        if dataset is None:
            text = "No data loaded: choose data in the Data menu."
        else:
            text = (f"Data: {dataset.name} — {dataset.n_train:,} training and {dataset.n_test:,} test digits "
                    f"({dataset.source})")
        self.data_status.setText(text)

    def set_dataset(self, dataset: Dataset, spec: str | None = None) -> None:
        """Use ``dataset`` from now on; the network is rebuilt if its inputs or outputs do not fit."""
        self.settings.save_dataset_spec(spec)
        arch = self.architecture
        sizes = arch.layer_sizes(dataset.n_features, dataset.n_classes)
        network = self.session.network
        old_name = self.dataset.name if self.dataset is not None else ""
        trained_steps = self.session.step if old_name else 0
        kept = tuple(network.layer_sizes) == sizes
        if not kept:
            network = Network(sizes, arch.activation, arch.cost, seed=self.session.config.seed)
        self.network_graph.set_class_names(dataset.class_names)
        self.weight_images.set_class_names(dataset.class_names)
        try:
            self.session.set_dataset(dataset, network)
        except ValueError as exc:
            self.show_message(str(exc), "error")
        self._show_data_status()
        if trained_steps:
            self.show_message(self._data_switch_text(old_name, trained_steps, kept))
        self.dataset_changed.emit(dataset)

    def download_dialog(self) -> None:
        dialog = DownloadDialog(self)
        dialog.downloaded.connect(lambda folder: self.load_data(folder))
        dialog.delete_when_closed()
        dialog.open()
        self.download_window = dialog

    def open_dataset_dialog(self) -> None:
        folder = choose_dataset_folder(self, self._start_folder())
        if folder:
            self.load_data(folder)
