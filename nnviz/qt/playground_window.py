"""The Playground: small networks on 2-D points and 1-D curves, trained live, with every neuron's
heat map, the output's decision, the plane as a hidden layer sees it, and curves built from steps.

Layout and wiring only: a TrainingSession trains, the engine computes what to draw, views draw it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QScrollArea, QSplitter,
                               QStackedWidget, QToolBar, QVBoxLayout, QWidget)

from nnviz.engine.features import FEATURE_LABELS
from nnviz.engine.learning_check import StuckWatch, stuck_message
from nnviz.engine.playground import PLANE_EXTENT, PlaneSampler, curve_parts, dead_layers, grid_lines
from nnviz.engine.toy import drawn_curve
from nnviz.qt import _playground_state as ps
from nnviz.qt._playground_controls import PlaygroundControls
from nnviz.qt._playground_curve import NeuronEditor
from nnviz.qt._widgets import MessageBanner
from nnviz.qt.session import FrameClock, TrainingSession
from nnviz.qt.views.curve_fit import CurveFitView
from nnviz.qt.views.decision_plane import DecisionPlaneView
from nnviz.qt.views.hidden_space import HiddenSpaceView
from nnviz.qt.views.loss_curve import LossCurveView
from nnviz.qt.views.plane_network import PlaneNetworkView
from nnviz.qt.views._steady_label import SteadyLabel

TITLE = "nnviz Playground"
#: Frames reach the views up to 25 times a second: small networks change fast and draw cheaply.
FRAME_INTERVAL_S = 0.04
# 400 points a line: a trained tanh layer is steep (slopes of 10-20 per unit of the plane), and a grid
# line sampled coarsely turns into straight chords between saturated corners instead of a bent line
# The grid covers -1..1, where the toy data lie: lines beyond it fold where no point is, and only add tangle.
GRID_LINES, GRID_SAMPLES, GRID_EXTENT = 7, 400, 1.0
#: The loss curve and the numbers above it follow every this many frames while training runs
#: (about 5 times a second): they change little from one frame to the next, and redrawing a
#: plot with its axes costs as much as a heat map.
LOSS_EVERY_FRAMES = 5
#: The worker rests this long after every mini-batch. Small networks train in pure-Python-speed
#: steps that would hold the GIL almost all the time; the rest hands it to the GUI thread, which
#: then draws 20+ frames a second, at the cost of a cap of a few hundred epochs a second.
WORKER_REST_S = 0.0002


class PlaygroundWindow(QMainWindow):
    """The Playground window. ``session`` trains; ``frames_drawn`` counts the snapshots drawn."""

    def __init__(self, state: ps.PlaygroundState | None = None, clock: FrameClock | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.state = state if state is not None else ps.PlaygroundState()
        self.frames_drawn = 0
        self.last_epoch = None
        self._pending_epochs: list = []
        self._stuck_text = ""  # the not-learning warning on the banner now, if any
        self._grid = grid_lines(GRID_LINES, GRID_SAMPLES, GRID_EXTENT)
        self._hidden_choice = 0
        self._structure: tuple = ()  # (mode, layer sizes) the views are built for
        self.clock = clock if clock is not None else FrameClock(frame_interval_s=FRAME_INTERVAL_S, parent=self)
        self._build_views()
        self._build_toolbar()
        dataset = self.state.make_dataset()
        self.session = TrainingSession(self.state.make_network(dataset), dataset, self.state.train_config(),
                                       clock=self.clock, parent=self)
        self.session.set_delay(WORKER_REST_S)
        self.session.snapshot_ready.connect(self.draw)
        self.session.epoch_finished.connect(self._on_epoch)
        self.session.running_changed.connect(self._on_running_changed)
        self.session.diverged.connect(lambda d: self.banner.show_message(d.message, "warning"))
        self.session.error.connect(lambda text: self.banner.show_message(text, "error"))
        self._show_new_data(dataset)
        self.draw(self.session.snapshot)

    # ---- building ----------------------------------------------------------------------------------

    def _build_views(self) -> None:
        self.controls = PlaygroundControls(self.state)
        self.controls.state_changed.connect(self.apply_state)
        self.controls.draw_requested.connect(self._on_draw_requested)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 20)

        self.network_view = PlaneNetworkView()
        self.network_view.edge_clicked.connect(self.ask_weight)
        self.decision_view = DecisionPlaneView(ps.OUTPUT_RESOLUTION, PLANE_EXTENT)
        self.hidden_view = HiddenSpaceView(GRID_SAMPLES)
        self.hidden_layer_box = QComboBox()
        self.hidden_layer_box.setToolTip("The hidden layer whose view of the plane is drawn")
        self.hidden_layer_box.currentIndexChanged.connect(self._on_hidden_choice)
        self.loss_view = LossCurveView()
        network_legend = QLabel(
            "Each tile: that input's or neuron's output over the plane (blue +1, white 0, red −1); an output "
            "tile: how likely its class is, from white (0) to the class's colour (1). Lines: weights, blue positive, red negative, wider = larger |weight|. Hover for values; "
            "click a line to type a weight.")
        network_legend.setWordWrap(True)
        network_panel = QWidget()
        column = QVBoxLayout(network_panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.network_view, 1)
        column.addWidget(network_legend)
        hidden_panel = QWidget()
        hidden_column = QVBoxLayout(hidden_panel)
        hidden_column.setContentsMargins(0, 0, 0, 0)
        hidden_column.addWidget(self.hidden_layer_box)
        hidden_column.addWidget(self.hidden_view, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(hidden_panel)
        lower.addWidget(self.loss_view)
        lower.setSizes([1100, 900])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.decision_view)
        right.addWidget(lower)
        right.setSizes([1000, 800])
        plane_page = QSplitter(Qt.Orientation.Horizontal)
        plane_page.addWidget(network_panel)
        plane_page.addWidget(right)
        plane_page.setSizes([1100, 900])  # proportions: the network gets a little more room

        self.curve_view = CurveFitView()
        self.curve_view.handle_moved.connect(self._on_handle_moved)
        self.curve_view.curve_drawn.connect(self.use_drawn_curve)
        self.neuron_editor = NeuronEditor()
        self.neuron_editor.neuron_chosen.connect(self._on_neuron_chosen)
        self.neuron_editor.parameter_set.connect(self.set_parameter)
        self.curve_loss_view = LossCurveView()
        self.curve_loss_view.set_loss_name("mean squared error")
        curve_side = QWidget()
        side = QVBoxLayout(curve_side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.neuron_editor)
        side.addWidget(self.curve_loss_view, 1)
        curve_page = QSplitter(Qt.Orientation.Horizontal)
        curve_page.addWidget(self.curve_view)
        curve_page.addWidget(curve_side)
        curve_page.setSizes([1500, 500])

        self.pages = QStackedWidget()
        self.pages.addWidget(plane_page)
        self.pages.addWidget(curve_page)
        centre = QWidget()
        row = QHBoxLayout(centre)
        row.setContentsMargins(2, 2, 2, 2)
        row.addWidget(scroll)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(centre)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Training")
        bar.setObjectName("playground_training")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.run_action = self._action(bar, "Run", self.toggle_running, Qt.Key.Key_Space, "Run or pause training (Space)")
        self.step_action = self._action(bar, "Step", self.step, Qt.Key.Key_N, "Train one epoch, then pause (N)")
        self.reset_action = self._action(bar, "Reset", self.reset, "Ctrl+R",
                                         "Start again from new random weights (Ctrl+R)")
        bar.addSeparator()
        # new texts many times a second while training: SteadyLabel repaints them without a relayout
        self.epoch_label = SteadyLabel()
        self.loss_label = SteadyLabel()
        for label in (self.epoch_label, self.loss_label):
            label.label.setContentsMargins(8, 0, 8, 0)
            bar.addWidget(label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.banner = MessageBanner(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)

    def _action(self, bar: QToolBar, text: str, slot, shortcut, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip)
        action.triggered.connect(slot)
        bar.addAction(action)
        return action

    # ---- controls ----------------------------------------------------------------------------------

    def toggle_running(self) -> None:
        if not self.session.toggle():
            self.banner.show_message(self.session.cannot_train() or "Training cannot start.", "warning")

    def step(self) -> None:
        self.session.step_epoch()

    def reset(self) -> None:
        """New random weights (a new seed each time), same data and settings; the loss curve starts again."""
        self.state = self.state.replace(seed=self.state.seed + 1)
        self.controls.set_state(self.state)
        self._rebuild(new_data=False)

    @Slot(object)
    def apply_state(self, state: ps.PlaygroundState) -> None:
        """Take new settings: live ones go to the trainer, others build new data or a new network."""
        old, self.state = self.state, state
        if ps.needs_rebuild(old, state):
            self._rebuild(new_data=True)
        else:
            self.session.update(**state.trainer_changes())
            self.decision_view.set_show_test(state.show_test)

    def _rebuild(self, new_data: bool) -> None:
        running = self.session.is_running
        self.banner.hide()
        try:
            dataset = self.state.make_dataset() if new_data or self.session.dataset is None else self.session.dataset
            network = self.state.make_network(dataset)
        except ValueError as error:
            self.banner.show_message(f"Cannot build this: {error}", "warning")
            return
        self.session.update(**self.state.trainer_changes())
        self.session.set_dataset(dataset, network)
        self._show_new_data(dataset)
        self.draw(self.session.snapshot)
        if running:
            self.session.start()

    def _show_new_data(self, dataset) -> None:
        """Structure and data of the views for a new dataset or network."""
        state = self.state
        self._structure = (state.mode, self.session.network.layer_sizes)
        self.pages.setCurrentIndex(1 if state.is_curve else 0)
        self.loss_view.clear_curve()
        self.curve_loss_view.clear_curve()
        self._pending_epochs = []
        self.last_epoch = None
        self.stuck_watch = StuckWatch(dataset.y_test, self.session.network.layer_sizes[-1], dataset.is_regression)
        self._stuck_text = ""
        self._show_progress()
        if state.is_curve:
            x = ps.curve_x()
            self.curve_view.set_data(dataset.x_train, dataset.y_train, x, state.target_function()(x))
            return
        raw = state.raw_points()
        self.raw_points = raw
        # the grids and points go through the network together, once per frame
        self._sampler = PlaneSampler(state.features, ps.HEATMAP_RESOLUTION, ps.OUTPUT_RESOLUTION, raw.x_train,
                                     self._grid, PLANE_EXTENT)
        self.network_view.set_structure(self.session.network.layer_sizes, [FEATURE_LABELS[f] for f in state.features],
                                        dataset.class_names, ps.HEATMAP_RESOLUTION, PLANE_EXTENT)
        self.decision_view.set_points(raw.x_train, raw.y_train, raw.x_test, raw.y_test, dataset.class_names)
        self.decision_view.set_show_test(state.show_test)
        self.hidden_view.set_labels(raw.y_train)
        self.hidden_layer_box.blockSignals(True)
        self.hidden_layer_box.clear()
        for i, n in enumerate(state.hidden):
            if n >= 2:
                how = "2 neurons" if n == 2 else f"{n} neurons, PCA"
                self.hidden_layer_box.addItem(f"Layer {i + 1} ({how})", i + 1)
        if self.hidden_layer_box.count():
            choices = [self.hidden_layer_box.itemData(k) for k in range(self.hidden_layer_box.count())]
            two = [c for c in choices if state.hidden[c - 1] == 2]
            self._hidden_choice = self._hidden_choice if self._hidden_choice in choices else (two or choices)[-1]
            self.hidden_layer_box.setCurrentIndex(choices.index(self._hidden_choice))
        else:
            self._hidden_choice = 0
        self.hidden_layer_box.setVisible(self.hidden_layer_box.count() > 0)
        self.hidden_layer_box.blockSignals(False)

    def _on_hidden_choice(self, index: int) -> None:
        if index >= 0:
            self._hidden_choice = self.hidden_layer_box.itemData(index)
            self.draw(self.session.snapshot)

    # ---- drawing -----------------------------------------------------------------------------------

    @Slot(object)
    def draw(self, snapshot) -> None:
        """Draw one snapshot in every view of the current mode."""
        if (self.state.mode, snapshot.layer_sizes) != self._structure:
            return  # a new network whose views are being built: they draw it when ready
        self.frames_drawn += 1
        if self.frames_drawn % LOSS_EVERY_FRAMES == 0 or not self.session.is_running:
            self._flush_epochs()
        if self.state.is_curve:
            self._draw_curve(snapshot)
            return
        frame = self._sampler.frame(snapshot, self._hidden_choice)
        self.network_view.show_maps(frame.maps, snapshot.weights, snapshot.biases)
        self.decision_view.show_decision(frame.decision)
        if frame.space is not None:
            self.hidden_view.show_space(frame.space)
        elif not self.state.hidden:
            self.hidden_view.show_message("No hidden layer: the output draws one straight line through the "
                                          "input features. Add a hidden layer to see the plane it makes.")
        else:
            self.hidden_view.show_message("Every hidden layer has one neuron: a line, not a plane. "
                                          "Give a layer 2 or more neurons.")

    def _draw_curve(self, snapshot) -> None:
        parts = curve_parts(snapshot, ps.curve_x())
        handle = None
        j = self.neuron_editor.chosen
        if len(snapshot.layer_sizes) == 3 and j < snapshot.layer_sizes[1]:
            w, b = float(snapshot.weights[0][j, 0]), float(snapshot.biases[0][j])
            handle = (-b / w if w else 0.0, float(snapshot.weights[1][0, j]))
        self.curve_view.chosen_neuron = j
        self.curve_view.show_parts(parts, handle)
        self.neuron_editor.show_snapshot(snapshot)

    @Slot(object)
    def _on_epoch(self, stats) -> None:
        # hundreds of epochs a second: the loss curve and labels follow once per frame (see draw)
        self._pending_epochs.append(stats)
        self.last_epoch = stats
        self._watch(stats)
        if not self.session.is_running:
            self._flush_epochs()

    def _watch(self, stats) -> None:
        """Say on the banner when the run has been stuck for a while; take it down once it recovers."""
        change = self.stuck_watch.after_epoch(stats.epoch, stats.test_cost, stats.test_accuracy, stats.train_cost)
        if change == "stuck":
            dataset, state = self.session.dataset, self.state
            dead = dead_layers(self.session.snapshot, dataset.x_train) if dataset is not None else ()
            self._stuck_text = stuck_message(self.stuck_watch, stats.epoch, state.learning_rate, state.activation,
                                             state.hidden_layers, dead, state.features)
            self.banner.show_message(self._stuck_text, "warning")
        elif change == "recovered":
            if self.banner.isVisible() and self.banner.label.text() == self._stuck_text:
                self.banner.hide()  # only our warning: a message about something else stays
            self._stuck_text = ""

    def _flush_epochs(self) -> None:
        pending, self._pending_epochs = self._pending_epochs, []
        if pending:
            view = self.curve_loss_view if self.state.is_curve else self.loss_view
            view.add([s.epoch for s in pending], [s.train_cost for s in pending], [s.test_cost for s in pending])
            self._show_progress()

    def _on_running_changed(self, running: bool) -> None:
        self.run_action.setText("Pause" if running else "Run")
        if not running:
            self._flush_epochs()

    def _show_progress(self) -> None:
        stats = self.last_epoch
        if stats is None:
            self.epoch_label.setText("Epoch 0")
            self.loss_label.setText("Training loss –   Test loss –")
            return
        self.epoch_label.setText(f"Epoch {stats.epoch}")
        text = f"Training loss {stats.train_cost:.3f}   Test loss {stats.test_cost:.3f}"
        if np.isfinite(stats.test_accuracy):
            text += f"   Test accuracy {100 * stats.test_accuracy:.0f}%"
        self.loss_label.setText(text)

    # ---- doing the network's job by hand -------------------------------------------------------------

    @Slot(int, int, int, float)
    def ask_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Pause, then ask for a new value of the clicked weight."""
        self.session.pause()
        new, ok = QInputDialog.getDouble(self, "Set a weight", f"New value of this weight (now {value:+.3f}):",
                                         value, -100.0, 100.0, 3)
        if ok:
            self.set_parameter("weight", layer, (row, col), new)

    def set_parameter(self, kind: str, layer: int, index, value: float) -> None:
        try:
            self.session.set_parameter(kind, layer, tuple(index), value)
        except ValueError as error:
            self.banner.show_message(str(error), "warning")

    def _on_neuron_chosen(self, neuron: int) -> None:
        self.draw(self.session.snapshot)

    def _on_handle_moved(self, x: float, y: float) -> None:
        """The chosen neuron's step goes to x (its bias) and its height to y (its outgoing weight)."""
        snapshot = self.session.snapshot
        if len(snapshot.layer_sizes) != 3:
            return
        self.session.pause()
        j = self.neuron_editor.chosen
        w = float(snapshot.weights[0][j, 0])
        if abs(w) < 1e-3:  # a flat neuron has no step to move: give it a steep one
            w = 10.0
        changes = [("weight", 0, (j, 0), w), ("bias", 0, (j,), -w * x), ("weight", 1, (0, j), y)]
        try:
            self.session.set_parameters(changes)  # one snapshot, one redraw per mouse move
        except ValueError as error:
            self.banner.show_message(str(error), "warning")

    def _on_draw_requested(self, on: bool) -> None:
        self.curve_view.set_drawing(on)
        if on:
            self.banner.show_message("Drag across the curve plot from left to right to draw a new target.", "info")

    def use_drawn_curve(self, stroke: np.ndarray) -> None:
        """Fit the curve the learner drew (points in view coordinates)."""
        try:
            drawn_curve(stroke[:, 0], stroke[:, 1])
        except ValueError as error:
            self.banner.show_message(f"That stroke is not a curve: {error}.", "warning")
            return
        self.controls.draw_button.setChecked(False)
        self.controls.curve_box.blockSignals(True)
        self.controls.curve_box.setCurrentIndex(list(ps.CURVE_DATA).index("drawn"))
        self.controls.curve_box.blockSignals(False)
        state = self.state.replace(curve="drawn", drawn=(tuple(stroke[:, 0]), tuple(stroke[:, 1])))
        self.controls.set_state(state)
        self.apply_state(state)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.session.close()
        super().closeEvent(event)


class _CloseWith(QObject):
    """Closes a Playground when the window it was opened from closes (so its training stops too)."""

    def __init__(self, playground: "PlaygroundWindow") -> None:
        super().__init__(playground)
        self.playground = playground

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close:
            self.playground.close()
        return False


def open_playground(main_window=None, existing: "PlaygroundWindow | None" = None) -> PlaygroundWindow:
    """Experiments > Playground: show ``existing`` again if it is open, else a new window that
    closes with ``main_window``."""
    if existing is not None and existing.isVisible():
        existing.showNormal()
        existing.raise_()
        existing.activateWindow()
        return existing
    window = PlaygroundWindow()
    window.resize(1400, 900)
    if main_window is not None:
        main_window.installEventFilter(_CloseWith(window))
    window.show()
    return window

