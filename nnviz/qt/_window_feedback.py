"""What the main window tells the learner beyond the views: stalls, a capped learning rate, an opened
model's test results at once, and what a data switch did. A mixin of MainWindow, like _files.py.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Slot

from nnviz.qt._settings import LEARNING_RATE_RANGE


class FeedbackActions:
    """Messages that explain what just happened and what to try."""

    @Slot(object)
    def _say_not_learning(self, warning) -> None:
        """The engine found the run going nowhere (guessing, or a stalled cost): say what to try."""
        self.show_message(warning.message, "warning")

    def _say_rate_capped(self, bound: float) -> None:
        low, high = LEARNING_RATE_RANGE
        if bound >= high:
            self.show_message(f"The learning rate is capped at {high:g} in this window: larger steps only make "
                              "training diverge.", "warning")
        else:
            self.show_message(f"The learning rate cannot go below {low:g} here: smaller steps would not "
                              "visibly learn.", "warning")

    def _show_opened_results(self, epoch: int) -> None:
        """An opened model: its test accuracy and confusion matrix now, not after an epoch of training."""
        if self.dataset is None:
            return
        result = self.session.snapshot.evaluate(self.dataset.x_test, self.dataset.y_test)
        stats = SimpleNamespace(epoch=epoch, test_accuracy=result.accuracy, test_cost=result.cost,
                                confusion=result.confusion)
        self.evaluation.show_epoch(stats, self._class_names())

    def _data_switch_text(self, old_name: str, trained_steps: int, kept_weights: bool) -> str:
        new = self.dataset.name
        sizes = "-".join(map(str, self.session.network.layer_sizes))
        if not trained_steps:
            return f"Now training on {new}."
        if kept_weights:
            return (f"Switched from {old_name} to {new} after {trained_steps:,} training steps: the {sizes} network "
                    f"keeps what it learned, and training counts again from epoch 1 on {new} (the cost curve "
                    "starts afresh). Press Reset for random weights.")
        return (f"Switched from {old_name} to {new} after {trained_steps:,} training steps: {new} needs a "
                f"{sizes} network, so a new untrained one replaces the old one.")
