"""One neuron under the microscope: its pixel template, its weighted sum for one input, the test
digits that excite it most and least, its dream (gradient ascent on the input) and its ablation.

Plain functions of an immutable Snapshot (weights[i] is (n_{i+1}, n_i)); nothing here changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import activations
from nnviz.engine.network import Snapshot

__all__ = ["NeuronReport", "neuron_report", "NeuronSum", "pixel_template", "pixel_templates", "weighted_sum", "exciting_digits", "dream", "ablated",
           "per_class_accuracy", "pre_activations"]


def _check(snapshot: Snapshot, layer: int, neuron: int) -> None:
    sizes = snapshot.layer_sizes
    if not 1 <= layer < len(sizes) or not 0 <= neuron < sizes[layer]:
        raise ValueError(f"no neuron {neuron} in layer {layer} of a {'-'.join(map(str, sizes))} network")


def pixel_template(snapshot: Snapshot, layer: int, neuron: int) -> np.ndarray:
    """(n_inputs,) incoming weights of a first-layer neuron; deeper, the product W_layer···W1 row.

    The product ignores the activations between layers: a linear picture of what the neuron wants.
    """
    _check(snapshot, layer, neuron)
    row = np.asarray(snapshot.weights[layer - 1][neuron], dtype=np.float64)
    for w in reversed(snapshot.weights[: layer - 1]):
        row = row @ np.asarray(w, dtype=np.float64)
    return row


def pixel_templates(weights) -> list[np.ndarray]:
    """Pixel-space template of every neuron of every layer: [W1, W2·W1, W3·W2·W1, ...].

    weights[i] is (n_{i+1}, n_i); result[i] is (n_{i+1}, n_0). A linear approximation: it ignores
    the activation functions and biases between layers.
    """
    templates = [np.asarray(weights[0], dtype=np.float32)]
    for w in weights[1:]:
        templates.append(np.asarray(w, dtype=np.float32) @ templates[-1])
    return templates


@dataclass(frozen=True, eq=False)
class NeuronSum:
    """z = Σ w·a + b and the neuron's output for one input; arrays are (n_in,) of the layer below."""

    layer: int
    neuron: int
    weights: np.ndarray = field(repr=False)
    inputs: np.ndarray = field(repr=False)     # activations a of the layer below (pixels for layer 1)
    products: np.ndarray = field(repr=False)   # w × a, term by term
    bias: float
    z: float
    output: float                              # activation(z), or the softmax/sigmoid output
    function: str                              # "leaky_relu", ..., "softmax" or "sigmoid" for outputs

    def top_terms(self, k: int = 6) -> np.ndarray:
        """Indices of the k terms w×a of largest size, largest first."""
        order = np.argsort(-np.abs(self.products), kind="stable")
        return order[:k]


def weighted_sum(snapshot: Snapshot, x, layer: int, neuron: int) -> NeuronSum:
    """The neuron's sum for one input x (n_inputs,), with every term."""
    _check(snapshot, layer, neuron)
    layers = snapshot.forward(np.asarray(x, dtype=np.float32).reshape(-1))
    a = np.asarray(layers[layer - 1], dtype=np.float64)
    w = np.asarray(snapshot.weights[layer - 1][neuron], dtype=np.float64)
    products = w * a
    bias = float(snapshot.biases[layer - 1][neuron])
    last = layer == len(snapshot.layer_sizes) - 1
    function = ("softmax" if snapshot.cost == "cross-entropy" else "sigmoid") if last else snapshot.activation
    return NeuronSum(layer, neuron, w, a, products, bias, float(products.sum() + bias),
                     float(layers[layer][neuron]), function)


def pre_activations(snapshot: Snapshot, x, layer: int) -> np.ndarray:
    """z of every neuron of ``layer`` for inputs x (n, n_inputs): (n, size)."""
    layers = snapshot.forward(x)
    a = np.asarray(layers[layer - 1], dtype=np.float32)
    return a @ np.asarray(snapshot.weights[layer - 1]).T + snapshot.biases[layer - 1]


def exciting_digits(snapshot: Snapshot, x, layer: int, neuron: int, k: int = 9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(most, least, z): indices of the k inputs with the largest and the smallest z, and z (n,).

    Ranked by z rather than by the activation, so that a ReLU's many zeros still have an order.
    """
    _check(snapshot, layer, neuron)
    z = pre_activations(snapshot, x, layer)[:, neuron]
    z = np.nan_to_num(z, nan=0.0)
    order = np.argsort(z, kind="stable")
    k = min(k, len(z))
    return order[::-1][:k].copy(), order[:k].copy(), z


def _grad_z(snapshot: Snapshot, x: np.ndarray, layer: int, neuron: int) -> tuple[float, np.ndarray]:
    """z of the neuron for input x (n_inputs,) float64, and dz/dx (n_inputs,)."""
    weights = [np.asarray(w, dtype=np.float64) for w in snapshot.weights[:layer]]
    biases = [np.asarray(b, dtype=np.float64) for b in snapshot.biases[:layer]]
    acts = [x]
    for w, b in zip(weights[:-1], biases[:-1]):
        acts.append(activations.activate(snapshot.activation, acts[-1] @ w.T + b))
    z = float(weights[-1][neuron] @ acts[-1] + biases[-1][neuron])
    g = weights[-1][neuron].copy()
    for m in range(layer - 1, 0, -1):
        g = activations.backprop(snapshot.activation, g, acts[m])
        g = g @ weights[m - 1]
    return z, g


def _blur(image: np.ndarray) -> np.ndarray:
    """A light 3x3 blur (weights 1-2-1): keeps a dream smooth, like strokes, instead of speckled."""
    p = np.pad(image, 1, mode="edge")
    rows = (p[:-2] + 2 * p[1:-1] + p[2:]) / 4
    return (rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]) / 4


def dream(snapshot: Snapshot, layer: int, neuron: int, steps: int = 150, step_size: float = 0.05,
          ink_cost: float = 0.01, blur_every: int = 4) -> tuple[np.ndarray, float, float]:
    """The input that the neuron likes best, found by gradient ascent from a grey image.

    Each step moves every pixel along dz/dx (normalised to a largest move of ``step_size``) and
    takes ``ink_cost`` of ink off every pixel, keeps pixels in 0..1 and, every ``blur_every``
    steps, blurs lightly. The ink cost leaves only the strokes that raise z on blank paper, and the
    blur keeps them smooth, so the dream reads like a drawing instead of high-contrast noise.
    Returns (image (n_inputs,), z of the grey start, z of the dream).
    """
    _check(snapshot, layer, neuron)
    n = snapshot.layer_sizes[0]
    side = int(round(np.sqrt(n)))
    x = np.full(n, 0.5)
    z0, _ = _grad_z(snapshot, x, layer, neuron)
    for step in range(steps):
        _, g = _grad_z(snapshot, x, layer, neuron)
        scale = np.abs(g).max()
        if not np.isfinite(scale) or scale == 0:
            break
        x += step_size * g / scale - ink_cost
        np.clip(x, 0.0, 1.0, out=x)
        if side * side == n and blur_every and step % blur_every == blur_every - 1:
            x = _blur(x.reshape(side, side)).reshape(-1)
    z1, _ = _grad_z(snapshot, x, layer, neuron)
    return x.astype(np.float32), z0, z1


def ablated(snapshot: Snapshot, layer: int, neuron: int) -> Snapshot:
    """The same network with the neuron switched off.

    A hidden neuron then sends nothing (its outgoing weights are zero); an output neuron can no
    longer win (its output is pushed to nearly zero).
    """
    _check(snapshot, layer, neuron)
    weights = [np.array(w) for w in snapshot.weights]
    biases = [np.array(b) for b in snapshot.biases]
    if layer < len(snapshot.layer_sizes) - 1:
        weights[layer][:, neuron] = 0.0
    else:
        weights[layer - 1][neuron] = 0.0
        biases[layer - 1][neuron] = -1e4
    for a in weights + biases:
        a.setflags(write=False)
    return Snapshot(snapshot.layer_sizes, snapshot.activation, snapshot.cost, tuple(weights), tuple(biases),
                    snapshot.step, snapshot.epoch)


def per_class_accuracy(snapshot: Snapshot, x, y, n_classes: int) -> np.ndarray:
    """(n_classes,) share of each true class recognised (NaN for a class with no samples)."""
    y = np.asarray(y, dtype=np.int64)
    right = snapshot.predict(x) == y
    total = np.bincount(y, minlength=n_classes).astype(np.float64)
    hits = np.bincount(y, weights=right.astype(np.float64), minlength=n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, hits / np.maximum(total, 1), np.nan)


@dataclass(frozen=True, eq=False)
class NeuronReport:
    """Everything the neuron card shows, measured on one snapshot (and one input, if any)."""

    layer: int
    neuron: int
    n_layers: int
    template: np.ndarray = field(repr=False)        # (n_inputs,)
    sum: NeuronSum | None = field(repr=False)       # for the current input, None without one
    most: np.ndarray = field(repr=False)            # test indices, most exciting first
    least: np.ndarray = field(repr=False)           # test indices, least exciting first
    z_test: np.ndarray = field(repr=False)          # (n_test,) z of every test input
    dream: np.ndarray = field(repr=False)           # (n_inputs,)
    dream_z: tuple[float, float] = (0.0, 0.0)       # z of the grey start and of the dream
    accuracy: np.ndarray = field(default=None, repr=False)  # (k,) per class, the network as it is
    step: int = 0


def neuron_report(snapshot: Snapshot, layer: int, neuron: int, x_test, y_test, n_classes: int,
                  current_input=None, k: int = 9, dream_steps: int = 150) -> NeuronReport:
    """Measure one neuron of ``snapshot`` on the test set (and the current input, when given)."""
    _check(snapshot, layer, neuron)
    most, least, z = exciting_digits(snapshot, x_test, layer, neuron, k)
    total = None
    if current_input is not None and np.size(current_input) == snapshot.layer_sizes[0]:
        total = weighted_sum(snapshot, current_input, layer, neuron)
    image, z0, z1 = dream(snapshot, layer, neuron, steps=dream_steps)
    return NeuronReport(layer, neuron, len(snapshot.layer_sizes), pixel_template(snapshot, layer, neuron), total,
                        most, least, z, image, (z0, z1), per_class_accuracy(snapshot, x_test, y_test, n_classes),
                        snapshot.step)
