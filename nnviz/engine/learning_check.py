"""Noticing a run that is going nowhere: after an epoch, test accuracy no better than guessing, and a
cost above where it started or one answer for every test sample. Not NaN (that is Diverged), but
just as hopeless, and worth saying.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NotLearning", "LearningCheck", "COST_FACTOR", "CHANCE_MARGIN"]

#: The epoch's mean cost above this many times the first mini-batch's cost counts as "above its start".
COST_FACTOR = 1.1
#: Test accuracy up to chance plus this (absolute) counts as "no better than guessing".
CHANCE_MARGIN = 0.05


@dataclass(frozen=True)
class NotLearning:
    """After ``epoch`` epochs the network guesses (test accuracy near ``chance``) and its cost is above
    where it started, or it gives one answer to everything (``one_answer``): the steps were too large
    (saturated or dead neurons). Training goes on; ``message`` says what to try."""

    epoch: int
    start_cost: float
    cost: float
    test_accuracy: float
    chance: float
    one_answer: bool
    message: str


class LearningCheck:
    """Watches one run's records; :meth:`after_epoch` gives a NotLearning once, the first time it applies.

    ``chance`` is the accuracy of always answering the most common test label (1/classes when balanced).
    """

    def __init__(self, y_test: np.ndarray, n_classes: int) -> None:
        counts = np.bincount(np.asarray(y_test, dtype=np.int64), minlength=max(1, n_classes))
        self.chance = float(counts.max() / counts.sum()) if counts.sum() else 1.0 / max(1, n_classes)
        self.start_cost: float | None = None
        self.reported = False

    def first_batch(self, cost: float) -> None:
        if self.start_cost is None and np.isfinite(cost):
            self.start_cost = float(cost)

    def after_epoch(self, epoch: int, train_cost: float, test_accuracy: float, confusion, config) -> NotLearning | None:
        """A NotLearning if this epoch shows a run going nowhere (and none was reported yet), else None.

        ``confusion`` is the epoch's test confusion matrix (rows true, columns predicted).
        """
        start = self.start_cost
        if self.reported or start is None or start <= 0 or test_accuracy > self.chance + CHANCE_MARGIN:
            return None
        confusion = np.asarray(confusion)
        one_answer = confusion.size > 0 and int((confusion.sum(axis=0) > 0).sum()) == 1
        rose = train_cost > COST_FACTOR * start
        if not (rose or one_answer):
            return None
        self.reported = True
        rate = config.learning_rate
        advice = f"try a learning rate 10 times smaller ({rate / 10:.3g} instead of {rate:.3g})"
        if config.optimizer != "adam":
            advice += ", or the Adam optimizer"
        if rose:
            what = (f"the cost ({train_cost:.3g}) is above where it started ({start:.3g}). "
                    "The steps are too large")
        else:
            what = ("the network gives the same answer for every test sample: its neurons are saturated or "
                    "dead, usually from steps that were too large")
        message = (
            f"Training is going nowhere: after epoch {epoch} the test accuracy is {test_accuracy:.0%}, no better "
            f"than guessing ({self.chance:.0%}), and {what}: {advice}, then reset the network."
        )
        return NotLearning(epoch, start, float(train_cost), float(test_accuracy), self.chance, one_answer, message)
