"""The nnviz main window: layout, menus and wiring of one TrainingSession to the five views.

Training lives in session.py; files, data, inputs and menus in _files, _window_data, _window_inputs, _window_menus.
"""

from __future__ import annotations

import random
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMainWindow, QScrollArea, QVBoxLayout, QWidget

from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network, Snapshot
from nnviz.engine.trainer import TrainConfig
from nnviz.qt._controls import ArchitectureEditor, TrainingControls
from nnviz.qt._data_loader import DataLoader
from nnviz.qt._dialogs import DownloadDialog
from nnviz.qt._dock_tabs import DockTabTips, DockTitleBars, new_dock
from nnviz.qt._files import FileActions
from nnviz.qt._settings import Architecture, HyperParameters, SettingsStore
from nnviz.qt._shortcut_guard import install as install_shortcut_guard
from nnviz.qt._window_data import DataActions
from nnviz.qt._window_feedback import FeedbackActions
from nnviz.qt._window_inputs import InputActions
from nnviz.qt._window_layout import DEFAULT_SIZE, LayoutActions
from nnviz.qt._window_neuron import NeuronActions
from nnviz.qt._window_runs import RunActions
from nnviz.qt._window_views import MoreViews
from nnviz.qt._window_menus import MenuActions
from nnviz.qt.session import FRAME_INTERVAL_S, TrainingSession
from nnviz.qt.views.cost_curve import CostCurveView
from nnviz.qt.views.drawing_pad import DigitPanel
from nnviz.qt.views.evaluation import EvaluationView
from nnviz.qt.views.network_graph import NetworkGraphView
from nnviz.qt.views.weight_images import WeightImagesView

#: Narrowest and widest the Training settings panel gets (pixels).
SETTINGS_WIDTH = (190, 330)
#: While training at full speed the weight images redraw at most this often (the graph at every frame).
LATE_VIEWS_INTERVAL_S = 0.4


class MainWindow(MenuActions, FileActions, DataActions, InputActions, LayoutActions, FeedbackActions,
                 NeuronActions, MoreViews, RunActions, QMainWindow):
    """The nnviz window: one TrainingSession shown by the network graph, weight images, cost curve,
    drawing pad and test results.

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
        # The platform adds the application's name ("… — nnviz"): the title does not repeat it.
        self.setWindowTitle("Watch a neural network learn to read digits")
        self.setObjectName("nnviz_main_window")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.settings = settings if settings is not None else SettingsStore()
        self.architecture = self.settings.architecture()
        self.snapshot: Snapshot | None = None
        self.last_message = ""
        self.last_message_level = ""
        self.current_input: np.ndarray | None = None
        self._misclassified_cursor = -1
        self._rng = random.Random()
        self._closing = False
        self._fallback: tuple[str | None, str | None] | None = None  # (spec, remember) after a failure
        self.data_loader = DataLoader(self)
        self.data_loader.loaded.connect(self._on_data_loaded)
        self.data_loader.failed.connect(self._on_data_failed)
        self.data_loader.idle.connect(self._on_data_idle)
        # The weight images and the confusion matrix are drawn a moment after the graph and the
        # cost curve while training runs at full speed: shorter event-loop turns, separate repaints.
        self._late_timer = QTimer(self)
        self._late_timer.setSingleShot(True)
        self._late_timer.timeout.connect(self._show_late_views)
        self._late_snapshot: Snapshot | None = None
        self._late_shown_at = 0.0
        self._late_epoch = None
        self._diverged_step: int | None = None  # the step whose cost was NaN or infinite (not applied)

        self._build_views()
        self._build_more_views()
        self._build_runs()
        self._build_controls()
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._restore_window()
        self.dock_tab_tips = DockTabTips(self)
        self.dock_title_bars = DockTitleBars(self, self.docks)
        self._connect_views()
        self.shortcut_guard = install_shortcut_guard(self)

        # Until data is there, the session shows the untrained network so the window is never empty.
        network = Network(self.architecture.layer_sizes(784, 10), self.architecture.activation,
                          self.architecture.cost, seed=self.settings.seed())
        self.session = TrainingSession(network, config=self._config(self.settings.seed()), parent=self)
        self.session.set_delay(self.training_controls.delay_ms() / 1000.0)
        self._connect_session()
        self._connect_more_views()
        self._connect_runs()
        self._on_network_changed(self.session.snapshot)
        self._show_snapshot(self.session.snapshot)
        if dataset is not None:
            self.set_dataset(dataset, spec=None)
        else:
            self.load_data(data_spec if data_spec is not None else self.settings.dataset_spec())
        if self.settings.problem_message():
            self.show_message(self.settings.problem_message(), "warning")

    # ---- building the window ----------------------------------------------------------------

    def _build_views(self) -> None:
        self.network_graph = NetworkGraphView()
        self.weight_images = WeightImagesView()
        self.cost_curve = CostCurveView()
        self.cost_curve.coalesce = True  # a delivery of several epochs and batch lists is drawn once
        self.digit_panel = DigitPanel()
        self.evaluation = EvaluationView()
        self.docks: dict[str, QDockWidget] = {}
        for key, widget in (
            ("network_graph", self.network_graph),
            ("weight_images", self.weight_images),
            ("cost_curve", self.cost_curve),
            ("digit_panel", self.digit_panel),
            ("evaluation", self.evaluation),
        ):
            dock = new_dock(self, key, widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.docks[key] = dock

    def _build_controls(self) -> None:
        self.training_controls = TrainingControls(self.settings.hyper_parameters(), self.settings.delay_ms())
        self.architecture_editor = ArchitectureEditor(self.architecture)
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.training_controls)
        column.addWidget(self.architecture_editor)
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
        self.docks["training"] = new_dock(self, "training", scroll)
        self.training_controls.hyper_parameters_changed.connect(self._on_hyper_parameters_changed)
        self.training_controls.delay_changed.connect(self._on_delay_changed)
        self.training_controls.learning_rate.capped.connect(self._say_rate_capped)
        self.architecture_editor.apply_requested.connect(self.apply_architecture)

    def _build_status_bar(self) -> None:
        self.data_status = QLabel("Loading data…")
        self.data_status.setMinimumWidth(120)  # clipped rather than widening a small window
        self.statusBar().addPermanentWidget(self.data_status)

    def _connect_views(self) -> None:
        self.network_graph.neuron_selected.connect(self._on_neuron_selected)
        self.weight_images.neuron_selected.connect(self._on_neuron_selected)
        self.digit_panel.input_changed.connect(self.show_input)
        self.digit_panel.random_test_digit_requested.connect(self.show_random_test_digit)
        self.digit_panel.next_misclassified_requested.connect(self.show_next_misclassified)

    def _connect_session(self) -> None:
        s = self.session
        s.snapshot_ready.connect(self._show_snapshot)
        s.batches_ready.connect(self._on_batches)
        s.epoch_finished.connect(self._on_epoch)
        s.network_changed.connect(self._on_network_changed)
        s.diverged.connect(self._on_diverged)
        s.not_learning.connect(self._say_not_learning)
        s.running_changed.connect(self._on_running_changed)
        s.finished.connect(self._on_training_finished)
        s.error.connect(self._on_session_error)

    # ---- messages ------------------------------------------------------------------------------

    def show_message(self, text: str, level: str = "info") -> None:
        """Tell the learner something: status bar, plus the banner for warnings and errors. Never blocks."""
        self.last_message = text
        self.last_message_level = level
        self.statusBar().showMessage(text, 15000)
        if level in ("warning", "error"):
            self.banner.show_message(text, level)
        self.message_shown.emit(text, level)

    # ---- network and training ------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return self.session.config.seed

    def _config(self, seed: int) -> TrainConfig:
        return TrainConfig(seed=seed, **self.training_controls.hyper_parameters().as_dict())

    def use_network(self, network: Network) -> bool:
        """Train ``network`` from now on (an opened model); False, with a message, if it cannot be trained."""
        try:
            self.session.set_network(network)
        except ValueError as exc:
            self.show_message(str(exc), "error")
            return False
        self.banner.hide()
        return True

    def reset(self, new_seed: bool = False) -> None:
        """Start again from random weights: the same ones as last time, or new ones."""
        if not self.may_discard("Reset"):
            return
        seed = self.seed
        if new_seed:
            seed = (seed + 1) % (2**31 - 1)
            self.settings.save_seed(seed)
        self.session.update(**self.training_controls.hyper_parameters().as_dict())
        self.session.reset(seed)
        self.banner.hide()
        self.show_message(f"Network reset to its random starting weights (seed {seed}).")

    @Slot(object)
    def apply_architecture(self, arch: Architecture) -> None:
        """Rebuild the network with a new shape; training starts from zero."""
        if not self.may_discard("The new network"):
            return
        self.architecture = arch
        self.architecture_editor.set_architecture(arch)
        self.settings.save_architecture(arch)
        try:
            self.session.rebuild(arch.hidden, arch.activation, arch.cost)
        except ValueError as exc:
            self.show_message(str(exc), "error")
            return
        self.banner.hide()
        sizes = "-".join(str(n) for n in self.session.network.layer_sizes)
        self.show_message(f"New {sizes} network ({arch.activation}, {arch.cost} cost).")

    def _refuse(self) -> bool:
        """True, with the reason shown, when the session cannot train now."""
        reason = self.session.cannot_train()
        if reason is not None:
            level = "info" if self.session.dataset is None else ("error" if self.session.error_message else "warning")
            self.show_message(reason, level)
        return reason is not None

    @Slot()
    def toggle_training(self) -> None:
        if not self._refuse():
            self.session.toggle()

    def start_training(self) -> None:
        if not self._refuse():
            self.session.start()

    def pause_training(self) -> None:
        self.session.pause()

    @Slot()
    def step_batch(self) -> None:
        if not self._refuse():
            self.session.step_batches(1)

    @Slot()
    def step_epoch(self) -> None:
        if not self._refuse():
            self.session.step_epoch()

    @Slot(object)
    def _on_hyper_parameters_changed(self, hp: HyperParameters) -> None:
        self.settings.save_hyper_parameters(hp)
        try:
            self.session.update(**hp.as_dict())
        except ValueError as exc:
            self.show_message(str(exc), "warning")

    @Slot(float)
    def _on_delay_changed(self, seconds: float) -> None:
        self.settings.save_delay_ms(int(round(seconds * 1000)))
        self.session.set_delay(seconds)

    # ---- what the session reports ----------------------------------------------------------------

    def _later(self) -> bool:
        """Draw the dearer views a moment later (True while training runs at full speed), and at most
        every LATE_VIEWS_INTERVAL_S: the weight images cost as much as the rest of a frame together."""
        if self.session.is_paced:
            if not self._late_timer.isActive():
                wait = LATE_VIEWS_INTERVAL_S - (time.perf_counter() - self._late_shown_at)
                self._late_timer.start(int(max(FRAME_INTERVAL_S / 3, wait) * 1000))
            return True
        return False

    @Slot(object)
    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` in every view: the graph now, the weight images now or a moment later."""
        if self._replay_blocks(snapshot):
            return
        self.snapshot = snapshot
        self.network_graph.set_smooth_edges(not self.session.is_paced)
        self.network_graph.show_snapshot(snapshot)
        if self.current_input is not None:
            self._forward_current_input()
        self._late_snapshot = snapshot
        if not self._later():
            self._show_late_views()

    @Slot()
    def _show_late_views(self) -> None:
        self._late_timer.stop()
        snapshot, self._late_snapshot = self._late_snapshot, None
        epoch, self._late_epoch = self._late_epoch, None
        if snapshot is not None:
            self.weight_images.show_snapshot(snapshot)
            self._late_shown_at = time.perf_counter()
            self.snapshot_shown.emit(snapshot)
        if epoch is not None:
            self.evaluation.show_epoch(epoch, self._class_names())
            self._misclassified_cursor = -1

    @Slot(object)
    def _on_batches(self, batches: list) -> None:
        self.cost_curve.add_batches(batches)
        last = batches[-1]
        self._update_progress(last.step, last.epoch, last.batch + 1, last.batches_per_epoch)

    @Slot(object)
    def _on_epoch(self, stats) -> None:
        self.cost_curve.add_epoch(stats)
        self._late_epoch = stats
        if not self._later():
            self._show_late_views()
        self.show_message(f"Epoch {stats.epoch} done: {stats.test_accuracy:.1%} of the test digits right "
                          f"(test cost {stats.test_cost:.3f}).")
        self.epoch_shown.emit(stats)

    @Slot(object)
    def _on_network_changed(self, _snapshot) -> None:
        # Nothing measured on the old network may stay on screen next to the new one.
        self._late_timer.stop()
        self._late_snapshot = self._late_epoch = None
        self.cost_curve.clear()
        self.evaluation.clear()
        self._misclassified_cursor = -1
        if self.current_input is None:
            self.digit_panel.clear_outputs()  # else the next snapshot sends the input through the new network
        self._diverged_step = None
        self._update_progress(0, 0, 0, 0)
        self._on_running_changed(False)

    def _update_progress(self, step: int, epoch: int, batch: int, batches_per_epoch: int) -> None:
        if step == 0:
            self.progress_label.setText("  untrained: press Start (Space) or Step (N)")
        elif self._diverged_step is not None:
            # the banner names the step whose cost was NaN; that step's update was never made
            self.progress_label.setText(f"  step {step:,} done · step {self._diverged_step:,} diverged (not applied)")
        else:
            self.progress_label.setText(f"  step {step:,} · epoch {epoch + 1}, batch {batch:,} of {batches_per_epoch:,}")

    @Slot(object)
    def _on_diverged(self, diverged) -> None:
        self._diverged_step = diverged.step
        self._update_progress(diverged.step - 1, 0, 0, 0)
        self.show_message(f"{diverged.message} Training is paused.", "warning")

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if not running and self._late_timer.isActive():
            self._show_late_views()  # the final state now
        self.start_action.setText("Pause" if running else "Start")
        self.start_action.setToolTip("Pause training (Space)" if running else "Start training (Space)")

    @Slot()
    def _on_training_finished(self) -> None:
        self.show_message(f"Training finished its {self.session.config.epochs} epochs. "
                          "Press Reset (Ctrl+R) to train again.")

    @Slot(str)
    def _on_session_error(self, message: str) -> None:
        self.show_message(f"{message} Press Reset (Ctrl+R) to start training again.", "error")

    @Slot(int, int)
    def _on_neuron_selected(self, layer: int, neuron: int) -> None:
        sender = self.sender()
        for view in (self.network_graph, self.weight_images):
            if view is not sender:
                view.select_neuron(layer, neuron)
        self.open_neuron_card(layer, neuron)

    # ---- closing --------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._closing and not self.may_discard("Quitting"):
            event.ignore()
            return
        self._closing = True
        self._close_neuron_card()
        if not self.session.close():
            self.show_message("The training thread did not stop in time.", "error")
        self._late_timer.stop()
        self.cost_curve.coalesce = False  # no redraw left waiting
        self.data_loader.shutdown()
        self.settings.end_data_load()  # the load in progress finished (shutdown waits): nothing to distrust
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
