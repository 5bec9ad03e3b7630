"""Every Playground setting declared once (name, default, allowed values), and what follows from them:
the dataset and the network to train. No widgets here; the controls and the window read this table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.dataset import Dataset
from nnviz.engine.features import FEATURES, with_features
from nnviz.engine.network import Network
from nnviz.engine.playground import SMALL_CONFIG, small_network
from nnviz.engine.toy import CURVES, TOY_DATASETS, drawn_curve, make_function_curve, make_toy

MODES = ("plane", "curve")
PLANE_DATA = {"circles": "Circle in a ring", "xor": "XOR", "gaussians": "Two gaussians", "spirals": "Two spirals"}
CURVE_DATA = {"sin": "sin(πx)", "step": "Step", "abs": "|x|", "bump": "Bump", "drawn": "Drawn by hand"}
LEARNING_RATES = (0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
REGULARISATIONS = ("none", "L1", "L2")
REGULARISATION_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
MAX_HIDDEN_LAYERS = 6
MAX_PLANE_NEURONS = 8
MAX_CURVE_NEURONS = 50
HEATMAP_RESOLUTION = 50
OUTPUT_RESOLUTION = 100
CURVE_SAMPLES = 200

#: name -> (default, allowed): a tuple of choices, or a (low, high) range for numbers.
TABLE: dict[str, tuple[object, object]] = {
    "mode": ("plane", MODES),
    "data": ("spirals", tuple(PLANE_DATA)),
    "curve": ("sin", tuple(CURVE_DATA)),
    "noise": (0.05, (0.0, 0.5)),
    "points": (500, (50, 1000)),
    "test_percent": (20, (10, 50)),
    "show_test": (False, (False, True)),
    "features": (("x1", "x2"), tuple(FEATURES)),
    "hidden": ((8, 8), (0, MAX_PLANE_NEURONS)),
    "curve_neurons": (20, (1, MAX_CURVE_NEURONS)),
    "activation": ("tanh", ACTIVATIONS),
    "learning_rate": (SMALL_CONFIG.learning_rate, LEARNING_RATES),
    "regularisation": ("none", REGULARISATIONS),
    "regularisation_rate": (0.001, REGULARISATION_RATES),
    "batch_size": (SMALL_CONFIG.batch_size, (1, 100)),
    "seed": (0, (0, 2**31 - 1)),
}

#: Settings that the trainer takes while it runs; any other change builds new data or a new network.
LIVE = ("learning_rate", "regularisation", "regularisation_rate", "batch_size")
#: Settings that only change what is shown.
VIEW_ONLY = ("show_test",)


@dataclass(frozen=True)
class PlaygroundState:
    """The Playground's settings; replace() a field to change one. Defaults come from TABLE."""

    mode: str = TABLE["mode"][0]
    data: str = TABLE["data"][0]
    curve: str = TABLE["curve"][0]
    noise: float = TABLE["noise"][0]
    points: int = TABLE["points"][0]
    test_percent: int = TABLE["test_percent"][0]
    show_test: bool = TABLE["show_test"][0]
    features: tuple[str, ...] = TABLE["features"][0]
    hidden: tuple[int, ...] = TABLE["hidden"][0]
    curve_neurons: int = TABLE["curve_neurons"][0]
    activation: str = TABLE["activation"][0]
    learning_rate: float = TABLE["learning_rate"][0]
    regularisation: str = TABLE["regularisation"][0]
    regularisation_rate: float = TABLE["regularisation_rate"][0]
    batch_size: int = TABLE["batch_size"][0]
    seed: int = TABLE["seed"][0]
    drawn: tuple[tuple[float, ...], tuple[float, ...]] = field(default=((-1.0, 1.0), (0.0, 0.0)), repr=False)

    def __post_init__(self) -> None:
        for name in ("mode", "data", "curve", "activation", "regularisation"):
            if getattr(self, name) not in TABLE[name][1]:
                raise ValueError(f"{name} must be one of {', '.join(TABLE[name][1])}, not {getattr(self, name)!r}")
        if not self.features or any(f not in FEATURES for f in self.features):
            raise ValueError("choose at least one input feature")
        if len(self.hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_PLANE_NEURONS for n in self.hidden):
            raise ValueError(f"0 to {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_PLANE_NEURONS} neurons")
        for name in ("noise", "points", "test_percent", "curve_neurons", "batch_size"):
            low, high = TABLE[name][1]
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name} must lie in {low}..{high}, not {getattr(self, name)}")

    def replace(self, **changes) -> "PlaygroundState":
        return dataclasses.replace(self, **changes)

    @property
    def is_curve(self) -> bool:
        return self.mode == "curve"

    @property
    def hidden_layers(self) -> tuple[int, ...]:
        """The hidden layers trained: the plane's, or one layer of curve_neurons in curve mode."""
        return (self.curve_neurons,) if self.is_curve else self.hidden

    def target_function(self):
        """The curve being fitted, as a function of x (curve mode)."""
        if self.curve == "drawn":
            return drawn_curve(*self.drawn)
        return CURVES[self.curve][0]

    def make_dataset(self) -> Dataset:
        """The data these settings describe (points with the chosen features, or a curve)."""
        fraction = self.test_percent / 100
        if self.is_curve:
            return make_function_curve(self.target_function(), f"curve {CURVE_DATA[self.curve]}", self.points,
                                       self.noise, self.seed, fraction)
        points = make_toy(self.data, self.points, self.noise, self.seed, fraction)
        return with_features(points, self.features)

    def raw_points(self) -> Dataset:
        """The 2-D points themselves (before features), for drawing them on the plane."""
        return make_toy(self.data, self.points, self.noise, self.seed, self.test_percent / 100)

    def make_network(self, dataset: Dataset) -> Network:
        return small_network(dataset, self.hidden_layers, self.activation, seed=self.seed)

    def trainer_changes(self) -> dict:
        """TrainConfig values for the live settings."""
        rate = self.regularisation_rate
        return {"learning_rate": self.learning_rate, "batch_size": self.batch_size,
                "l1": rate if self.regularisation == "L1" else 0.0,
                "l2": rate if self.regularisation == "L2" else 0.0}

    def train_config(self):
        return dataclasses.replace(SMALL_CONFIG, seed=self.seed, **self.trainer_changes())


def needs_rebuild(old: PlaygroundState, new: PlaygroundState) -> bool:
    """True if going from old to new needs new data or a new network (not just live changes)."""
    changed = {f.name for f in dataclasses.fields(PlaygroundState) if getattr(old, f.name) != getattr(new, f.name)}
    return bool(changed - set(LIVE) - set(VIEW_ONLY))


def curve_x() -> np.ndarray:
    """Where curves are drawn: CURVE_SAMPLES points over -1..1."""
    return np.linspace(-1.0, 1.0, CURVE_SAMPLES)
