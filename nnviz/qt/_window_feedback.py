"""What the main window tells the learner beyond the views: stalls, a capped learning rate, an opened
model's test results at once, and what a data switch did. A mixin of MainWindow, like _files.py.
"""

from __future__ import annotations

from types import SimpleNamespace

from nnviz.engine.health import find_stall
from nnviz.qt._settings import LEARNING_RATE_RANGE


class FeedbackActions:
    """Messages that explain what just happened and what to try."""

    _stall_said: str | None = None
    _watched: list | None = None  # EpochStats of the current network, oldest first

    def _forget_epochs(self) -> None:
        self._watched = []
        self._stall_said = None

    def _watch_epoch(self, stats) -> None:
        """After an epoch: say so once when training is stuck (guessing, or a flat cost)."""
        if self._watched is None:
            self._watched = []
        self._watched.append(stats)
        costs = [s.test_cost for s in self._watched]
        accuracies = [s.test_accuracy for s in self._watched]
        k = self.dataset.n_classes if self.dataset is not None else 10
        stall = find_stall(costs, accuracies, k, self.session.config.learning_rate, self.session.network.activation)
        if stall is not None and stall.kind != self._stall_said:
            self._stall_said = stall.kind
            self.show_message(stall.message, "warning")
        elif stall is None:
            self._stall_said = None

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
