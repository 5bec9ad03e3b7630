"""Where one training step's time goes: CPU time of each group of the engine's NumPy calls.

Run `python -m nnviz.bench_step` (full MNIST, one BLAS thread); it prints a Markdown table. Each
group replays the calls the engine makes, on a Backprop's own buffers after a few hundred real
steps, in a hot loop; the figure is the fastest of many repeats, so other work on the machine
adds little. The groups run alone and therefore hotter in cache than inside a whole step.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

LAYERS = (784, 16, 16, 10)
BATCH = 32


def _cpu_microseconds(call, calls: int, repeats: int) -> float:
    """Fastest of ``repeats`` runs of ``calls`` calls, in microseconds of this thread's CPU time per call."""
    best = float("inf")
    for _ in range(repeats):
        started = time.thread_time()
        for _ in range(calls):
            call()
        best = min(best, time.thread_time() - started)
    return best / calls * 1e6


def step_costs(x: np.ndarray, y: np.ndarray, warm_steps: int = 300, calls: int = 400, repeats: int = 25) -> dict:
    """Microseconds of CPU per mini-batch for each group of calls of a leaky-ReLU 784-16-16-10 step.

    x: (n, 784) float32 inputs, y: (n,) int labels, n at least BATCH * warm_steps.
    """
    from nnviz.engine import activations
    from nnviz.engine.network import Backprop, Network
    from nnviz.engine.optimizers import SGD, Adam

    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    net = Network(LAYERS)
    bp = Backprop(net.layer_sizes, net.activation, net.cost, BATCH)
    params, grad = net.params, np.zeros_like(net.params)
    adam, sgd = Adam(params.size), SGD(params.size)
    order = np.random.default_rng(0).permutation(len(x))
    labels = y[:BATCH]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, BATCH * warm_steps, BATCH):
            np.take(x, order[start:start + BATCH], axis=0, out=bp.x, mode="clip")
            labels = y[order[start:start + BATCH]]
            bp.loss_and_gradient(params, grad, None, labels)
            adam.step(params, grad, 0.003)
    dot = np.dot
    w, b, h, d, s, xb = bp.weights, bp.bias_columns, bp.hidden_t, bp.deltas_t, bp.scratch_t, bp.x
    out, gw, w_t, ones = bp.out_t, bp.grad_weights, bp.weights_t, bp.ones_m
    saved = [a.copy() for a in (params, adam.m_sum, adam.v_sum, *h, *d, out)]
    batches = len(x) // BATCH
    cursor = [0]

    def read():
        i = cursor[0] = (cursor[0] + 1) % batches
        np.take(x, order[i * BATCH:(i + 1) * BATCH], axis=0, out=xb, mode="clip")

    def first_layer():
        dot(w[0], xb.T, h[0])
        dot(d[0], xb, gw[0])

    def other_products():
        dot(w[1], h[0], h[1]), dot(w[2], h[1], out), dot(out, h[1].T, gw[2])
        dot(w_t[2], out, d[1]), dot(d[1], h[0].T, gw[1]), dot(w_t[1], d[1], d[0])

    def bias_adds():
        np.add(h[0], b[0], h[0]), np.add(h[1], b[1], h[1]), np.add(out, b[2], out)

    def bias_gradients():
        dot(bp.deltas_stack, ones, bp.grad_all_biases)

    def leaky_relu():
        for i in (0, 1):
            activations.activate_keeping_slope("leaky_relu", h[i], s[i])
            np.multiply(d[i], s[i], d[i])

    logits = out.copy()

    def restore_output():
        np.copyto(out, logits)

    def softmax_cross_entropy():  # the engine's own call; restoring its input is timed alone and taken off below
        restore_output()
        bp.softmax_cross_entropy(labels)

    def restore():
        for dst, src in zip((params, adam.m_sum, adam.v_sum, *h, *d, out), saved):
            np.copyto(dst, src)

    groups = {
        "read": read, "first_layer": first_layer, "other_products": other_products, "bias_adds": bias_adds,
        "bias_gradients": bias_gradients, "leaky_relu": leaky_relu, "softmax_cross_entropy": softmax_cross_entropy,
        "loss_and_gradient": lambda: bp.loss_and_gradient(params, grad, None, labels),
        "adam": lambda: adam.step(params, grad, 0.003), "sgd": lambda: sgd.step(params, grad, 0.003),
    }
    costs = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for name, call in groups.items():
            restore()
            costs[name] = _cpu_microseconds(call, calls, repeats)
        costs["softmax_cross_entropy"] -= _cpu_microseconds(restore_output, calls, repeats)
    restore()
    return costs


ROWS = (
    ("read", "read 32 rows of the inputs (`np.take`, mode clip)", True),
    ("first_layer", "first layer's two products (forward, weight gradient)", True),
    ("other_products", "the other six products", True),
    ("bias_adds", "bias adds (3 broadcasting adds)", False),
    ("bias_gradients", "bias gradients (one product of all layers' deltas with a ones vector)", False),
    ("leaky_relu", "leaky ReLU, forward and backward (2 layers, 8 calls)", False),
    ("softmax_cross_entropy", "softmax, cross-entropy and its gradient (13 calls)", False),
    ("loss_and_gradient", "the whole forward and backward pass (`Backprop.loss_and_gradient`)", False),
    ("adam", "Adam step (10 passes over 13,002 parameters)", False),
    ("sgd", "SGD step (2 passes)", False),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.bench_step", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--repeats", type=int, default=25, help="repeats per group (the fastest counts)")
    args = parser.parse_args(argv)
    from nnviz.engine.datasets import DataError, load_dataset
    from nnviz.engine.trainer import limit_blas_threads

    try:
        dataset = load_dataset("mnist")
    except DataError as error:
        print(f"not measured: {error}", file=sys.stderr)
        return 1
    restore_threads = limit_blas_threads(1)
    try:
        costs = step_costs(dataset.x_train, dataset.y_train, repeats=args.repeats)
    finally:
        restore_threads()
    lines = ["| part of one mini-batch (784-16-16-10, batch 32) | in the floor | microseconds of CPU |",
             "|---|---|---:|"]
    lines += [f"| {label} | {'yes' if floor else ''} | {costs[key]:.1f} |" for key, label, floor in ROWS]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
