"""Spotting training that goes nowhere: stuck at chance level, or a cost that stopped falling.

Plain functions over the test results of the epochs so far; the window words the advice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Stall", "find_stall"]

#: Accuracy within this of chance (1/k) counts as "guessing".
CHANCE_MARGIN = 0.05
#: A test cost that changed by less than this fraction over PLATEAU_EPOCHS epochs has stalled.
PLATEAU_CHANGE = 0.002
PLATEAU_EPOCHS = 3


@dataclass(frozen=True)
class Stall:
    """Why training looks stuck ("chance" or "plateau") and what to say about it."""

    kind: str
    message: str


def find_stall(test_costs, test_accuracies, n_classes: int, learning_rate: float, activation: str) -> Stall | None:
    """A Stall when the epochs so far show no learning, else None.

    ``test_costs`` and ``test_accuracies`` (0..1) hold one value per completed epoch, oldest first.
    """
    costs = [float(c) for c in test_costs]
    accuracies = [float(a) for a in test_accuracies]
    if not accuracies or n_classes < 2:
        return None
    chance = 1.0 / n_classes
    last_cost, last_accuracy = costs[-1], accuracies[-1]
    hint = _advice(learning_rate, activation)
    if last_accuracy <= chance + CHANCE_MARGIN:
        return Stall("chance", (
            f"The network is guessing: after {len(accuracies)} epoch{'s' if len(accuracies) > 1 else ''} it gets "
            f"{last_accuracy:.0%} of the test digits right, the same as picking at random ({chance:.0%}), and the "
            f"test cost is {last_cost:.3f}. {hint}"))
    if len(costs) > PLATEAU_EPOCHS and math.isfinite(last_cost) and last_accuracy < 0.9:
        before = costs[-1 - PLATEAU_EPOCHS]
        if abs(before - last_cost) <= PLATEAU_CHANGE * max(abs(before), 1e-12):
            return Stall("plateau", (
                f"Learning has stalled: the test cost has stayed at {last_cost:.3f} for {PLATEAU_EPOCHS} epochs, "
                f"with {last_accuracy:.1%} right. {hint}"))
    return None


def _advice(learning_rate: float, activation: str) -> str:
    if learning_rate >= 1.0:
        return (f"A learning rate of {learning_rate:g} is very large: the steps overshoot and "
                f"{'the sigmoid neurons saturate (stuck at 0 or 1, where they barely learn)' if activation == 'sigmoid' else 'the neurons saturate or die'}. "
                "Try 0.01 to 0.1 (0.003 with Adam), then press Reset.")
    if learning_rate <= 1e-5:
        return f"A learning rate of {learning_rate:g} is tiny: each step barely moves the weights. Try 0.003 to 0.1."
    return "Try another learning rate (ten times smaller or larger), another activation, or press Reset with a new seed."
