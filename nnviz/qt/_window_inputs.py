"""The main window's inputs: the drawing pad and test digits sent through the latest snapshot.

A mixin of MainWindow, like _files.py: it uses the window's snapshot, dataset, digit panel and graph.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Slot


class InputActions:
    """One input at a time (a drawing or a test digit), shown by the pad's bars and the graph."""

    def _class_names(self) -> tuple[str, ...]:
        return self.dataset.class_names if self.dataset else tuple(str(i) for i in range(10))

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
        activations = self._input_snapshot().forward(self.current_input)
        self.digit_panel.show_outputs(activations[-1], self._class_names())
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

