"""What the Playground draws, computed from a network snapshot: heat maps of every feature and neuron
over the plane, the plane as a hidden layer sees it, and each hidden neuron's share of a fitted curve.

Pure NumPy on immutable snapshots, so the window only paints arrays it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import activations as _activations
from nnviz.engine.dataset import Dataset
from nnviz.engine.features import feature_matrix
from nnviz.engine.network import REGRESSION_COST, Network, Snapshot, forward_pass
from nnviz.engine.trainer import TrainConfig

__all__ = ["SMALL_CONFIG", "small_network", "PLANE_EXTENT", "plane_points", "PlaneFrame", "PlaneSampler", "HiddenSpace",
           "grid_lines", "curve_parts", "CurveParts", "dead_layers"]

#: Training settings for these small problems (MNIST's Adam 0.003 with a cosine decay learns them too slowly).
SMALL_CONFIG = TrainConfig(learning_rate=0.03, batch_size=32, optimizer="adam", epochs=None, schedule="constant", augment=0)


def small_network(dataset: Dataset, hidden: tuple[int, ...], activation: str = "tanh", seed: int = 0) -> Network:
    """A network for a 2-D or curve dataset: its inputs and outputs, these hidden layers, the right cost.

    The first layer starts scaled to the inputs' spread (see Network.initialize): points in -1..1
    would otherwise start nearly flat, and spirals then often stall for hundreds of epochs.
    """
    cost = REGRESSION_COST if dataset.is_regression else "cross-entropy"
    spread = float(np.std(dataset.x_train)) if dataset.n_train else 1.0
    spread = spread if np.isfinite(spread) and spread > 1e-3 else 1.0
    return Network((dataset.n_features, *hidden, dataset.n_outputs), activation, cost, seed=seed, input_std=spread)


#: The plane shown is -PLANE_EXTENT..PLANE_EXTENT on both axes (the toy data lies within about -1.2..1.2).
PLANE_EXTENT = 1.5


def plane_points(resolution: int, extent: float = PLANE_EXTENT) -> np.ndarray:
    """Centres of a resolution x resolution grid over the plane, (resolution², 2) float32.

    Row r, column c of the grid is point r * resolution + c, with x1 growing along columns and x2
    along rows, so ``values.reshape(resolution, resolution)`` is an image indexed [x2, x1].
    """
    step = 2.0 * extent / resolution
    centres = -extent + step * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(centres, centres)
    return np.column_stack([x1.ravel(), x2.ravel()]).astype(np.float32)


#: Samples per matrix product: beyond a few thousand OpenBLAS splits these thin products over threads,
#: and on a busy machine a (10000, 8) @ (8, 8) product then takes 15 ms instead of 0.1 ms.
FORWARD_CHUNK = 2500


def _output_columns(cost: str, z: np.ndarray) -> np.ndarray:
    """Output activations from pre-activations z (k, n), one sample per column, in place."""
    if cost == "cross-entropy":
        z -= z.max(axis=0)  # reductions across a few long rows: fast, unlike across many rows of 2
        np.exp(z, out=z)
        z /= z.sum(axis=0)
        return z
    if cost == REGRESSION_COST:
        return z
    return _activations.sigmoid(z, out=z)


def _forward_columns(snapshot: Snapshot, inputs: np.ndarray, buffers: dict | None = None) -> list[np.ndarray]:
    """All layers for the samples in the columns of ``inputs`` (n_in, n): [inputs, hidden_1, ..., output],
    each (size, n) float32, the same values as forward_pass gives transposed.

    One sample per column, so each bias is added along a long row and every heat map is one row
    already (row-per-sample layout spends more time broadcasting 8-wide biases than multiplying).
    Products go FORWARD_CHUNK columns at a time (see there). ``buffers`` (a dict kept by the caller)
    holds each layer's array from one call to the next: fresh arrays this large are mapped from the
    system and paged in every time, which costs more than the whole pass. Results then live in those
    buffers until the next call with the same dict.
    """
    n = inputs.shape[1]
    layers = [inputs]
    a = inputs
    last = len(snapshot.weights) - 1
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, (w, b) in enumerate(zip(snapshot.weights, snapshot.biases)):
            w = np.asarray(w, np.float32)
            z = None if buffers is None else buffers.get(i)
            if z is None or z.shape != (len(w), n):
                z = np.empty((len(w), n), np.float32)
                if buffers is not None:
                    buffers[i] = z
            for start in range(0, n, FORWARD_CHUNK):
                np.matmul(w, a[:, start:start + FORWARD_CHUNK], out=z[:, start:start + FORWARD_CHUNK])
            z += np.asarray(b, np.float32)[:, None]
            a = _output_columns(snapshot.cost, z) if i == last else _activations.activate(snapshot.activation, z, out=z)
            layers.append(a)
    return layers


def _class_score(snapshot: Snapshot, output: np.ndarray) -> np.ndarray:
    """One number per sample in -1..1 from the output layer (k, n): p(class 1) - p(class 0), or the value."""
    if snapshot.cost == REGRESSION_COST or len(output) == 1:
        return output[0]
    return output[1] - output[0]


def _finite(values: np.ndarray, limit: float) -> np.ndarray:
    """``values`` with NaN as 0 and infinities as +-limit, in place. The check alone costs a tenth of
    nan_to_num, and a network that has not diverged has nothing to replace."""
    if not np.isfinite(values).all():
        np.nan_to_num(values, copy=False, nan=0.0, posinf=limit, neginf=-limit)
    return values


def _unit_maps(values: np.ndarray, resolution: int) -> np.ndarray:
    """values (n_units, res²) as (n_units, res, res) float32 maps scaled into -1..1 (see PlaneFrame)."""
    values = _finite(values.astype(np.float32, copy=True), 1.0)
    values /= np.maximum(np.abs(values).max(axis=1, keepdims=True), 1.0)
    return values.reshape(len(values), resolution, resolution)


def _decision(score: np.ndarray, resolution: int) -> np.ndarray:
    """The class score (res²,) as a finite (res, res) float32 map."""
    return _finite(score.astype(np.float32), 1.0).reshape(resolution, resolution)


@dataclass(frozen=True, eq=False)
class PlaneFrame:
    """What the Playground draws of one snapshot.

    ``maps``: every layer over the plane, [inputs, hidden_1, ..., output score], each (n_units, res, res)
    float32 in -1..1: the inputs are the chosen features, the output has one map, p(class 1) - p(class 0)
    (or the fitted value); a unit whose largest |value| over the plane exceeds 1 (x1² out here, ReLU
    neurons) is divided by it, others (tanh, sigmoid) keep their own values. ``decision``: the output
    score on a finer grid, (res, res) float32 in -1..1. ``space``: the data points and grid lines as a
    hidden layer sees them (None when no layer was asked for).
    """

    maps: list = field(repr=False)
    decision: np.ndarray = field(repr=False)
    space: "HiddenSpace | None" = None


class PlaneSampler:
    """The plane's heat maps, the decision map and a hidden layer's view, all from ONE forward pass.

    The maps' grid (map_resolution²), the decision's grid (output_resolution²), the data ``points``
    (n, 2) and the ``grid`` lines (m, 2) go through the network together; their features are
    computed once here, since they do not change from one snapshot to the next.
    """

    def __init__(self, features, map_resolution: int, output_resolution: int, points: np.ndarray,
                 grid: np.ndarray, extent: float = PLANE_EXTENT) -> None:
        parts = [plane_points(map_resolution, extent), plane_points(output_resolution, extent),
                 np.asarray(points, np.float32).reshape(-1, 2), np.asarray(grid, np.float32).reshape(-1, 2)]
        self.map_resolution, self.output_resolution = map_resolution, output_resolution
        self._ends = np.cumsum([len(p) for p in parts])
        self._inputs = np.ascontiguousarray(feature_matrix(np.concatenate(parts), features).T)
        self._buffers: dict = {}  # every layer's values, reused: nothing handed out refers to them

    def frame(self, snapshot: Snapshot, layer: int = 0) -> PlaneFrame:
        """Maps, decision and (``layer`` > 0, 1-based hidden layer) that layer's view of points and grid."""
        maps_end, decision_end, points_end, _ = self._ends
        layers = _forward_columns(snapshot, self._inputs, self._buffers)
        score = _class_score(snapshot, layers[-1])
        maps = [_unit_maps(values[:, :maps_end], self.map_resolution) for values in layers[:-1]]
        maps.append(_unit_maps(score[None, :maps_end], self.map_resolution))
        decision = _decision(score[maps_end:decision_end], self.output_resolution)
        space = None
        if layer:
            _check_layer(snapshot, layer)
            space = _space_of(snapshot, layer, layers[layer][:, decision_end:].T, points_end - decision_end)
        return PlaneFrame(maps, decision, space)


def grid_lines(n_lines: int = 13, samples: int = 60, extent: float = 1.2) -> np.ndarray:
    """Points along the lines of a square grid over the plane, (2 * n_lines * samples, 2) float32.

    n_lines lines of constant x1 and n_lines of constant x2, each sampled at ``samples`` points;
    consecutive runs of ``samples`` points make one line.
    """
    ticks = np.linspace(-extent, extent, n_lines)
    along = np.linspace(-extent, extent, samples)
    vertical = np.stack([np.repeat(ticks, samples), np.tile(along, n_lines)], axis=1)
    horizontal = vertical[:, ::-1]
    return np.concatenate([vertical, horizontal]).astype(np.float32)


#: A tanh or sigmoid neuron this close to its limit (a share of its range) counts as saturated: its
#: points are drawn on the edge of the square, and the plane is folded flat there.
SATURATION_MARGIN = 0.025
#: Each bounded activation's (low, high) limits.
BOUNDS = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}

#: Hidden activations are clipped to +-this before drawing (squares of n of them still fit a float64).
HIDDEN_LIMIT = 1e6


@dataclass(frozen=True, eq=False)
class HiddenSpace:
    """Points and grid lines of the input plane in the coordinates of one hidden layer.

    ``points`` (n, 2) and ``grid`` (m, 2): the layer's two neurons for a 2-neuron layer, else its
    first two principal components (``explained`` says how much of the variance they keep).
    ``boundary`` is (w1, w2, b) of the line w1 u + w2 v + b = 0 where the output switches class,
    when it is a straight line in these coordinates (a 2-neuron last hidden layer), else None.
    ``saturated`` is the share of the points pressed against the edge of a 2-neuron layer's square
    (a tanh or sigmoid neuron within SATURATION_MARGIN of its limit), NaN when there is no such square.
    """

    layer: int  # 1-based hidden layer
    axes: tuple[str, str]
    points: np.ndarray = field(repr=False)
    grid: np.ndarray = field(repr=False)
    explained: float = 1.0
    boundary: tuple[float, float, float] | None = None
    saturated: float = float("nan")


def _check_layer(snapshot: Snapshot, layer: int) -> None:
    n_hidden = len(snapshot.layer_sizes) - 2
    if not 1 <= layer <= n_hidden:
        raise ValueError(f"this network has {n_hidden} hidden layers, not a layer {layer}")
    if snapshot.layer_sizes[layer] < 2:
        raise ValueError(f"hidden layer {layer} has one neuron: there is no plane to draw")


def _space_of(snapshot: Snapshot, layer: int, activations: np.ndarray, n: int) -> HiddenSpace:
    """HiddenSpace from ``layer``'s activations (n + m, size) of the n points, then the m grid points."""
    n_hidden = len(snapshot.layer_sizes) - 2
    activations = np.array(activations, np.float64)  # a copy, changed in place below
    # a runaway network (diverging, or weights typed by hand) must still draw: clip to a finite range PCA can sum
    _finite(activations, HIDDEN_LIMIT)
    np.clip(activations, -HIDDEN_LIMIT, HIDDEN_LIMIT, out=activations)
    saturated = float("nan")
    if snapshot.activation in BOUNDS and n and activations.shape[1] == 2:
        low, high = BOUNDS[snapshot.activation]
        margin = SATURATION_MARGIN * (high - low)
        on_edge = (activations[:n] < low + margin) | (activations[:n] > high - margin)
        saturated = float(on_edge.any(axis=1).mean())
    if activations.shape[1] == 2:
        coords, explained, axes = activations, 1.0, ("neuron 1", "neuron 2")
        boundary = None
        if layer == n_hidden and snapshot.cost != REGRESSION_COST and snapshot.layer_sizes[-1] == 2:
            w, b = snapshot.weights[-1].astype(np.float64), snapshot.biases[-1].astype(np.float64)
            boundary = (float(w[1, 0] - w[0, 0]), float(w[1, 1] - w[0, 1]), float(b[1] - b[0]))
    else:
        coords, explained = _pca(activations, activations[:n])
        axes, boundary = ("principal component 1", "principal component 2"), None
    coords = coords.astype(np.float32)
    return HiddenSpace(layer, axes, coords[:n], coords[n:], explained, boundary, saturated)


def _pca(values: np.ndarray, fit_on: np.ndarray) -> tuple[np.ndarray, float]:
    """values projected on the first two principal components of ``fit_on``, and their share of variance.

    Each component's sign is fixed (its largest loading positive) so the picture does not flip
    between frames as training changes the layer a little.
    """
    mean = fit_on.mean(axis=0)
    centred = fit_on - mean
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:2]
    signs = np.sign(components[np.arange(2), np.abs(components).argmax(axis=1)])
    components = components * np.where(signs == 0, 1.0, signs)[:, None]
    variance = singular**2
    explained = float(variance[:2].sum() / variance.sum()) if variance.sum() > 0 else 1.0
    return (values - mean) @ components.T, explained


@dataclass(frozen=True, eq=False)
class CurveParts:
    """A 1-input, 1-hidden-layer, 1-output network along x: its output and each neuron's share.

    ``contributions[j]`` is hidden neuron j's activation times its outgoing weight, so that
    ``output == contributions.sum(axis=0) + output_bias``: the sum of steps and bumps.
    """

    x: np.ndarray = field(repr=False)  # (n,)
    output: np.ndarray = field(repr=False)  # (n,)
    contributions: np.ndarray = field(repr=False)  # (n_hidden, n)
    output_bias: float = 0.0


def curve_parts(snapshot: Snapshot, x: np.ndarray) -> CurveParts:
    """The network's output and each hidden neuron's weighted contribution at the points x (n,)."""
    sizes = snapshot.layer_sizes
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    layers = forward_pass(snapshot.weights, snapshot.biases, snapshot.activation, snapshot.cost, x[:, None])
    output = layers[-1][:, 0]
    if len(sizes) != 3:  # no hidden layer (or more than one): the output is the only part
        return CurveParts(x, output, np.zeros((0, len(x)), np.float32), float(snapshot.biases[-1][0]))
    contributions = (layers[1] * snapshot.weights[-1][0]).T
    return CurveParts(x, output, np.ascontiguousarray(contributions), float(snapshot.biases[-1][0]))


def dead_layers(snapshot: Snapshot, inputs: np.ndarray) -> tuple[int, ...]:
    """1-based hidden ReLU layers in which every neuron gives 0 for every row of ``inputs`` (n, n_in):
    no signal gets through them, and with no gradient either they never come back."""
    if snapshot.activation != "relu" or len(snapshot.layer_sizes) < 3 or not len(inputs):
        return ()
    layers = _forward_columns(snapshot, np.ascontiguousarray(np.asarray(inputs, np.float32).T))
    return tuple(k for k in range(1, len(layers) - 1) if not (layers[k] > 0).any())
