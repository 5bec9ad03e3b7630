"""Noticing a run that is going nowhere: after an epoch, test accuracy no better than guessing, and a
cost above where it started or one answer for every test sample; or, later, a test cost that has
stopped moving well short of a good accuracy. Not NaN (that is Diverged), but worth saying.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NotLearning", "LearningCheck", "COST_FACTOR", "CHANCE_MARGIN", "PLATEAU_CHANGE", "PLATEAU_EPOCHS"]

#: The epoch's mean cost above this many times the first mini-batch's cost counts as "above its start".
COST_FACTOR = 1.1
#: Test accuracy up to chance plus this (absolute) counts as "no better than guessing".
CHANCE_MARGIN = 0.05
#: A test cost that moved by less than this fraction over PLATEAU_EPOCHS epochs has stalled ...
PLATEAU_CHANGE = 0.002
PLATEAU_EPOCHS = 3
#: ... unless the test accuracy is already this good (a converged run is not stuck).
PLATEAU_GOOD_ACCURACY = 0.9


@dataclass(frozen=True)
class NotLearning:
    """After ``epoch`` epochs the run goes nowhere. ``kind`` "chance": the network guesses (test
    accuracy near ``chance``) and its cost is above where it started, or it gives one answer to
    everything (``one_answer``): the steps were too large (saturated or dead neurons). ``kind``
    "plateau": the test cost has not moved for PLATEAU_EPOCHS epochs, short of a good accuracy.
    Training goes on; ``message`` says what happened and what to try."""

    kind: str
    epoch: int
    start_cost: float
    cost: float
    test_accuracy: float
    chance: float
    one_answer: bool
    message: str


class LearningCheck:
    """Watches one run's records; :meth:`after_epoch` gives a NotLearning the first time each kind applies.

    ``chance`` is the accuracy of always answering the most common test label (1/classes when balanced).
    """

    def __init__(self, y_test: np.ndarray, n_classes: int) -> None:
        counts = np.bincount(np.asarray(y_test, dtype=np.int64), minlength=max(1, n_classes))
        self.chance = float(counts.max() / counts.sum()) if counts.sum() else 1.0 / max(1, n_classes)
        self.start_cost: float | None = None
        self.reported: set[str] = set()
        self.test_costs: list[float] = []

    def first_batch(self, cost: float) -> None:
        if self.start_cost is None and np.isfinite(cost):
            self.start_cost = float(cost)

    def after_epoch(self, epoch: int, train_cost: float, test_cost: float, test_accuracy: float, confusion,
                    config) -> NotLearning | None:
        """A NotLearning if this epoch shows a run going nowhere in a way not reported yet, else None.

        ``confusion`` is the epoch's test confusion matrix (rows true, columns predicted).
        """
        self.test_costs.append(float(test_cost))
        start = self.start_cost
        if start is None or start <= 0:
            return None
        if "chance" not in self.reported and test_accuracy <= self.chance + CHANCE_MARGIN:
            confusion = np.asarray(confusion)
            one_answer = confusion.size > 0 and int((confusion.sum(axis=0) > 0).sum()) == 1
            rose = train_cost > COST_FACTOR * start
            if rose or one_answer:
                self.reported.add("chance")
                if rose:
                    what = (f"the cost ({train_cost:.3g}) is above where it started ({start:.3g}). "
                            "The steps are too large")
                else:
                    what = ("the network gives the same answer for every test sample: its neurons are saturated "
                            "or dead, usually from steps that were too large")
                message = (f"Training is going nowhere: after epoch {epoch} the test accuracy is {test_accuracy:.0%}, "
                           f"no better than guessing ({self.chance:.0%}), and {what}: {_advice(config)}.")
                return NotLearning("chance", epoch, start, float(train_cost), float(test_accuracy), self.chance,
                                   one_answer, message)
        costs = self.test_costs
        if ("plateau" not in self.reported and "chance" not in self.reported and len(costs) > PLATEAU_EPOCHS
                and np.isfinite(costs[-1]) and test_accuracy < PLATEAU_GOOD_ACCURACY):
            before = costs[-1 - PLATEAU_EPOCHS]
            if abs(before - costs[-1]) <= PLATEAU_CHANGE * max(abs(before), 1e-12):
                self.reported.add("plateau")
                message = (f"Learning has stalled: the test cost has stayed at {costs[-1]:.3f} for {PLATEAU_EPOCHS} "
                           f"epochs, with {test_accuracy:.1%} right: try a learning rate 10 times larger or smaller "
                           f"than {config.learning_rate:.3g}, another activation, or reset with a new seed.")
                return NotLearning("plateau", epoch, start, float(train_cost), float(test_accuracy), self.chance,
                                   False, message)
        return None


def _advice(config) -> str:
    rate = config.learning_rate
    advice = f"try a learning rate 10 times smaller ({rate / 10:.3g} instead of {rate:.3g})"
    if config.optimizer != "adam":
        advice += ", or the Adam optimizer"
    return advice + ", then reset the network"
