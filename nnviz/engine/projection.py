"""Where inputs land in a hidden layer's space, and which pixels push the answer: the activation
space (exact for 2 neurons, a PCA projection otherwise) and saliency maps. Plain NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import activations
from nnviz.engine.network import Snapshot

__all__ = ["Projection", "project_layer", "saliency"]


@dataclass(frozen=True, eq=False)
class Projection:
    """2-D points (n, 2) for a layer's activations, and what the two axes are."""

    points: np.ndarray = field(repr=False)
    axes: tuple[str, str]
    exact: bool                      # True: the axes are two neurons; False: principal components
    explained: tuple[float, float]   # share of the variance along each axis (1.0, 1.0 when exact)
    components: np.ndarray = field(default=None, repr=False)  # (2, size) for PCA, else None


def project_layer(snapshot: Snapshot, x, layer: int, previous: Projection | None = None) -> Projection:
    """Activations of ``layer`` (1 = first hidden layer) for inputs x (n, n_inputs), in 2-D.

    A layer of 1 or 2 neurons is shown as it is; a wider one by its two principal components.
    With ``previous`` (the last projection of the same layer), each component keeps its direction,
    so the picture does not flip from one frame to the next.
    """
    if not 1 <= layer < len(snapshot.layer_sizes):
        raise ValueError(f"no layer {layer} in a {'-'.join(map(str, snapshot.layer_sizes))} network")
    a = np.nan_to_num(np.asarray(snapshot.forward(x)[layer], dtype=np.float64))
    size = a.shape[1]
    if size <= 2:
        points = a if size == 2 else np.column_stack([a[:, 0], np.zeros(len(a))])
        names = ("neuron 0", "neuron 1" if size == 2 else "(one neuron only)")
        return Projection(points.astype(np.float32), names, True, (1.0, 1.0))
    centred = a - a.mean(axis=0)
    # Eigenvectors of the (size x size) scatter matrix: the principal directions, cheaper than an
    # SVD of the (n x size) activations when n is large.
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred)
    order = np.argsort(eigenvalues)[::-1]
    components = eigenvectors[:, order[:2]].T.copy()
    s = np.sqrt(np.maximum(eigenvalues[order], 0.0))
    if previous is not None and previous.components is not None and previous.components.shape == components.shape:
        signs = np.sign(np.sum(components * previous.components, axis=1))
        components *= np.where(signs == 0, 1.0, signs)[:, None]
    variance = s**2
    total = float(variance.sum()) or 1.0
    explained = (float(variance[0] / total), float(variance[1] / total) if len(variance) > 1 else 0.0)
    points = centred @ components.T
    names = (f"principal component 1 ({explained[0]:.0%} of the spread)",
             f"principal component 2 ({explained[1]:.0%})")
    return Projection(points.astype(np.float32), names, False, explained, components)


def saliency(snapshot: Snapshot, x, target: int | None = None) -> tuple[np.ndarray, int]:
    """How each input pixel pushes one answer: d(log-probability of ``target``)/dx, shape (n_inputs,).

    ``target`` defaults to the network's answer for x. For sigmoid outputs (mse cost) it is the
    gradient of that output's z. Positive: more ink there makes the answer more likely.
    Returns (gradient, target).
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    weights = [np.asarray(w, dtype=np.float64) for w in snapshot.weights]
    biases = [np.asarray(b, dtype=np.float64) for b in snapshot.biases]
    acts = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for w, b in zip(weights[:-1], biases[:-1]):
            acts.append(activations.activate(snapshot.activation, acts[-1] @ w.T + b))
        z = weights[-1] @ acts[-1] + biases[-1]
    if target is None:
        target = int(np.nanargmax(z)) if np.isfinite(z).any() else 0
    g = np.zeros_like(z)
    g[target] = 1.0
    if snapshot.cost == "cross-entropy":
        p = np.exp(z - np.max(z))
        p /= p.sum()
        g -= p  # d log softmax_t / dz = e_t - p
    g = g @ weights[-1]
    for m in range(len(weights) - 1, 0, -1):
        g = activations.backprop(snapshot.activation, g, acts[m]) @ weights[m - 1]
    return np.nan_to_num(g), target
