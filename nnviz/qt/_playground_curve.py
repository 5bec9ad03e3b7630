"""Curve mode's neuron editor: choose a hidden neuron and set its input weight (steepness), bias and
outgoing weight (height) by number, as the handle on the curve plot sets them by dragging.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QSpinBox

from nnviz.engine.network import Snapshot


def _number(low: float, high: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(2)
    box.setSingleStep(0.5)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


class NeuronEditor(QGroupBox):
    """``neuron_chosen(j)``; ``parameter_set(kind, layer, index, value)`` when the learner types a value."""

    neuron_chosen = Signal(int)
    parameter_set = Signal(str, int, object, float)

    def __init__(self, parent=None) -> None:
        super().__init__("Build it by hand (Nielsen's visual proof)", parent)
        form = QFormLayout(self)
        self.neuron = QSpinBox()
        self.neuron.setRange(1, 1)
        self.weight = _number(-1000, 1000, "Input weight: how steep this neuron's step is")
        self.bias = _number(-1000, 1000, "Bias: the step sits where weight·x + bias = 0, at x = −bias/weight")
        self.height = _number(-100, 100, "Outgoing weight: how tall this neuron's contribution is")
        self.where = QLabel()
        self.where.setWordWrap(True)
        form.addRow("Neuron", self.neuron)
        form.addRow("Input weight", self.weight)
        form.addRow("Bias", self.bias)
        form.addRow("Outgoing weight", self.height)
        form.addRow(self.where)
        self.neuron.valueChanged.connect(lambda v: self.neuron_chosen.emit(v - 1))
        self.weight.valueChanged.connect(lambda v: self._typed("weight", 0, (self.chosen, 0), v))
        self.bias.valueChanged.connect(lambda v: self._typed("bias", 0, (self.chosen,), v))
        self.height.valueChanged.connect(lambda v: self._typed("weight", 1, (0, self.chosen), v))
        self._showing = False

    @property
    def chosen(self) -> int:
        return self.neuron.value() - 1

    def _typed(self, kind: str, layer: int, index, value: float) -> None:
        if not self._showing:
            self.parameter_set.emit(kind, layer, index, float(value))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show the chosen neuron's numbers (a 1-N-1 network), without echoing them back as edits."""
        sizes = snapshot.layer_sizes
        self.setEnabled(len(sizes) == 3)
        if len(sizes) != 3:
            return
        self._showing = True
        try:
            self.neuron.setMaximum(sizes[1])
            j = self.chosen
            w, b, v = (float(snapshot.weights[0][j, 0]), float(snapshot.biases[0][j]), float(snapshot.weights[1][0, j]))
            for box, value in ((self.weight, w), (self.bias, b), (self.height, v)):
                if not box.hasFocus():
                    box.setValue(value if np.isfinite(value) else 0.0)
            step = -b / w if w else float("inf")
            self.where.setText(f"Its step is at x = {step:+.2f}, its height {v:+.2f}." if np.isfinite(step)
                               else "With input weight 0 it is flat: no step.")
        finally:
            self._showing = False
