"""The nnviz main window: training controls, menus and settings around the five views (files: _files.py).

It owns the Trainer and its worker thread, hands snapshots and statistics to the views, and never computes maths itself.
"""

from __future__ import annotations

import random
import time

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network, Snapshot
from nnviz.engine.trainer import TrainConfig, Trainer
from nnviz.qt._controls import ArchitectureEditor, TrainingControls
from nnviz.qt.views.cost_curve import CostCurveView
from nnviz.qt._data_loader import DataLoader
from nnviz.qt._dialogs import DownloadDialog, choose_dataset_folder
from nnviz.qt.views.drawing_pad import DigitPanel
from nnviz.qt.views.evaluation import EvaluationView
from nnviz.qt._files import FileActions
from nnviz.qt._help import show_about, show_help
from nnviz.qt.views.network_graph import NetworkGraphView
from nnviz.qt._settings import Architecture, HyperParameters, SettingsStore
from nnviz.qt.views.weight_images import WeightImagesView
from nnviz.qt._worker import EMIT_INTERVAL, TrainingThread

DEFAULT_SIZE = QSize(1400, 900)
#: Narrowest and widest the Training settings panel gets (pixels).
SETTINGS_WIDTH = (190, 330)
#: While training at full speed, views redraw at most 1/FRAME_INTERVAL_S times a second.
FRAME_INTERVAL_S = 0.3
#: ... and the cost curve and test results once every STATS_FRAMES such frames.
STATS_FRAMES = 3
#: What to do once the engine has raised: the worker's loop has ended, so Start cannot resume it.
_AFTER_ERROR = "Press Reset (Ctrl+R) to start training again."


class MessageBanner(QToolBar):
    """A coloured line under the toolbar for messages that must not be missed (never blocks)."""

    COLORS = {"info": ("#e8f1fb", "#1c4f80"), "warning": ("#fff4d6", "#7a4b00"), "error": ("#fde5e5", "#8a1c1c")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Messages", parent)
        self.setObjectName("message_banner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(8, 2, 4, 2)
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)  # a long message (what went wrong, what to do) is read in full
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # at most three lines (see _fit_label): the whole text is in the tooltip and the status bar too
        self.label.setMaximumHeight(3 * self.label.fontMetrics().lineSpacing() + 4)
        row.addWidget(self.label, 1)
        self.label.installEventFilter(self)  # a new width may need another number of lines
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.close_button)
        self.addWidget(holder)
        self.level = "info"
        self.hide()

    def show_message(self, text: str, level: str = "info") -> None:
        background, foreground = self.COLORS.get(level, self.COLORS["info"])
        self.level = level
        self.setStyleSheet(f"QToolBar {{ background: {background}; border: 1px solid {foreground}; }}"
                           f"QLabel {{ color: {foreground}; font-weight: bold; }}")
        self.label.setText(text)
        self.label.setToolTip(text)
        self.show()
        self._fit_label()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.label and event.type() == QEvent.Type.Resize:
            self._fit_label()
        return False

    def _fit_label(self) -> None:
        # A wrapped label's size hint assumes a narrow width (three lines for one line of text):
        # take the height the text needs at the width it really has, up to three lines.
        width = self.label.width()
        if width > 0:
            lines = self.label.fontMetrics().lineSpacing()
            self.label.setFixedHeight(min(self.label.heightForWidth(width), 3 * lines + 4))


class MainWindow(FileActions, QMainWindow):
    """The nnviz window.

    ``dataset`` skips loading (tests pass the bundled sample); otherwise the data named in the
    settings (or the best available: full MNIST, else the bundled sample) is loaded on a thread.
    ``settings`` defaults to the app's per-user QSettings store.
    """

    snapshot_shown = Signal(object)   # Snapshot now displayed by the views
    epoch_shown = Signal(object)      # EpochStats now displayed
    dataset_changed = Signal(object)  # Dataset now in use
    message_shown = Signal(str, str)  # text, level ("info" | "warning" | "error")
    outputs_shown = Signal(object)    # output activations (k,) shown for the current input

    def __init__(
        self,
        dataset: Dataset | None = None,
        settings: SettingsStore | None = None,
        data_spec: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("nnviz — watch a neural network learn to read digits")
        self.setObjectName("nnviz_main_window")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.settings = settings if settings is not None else SettingsStore()
        self.architecture = self.settings.architecture()
        self.seed = self.settings.seed()
        self.dataset: Dataset | None = None
        self.trainer: Trainer | None = None
        self.training: TrainingThread | None = None
        self.snapshot: Snapshot | None = None
        self.last_message = ""
        self.last_message_level = ""
        self.current_input: np.ndarray | None = None
        self._misclassified_cursor = -1
        self._rng = random.Random()
        self.data_loader = DataLoader(self)
        self.data_loader.loaded.connect(self._on_data_loaded)
        self.data_loader.failed.connect(self._on_data_failed)
        self.data_loader.idle.connect(self._on_data_idle)
        self._closing = False
        self._fallback: tuple[str | None, str | None] | None = None  # (spec, remember) after a failure
        self._queued_stats: list = []
        self._last_frame = self._last_stats = 0.0
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.timeout.connect(self._render_frame)
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.timeout.connect(self._render_stats)
        self._part_timer = QTimer(self)
        self._part_timer.setSingleShot(True)
        self._part_timer.timeout.connect(self._show_snapshot_part_two)
        self._epoch_timer = QTimer(self)
        self._epoch_timer.setSingleShot(True)
        self._epoch_timer.timeout.connect(self._show_epochs)
        self._epochs_to_show: list = []
        self._timers = (self._frame_timer, self._stats_timer, self._part_timer, self._epoch_timer)

        self._build_views()
        self._build_controls()
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._default_layout()
        self._restore_window()
        self._connect_views()

        # Until data is there, show the untrained network so the window is never empty.
        self.network = Network(self.architecture.layer_sizes(784, 10), self.architecture.activation,
                               self.architecture.cost, seed=self.seed)
        self._show_snapshot(self.network.snapshot())
        if self.settings.was_corrupt:
            self.show_message("The saved settings could not be read; nnviz started with its defaults.", "warning")
        if dataset is not None:
            self.set_dataset(dataset, spec=None)
        else:
            self.load_data(data_spec if data_spec is not None else self.settings.dataset_spec())

    # ---- building the window ----------------------------------------------------------------

    def _build_views(self) -> None:
        self.network_graph = NetworkGraphView()
        self.weight_images = WeightImagesView()
        self.cost_curve = CostCurveView()
        self.digit_panel = DigitPanel()
        self.evaluation = EvaluationView()
        self.docks: dict[str, QDockWidget] = {}
        for key, title, widget in (
            ("network_graph", "Network graph", self.network_graph),
            ("weight_images", "Weight images", self.weight_images),
            ("cost_curve", "Cost curve", self.cost_curve),
            ("digit_panel", "Drawing pad", self.digit_panel),
            ("evaluation", "Test results", self.evaluation),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.docks[key] = dock

    def _build_controls(self) -> None:
        self.training_controls = TrainingControls(self.settings.hyper_parameters(), self.settings.delay_ms())
        self.architecture_editor = ArchitectureEditor(self.architecture)
        self.data_label = QLabel("Loading data…")
        self.data_label.setWordWrap(True)
        self.data_label.setToolTip("The digits the network learns from. Change it in the Data menu.")
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.training_controls)
        column.addWidget(self.architecture_editor)
        column.addWidget(self.data_label)
        column.addStretch(1)
        for combo in panel.findChildren(QComboBox):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(panel)
        # A form needs no more width on a big screen: the views get it. Narrower, it is unreadable.
        needed = (panel.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
                  + 2 * scroll.frameWidth())
        scroll.setMinimumWidth(max(SETTINGS_WIDTH[0], min(needed, SETTINGS_WIDTH[1])))
        scroll.setMaximumWidth(SETTINGS_WIDTH[1])
        dock = QDockWidget("Training settings", self)
        dock.setObjectName("dock_training")
        dock.setWidget(scroll)
        self.docks["training"] = dock
        self.training_controls.hyper_parameters_changed.connect(self._on_hyper_parameters_changed)
        self.training_controls.delay_changed.connect(self._on_delay_changed)
        self.architecture_editor.apply_requested.connect(self.apply_architecture)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.start_action = a("Start", self.toggle_training, Qt.Key.Key_Space,
                              "Start or pause training (Space)")
        self.step_action = a("Step one batch", self.step_batch, Qt.Key.Key_N,
                             "Train one mini-batch, then stop (N)")
        self.step_epoch_action = a("Step one epoch", self.step_epoch, "Shift+N",
                                   "Train until the end of this epoch, then stop (Shift+N)")
        self.reset_action = a("Reset", lambda: self.reset(new_seed=False), "Ctrl+R",
                              "Start again from the same random initial weights (Ctrl+R)")
        self.reset_new_seed_action = a("Reset with new seed", lambda: self.reset(new_seed=True), "Ctrl+Shift+R",
                                       "Start again from different random initial weights (Ctrl+Shift+R)")
        self.open_action = a("Open model…", self.open_model_dialog, QKeySequence.StandardKey.Open)
        self.save_action = a("Save model…", self.save_model_dialog, QKeySequence.StandardKey.Save)
        self.export_csv_action = a("Export cost history as CSV…", self.export_csv_dialog)
        self.quit_action = a("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.download_action = a("Download full MNIST…", self.download_dialog)
        self.open_dataset_action = a("Open dataset folder…", self.open_dataset_dialog)
        self.use_sample_action = a("Use bundled sample", lambda: self.load_data("sample"))
        self.use_best_action = a("Use best available data", lambda: self.load_data(None))
        self.clear_pad_action = a("Clear drawing pad", self.clear_drawing, Qt.Key.Key_Escape)
        self.random_digit_action = a("Show a random test digit", self.show_random_test_digit, "T")
        self.misclassified_action = a("Show next misclassified test digit", self.show_next_misclassified, "M")
        self.default_layout_action = a("Restore default layout", self._default_layout)
        self.help_action = a("How to read this window", self.show_help, QKeySequence.StandardKey.HelpContents)
        self.about_action = a("About nnviz", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open recent")
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        self.export_view_menu = file_menu.addMenu("Export view as PNG")
        for key, title in (("window", "Whole window"), ("network_graph", "Network graph"),
                           ("weight_images", "Weight images"), ("cost_curve", "Cost curve"),
                           ("digit_panel", "Drawing pad"), ("evaluation", "Confusion matrix")):
            action = self.export_view_menu.addAction(title + "…")
            action.triggered.connect(lambda _checked=False, k=key: self.export_png_dialog(k))
        file_menu.addAction(self.export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self._refresh_recent_menu()

        training_menu = bar.addMenu("&Training")
        for action in (self.start_action, self.step_action, self.step_epoch_action):
            training_menu.addAction(action)
        training_menu.addSeparator()
        training_menu.addAction(self.reset_action)
        training_menu.addAction(self.reset_new_seed_action)

        data_menu = bar.addMenu("&Data")
        for action in (self.download_action, self.open_dataset_action, self.use_sample_action, self.use_best_action):
            data_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.clear_pad_action)
        view_menu.addAction(self.random_digit_action)
        view_menu.addAction(self.misclassified_action)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.default_layout_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    def _build_toolbars(self) -> None:
        toolbar = QToolBar("Training")
        toolbar.setObjectName("toolbar_training")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.start_action, self.step_action, self.step_epoch_action, self.reset_action,
                       self.reset_new_seed_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.progress_label = QLabel("")
        self.progress_label.setToolTip("Mini-batches trained so far, and where we are in the current epoch")
        toolbar.addWidget(self.progress_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.training_toolbar = toolbar
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.banner = MessageBanner(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)

    def _build_status_bar(self) -> None:
        self.data_status = QLabel("Loading data…")
        self.data_status.setMinimumWidth(120)  # clipped rather than widening a small window
        self.statusBar().addPermanentWidget(self.data_status)

    def _default_layout(self) -> None:
        d = self.docks
        for dock in d.values():
            dock.setFloating(False)
            dock.show()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, d["training"])
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d["network_graph"])
        self.splitDockWidget(d["network_graph"], d["digit_panel"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["network_graph"], d["weight_images"], Qt.Orientation.Vertical)
        self.splitDockWidget(d["weight_images"], d["cost_curve"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["digit_panel"], d["evaluation"], Qt.Orientation.Vertical)
        self.resizeDocks([d["training"], d["network_graph"], d["digit_panel"]], [250, 740, 410],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([d["network_graph"], d["weight_images"]], [430, 390], Qt.Orientation.Vertical)
        self.resizeDocks([d["weight_images"], d["cost_curve"]], [340, 400], Qt.Orientation.Horizontal)
        self.resizeDocks([d["digit_panel"], d["evaluation"]], [430, 390], Qt.Orientation.Vertical)

    def _restore_window(self) -> None:
        self.resize(DEFAULT_SIZE)
        geometry = self.settings.geometry()
        state = self.settings.window_state()
        try:
            if geometry is not None:
                self.restoreGeometry(geometry)
            if state is not None and not self.restoreState(state):
                self._default_layout()
        except (TypeError, ValueError):
            self.resize(DEFAULT_SIZE)
            self._default_layout()

    def _connect_views(self) -> None:
        self.network_graph.neuron_selected.connect(self._on_neuron_selected)
        self.weight_images.neuron_selected.connect(self._on_neuron_selected)
        self.digit_panel.input_changed.connect(self.show_input)
        self.digit_panel.random_test_digit_requested.connect(self.show_random_test_digit)
        self.digit_panel.next_misclassified_requested.connect(self.show_next_misclassified)

    # ---- messages ------------------------------------------------------------------------------

    def show_message(self, text: str, level: str = "info") -> None:
        """Tell the learner something: status bar, plus the banner for warnings and errors. Never blocks."""
        self.last_message = text
        self.last_message_level = level
        self.statusBar().showMessage(text, 15000)
        if level in ("warning", "error"):
            self.banner.show_message(text, level)
        self.message_shown.emit(text, level)

    # ---- data ------------------------------------------------------------------------------------

    def load_data(self, spec: str | None) -> None:
        """Load data on a thread; the window stays responsive and switches to it when ready.

        A request made while another is loading runs when that one is done; only the latest waits.
        """
        self._fallback = None
        self.data_status.setText("Loading data…")
        self.data_loader.load(spec, remember=spec)

    @Slot(object, object)
    def _on_data_loaded(self, dataset: Dataset, remember) -> None:
        if not self._closing:
            self.set_dataset(dataset, remember)

    @Slot(str, object)
    def _on_data_failed(self, message: str, spec) -> None:
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

    def _show_data_status(self) -> None:
        """Say which data is in use (status bar and settings panel)."""
        dataset = self.dataset
        if dataset is None:
            text = "No data loaded: choose data in the Data menu."
        else:
            text = (f"Data: {dataset.name} — {dataset.n_train:,} training and {dataset.n_test:,} test digits "
                    f"({dataset.source})")
        self.data_status.setText(text)
        self.data_label.setText(text)

    def set_dataset(self, dataset: Dataset, spec: str | None = None) -> None:
        """Use ``dataset`` from now on; the network is rebuilt if its inputs or outputs do not fit."""
        self.dataset = dataset
        self.settings.save_dataset_spec(spec)
        sizes = self.architecture.layer_sizes(dataset.n_features, dataset.n_classes)
        if tuple(self.network.layer_sizes) != sizes:
            self.network = Network(sizes, self.architecture.activation, self.architecture.cost, seed=self.seed)
        self.network_graph.set_class_names(dataset.class_names)
        self.weight_images.set_class_names(dataset.class_names)
        self._make_trainer(self.network)
        self._show_data_status()
        self._misclassified_cursor = -1
        self.dataset_changed.emit(dataset)

    # ---- network and trainer ---------------------------------------------------------------

    def _config(self) -> TrainConfig:
        hp = self.training_controls.hyper_parameters()
        return TrainConfig(seed=self.seed, **hp.as_dict())

    def _make_trainer(self, network: Network) -> None:
        """Stop any training and start a fresh worker thread on ``network`` (kept paused)."""
        self._stop_training_thread()
        for timer in self._timers:
            timer.stop()
        self._queued_stats = []
        self._epochs_to_show = []
        self.network = network
        # Nothing measured on the old network may stay on screen next to the new one.
        self.cost_curve.clear()
        self.evaluation.clear()
        self._misclassified_cursor = -1
        if self.current_input is None:
            self.digit_panel.clear_outputs()  # else _show_snapshot sends the input through the new network
        if self.dataset is None:
            self._show_snapshot(network.snapshot())
            return
        try:
            self.trainer = Trainer(network, self.dataset, self._config())
        except ValueError as exc:
            self.trainer = None
            self.show_message(f"Cannot train this network on {self.dataset.name}: {exc}", "error")
            self._show_snapshot(network.snapshot())
            return
        self.training = TrainingThread(self.trainer)
        worker = self.training.worker
        worker.set_delay(self.training_controls.delay_ms() / 1000.0)
        worker.snapshot_available.connect(self._on_snapshot_available)
        worker.batches_done.connect(self._on_batches_done)
        worker.epoch_done.connect(self._on_epoch_done)
        worker.diverged.connect(self._on_diverged)
        worker.running_changed.connect(self._on_running_changed)
        worker.training_finished.connect(self._on_training_finished)
        worker.failed.connect(self._on_worker_failed)
        self.training.start_thread()
        self._show_snapshot(self.trainer.snapshot())
        self._on_running_changed(False)
        self._update_progress(0, 0, 0, 0)

    def _stop_training_thread(self) -> None:
        if self.training is not None:
            if not self.training.shutdown():
                self.show_message("The training thread did not stop in time.", "error")
            self.training = None

    def _is_current_worker(self) -> bool:
        return self.training is not None and self.sender() is self.training.worker

    def reset(self, new_seed: bool = False) -> None:
        """Start again from random weights: the same ones as last time, or new ones."""
        if new_seed:
            self.seed = (self.seed + 1) % (2**31 - 1)
            self.settings.save_seed(self.seed)
        network = Network(self.network.layer_sizes, self.architecture.activation, self.architecture.cost,
                          seed=self.seed)
        self._make_trainer(network)
        self.banner.hide()
        self.show_message(f"Network reset to its random starting weights (seed {self.seed}).")

    @Slot(object)
    def apply_architecture(self, arch: Architecture) -> None:
        """Rebuild the network with a new shape; training starts from zero."""
        self.architecture = arch
        self.architecture_editor.set_architecture(arch)
        self.settings.save_architecture(arch)
        n_in, n_out = (self.dataset.n_features, self.dataset.n_classes) if self.dataset else (784, 10)
        network = Network(arch.layer_sizes(n_in, n_out), arch.activation, arch.cost, seed=self.seed)
        self._make_trainer(network)
        self.banner.hide()
        sizes = "-".join(str(n) for n in network.layer_sizes)
        self.show_message(f"New {sizes} network ({arch.activation}, {arch.cost} cost).")

    # ---- training controls ---------------------------------------------------------------------

    def _worker_ready(self) -> bool:
        if self.training is None:
            self.show_message("The data is still loading; training can start in a moment.")
            return False
        if self.training.worker.has_diverged:
            self.show_message("This network diverged. Lower the learning rate, then press Reset (Ctrl+R).", "warning")
            return False
        if self.training.worker.error is not None:
            self.show_message(f"{self.training.worker.error} {_AFTER_ERROR}", "error")
            return False
        return True

    @Slot()
    def toggle_training(self) -> None:
        if not self._worker_ready():
            return
        worker = self.training.worker
        if worker.is_running:
            worker.pause()
        else:
            worker.start()
            self._on_running_changed(True)

    def start_training(self) -> None:
        if self._worker_ready():
            self.training.worker.start()
            self._on_running_changed(True)

    def pause_training(self) -> None:
        if self.training is not None:
            self.training.worker.pause()

    @Slot()
    def step_batch(self) -> None:
        if self._worker_ready():
            self.training.worker.step_batches(1)

    @Slot()
    def step_epoch(self) -> None:
        if self._worker_ready():
            self.training.worker.step_epoch()

    @Slot(object)
    def _on_hyper_parameters_changed(self, hp: HyperParameters) -> None:
        self.settings.save_hyper_parameters(hp)
        if self.trainer is not None:
            try:
                self.trainer.update(**hp.as_dict())
            except ValueError as exc:
                self.show_message(str(exc), "warning")

    @Slot(float)
    def _on_delay_changed(self, seconds: float) -> None:
        self.settings.save_delay_ms(int(round(seconds * 1000)))
        if self.training is not None:
            self.training.worker.set_delay(seconds)

    # ---- what the worker reports ------------------------------------------------------------

    # The worker reports up to ~20 times a second; redrawing every view that often would take the
    # GIL from training (both threads share it). While training runs at full speed the snapshot
    # views are redrawn at most 1/FRAME_INTERVAL_S times a second and the cost curve and test
    # results STATS_FRAMES times less often (their redraw is the dearest), each in its own
    # event-loop turn so no single turn blocks the GUI for long. Paused, stepping or slowed down,
    # everything is shown at once.

    def _frame_interval(self) -> float:
        worker = self.training.worker if self.training is not None else None
        # Slowed down to EMIT_INTERVAL or more per batch, each batch is shown as it comes; with a
        # shorter delay training is still fast enough to swamp the GUI, so the throttle stays.
        if worker is None or not (worker.is_running or worker.is_busy) or worker.delay >= EMIT_INTERVAL:
            return 0.0
        return FRAME_INTERVAL_S

    def _schedule(self, timer: QTimer, last: float, offset: float = 0.0, frames: int = 1) -> None:
        if timer.isActive():
            return
        wait = max(0.0, last + frames * self._frame_interval() + offset - time.perf_counter())
        timer.start(int(wait * 1000))

    @Slot()
    def _on_snapshot_available(self) -> None:
        if self._is_current_worker():
            self._schedule(self._frame_timer, self._last_frame)

    @Slot()
    def _render_frame(self) -> None:
        self._last_frame = time.perf_counter()
        if self.training is None:
            return
        snapshot = self.training.worker.take_snapshot()
        if snapshot is not None:
            self._show_snapshot(snapshot)

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` in every view: the graph now, the weight images in the next event-loop turn.

        Splitting the work (and so the repaint) keeps each turn short, so the GUI stays responsive.
        """
        self.snapshot = snapshot
        self.network_graph.show_snapshot(snapshot)
        if self.current_input is not None:
            self._forward_current_input()
        if self._frame_interval() == 0.0:
            self._show_snapshot_part_two()
        else:
            # a little later, so the two views are not repainted in the same pass either
            self._part_timer.start(int(FRAME_INTERVAL_S * 1000 / 3))

    @Slot()
    def _show_snapshot_part_two(self) -> None:
        self._part_timer.stop()
        if self.snapshot is not None:
            self.weight_images.show_snapshot(self.snapshot)
            self.snapshot_shown.emit(self.snapshot)

    @Slot(object)
    def _on_batches_done(self, batches: list) -> None:
        if not self._is_current_worker() or not batches:
            return
        self._queued_stats.append(("batches", batches))
        self._schedule(self._stats_timer, self._last_stats, offset=self._stats_offset(), frames=STATS_FRAMES)

    @Slot(object)
    def _on_epoch_done(self, stats) -> None:
        if not self._is_current_worker():
            return
        self._queued_stats.append(("epoch", stats))
        self._schedule(self._stats_timer, self._last_stats, offset=self._stats_offset(), frames=STATS_FRAMES)

    def _stats_offset(self) -> float:
        """Half a frame after the snapshot frame, so the two redraws fall in different turns."""
        if not self._frame_timer.isActive() or self._frame_interval() == 0.0:
            return 0.0
        return self._frame_timer.remainingTime() / 1000.0 + FRAME_INTERVAL_S / 2 - FRAME_INTERVAL_S

    @Slot()
    def _render_stats(self) -> None:
        self._last_stats = time.perf_counter()
        queued, self._queued_stats = self._queued_stats, []
        batches: list = []
        epochs: list = []
        last = None  # the latest mini-batch, even when an epoch's evaluation came after it
        for kind, payload in queued:
            if kind == "batches":
                batches.extend(payload)
                last = payload[-1]
            else:
                if batches:
                    self.cost_curve.add_batches(batches)
                    batches = []
                self.cost_curve.add_epoch(payload)
                epochs.append(payload)
        if batches:
            self.cost_curve.add_batches(batches)
        if last is not None:
            self._update_progress(last.step, last.epoch, last.batch + 1, last.batches_per_epoch)
        if epochs:
            self._epochs_to_show.extend(epochs)
            if self._frame_interval() == 0.0:
                self._show_epochs()
            else:
                # the confusion matrix a little later: shorter turns, separate repaints
                self._epoch_timer.start(int(FRAME_INTERVAL_S * 1000 / 3))

    @Slot()
    def _show_epochs(self) -> None:
        self._epoch_timer.stop()
        epochs, self._epochs_to_show = self._epochs_to_show, []
        if not epochs:
            return
        stats = epochs[-1]
        class_names = self.dataset.class_names if self.dataset else tuple(str(i) for i in range(10))
        self.evaluation.show_epoch(stats, class_names)
        self._misclassified_cursor = -1
        self.show_message(f"Epoch {stats.epoch} done: {stats.test_accuracy:.1%} of the test digits right "
                          f"(test cost {stats.test_cost:.3f}).")
        for stats in epochs:
            self.epoch_shown.emit(stats)

    def _update_progress(self, step: int, epoch: int, batch: int, batches_per_epoch: int) -> None:
        if step == 0:
            self.progress_label.setText("  untrained: press Start (Space) or Step (N)")
        else:
            self.progress_label.setText(f"  step {step:,} · epoch {epoch + 1}, batch {batch:,} of {batches_per_epoch:,}")

    @Slot(object)
    def _on_diverged(self, diverged) -> None:
        if not self._is_current_worker():
            return
        self._on_running_changed(False)
        self.show_message(f"{diverged.message} Training is paused.", "warning")

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if running and self.training is not None and not self.training.worker.is_running:
            running = False  # a stale "started" from a step that has already ended
        if not running:
            for timer in self._timers:
                if timer.isActive():
                    timer.start(0)  # show the final state now
        self.start_action.setText("Pause" if running else "Start")
        self.start_action.setToolTip("Pause training (Space)" if running else "Start training (Space)")

    @Slot()
    def _on_training_finished(self) -> None:
        if not self._is_current_worker():
            return
        self._on_running_changed(False)
        self.show_message(f"Training finished its {self.trainer.config.epochs} epochs. "
                          "Press Reset (Ctrl+R) to train again.")

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        if self._is_current_worker():
            self._on_running_changed(False)
            self.show_message(f"{message} {_AFTER_ERROR}", "error")

    # ---- inputs: drawing pad and test digits ----------------------------------------------------

    @Slot(object)
    def show_input(self, x) -> None:
        """Send one input (n_features,) through the latest snapshot and show what every layer does."""
        self.current_input = np.asarray(x, dtype=np.float32).reshape(-1)
        self._forward_current_input()

    def _forward_current_input(self) -> None:
        if self.snapshot is None:
            return
        if self.current_input is None or self.current_input.size != self.snapshot.layer_sizes[0]:
            self.digit_panel.clear_outputs()  # bars of another network or input would mislead
            return
        activations = self.snapshot.forward(self.current_input)
        class_names = self.dataset.class_names if self.dataset else tuple(str(i) for i in range(10))
        self.digit_panel.show_outputs(activations[-1], class_names)
        self.network_graph.show_activations(activations)
        self.outputs_shown.emit(activations[-1])

    @Slot()
    def clear_drawing(self) -> None:
        self.digit_panel.clear()
        self.current_input = None
        self.digit_panel.clear_outputs()

    @Slot()
    def show_random_test_digit(self) -> None:
        if self.dataset is None:
            return
        i = self._rng.randrange(self.dataset.n_test)
        self._show_test_digit(i, f"test digit #{i}, label {self.dataset.class_names[self.dataset.y_test[i]]}")

    @Slot()
    def show_next_misclassified(self) -> None:
        """The next test digit (after the last one shown) that the current network gets wrong."""
        if self.dataset is None or self.snapshot is None:
            return
        predicted = self.snapshot.predict(self.dataset.x_test)
        wrong = np.flatnonzero(predicted != self.dataset.y_test)
        if wrong.size == 0:
            self.show_message("The network gets every test digit right.")
            return
        later = wrong[wrong > self._misclassified_cursor]
        i = int(later[0] if later.size else wrong[0])
        self._misclassified_cursor = i
        names = self.dataset.class_names
        self._show_test_digit(i, f"test digit #{i}: label {names[self.dataset.y_test[i]]}, "
                                 f"network says {names[predicted[i]]}")

    def _show_test_digit(self, i: int, caption: str) -> None:
        x = self.dataset.x_test[i]
        self.digit_panel.show_input(x, caption)
        self.show_input(x)

    @Slot(int, int)
    def _on_neuron_selected(self, layer: int, neuron: int) -> None:
        sender = self.sender()
        for view in (self.network_graph, self.weight_images):
            if view is not sender:
                view.select_neuron(layer, neuron)

    # ---- data dialogs -----------------------------------------------------------------------------

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

    # ---- help ---------------------------------------------------------------------------------

    def show_help(self) -> None:
        show_help(self)

    def show_about(self) -> None:
        show_about(self)

    # ---- closing --------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._closing = True
        self._stop_training_thread()
        for timer in self._timers:
            timer.stop()
        self.data_loader.shutdown()
        for dialog in self.findChildren(DownloadDialog):
            dialog.shutdown()  # a download waiting on the network must not outlive the window
        try:
            self.settings.save_window(self.saveGeometry(), self.saveState())
            self.settings.save_hyper_parameters(self.training_controls.hyper_parameters())
            self.settings.save_architecture(self.architecture)
            self.settings.sync()
        except Exception:  # noqa: BLE001 - failing to remember settings must not stop closing
            pass
        super().closeEvent(event)
