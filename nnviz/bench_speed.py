"""Speed probes for the benchmark: engine epochs, the matrix-product floor, and PyTorch CPU epochs.

Each function measures in the calling process; nnviz.bench runs them in fresh subprocesses.
"""

from __future__ import annotations

import time

import numpy as np


def _layer_pairs(layer_sizes) -> list[tuple[int, int]]:
    return list(zip(layer_sizes[:-1], layer_sizes[1:]))


class MatmulFloor:
    """The bare matrix products of one epoch of training, plus one read of the inputs.

    For every mini-batch (in a shuffled order, at the engine's batch size): gather the batch's
    rows of ``x`` into a buffer the way the trainer does, then the products the engine's backprop
    makes, in its layouts (every layer after the input transposed, (n_neurons, batch)) and with
    preallocated outputs: forward ``W @ x.T``, then ``W @ a`` per layer; backward the weight
    gradients ``delta @ a.T`` (``delta @ x`` for the first layer) and the deltas ``W.T @ delta``.
    No bias, activation, softmax, cost or optimizer: the time an engine could not avoid with
    NumPy's BLAS.
    """

    def __init__(self, x: np.ndarray, layer_sizes, batch_size: int, seed: int = 0):
        self.x = np.ascontiguousarray(x, dtype=np.float32)
        self.layer_sizes = tuple(layer_sizes)
        self.batch_size = int(batch_size)
        rng = np.random.default_rng(seed)
        self.weights = [rng.standard_normal((n_out, n_in), dtype=np.float32) * np.float32(0.05)
                        for n_in, n_out in _layer_pairs(self.layer_sizes)]
        self.weights_t = [w.T for w in self.weights]
        self.grads = [np.empty_like(w) for w in self.weights]
        self.order = rng.permutation(len(self.x))
        self._buffers: dict[int, tuple] = {}

    def _buffers_for(self, m: int) -> tuple:
        if m not in self._buffers:
            batch = np.empty((m, self.layer_sizes[0]), dtype=np.float32)
            layers_t = [np.empty((n, m), dtype=np.float32) for n in self.layer_sizes[1:]]  # hidden, then output
            deltas_t = [np.empty((n, m), dtype=np.float32) for n in self.layer_sizes[1:-1]]
            self._buffers[m] = (batch, layers_t, deltas_t)
        return self._buffers[m]

    def epoch_seconds(self) -> float:
        """Seconds for one epoch of the products (and input reads) alone."""
        return self.epoch_times()[0]

    def epoch_times(self) -> tuple[float, float]:
        """(wall-clock seconds, this thread's CPU seconds) for one epoch of the products alone."""
        x, order, weights, weights_t, grads = self.x, self.order, self.weights, self.weights_t, self.grads
        n, m = len(x), self.batch_size
        last = len(weights) - 1
        dot, take = np.dot, np.take
        started, cpu_started = time.perf_counter(), time.thread_time()
        for start in range(0, n, m):
            index = order[start:start + m]
            batch, layers_t, deltas_t = self._buffers_for(len(index))
            take(x, index, axis=0, out=batch, mode="clip")
            inputs_t = [batch.T]
            for i in range(last + 1):
                inputs_t.append(dot(weights[i], inputs_t[i], out=layers_t[i]))
            delta_t = layers_t[last]
            for i in range(last, -1, -1):
                dot(delta_t, inputs_t[i].T, out=grads[i])
                if i:
                    delta_t = dot(weights_t[i], delta_t, out=deltas_t[i - 1])
        return time.perf_counter() - started, time.thread_time() - cpu_started


def step_product_seconds(layer_sizes, batch_size: int, reps: int = 200, engine: str = "numpy",
                         threads: int = 1, seed: int = 0) -> dict:
    """The matrix products of one training step alone, in NumPy's BLAS or in PyTorch's (``engine``).

    The same products, shapes and operand layouts as MatmulFloor (the engine's), on the same
    arrays: forward ``W @ x.T`` and ``W @ a`` per layer; backward the weight gradients and the
    deltas. PyTorch multiplies views of the very NumPy arrays (``torch.mm`` with ``out=``), so
    the two differ only in the library that multiplies. Returns the median and the fastest step
    in seconds over ``reps`` steps after a warm-up, the product count and a checksum of the outputs.
    """
    rng = np.random.default_rng(seed)
    m = int(batch_size)
    pairs = _layer_pairs(layer_sizes)
    weights = [rng.standard_normal((n_out, n_in), dtype=np.float32) * np.float32(0.05) for n_in, n_out in pairs]
    batch = rng.random((m, layer_sizes[0]), dtype=np.float32)
    layers_t = [np.empty((n, m), dtype=np.float32) for n in layer_sizes[1:]]
    deltas_t = [rng.standard_normal((n, m), dtype=np.float32) for n in layer_sizes[1:]]
    grads = [np.empty_like(w) for w in weights]
    dx_t = [np.empty((n, m), dtype=np.float32) for n in layer_sizes[1:-1]]
    inputs_t = [batch.T] + layers_t[:-1]
    # (a, b, out) in the order of a step: forward, then backward from the output layer
    triples = [(weights[i], inputs_t[i], layers_t[i]) for i in range(len(weights))]
    for i in range(len(weights) - 1, -1, -1):
        triples.append((deltas_t[i], inputs_t[i].T, grads[i]))
        if i:
            triples.append((weights[i].T, deltas_t[i], dx_t[i - 1]))
    if engine == "torch":
        import torch

        torch.set_num_threads(threads)
        mm = torch.mm
        tensor = torch.from_numpy  # a view of the same memory, with its strides (transposed views too)
        calls = [(tensor(a), tensor(b), tensor(out)) for a, b, out in triples]

        def step():
            for a, b, out in calls:
                mm(a, b, out=out)
    elif engine == "numpy":
        dot = np.dot

        def step():
            for a, b, out in triples:
                dot(a, b, out)
    else:
        raise ValueError(f"engine must be 'numpy' or 'torch', not {engine!r}")
    for _ in range(max(reps // 10, 5)):
        step()
    times = []
    clock = time.perf_counter
    for _ in range(reps):
        started = clock()
        step()
        times.append(clock() - started)
    times.sort()
    # a sum of every product's output, equal for both engines when they multiplied the same operands
    checksum = float(sum(np.abs(out).sum(dtype=np.float64) for _, _, out in triples))
    return {"median_seconds": times[len(times) // 2], "fastest_seconds": times[0], "products": len(triples),
            "checksum": checksum}


def nnviz_epochs(layer_sizes, batch_size: int, epochs: int, seed: int, floor: bool, optimizer: str = "adam") -> dict:
    """Seconds per epoch of the engine on the full MNIST, augmentation off, ``optimizer``.

    With ``floor``, the matrix-product floor (see MatmulFloor) is timed right after every epoch,
    on one BLAS thread, in the same process; the ratio of the two is taken epoch by epoch. Both are
    also timed in this thread's CPU seconds, which on a shared machine leave out the time the
    process waited for a core (with one BLAS thread all the work runs in this thread).
    """
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import BatchStats, TrainConfig, Trainer, limit_blas_threads

    dataset = load_dataset("mnist")
    network = Network(layer_sizes, seed=seed)
    config = TrainConfig(batch_size=batch_size, epochs=None, augment=0, seed=seed, optimizer=optimizer)
    trainer = Trainer(network, dataset, config)
    probe = MatmulFloor(dataset.x_train, layer_sizes, batch_size, seed) if floor else None
    times: list[float] = []
    cpu_times: list[float] = []
    floors: list[float] = []
    cpu_floors: list[float] = []
    run = trainer.run()
    started, cpu_started = time.perf_counter(), time.thread_time()
    for record in run:
        # Epoch boundaries by batch count, so the test-set evaluation is not timed as training.
        if isinstance(record, BatchStats) and record.batch + 1 == record.batches_per_epoch:
            times.append(time.perf_counter() - started)
            cpu_times.append(time.thread_time() - cpu_started)
            if probe is not None:
                restore = limit_blas_threads(1)
                wall, cpu = probe.epoch_times()
                floors.append(wall)
                cpu_floors.append(cpu)
                restore()
            if len(times) == epochs:
                break
        elif not isinstance(record, BatchStats):
            started, cpu_started = time.perf_counter(), time.thread_time()
    run.close()
    return {"seconds_per_epoch": times, "floor_seconds": floors, "cpu_seconds_per_epoch": cpu_times,
            "floor_cpu_seconds": cpu_floors, "n_train": dataset.n_train,
            "activation": network.activation, "optimizer": config.optimizer, "lr": config.learning_rate}


def torch_epochs(layer_sizes, batch_size: int, epochs: int, seed: int, threads: int, activation: str,
                 lr: float) -> dict:
    """The same network and loop in PyTorch CPU: shuffled mini-batches, Adam, softmax + cross-entropy."""
    import torch

    from nnviz.engine.datasets import load_dataset

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    dataset = load_dataset("mnist")
    x = torch.from_numpy(np.ascontiguousarray(dataset.x_train, dtype=np.float32))
    y = torch.from_numpy(np.asarray(dataset.y_train, dtype=np.int64))
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
           "leaky_relu": torch.nn.LeakyReLU, "linear": torch.nn.Identity}[activation]
    layers: list = []
    pairs = _layer_pairs(layer_sizes)
    for i, (n_in, n_out) in enumerate(pairs):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(pairs) - 1:
            layers.append(act())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    times = []
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - started)
    return {"seconds_per_epoch": times, "n_train": n, "torch": torch.__version__}
