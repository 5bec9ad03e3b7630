"""Activation functions of the hidden layers and their derivatives, written in place for speed.

Every function works on float32 or float64 arrays of any shape, e.g. a batch (n_samples, n_neurons).
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")

#: What a learner reads for each key (the keys stay what settings and model files store).
ACTIVATION_LABELS: dict[str, str] = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
                                     "leaky_relu": "leaky ReLU", "linear": "linear"}

#: Slope of leaky ReLU for negative inputs.
LEAKY_SLOPE = 0.01


def activation_label(name: str) -> str:
    """The human name of activation ``name`` ("leaky_relu" -> "leaky ReLU"); other names with spaces."""
    return ACTIVATION_LABELS.get(name, name.replace("_", " "))


def check_activation(name: str) -> str:
    """Return ``name`` if it is a known activation, else raise a ValueError listing the choices."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function 1 / (1 + e^-z), computed as (1 + tanh(z/2)) / 2 so it never overflows."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def activate(name: str, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Apply activation ``name`` to the pre-activations ``z``; ``out`` may be ``z`` itself."""
    if name == "relu":
        return np.maximum(z, 0, out=out)
    if name == "sigmoid":
        return sigmoid(z, out=out)
    if name == "tanh":
        return np.tanh(z, out=out)
    if name == "leaky_relu":
        # max(z, slope*z) is leaky ReLU for 0 < slope < 1
        scaled = np.multiply(z, z.dtype.type(LEAKY_SLOPE))
        return np.maximum(z, scaled, out=out)
    if name == "linear":
        if out is None:
            return z.copy()
        if out is not z:
            np.copyto(out, z)
        return out
    raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")


_LEAKY_SLOPES = {np.dtype(t).char: np.dtype(t).type(LEAKY_SLOPE) for t in (np.float32, np.float64)}

#: Activations whose forward pass also keeps f'(z) (see activate_keeping_slope); saves calls overall.
KEEPS_SLOPE: tuple[str, ...] = ("leaky_relu",)

#: From this many values up, leaky ReLU's slope starts from np.greater(z, 0) cast into the float slope
#: (a vectorised comparison) instead of np.sign(z), whose fixed cost is lower. The whole activation
#: with its multiply, float32, one thread, side by side (sign against greater): 16x32 1.57 against
#: 2.28 us, 64x32 2.50 against 2.87, 96x32 3.45 against 3.43, 128x32 4.28 against 4.02, 256x32 7.9
#: against 6.2, 512x128 47 to 51 against 31 to 34 us.
SLOPE_BY_COMPARISON_FROM = 4096


def activate_keeping_slope(name: str, z: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Apply activation ``name`` (one of KEEPS_SLOPE) to ``z`` in place and write f'(z) into ``slope``.

    The backward pass is then a single ``grad *= slope``: for leaky ReLU four calls in all instead
    of five, since the sign of z is found once and serves both passes. Where z is NaN the slope is
    NaN for small arrays and LEAKY_SLOPE for large ones; f(z) is NaN either way, and so is every
    gradient that reaches it (a NaN activation makes its sample's outputs and deltas NaN).
    """
    if name != "leaky_relu":
        raise ValueError(f"{name!r} does not keep its slope; use activate and backprop")
    if z.size >= SLOPE_BY_COMPARISON_FROM:
        np.greater(z, 0, out=slope)  # 0, 1 -> slope, 1
    else:
        np.sign(z, slope)  # -1, 0, 1 -> slope, slope, 1
    np.maximum(slope, _LEAKY_SLOPES[z.dtype.char], out=slope)  # out by keyword: NumPy 2.4 deprecates it by position here
    return np.multiply(z, slope, z)


def backprop(name: str, grad: np.ndarray, a: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """Multiply ``grad`` (dC/da) in place by f'(z), found from the activation ``a = f(z)``.

    Every supported derivative can be written in terms of the output, so z need not be kept.
    ``scratch`` is an optional buffer shaped like ``a``. Returns ``grad`` (now dC/dz).
    """
    if name == "relu":
        # a >= 0, so sign(a) is the step function 0/1 (no boolean temporary to cast)
        grad *= np.sign(a, out=scratch)
    elif name == "sigmoid":
        s = np.subtract(1, a, out=scratch)  # a (1 - a)
        s *= a
        grad *= s
    elif name == "tanh":
        s = np.multiply(a, a, out=scratch)  # 1 - a^2
        np.subtract(1, s, out=s)
        grad *= s
    elif name == "leaky_relu":
        s = np.sign(a, out=scratch)  # -1, 0, 1 -> slope, slope, 1
        np.maximum(s, a.dtype.type(LEAKY_SLOPE), out=s)
        grad *= s
    elif name == "linear":
        pass
    else:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return grad


def derivative(name: str, a: np.ndarray) -> np.ndarray:
    """f'(z) for activation ``name`` given its output ``a = f(z)`` (a new array)."""
    return backprop(name, np.ones_like(a), a)
