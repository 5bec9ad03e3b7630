"""The multilayer perceptron: layer sizes, seeded initialisation, forward pass, backprop, evaluation.

Weights are float32 and shaped (n_out, n_in), so each row of the first matrix is one 28x28 picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import activations
from nnviz.engine.activations import ACTIVATIONS, check_activation

# Classification: cross-entropy => softmax outputs; mse => sigmoid outputs against one-hot labels.
COSTS: tuple[str, ...] = ("cross-entropy", "mse")
# Regression (e.g. fitting a curve): identity outputs against real-valued targets, mean squared error.
REGRESSION_COST = "identity-mse"

#: Hidden activation a new Network gets when none is given.
DEFAULT_ACTIVATION = "leaky_relu"
MAX_HIDDEN_LAYERS = 6
MAX_LAYER_SIZE = 1024
#: Inputs are evaluated in chunks of this many samples to bound memory.
EVAL_CHUNK = 10_000

__all__ = [
    "COSTS",
    "REGRESSION_COST",
    "ACTIVATIONS",
    "DEFAULT_ACTIVATION",
    "Evaluation",
    "Snapshot",
    "Network",
    "forward_pass",
    "check_layer_sizes",
    "check_cost",
]


def check_cost(name: str) -> str:
    """Return ``name`` if it is a known cost, else raise a ValueError listing the choices."""
    if name not in COSTS and name != REGRESSION_COST:
        raise ValueError(f"unknown cost {name!r}; choose one of {', '.join(COSTS + (REGRESSION_COST,))}")
    return name


def check_layer_sizes(layer_sizes) -> tuple[int, ...]:
    """Validate layer sizes (inputs, 0-6 hidden layers of 1-1024 neurons, outputs) as a tuple of ints."""
    try:
        sizes = tuple(int(s) for s in layer_sizes)
    except (TypeError, ValueError):
        raise ValueError(f"layer sizes must be whole numbers, got {layer_sizes!r}") from None
    if any(int(s) != s for s in layer_sizes):
        raise ValueError(f"layer sizes must be whole numbers, got {layer_sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least an input and an output layer, got {sizes}")
    hidden = sizes[1:-1]
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers are supported, got {len(hidden)}")
    if sizes[0] < 1 or sizes[-1] < 1:
        raise ValueError(f"input and output layers need at least one neuron, got {sizes}")
    bad = [s for s in hidden if not 1 <= s <= MAX_LAYER_SIZE]
    if bad:
        raise ValueError(f"hidden layers need 1 to {MAX_LAYER_SIZE} neurons each, got {sizes}")
    return sizes


def _as_batch(x, n_in: int, dtype=np.float32) -> tuple[np.ndarray, bool]:
    """Return x as a (n, n_in) array and whether it was a single (n_in,) sample."""
    x = np.asarray(x, dtype=dtype)
    single = x.ndim == 1
    if single:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != n_in:
        raise ValueError(f"expected input of shape ({n_in},) or (n, {n_in}), got {np.shape(x)}")
    return x, single


def _output(cost: str, z: np.ndarray) -> np.ndarray:
    """Output activations from the output pre-activations z (n, k), in place."""
    if cost == "cross-entropy":
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z
    if cost == REGRESSION_COST:
        return z
    return activations.sigmoid(z, out=z)


def forward_pass(weights, biases, activation: str, cost: str, x) -> list[np.ndarray]:
    """All layers' activations for one input (n_in,) or many (n, n_in).

    Returns [x, hidden_1, ..., output], each (size,) or (n, size). The output is softmax
    probabilities for cross-entropy and sigmoid outputs for mse.
    """
    x, single = _as_batch(x, weights[0].shape[1], dtype=weights[0].dtype)
    layers = [x]
    a = x
    last = len(weights) - 1
    # weights blown up by a diverged run give NaN/inf outputs, not warnings
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = a @ w.T
            z += b
            a = _output(cost, z) if i == last else activations.activate(activation, z, out=z)
            layers.append(a)
    if single:
        layers = [layer[0] for layer in layers]
    return layers


def _batch_cost(cost: str, outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample cost (n,) of outputs (n, k) for integer labels y (n,), or targets (n,) in regression."""
    if cost == REGRESSION_COST:
        diff = outputs - y.reshape(len(y), -1)
        return np.einsum("ij,ij->i", diff, diff)
    rows = np.arange(len(y))
    if cost == "cross-entropy":
        p = outputs[rows, y]
        return -np.log(np.maximum(p, np.finfo(outputs.dtype).tiny))
    diff = outputs.copy()
    diff[rows, y] -= 1
    return np.einsum("ij,ij->i", diff, diff)


@dataclass(frozen=True, eq=False)  # holds arrays: compare by identity
class Evaluation:
    """Cost, accuracy and confusion matrix of a network on a labelled set.

    In regression (identity-mse) cost is the mean squared error, accuracy is NaN and the confusion
    matrix is empty (0, 0).
    """

    cost: float
    accuracy: float  # 0..1
    confusion: np.ndarray = field(repr=False)  # (k, k) int64, rows = true label, cols = predicted


def _evaluate_regression(weights, biases, activation, cost, x, y) -> Evaluation:
    y = np.asarray(y, dtype=np.float32).reshape(-1)
    x, _ = _as_batch(x, weights[0].shape[1])
    if len(x) != len(y):
        raise ValueError(f"{len(x)} inputs but {len(y)} targets")
    total = 0.0
    for start in range(0, len(y), EVAL_CHUNK):
        out = forward_pass(weights, biases, activation, cost, x[start:start + EVAL_CHUNK])[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            total += float(_batch_cost(cost, out, y[start:start + EVAL_CHUNK]).sum(dtype=np.float64))
    return Evaluation(cost=total / max(len(y), 1), accuracy=float("nan"), confusion=np.zeros((0, 0), np.int64))


def _evaluate(weights, biases, activation, cost, x, y) -> Evaluation:
    if cost == REGRESSION_COST:
        return _evaluate_regression(weights, biases, activation, cost, x, y)
    n_in, k = weights[0].shape[1], weights[-1].shape[0]
    y = np.asarray(y, dtype=np.int64).reshape(-1)
    x, _ = _as_batch(x, n_in)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} inputs but {len(y)} labels")
    if len(y) and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must be in 0..{k - 1}")
    total = 0.0
    predicted = np.empty(len(y), dtype=np.int64)
    for start in range(0, len(y), EVAL_CHUNK):
        stop = start + EVAL_CHUNK
        out = forward_pass(weights, biases, activation, cost, x[start:stop])[-1]
        total += float(_batch_cost(cost, out, y[start:stop]).sum(dtype=np.float64))
        predicted[start:stop] = out.argmax(axis=1)
    confusion = np.bincount(y * k + predicted, minlength=k * k).reshape(k, k).astype(np.int64)
    n = max(len(y), 1)
    return Evaluation(cost=total / n, accuracy=float(np.trace(confusion)) / n, confusion=confusion)


class _Evaluates:
    """forward / predict / evaluate for anything with layer weights, biases, activation and cost."""

    weights: "tuple[np.ndarray, ...] | list[np.ndarray]"
    biases: "tuple[np.ndarray, ...] | list[np.ndarray]"
    activation: str
    cost: str

    def forward(self, x) -> list[np.ndarray]:
        """Every layer's activations for x (n_in,) or (n, n_in): [x, hidden_1, ..., output]."""
        return forward_pass(self.weights, self.biases, self.activation, self.cost, x)

    def predict(self, x) -> np.ndarray:
        """Predicted labels (n,) for inputs (n, n_in), or a 0-d label for one input (n_in,)."""
        return self.forward(x)[-1].argmax(axis=-1)

    def evaluate(self, x, y) -> Evaluation:
        """Cost (mean per sample), accuracy and confusion matrix on inputs (n, n_in), labels (n,)."""
        return _evaluate(self.weights, self.biases, self.activation, self.cost, x, y)


@dataclass(frozen=True, eq=False)  # holds arrays: compare by identity
class Snapshot(_Evaluates):
    """Immutable copy of a network handed to the GUI; arrays are read-only copies."""

    layer_sizes: tuple[int, ...]  # e.g. (784, 16, 16, 10)
    activation: str  # hidden activation name
    cost: str  # "cross-entropy" | "mse" | "identity-mse"
    weights: tuple[np.ndarray, ...] = field(repr=False)  # float32, (layer_sizes[i+1], layer_sizes[i])
    biases: tuple[np.ndarray, ...] = field(repr=False)  # float32, (layer_sizes[i+1],)
    step: int = 0  # mini-batches trained so far
    epoch: int = 0  # completed epochs


def _param_layout(layer_sizes) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int]:
    """Offsets of every weight and bias in one flat vector: all weights first, then all biases.

    Weights-first keeps the L2 penalty a single slice params[:n_weights].
    """
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    w_slices, offset = [], 0
    for n_in, n_out in pairs:
        w_slices.append((offset, offset + n_in * n_out))
        offset += n_in * n_out
    b_slices = []
    for _, n_out in pairs:
        b_slices.append((offset, offset + n_out))
        offset += n_out
    return w_slices, b_slices, offset


def split_params(flat: np.ndarray, layer_sizes) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weight views (n_out, n_in) and bias views (n_out,) into a flat parameter vector."""
    w_slices, b_slices, _ = _param_layout(layer_sizes)
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    weights = [flat[a:b].reshape(n_out, n_in) for (a, b), (n_in, n_out) in zip(w_slices, pairs)]
    biases = [flat[a:b] for a, b in b_slices]
    return weights, biases


def n_weights(layer_sizes) -> int:
    """Number of weights (not biases) of a network with these layer sizes."""
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


class Network(_Evaluates):
    """A multilayer perceptron with one hidden activation and a softmax or sigmoid output layer.

    ``weights[i]`` is float32 (layer_sizes[i+1], layer_sizes[i]); ``biases[i]`` is (layer_sizes[i+1],).
    Both are views into one flat parameter vector ``params`` so optimizers update everything with a
    few vectorised calls; change them in place (``net.weights[0][...] = w``), never rebind them.
    """

    def __init__(self, layer_sizes, activation: str = DEFAULT_ACTIVATION, cost: str = "cross-entropy", seed: int = 0,
                 input_std: float = 1.0):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.activation = check_activation(activation)
        self.cost = check_cost(cost)
        _, _, total = _param_layout(self.layer_sizes)
        self.params = np.zeros(total, dtype=np.float32)
        self.weights, self.biases = split_params(self.params, self.layer_sizes)
        self.n_weights = n_weights(self.layer_sizes)
        self.initialize(seed, input_std)

    def initialize(self, seed: int = 0, input_std: float = 1.0) -> None:
        """Fresh seeded weights suited to the activation; biases zero.

        He (std sqrt(2/n_in)) for relu and leaky_relu, Xavier (std sqrt(2/(n_in+n_out))) for sigmoid
        and tanh, LeCun (std sqrt(1/n_in)) for linear and for the output layer. These rules assume
        inputs of spread about 1; ``input_std`` (the inputs' standard deviation) divides the first
        layer's weights so that small inputs, such as points in -1..1, start as folded as large ones.
        """
        if not (math.isfinite(input_std) and input_std > 0):
            raise ValueError(f"input_std must be a positive number, got {input_std!r}")
        rng = np.random.default_rng(seed)
        last = len(self.weights) - 1
        for i, w in enumerate(self.weights):
            n_out, n_in = w.shape
            if i == last or self.activation == "linear":
                std = math.sqrt(1.0 / n_in)
            elif self.activation in ("relu", "leaky_relu"):
                std = math.sqrt(2.0 / n_in)
            else:
                std = math.sqrt(2.0 / (n_in + n_out))
            if i == 0:
                std /= input_std
            w[...] = rng.standard_normal(w.shape, dtype=np.float32) * np.float32(std)
        for b in self.biases:
            b[...] = 0

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.layer_sizes)
        return f"Network({sizes}, activation={self.activation!r}, cost={self.cost!r})"

    @property
    def n_params(self) -> int:
        """Number of weights and biases."""
        return self.params.size

    def snapshot(self, step: int = 0, epoch: int = 0) -> Snapshot:
        """An immutable, read-only copy of the current weights and biases."""
        flat = self.params.copy()
        flat.flags.writeable = False
        weights, biases = split_params(flat, self.layer_sizes)
        return Snapshot(self.layer_sizes, self.activation, self.cost, tuple(weights), tuple(biases), step, epoch)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> "Network":
        """A trainable network holding copies of a snapshot's weights and biases."""
        net = cls(snapshot.layer_sizes, snapshot.activation, snapshot.cost)
        for dst, src in zip(net.weights + net.biases, snapshot.weights + snapshot.biases):
            dst[...] = src
        return net

    def loss_and_gradient(self, x, y, l2: float = 0.0, dtype=np.float64, l1: float = 0.0) -> tuple[float, np.ndarray]:
        """Cost (data cost + l2/2 * sum of squared weights + l1 * sum of |weights|) and its gradient.

        The gradient is a flat vector. Computed in ``dtype`` (float64 by default) by the same backprop
        code that trains the network; meant for gradient checks. x: (n, n_in); y: (n,) int labels,
        or (n,) real targets for identity-mse.
        """
        x, _ = _as_batch(x, self.layer_sizes[0], dtype=dtype)
        y = np.asarray(y, dtype=dtype if self.cost == REGRESSION_COST else np.int64)
        params = self.params.astype(dtype)
        grad = np.empty_like(params)
        backprop = Backprop(self.layer_sizes, self.activation, self.cost, len(x), dtype=dtype)
        cost = backprop.loss_and_gradient(params, grad, x, y, l2=l2, l1=l1)
        w = params[: self.n_weights]
        if l2:
            cost += 0.5 * l2 * float(w @ w)
        if l1:
            cost += l1 * float(np.abs(w).sum())
        return cost, grad


class Backprop:
    """Preallocated forward and backward pass for mini-batches of one fixed size.

    Holds every per-batch buffer so that a training step allocates (almost) nothing. ``x`` is the
    input buffer (batch_size, n_in) the trainer gathers a mini-batch into. Every layer after the
    input is kept transposed, (n_neurons, batch_size): the first layer's product ``W @ x.T`` is
    the fastest of its layouts in OpenBLAS at batch 32, the deltas need no transposes, and the
    softmax's per-sample max and sum run along the fast axis. np.dot has less call overhead than
    matmul for these tiny matrices, and sums over the batch are dot products with a vector of ones.
    """

    def __init__(self, layer_sizes, activation: str, cost: str, batch_size: int, dtype=np.float32):
        self.layer_sizes = tuple(layer_sizes)
        self.activation = activation
        self.cost = cost
        self.batch_size = m = int(batch_size)
        self.dtype = dt = np.dtype(dtype)
        hidden = layer_sizes[1:-1]
        k = layer_sizes[-1]
        self.x = np.empty((m, layer_sizes[0]), dtype=dt)
        # hidden_t[i] holds hidden layer i's pre-activation, then (in place) its activation
        self.hidden_t = [np.empty((n, m), dtype=dt) for n in hidden]
        # dC/dz of every layer after the input, one block of rows each, stacked in layer order like
        # the biases in the flat vector: all the bias gradients are then one product with ones
        self.deltas_stack = np.empty((sum(layer_sizes[1:]), m), dtype=dt)
        ends = np.cumsum(layer_sizes[1:])
        self.deltas_t = [self.deltas_stack[end - n:end] for n, end in zip(hidden, ends)]  # hidden layers
        self.scratch_t = [np.empty((n, m), dtype=dt) for n in hidden]
        # dropout masks, 0 or 1/(1-p), drawn sample by sample as (batch_size, n) and used transposed
        self.masks = [np.empty((m, n), dtype=dt) for n in hidden]
        self.dropped_t = [np.empty((n, m), dtype=dt) for n in hidden]  # mask * activation
        self.out_t = self.deltas_stack[-k:]  # output layer: z, then a, then dC/dz
        self.diff_t = np.empty((k, m), dtype=dt)
        self.flat_out = self.out_t.reshape(-1)
        self.sample_offsets = np.arange(m, dtype=np.int64)
        self.flat_index = np.empty(m, dtype=np.int64)  # out_t.flat[flat_index] = output for the true label
        self.col = np.empty(m, dtype=dt)
        self.col_sum = np.empty(m, dtype=dt)
        self.ones_m = np.ones(m, dtype=dt)
        self.ones_k = np.ones(k, dtype=dt)
        self.inv_m = dt.type(1.0 / m)
        self.two_over_m = dt.type(2.0 / m)
        self.n_weights = n_weights(layer_sizes)
        self._bound = None

    def _bind(self, params: np.ndarray, grad: np.ndarray) -> None:
        """Cache weight/gradient views of the flat vectors (rebuilt only when the vectors change)."""
        if self._bound != (id(params), id(grad)):
            self.weights, self.biases = split_params(params, self.layer_sizes)
            self.weights_t = [w.T for w in self.weights]
            self.bias_columns = [b.reshape(-1, 1) for b in self.biases]
            self.grad_weights, self.grad_biases = split_params(grad, self.layer_sizes)
            self.grad_all_biases = grad[self.n_weights:]
            self._bound = (id(params), id(grad))
            self._params, self._grad = params, grad  # keep the ids valid

    def softmax_cross_entropy(self, y) -> float:
        """Mean cross-entropy of the softmax of ``out_t`` (the output layer's z, (k, batch_size)) against
        the labels ``y`` (batch_size,); leaves dC/dz = (softmax - one_hot(y)) / batch_size in ``out_t``."""
        out_t, col, dot = self.out_t, self.col, np.dot
        flat_index = np.multiply(y, self.batch_size, self.flat_index)
        np.add(flat_index, self.sample_offsets, flat_index)
        np.maximum.reduce(out_t, 0, None, col)
        np.subtract(out_t, col, out_t)
        z_true = self.flat_out[flat_index]
        np.exp(out_t, out_t)
        col_sum = dot(self.ones_k, out_t, self.col_sum)
        np.log(col_sum, col)
        np.subtract(col, z_true, col)  # -log softmax of the true class, per sample
        cost = float(dot(self.ones_m, col)) / self.batch_size
        np.divide(self.inv_m, col_sum, col_sum)  # dC/dz = (softmax - one_hot(y)) / m
        np.multiply(out_t, col_sum, out_t)
        self.flat_out[flat_index] -= self.inv_m
        return cost

    def loss_and_gradient(self, params, grad, x=None, y=None, l2: float = 0.0, dropout: float = 0.0, rng=None,
                          l1: float = 0.0) -> float:
        """Mean data cost of the batch; writes d(cost + l2/2 |W|^2 + l1 |W|_1)/d(params) into ``grad``.

        params, grad: flat vectors (see :func:`split_params`). x: (batch_size, n_in), default the
        ``x`` buffer; y: (batch_size,) int labels, or real targets for identity-mse. Dropout
        (inverted, hidden layers only) draws its masks from ``rng``. The returned cost excludes the
        L1 and L2 terms.
        """
        self._bind(params, grad)
        if x is None:
            x = self.x
        dot, add, multiply = np.dot, np.add, np.multiply
        act_name = self.activation
        hidden_t, weights, bias_columns = self.hidden_t, self.weights, self.bias_columns
        n_hidden = len(hidden_t)
        keeps_slope = act_name in activations.KEEPS_SLOPE
        inputs_t = [x.T]  # what each layer received, transposed: x, then the (dropped-out) hidden activations

        # forward through the hidden layers
        a_t = inputs_t[0]
        for i in range(n_hidden):
            # out= given by position throughout: about 0.1 us less per call than by keyword
            z = dot(weights[i], a_t, hidden_t[i])
            add(z, bias_columns[i], z)
            if keeps_slope:  # scratch_t[i] then holds f'(z) until the backward pass
                activations.activate_keeping_slope(act_name, z, self.scratch_t[i])
            else:
                activations.activate(act_name, z, out=z)
            if dropout > 0.0:
                mask = self.masks[i]
                rng.random(out=mask, dtype=self.dtype)
                np.greater_equal(mask, dropout, out=mask)
                mask *= self.dtype.type(1.0 / (1.0 - dropout))
                z = np.multiply(z, mask.T, out=self.dropped_t[i])
            a_t = z
            inputs_t.append(a_t)

        # output layer and cost; afterwards out_t holds dC/dz of the output layer
        out_t = dot(weights[-1], a_t, self.out_t)
        add(out_t, bias_columns[-1], out_t)
        if self.cost == "cross-entropy":
            cost = self.softmax_cross_entropy(y)
        elif self.cost == REGRESSION_COST:
            diff = np.subtract(out_t, y, out=self.diff_t)  # identity output: dC/dz = 2 (a - y) / m
            cost = float(np.vdot(diff, diff)) / self.batch_size
            np.multiply(diff, self.two_over_m, out=out_t)
        else:
            flat_index = np.multiply(y, self.batch_size, out=self.flat_index)
            flat_index += self.sample_offsets
            activations.sigmoid(out_t, out=out_t)
            diff = self.diff_t
            np.copyto(diff, out_t)
            diff.reshape(-1)[flat_index] -= 1  # a - one_hot(y)
            cost = float(np.vdot(diff, diff)) / self.batch_size
            activations.backprop("sigmoid", diff, out_t)  # dC/dz = 2 (a - y) a (1 - a) / m
            np.multiply(diff, self.two_over_m, out=out_t)

        # backward: output layer, then the hidden layers
        grad_weights, weights_t, ones_m = self.grad_weights, self.weights_t, self.ones_m
        delta_t = out_t
        for i in range(n_hidden, -1, -1):
            dot(delta_t, inputs_t[i].T, grad_weights[i])
            if i == 0:
                break
            delta_t = dot(weights_t[i], delta_t, self.deltas_t[i - 1])
            if dropout > 0.0:
                delta_t *= self.masks[i - 1].T
            if keeps_slope:
                multiply(delta_t, self.scratch_t[i - 1], delta_t)
            else:
                activations.backprop(act_name, delta_t, hidden_t[i - 1], self.scratch_t[i - 1])
        dot(self.deltas_stack, ones_m, self.grad_all_biases)  # every layer's bias gradient at once
        if l2:
            nw = self.n_weights
            grad[:nw] += self.dtype.type(l2) * params[:nw]
        if l1:
            nw = self.n_weights
            sign = np.sign(params[:nw])
            sign *= self.dtype.type(l1)
            grad[:nw] += sign
        return cost
