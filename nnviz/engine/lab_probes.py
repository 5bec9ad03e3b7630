"""What the Lab measures on a trained network: the collapsed product of a linear network, its top
confidence on nonsense inputs (noise, flat pages, scribbles), and a 2-neuron hidden layer's view.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.network import Snapshot
from nnviz.engine.preprocess import preprocess_digit

__all__ = [
    "collapse_linear", "agreement", "confidences", "noise_images", "blank_images", "scribble_images",
    "probe_confidence", "hidden_points", "CONFIDENT", "N_PROBES",
]

#: A top softmax output at or above this counts as a confident answer.
CONFIDENT = 0.9
#: Nonsense images of each kind fed to the network.
N_PROBES = 1000


def collapse_linear(snapshot: Snapshot) -> Snapshot:
    """The one-layer network (n_in -> n_out) computing the same function as a linear-hidden ``snapshot``.

    With identity hidden activations, W3(W2(W1 x + b1) + b2) + b3 = (W3 W2 W1) x + (W3(W2 b1 + b2) + b3):
    the matrices multiply into one (n_out, n_in) matrix and the biases fold into one vector.
    Computed in float64, stored as float32 like every network.
    """
    if snapshot.activation != "linear" and len(snapshot.layer_sizes) > 2:
        raise ValueError(f"only a network with linear hidden layers collapses, not {snapshot.activation}")
    w = np.asarray(snapshot.weights[0], dtype=np.float64)
    b = np.asarray(snapshot.biases[0], dtype=np.float64)
    for wi, bi in zip(snapshot.weights[1:], snapshot.biases[1:]):
        wi = np.asarray(wi, dtype=np.float64)
        w = wi @ w
        b = wi @ b + bi
    weights = np.ascontiguousarray(w, dtype=np.float32)
    biases = np.ascontiguousarray(b, dtype=np.float32)
    weights.flags.writeable = biases.flags.writeable = False
    sizes = (snapshot.layer_sizes[0], snapshot.layer_sizes[-1])
    return Snapshot(sizes, "linear", snapshot.cost, (weights,), (biases,), snapshot.step, snapshot.epoch)


def agreement(a: Snapshot, b: Snapshot, x: np.ndarray) -> float:
    """Share (0..1) of the inputs x (n, n_in) on which a and b answer the same digit."""
    if len(x) == 0:
        return float("nan")
    return float(np.mean(a.predict(x) == b.predict(x)))


def confidences(snapshot: Snapshot, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(top output (n,), answered class (n,)) of the network for inputs x (n, n_in)."""
    out = snapshot.forward(x)[-1]
    with np.errstate(invalid="ignore"):
        top = np.nan_to_num(out.max(axis=1), nan=0.0)
    return top.astype(np.float64), out.argmax(axis=1)


#: Nonsense inputs of each kind the gallery shows at most (one row of the Lab's gallery per kind).
GALLERY_PER_KIND = 4


def noise_images(n: int, seed: int, n_pixels: int = 784) -> np.ndarray:
    """``n`` images of uniform random pixels in 0..1, (n, n_pixels) float32."""
    return np.random.default_rng([seed, 10]).random((n, n_pixels), dtype=np.float32)


def blank_images(n: int, n_pixels: int = 784) -> np.ndarray:
    """``n`` flat pages, (n, n_pixels): every pixel of one page alike, from 0 (no ink, a blank page) to
    1 (ink everywhere, drawn black), evenly spaced."""
    return np.repeat(np.linspace(0.0, 1.0, n, dtype=np.float32)[:, None], n_pixels, axis=1)


def scribble_images(n: int, seed: int, side: int = 28) -> np.ndarray:
    """``n`` random scribbles (2 to 5 pen strokes at random), framed like a drawn digit, (n, side*side).

    Each is drawn on a 56x56 pad, then cropped, scaled and centred by preprocess_digit as the
    drawing pad does, so the network sees them the way it sees a learner's drawing.
    """
    rng = np.random.default_rng([seed, 11])
    pad = 56
    yy, xx = np.mgrid[0:pad, 0:pad].astype(np.float32)
    pixels = np.stack([yy.ravel(), xx.ravel()], axis=1)  # (pad*pad, 2)
    images = np.empty((n, side * side), dtype=np.float32)
    for i in range(n):
        points = rng.uniform(6, pad - 6, size=(rng.integers(3, 7), 2)).astype(np.float32)
        dist = np.full(len(pixels), np.inf, dtype=np.float32)
        for p, q in zip(points[:-1], points[1:]):
            d = q - p
            t = np.clip(((pixels - p) @ d) / max(float(d @ d), 1e-6), 0.0, 1.0)
            nearest = p + t[:, None] * d
            np.minimum(dist, np.linalg.norm(pixels - nearest, axis=1), out=dist)
        ink = np.clip(2.5 - dist, 0.0, 1.0).reshape(pad, pad)  # a pen about 4 pixels wide
        images[i] = preprocess_digit(ink).reshape(-1)
    return images


def probe_confidence(snapshot: Snapshot, x_test: np.ndarray, seed: int, n: int = N_PROBES) -> tuple[dict, dict]:
    """Top confidence of the network on real test digits and on three kinds of nonsense input.

    Returns (figures, pictures): figures are medians and the share answered with CONFIDENT or more
    for "digits", "noise" (uniform), "blank" and "scribble"; pictures hold every confidence
    array and a gallery of the nonsense inputs answered most confidently (at least CONFIDENT).
    """
    n_pixels = snapshot.layer_sizes[0]
    side = int(round(np.sqrt(n_pixels)))
    inputs = {
        "noise": noise_images(n, seed, n_pixels),
        "blank": blank_images(n, n_pixels),
    }
    if side * side == n_pixels:
        inputs["scribble"] = scribble_images(n, seed, side)
    figures: dict = {}
    pictures: dict = {"confidence": {}, "gallery": []}
    top, _ = confidences(snapshot, x_test)
    pictures["confidence"]["digits"] = top
    figures["digits_median_confidence"] = float(np.median(top)) if len(top) else float("nan")
    figures["digits_share_confident"] = float(np.mean(top >= CONFIDENT)) if len(top) else float("nan")
    gallery = []
    for kind, x in inputs.items():
        top, answer = confidences(snapshot, x)
        pictures["confidence"][kind] = top
        figures[f"{kind}_median_confidence"] = float(np.median(top))
        figures[f"{kind}_share_confident"] = float(np.mean(top >= CONFIDENT))
        confident = np.flatnonzero(top >= CONFIDENT)
        # up to GALLERY_PER_KIND of each kind, spread over the confident ones in input order (flat
        # pages run from no ink to all ink): the four most confident blanks would be four black squares
        if len(confident) > GALLERY_PER_KIND:
            confident = confident[np.linspace(0, len(confident) - 1, GALLERY_PER_KIND).round().astype(int)]
        for i in confident:
            gallery.append({"confidence": float(top[i]), "kind": kind, "answer": int(answer[i]), "image": x[i].copy()})
    pictures["gallery"] = gallery
    return figures, pictures


def hidden_points(snapshot: Snapshot, x: np.ndarray, limit: int = 2000) -> np.ndarray:
    """First hidden layer's activations (n, n_hidden) for the first ``limit`` inputs of x."""
    if len(snapshot.layer_sizes) < 3:
        raise ValueError("a network with no hidden layer has no hidden space")
    return np.asarray(snapshot.forward(x[:limit])[1], dtype=np.float32)
