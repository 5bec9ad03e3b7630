"""Training controls (hyper-parameters, speed) and the architecture editor of the nnviz window.

Widgets only emit what the learner asked for; the main window applies it to the trainer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.activations import ACTIVATIONS, activation_label
from nnviz.engine.network import COSTS, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE
from nnviz.engine.optimizers import OPTIMIZERS, SCHEDULES
from nnviz.qt._settings import (
    AUGMENT_RANGE,
    BATCH_SIZE_RANGE,
    EPOCHS_RANGE,
    DROPOUT_RANGE,
    L2_RANGE,
    LEARNING_RATE_RANGE,
    Architecture,
    HyperParameters,
)

OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}
COST_LABELS = {"cross-entropy": "cross-entropy", "mse": "mean squared error"}
SCHEDULE_LABELS = {"constant": "constant", "step": "step down", "cosine": "cosine decay"}
#: Slider positions of the speed control -> seconds to wait after each mini-batch.
SPEED_STEPS_MS = (0, 5, 20, 50, 100, 250, 500, 1000)


class LogSpinBox(QDoubleSpinBox):
    """A spin box for a learning rate: up/down multiply or divide by about 2, not add a constant.

    ``capped`` says when a step would leave the range, so the window can tell the learner why the
    value stops there.
    """

    capped = Signal(float)  # the bound the value was held at

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        factor = 2.0 if steps > 0 else 0.5
        value = self.value()
        for _ in range(abs(steps)):
            value *= factor
        if value > self.maximum() or value < self.minimum():
            self.capped.emit(self.maximum() if value > self.maximum() else self.minimum())
        self.setValue(value)


class TrainingControls(QWidget):
    """Hyper-parameters that take effect at the next mini-batch, and the speed of training."""

    hyper_parameters_changed = Signal(object)   # HyperParameters
    delay_changed = Signal(float)               # seconds per mini-batch, 0 = full speed

    def __init__(self, hyper: HyperParameters, delay_ms: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.learning_rate = LogSpinBox()
        self.learning_rate.setDecimals(6)
        self.learning_rate.setRange(*LEARNING_RATE_RANGE)
        self.learning_rate.setToolTip(
            "How big a step each mini-batch takes downhill on the cost.\n"
            "Too big and the cost jumps around or becomes NaN; too small and learning is slow.\n"
            "The arrows halve or double it."
        )
        form.addRow("Learning rate", self.learning_rate)

        self.batch_size = QSpinBox()
        self.batch_size.setRange(*BATCH_SIZE_RANGE)
        self.batch_size.setToolTip("How many digits are averaged for each step of gradient descent.")
        form.addRow("Batch size", self.batch_size)

        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_LABELS.get(name, name), name)
        self.optimizer.setToolTip("How the gradient is turned into a weight change:\n"
                                  "SGD = plain gradient descent; momentum keeps some of the last step; "
                                  "Adam adapts the step size of every weight.")
        form.addRow("Optimizer", self.optimizer)

        self.l2 = QDoubleSpinBox()
        self.l2.setDecimals(5)
        self.l2.setRange(*L2_RANGE)
        self.l2.setSingleStep(0.0001)
        self.l2.setToolTip("L2 weight decay: pulls every weight a little towards zero each step.")
        form.addRow("L2 penalty", self.l2)

        self.dropout = QDoubleSpinBox()
        self.dropout.setDecimals(2)
        self.dropout.setRange(*DROPOUT_RANGE)
        self.dropout.setSingleStep(0.05)
        self.dropout.setToolTip("Fraction of hidden neurons switched off at random in each training step.")
        form.addRow("Dropout", self.dropout)

        self.epochs = QSpinBox()
        self.epochs.setRange(*EPOCHS_RANGE)
        self.epochs.setToolTip("How many passes over the training digits before training stops.\n"
                               "The schedule below lowers the learning rate over this many epochs.")
        form.addRow("Epochs", self.epochs)

        self.schedule = QComboBox()
        for name in SCHEDULES:
            self.schedule.addItem(SCHEDULE_LABELS.get(name, name), name)
        self.schedule.setToolTip("How the learning rate changes over the epochs: constant, halved in steps, "
                                 "or lowered smoothly to zero (cosine).")
        form.addRow("Schedule", self.schedule)

        self.augment = QSpinBox()
        self.augment.setRange(*AUGMENT_RANGE)
        self.augment.setSuffix(" px")
        self.augment.setSpecialValueText("off")
        self.augment.setToolTip("Shift every training digit at random by up to this many pixels, so the network "
                                "learns digits that are not exactly centred (0 = off).")
        form.addRow("Random shifts", self.augment)

        speed_column = QVBoxLayout()
        speed_column.setSpacing(0)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEED_STEPS_MS) - 1)
        self.speed.setPageStep(1)
        self.speed.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed.setToolTip("Full speed, or wait after every mini-batch so you can follow single steps.")
        self.speed_label = QLabel()
        self.speed_label.setWordWrap(True)
        speed_column.addWidget(self.speed)
        speed_column.addWidget(self.speed_label)
        form.addRow("Slow down", speed_column)

        self.set_hyper_parameters(hyper)
        self.set_delay_ms(delay_ms)
        for box in (self.learning_rate, self.l2, self.dropout):
            box.valueChanged.connect(self._emit_hyper)
        for box in (self.batch_size, self.epochs, self.augment):
            box.valueChanged.connect(self._emit_hyper)
        self.optimizer.currentIndexChanged.connect(self._emit_hyper)
        self.schedule.currentIndexChanged.connect(self._emit_hyper)
        self.speed.valueChanged.connect(self._on_speed)

    def hyper_parameters(self) -> HyperParameters:
        return HyperParameters(
            learning_rate=float(self.learning_rate.value()),
            batch_size=int(self.batch_size.value()),
            optimizer=str(self.optimizer.currentData()),
            l2=float(self.l2.value()),
            dropout=float(self.dropout.value()),
            epochs=int(self.epochs.value()),
            schedule=str(self.schedule.currentData()),
            augment=int(self.augment.value()),
        )

    def set_hyper_parameters(self, hp: HyperParameters) -> None:
        """Show ``hp`` without emitting hyper_parameters_changed."""
        widgets = (self.learning_rate, self.batch_size, self.optimizer, self.l2, self.dropout,
                   self.epochs, self.schedule, self.augment)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.learning_rate.setValue(hp.learning_rate)
            self.batch_size.setValue(hp.batch_size)
            self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(hp.optimizer)))
            self.l2.setValue(hp.l2)
            self.dropout.setValue(hp.dropout)
            self.epochs.setValue(hp.epochs)
            self.schedule.setCurrentIndex(max(0, self.schedule.findData(hp.schedule)))
            self.augment.setValue(hp.augment)
        finally:
            for w in widgets:
                w.blockSignals(False)

    def delay_ms(self) -> int:
        return SPEED_STEPS_MS[self.speed.value()]

    def set_delay_ms(self, ms: int) -> None:
        position = min(range(len(SPEED_STEPS_MS)), key=lambda i: abs(SPEED_STEPS_MS[i] - ms))
        self.speed.setValue(position)
        self._show_speed()

    @Slot()
    def _emit_hyper(self) -> None:
        self.hyper_parameters_changed.emit(self.hyper_parameters())

    @Slot(int)
    def _on_speed(self, _position: int) -> None:
        self._show_speed()
        self.delay_changed.emit(self.delay_ms() / 1000.0)

    def _show_speed(self) -> None:
        ms = self.delay_ms()
        self.speed_label.setText("no: full speed" if ms == 0 else f"wait {ms} ms per batch")


class ArchitectureEditor(QGroupBox):
    """Number of hidden layers, neurons per layer, activation and cost; Apply rebuilds the network."""

    apply_requested = Signal(object)   # Architecture

    def __init__(self, arch: Architecture, parent: QWidget | None = None) -> None:
        super().__init__("Network shape", parent)
        self.setToolTip("Changing the shape starts again from a new, untrained network.")
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)

        self.layer_count = QSpinBox()
        self.layer_count.setRange(0, MAX_HIDDEN_LAYERS)
        self.layer_count.setToolTip("Hidden layers between the 784 pixels and the 10 digits (0 = a linear classifier).")
        form.addRow("Hidden layers", self.layer_count)

        self.sizes_grid = QGridLayout()
        self.sizes_grid.setSpacing(2)
        self.size_boxes: list[QSpinBox] = []
        for i in range(MAX_HIDDEN_LAYERS):
            box = QSpinBox()
            box.setRange(1, MAX_LAYER_SIZE)
            box.setValue(16)
            box.setToolTip(f"Neurons in hidden layer {i + 1}")
            self.size_boxes.append(box)
            self.sizes_grid.addWidget(box, i // 3, i % 3)
        form.addRow("Neurons", self.sizes_grid)

        self.activation = QComboBox()
        for name in ACTIVATIONS:
            self.activation.addItem(activation_label(name), name)
        self.activation.setToolTip("The squashing function of the hidden neurons.")
        form.addRow("Activation", self.activation)

        self.cost = QComboBox()
        for name in COSTS:
            self.cost.addItem(COST_LABELS.get(name, name), name)
        self.cost.setToolTip("What training tries to make small.\ncross-entropy: the outputs are a softmax "
                             "(they sum to 1); mean squared error: each output is a sigmoid.")
        form.addRow("Cost", self.cost)

        buttons = QHBoxLayout()
        self.apply_button = QPushButton("Apply (new network)")
        self.apply_button.setToolTip("Rebuild the network with this shape; its training starts from zero.")
        self.apply_button.clicked.connect(self._on_apply)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        outer.addLayout(buttons)

        self.layer_count.valueChanged.connect(self._show_size_boxes)
        self.set_architecture(arch)

    def architecture(self) -> Architecture:
        n = self.layer_count.value()
        return Architecture(
            hidden=tuple(box.value() for box in self.size_boxes[:n]),
            activation=str(self.activation.currentData()),
            cost=str(self.cost.currentData()),
        )

    def set_architecture(self, arch: Architecture) -> None:
        self.layer_count.setValue(len(arch.hidden))
        for box, n in zip(self.size_boxes, arch.hidden):
            box.setValue(n)
        self.activation.setCurrentIndex(max(0, self.activation.findData(arch.activation)))
        self.cost.setCurrentIndex(max(0, self.cost.findData(arch.cost)))
        self._show_size_boxes()

    @Slot()
    def _show_size_boxes(self) -> None:
        n = self.layer_count.value()
        for i, box in enumerate(self.size_boxes):
            box.setVisible(i < n)
        # Without hidden layers there is no hidden activation to choose.
        self.activation.setEnabled(n > 0)
        self.activation.setToolTip("The squashing function of the hidden neurons." if n else
                                   "No hidden layers: the outputs are a softmax (or sigmoid) of the pixels' "
                                   "weighted sum, so there is no hidden activation to choose.")

    @Slot()
    def _on_apply(self) -> None:
        self.apply_requested.emit(self.architecture())
