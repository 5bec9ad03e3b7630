"""The Playground's settings panel: data and its sliders, input features, the hidden layers with
+/- buttons, and training settings. It holds a PlaygroundState and emits every change as a new one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QSlider, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from nnviz.engine.features import FEATURE_LABELS, FEATURES
from nnviz.qt import _playground_state as ps


def _combo(items: dict, current) -> QComboBox:
    box = QComboBox()
    for value, text in items.items():
        box.addItem(text, value)
    box.setCurrentIndex(list(items).index(current))
    return box


def _slider(low: int, high: int, value: int, step: int = 1) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(low, high)
    slider.setSingleStep(step)
    slider.setPageStep(step * 5)
    slider.setValue(value)
    slider.setTracking(False)  # new data when the slider is let go, not at every pixel of a drag
    return slider


class _Counter(QWidget):
    """[−] n [+] with a caption: the number of hidden layers, or the neurons of one layer."""

    changed = Signal(int)

    def __init__(self, caption: str, value: int, low: int, high: int, tip: str) -> None:
        super().__init__()
        self.low, self.high, self.value = low, high, value
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.minus, self.plus = QToolButton(), QToolButton()
        self.minus.setText("−")
        self.plus.setText("+")
        self.label = QLabel()
        self.caption = caption
        self.minus.clicked.connect(lambda: self._step(-1))
        self.plus.clicked.connect(lambda: self._step(+1))
        layout.addWidget(self.minus)
        layout.addWidget(self.label)
        layout.addWidget(self.plus)
        layout.addStretch(1)
        self.setToolTip(tip)
        self._show()

    def _step(self, delta: int) -> None:
        value = min(max(self.value + delta, self.low), self.high)
        if value != self.value:
            self.value = value
            self._show()
            self.changed.emit(value)

    def _show(self) -> None:
        self.label.setText(f"{self.caption}{self.value}")
        self.minus.setEnabled(self.value > self.low)
        self.plus.setEnabled(self.value < self.high)


class PlaygroundControls(QWidget):
    """Every setting as a widget; ``state_changed(PlaygroundState)`` after each change by the learner."""

    state_changed = Signal(object)
    draw_requested = Signal(bool)

    def __init__(self, state: ps.PlaygroundState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._data_group())
        self.features_group = self._features_group()
        layout.addWidget(self.features_group)
        self.network_group = QGroupBox("Hidden layers")
        self.network_layout = QVBoxLayout(self.network_group)
        layout.addWidget(self.network_group)
        layout.addWidget(self._training_group())
        layout.addStretch(1)
        self._build_layer_counters()
        self._show_mode()

    # ---- groups ------------------------------------------------------------------------------------

    def _data_group(self) -> QGroupBox:
        group = QGroupBox("Data")
        form = QFormLayout(group)
        s = self.state
        self.mode_box = _combo({"plane": "Points (classify)", "curve": "A curve (fit)"}, s.mode)
        self.data_box = _combo(ps.PLANE_DATA, s.data)
        self.curve_box = _combo(ps.CURVE_DATA, s.curve)
        self.draw_button = QPushButton("Draw a target…")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Then drag across the curve plot to draw the curve the network should fit")
        self.noise = _slider(0, 50, round(s.noise * 100))
        self.points = _slider(50, 1000, s.points, 10)
        self.split = _slider(10, 50, s.test_percent, 5)
        self.show_test = QCheckBox("Show test points")
        self.show_test.setChecked(s.show_test)
        self.noise_label, self.points_label, self.split_label = QLabel(), QLabel(), QLabel()
        form.addRow("Problem", self.mode_box)
        form.addRow("Data", self.data_box)
        form.addRow("Curve", self.curve_box)
        form.addRow("", self.draw_button)
        form.addRow(self.noise_label, self.noise)
        form.addRow(self.points_label, self.points)
        form.addRow(self.split_label, self.split)
        form.addRow("", self.show_test)
        self.data_form = form
        self.mode_box.currentIndexChanged.connect(lambda: self._set(mode=self.mode_box.currentData()))
        self.data_box.currentIndexChanged.connect(lambda: self._set(data=self.data_box.currentData()))
        self.curve_box.currentIndexChanged.connect(self._on_curve)
        self.draw_button.toggled.connect(self.draw_requested.emit)
        self.noise.valueChanged.connect(lambda v: self._set(noise=v / 100))
        self.points.valueChanged.connect(lambda v: self._set(points=v))
        self.split.valueChanged.connect(lambda v: self._set(test_percent=v))
        self.show_test.toggled.connect(lambda on: self._set(show_test=on))
        for slider in (self.noise, self.points, self.split):
            slider.sliderMoved.connect(lambda _v: self._show_slider_values(moving=True))
        self._show_slider_values()
        return group

    def _features_group(self) -> QGroupBox:
        group = QGroupBox("Input features")
        grid = QHBoxLayout(group)
        columns = [QVBoxLayout(), QVBoxLayout()]
        self.feature_boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(FEATURES):
            box = QCheckBox(FEATURE_LABELS[name])
            box.setChecked(name in self.state.features)
            box.toggled.connect(self._on_features)
            columns[i % 2].addWidget(box)
            self.feature_boxes[name] = box
        for column in columns:
            column.addStretch(1)
            grid.addLayout(column)
        return group

    def _training_group(self) -> QGroupBox:
        group = QGroupBox("Training")
        form = QFormLayout(group)
        s = self.state
        names = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "linear": "Linear (none)"}
        self.activation = _combo({a: names.get(a, a) for a in ps.TABLE["activation"][1]}, s.activation)
        self.learning_rate = _combo({r: f"{r:g}" for r in ps.LEARNING_RATES}, s.learning_rate)
        self.regularisation = _combo({r: r.capitalize() if r == "none" else r for r in ps.REGULARISATIONS},
                                     s.regularisation)
        self.regularisation_rate = _combo({r: f"{r:g}" for r in ps.REGULARISATION_RATES}, s.regularisation_rate)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(*ps.TABLE["batch_size"][1])
        self.batch_size.setValue(s.batch_size)
        self.curve_neurons = QSpinBox()
        self.curve_neurons.setRange(1, ps.MAX_CURVE_NEURONS)
        self.curve_neurons.setValue(s.curve_neurons)
        self.curve_neurons.setToolTip("One hidden layer of this many neurons (1 to 50)")
        form.addRow("Activation", self.activation)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Regularisation", self.regularisation)
        form.addRow("Its rate", self.regularisation_rate)
        form.addRow("Batch size", self.batch_size)
        self.training_form = form
        self.activation.currentIndexChanged.connect(lambda: self._set(activation=self.activation.currentData()))
        self.learning_rate.currentIndexChanged.connect(lambda: self._set(learning_rate=self.learning_rate.currentData()))
        self.regularisation.currentIndexChanged.connect(
            lambda: self._set(regularisation=self.regularisation.currentData()))
        self.regularisation.currentIndexChanged.connect(
            lambda: self.regularisation_rate.setEnabled(self.regularisation.currentData() != "none"))
        self.regularisation_rate.setEnabled(s.regularisation != "none")
        self.regularisation_rate.currentIndexChanged.connect(
            lambda: self._set(regularisation_rate=self.regularisation_rate.currentData()))
        self.batch_size.valueChanged.connect(lambda v: self._set(batch_size=v))
        self.curve_neurons.valueChanged.connect(lambda v: self._set(curve_neurons=v))
        return group

    # ---- hidden layers -----------------------------------------------------------------------------

    def _build_layer_counters(self) -> None:
        while self.network_layout.count():
            widget = self.network_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        if self.state.is_curve:
            row = QWidget()
            form = QFormLayout(row)
            form.setContentsMargins(0, 0, 0, 0)
            form.addRow("One layer of", self.curve_neurons)
            self.network_layout.addWidget(row)
            return
        hidden = self.state.hidden
        self.layers_counter = _Counter("Hidden layers: ", len(hidden), 0, ps.MAX_HIDDEN_LAYERS,
                                       "0 to 6 hidden layers; a new layer gets 4 neurons")
        self.layers_counter.changed.connect(self._on_layer_count)
        self.network_layout.addWidget(self.layers_counter)
        self.neuron_counters = []
        for i, n in enumerate(hidden):
            counter = _Counter(f"Layer {i + 1}: neurons ", n, 1, ps.MAX_PLANE_NEURONS, "1 to 8 neurons")
            counter.changed.connect(lambda value, i=i: self._on_neurons(i, value))
            self.network_layout.addWidget(counter)
            self.neuron_counters.append(counter)

    def _on_layer_count(self, count: int) -> None:
        hidden = self.state.hidden
        hidden = hidden[:count] if count < len(hidden) else hidden + (4,) * (count - len(hidden))
        self._set(hidden=hidden)
        self._build_layer_counters()

    def _on_neurons(self, layer: int, value: int) -> None:
        hidden = list(self.state.hidden)
        hidden[layer] = value
        self._set(hidden=tuple(hidden))

    # ---- changes -----------------------------------------------------------------------------------

    def _on_curve(self) -> None:
        curve = self.curve_box.currentData()
        self._set(curve=curve)
        if curve == "drawn" and not self.draw_button.isChecked():
            self.draw_button.setChecked(True)

    def _on_features(self) -> None:
        chosen = tuple(name for name, box in self.feature_boxes.items() if box.isChecked())
        if not chosen:  # the network needs at least one input: keep the last one ticked
            sender = self.sender()
            sender.blockSignals(True)
            sender.setChecked(True)
            sender.blockSignals(False)
            return
        self._set(features=chosen)

    def _show_slider_values(self, moving: bool = False) -> None:
        noise = self.noise.sliderPosition() if moving else self.noise.value()
        points = self.points.sliderPosition() if moving else self.points.value()
        split = self.split.sliderPosition() if moving else self.split.value()
        self.noise_label.setText(f"Noise {noise / 100:.2f}")
        self.points_label.setText(f"Points {points}")
        self.split_label.setText(f"Test share {split}%")

    def _set(self, **changes) -> None:
        self.state = self.state.replace(**changes)
        self._show_slider_values()
        if "mode" in changes:
            self._show_mode()
            self._build_layer_counters()
        self.state_changed.emit(self.state)

    def set_state(self, state: ps.PlaygroundState) -> None:
        """Take a state set from outside (a drawn curve): keeps the widgets as they are."""
        self.state = state

    def _show_mode(self) -> None:
        curve = self.state.is_curve
        for widget, visible in ((self.data_box, not curve), (self.curve_box, curve), (self.draw_button, curve),
                                (self.show_test, not curve)):
            widget.setVisible(visible)
            label = self.data_form.labelForField(widget)
            if label is not None:
                label.setVisible(visible)
        self.features_group.setVisible(not curve)
        if not curve and self.draw_button.isChecked():
            self.draw_button.setChecked(False)
