"""Noticing a run that is going nowhere: after an epoch, test accuracy no better than guessing, and a
cost above where it started or one answer for every test sample; or, later, a test cost that has
stopped moving well short of a good accuracy. Not NaN (that is Diverged), but worth saying.

StuckWatch is the Playground's version, for runs of thousands of short epochs: a state that holds
while the run is stuck (near chance, a loss no better than guessing by the class shares, or a curve fit
no better than its mean) and clears once it recovers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.features import FEATURE_LABELS

__all__ = ["NotLearning", "LearningCheck", "COST_FACTOR", "CHANCE_MARGIN", "PLATEAU_CHANGE", "PLATEAU_EPOCHS",
           "StuckWatch", "STUCK_EPOCHS", "RECOVERED_EPOCHS", "MEAN_MSE_SHARE", "CHANCE_LOSS_SHARE", "chance_loss", "stuck_message"]

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


def chance_loss(y_test: np.ndarray, n_classes: int) -> float:
    """The cross-entropy of always answering the test labels' class shares (ln 2 for two equal classes)."""
    counts = np.bincount(np.asarray(y_test, dtype=np.int64), minlength=max(1, n_classes))
    shares = counts[counts > 0] / max(1, counts.sum())
    return float(-(shares * np.log(shares)).sum()) if shares.size else float(np.log(max(1, n_classes)))


def chance_accuracy(y_test: np.ndarray, n_classes: int) -> float:
    """The accuracy of always answering the most common test label (1/classes when balanced)."""
    counts = np.bincount(np.asarray(y_test, dtype=np.int64), minlength=max(1, n_classes))
    return float(counts.max() / counts.sum()) if counts.sum() else 1.0 / max(1, n_classes)


class LearningCheck:
    """Watches one run's records; :meth:`after_epoch` gives a NotLearning the first time each kind applies.

    ``chance`` is the accuracy of always answering the most common test label (1/classes when balanced).
    """

    def __init__(self, y_test: np.ndarray, n_classes: int) -> None:
        self.chance = chance_accuracy(y_test, n_classes)
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


#: The Playground's warning needs this many stuck epochs in a row: two spirals from x1, x2 often sit
#: at chance for a while before they take off (up to 62 epochs in a row for 2-8-8-2 tanh over 20
#: seeds, 97 for 2-8-8-2-2 at 0.01), and a warning for a run about to learn misleads.
STUCK_EPOCHS = 150
#: ... and it clears after this many good epochs in a row (one lucky epoch is not a recovery).
RECOVERED_EPOCHS = 5
#: A curve fit is stuck while its test MSE is at least this share of the MSE of always answering the
#: mean of the test targets (a flat line at the right height).
MEAN_MSE_SHARE = 0.9


#: A classification run is also stuck while its test loss, and its training loss, stay at least this
#: share of the loss of always answering the class shares (ln 2 for two equal classes): a straight
#: line through circles or XOR sits at 0.69 while its test accuracy reads 65-75%. Both losses, because a network that overfits noisy points has a high test loss but a low
#: training loss, and is learning. With both rules, over 20 seeds and 400 epochs of two spirals
#: from x1, x2 at 0.03, the longest stuck streak was 89 epochs for 2-8-8-2 tanh and 41 for 2-8-8-2-2,
#: against 400 of 400 for a straight line through circles, XOR or spirals.
CHANCE_LOSS_SHARE = 0.9


class StuckWatch:
    """Whether a run is stuck now. Classification: test accuracy up to chance + CHANCE_MARGIN, or test
    and training loss at least CHANCE_LOSS_SHARE of the loss of answering the class shares;
    regression: test MSE at least MEAN_MSE_SHARE of the targets' variance (the mean's MSE).

    :meth:`after_epoch` answers "stuck" after STUCK_EPOCHS stuck epochs in a row, "recovered" after
    RECOVERED_EPOCHS good ones in a row once stuck, else None. ``baseline`` is chance, or the mean's MSE;
    ``chance_loss`` the loss of answering the class shares (classification).
    """

    def __init__(self, y_test: np.ndarray, n_outputs: int, regression: bool) -> None:
        self.regression = bool(regression)
        y = np.asarray(y_test)
        if self.regression:
            self.baseline = float(np.mean((y - y.mean()) ** 2)) if y.size else 0.0
            self.chance_loss = float("nan")
        else:
            self.baseline = chance_accuracy(y, n_outputs)
            self.chance_loss = chance_loss(y, n_outputs)
        self.stuck = False
        self.stuck_since: int | None = None  # first epoch of the current stuck streak
        self.score = float("nan")  # the last epoch's test accuracy or test MSE
        self.test_loss = float("nan")  # the last epoch's test loss
        self._run = 0  # stuck epochs in a row (good ones in a row while stuck)

    def near_chance(self, test_accuracy: float) -> bool:
        """Classification: the test accuracy is no better than always answering the commonest class."""
        return not test_accuracy > self.baseline + CHANCE_MARGIN  # NaN counts as near

    def looks_stuck(self, test_cost: float, test_accuracy: float, train_cost: float = float("nan")) -> bool:
        """``train_cost`` NaN (unknown) leaves the loss rule to the test loss alone."""
        if self.regression:
            return not test_cost < MEAN_MSE_SHARE * self.baseline  # NaN counts as stuck
        limit = CHANCE_LOSS_SHARE * self.chance_loss
        return self.near_chance(test_accuracy) or not (test_cost < limit or train_cost < limit)

    def after_epoch(self, epoch: int, test_cost: float, test_accuracy: float,
                    train_cost: float = float("nan")) -> str | None:
        """"stuck" or "recovered" when the state changes with this epoch, else None."""
        self.score = float(test_cost if self.regression else test_accuracy)
        self.test_loss = float(test_cost)
        bad = self.looks_stuck(test_cost, test_accuracy, train_cost)
        if not self.stuck:
            if bad:
                self.stuck_since = epoch if self._run == 0 else self.stuck_since
                self._run += 1
                if self._run >= STUCK_EPOCHS:
                    self.stuck, self._run = True, 0
                    return "stuck"
            else:
                self._run = 0
            return None
        self._run = 0 if bad else self._run + 1
        if self._run >= RECOVERED_EPOCHS:
            self.stuck, self._run, self.stuck_since = False, 0, None
            return "recovered"
        return None


#: Feature crosses that let a straight line through the features split the classic toy problems.
_CROSSES = ("x1x2", "x1sq", "x2sq")


def stuck_message(watch: StuckWatch, epoch: int, learning_rate: float, activation: str, hidden: tuple[int, ...],
                  dead_layers: tuple[int, ...] = (), features: tuple[str, ...] = ()) -> str:
    """What a stuck run looks like and what to try. ``hidden``: hidden layer sizes; ``dead_layers``:
    1-based hidden layers whose every ReLU neuron gives 0 for every training sample; ``features``:
    the input features chosen (a straight-line model is told the crosses it does not have yet)."""
    since = watch.stuck_since or epoch
    if watch.regression:
        what = (f"the test MSE ({watch.score:.3f}) is no better than a flat line at the mean "
                f"({watch.baseline:.3f})")
    elif watch.near_chance(watch.score):
        what = (f"the test accuracy ({watch.score:.0%}) is no better than always guessing the most common class "
                f"({watch.baseline:.0%})")
    else:
        what = (f"the test loss ({watch.test_loss:.3f}) is no better than that of always guessing each class by "
                f"how common it is ({watch.chance_loss:.3f}), though {watch.score:.0%} of the test points "
                "come out right")
    # the banner stays up while training goes on, so it says which epoch its figures are from
    said = f"Not learning since epoch {since}: at epoch {epoch} {what}"
    if watch.regression and activation == "linear":
        return (f"{said}. Linear neurons add up to one straight line, and no straight line fits this curve "
                "better than its mean: choose a non-linear activation.")
    if not hidden or activation == "linear":
        missing = [FEATURE_LABELS[f] for f in _CROSSES if f not in features]
        crosses = f"the feature crosses {', '.join(missing)}, or " if missing else ""
        return (f"{said}. A straight line cannot separate these classes, and with no hidden layer (or linear "
                f"neurons) the output draws one straight line through the input features. Try {crosses}"
                "a hidden layer with a non-linear activation.")
    if dead_layers:
        which = ", ".join(str(k) for k in dead_layers)
        return (f"{said}, because every ReLU neuron of hidden layer {which} gives 0 for every input (they died, "
                f"usually from steps that were too large), so nothing passes. Try a learning rate 10 times "
                f"smaller ({learning_rate / 10:.3g}) or leaky ReLU, then Reset.")
    return (f"{said}. Try a learning rate 10 times smaller ({learning_rate / 10:.3g}) or larger, "
            "another activation, or Reset for new starting weights.")
