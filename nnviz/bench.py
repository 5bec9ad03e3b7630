"""Benchmark of nnviz's engine: training speed beside PyTorch CPU, and accuracy on the real MNIST.

Run `python -m nnviz.bench` (or `nnviz bench`); it prints Markdown tables for the README.
Each speed run is a fresh subprocess with the same BLAS/OpenMP thread count for both engines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

SPEED_LAYERS = (784, 16, 16, 10)
SPEED_BATCH = 32
ACCURACY_RUNS = (
    ("784-16-16-10 (the video's network)", (784, 16, 16, 10), 0.960),
    ("784-128-10", (784, 128, 10), 0.980),
    ("784-10 (no hidden layer)", (784, 10), None),
)


def _thread_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    return env


def _speed_nnviz(epochs: int, seed: int) -> dict:
    """Seconds per epoch of the engine on the full MNIST training set, augmentation off."""
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import BatchStats, TrainConfig, Trainer

    dataset = load_dataset("mnist")
    network = Network(SPEED_LAYERS, seed=seed)
    config = TrainConfig(batch_size=SPEED_BATCH, epochs=None, augment=0, seed=seed)
    trainer = Trainer(network, dataset, config)
    times = []
    started = time.perf_counter()
    for record in trainer.run():
        # Epoch boundaries by batch count, so the test-set evaluation is not timed as training.
        if isinstance(record, BatchStats) and record.batch + 1 == record.batches_per_epoch:
            times.append(time.perf_counter() - started)
            if len(times) == epochs:
                break
        elif not isinstance(record, BatchStats):
            started = time.perf_counter()
    return {"seconds_per_epoch": times, "n_train": dataset.n_train,
            "activation": network.activation, "optimizer": config.optimizer, "lr": config.learning_rate}


def _speed_torch(epochs: int, seed: int, threads: int, activation: str, lr: float) -> dict:
    """The same network and loop in PyTorch CPU: shuffled mini-batches of 32, Adam, softmax + CE."""
    import torch

    from nnviz.engine.datasets import load_dataset

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    dataset = load_dataset("mnist")
    x = torch.from_numpy(dataset.x_train)
    y = torch.from_numpy(dataset.y_train)
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
           "leaky_relu": torch.nn.LeakyReLU, "linear": torch.nn.Identity}[activation]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SPEED_LAYERS[:-1], SPEED_LAYERS[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(SPEED_LAYERS) - 2:
            layers.append(act())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    times = []
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(n)
        for start in range(0, n, SPEED_BATCH):
            index = order[start:start + SPEED_BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - started)
    return {"seconds_per_epoch": times, "n_train": n, "torch": torch.__version__}


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _run_worker(kind: str, epochs: int, seed: int, threads: int, extra: dict) -> dict | None:
    command = [sys.executable, "-m", "nnviz.bench", "--worker", kind, "--epochs", str(epochs),
               "--seed", str(seed), "--threads", str(threads), "--worker-args", json.dumps(extra)]
    done = subprocess.run(command, env=_thread_env(threads), capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  ({kind} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _torch_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def _speed_table(epochs: int, seed: int, threads: int) -> list[str]:
    ours = _run_worker("speed-nnviz", epochs, seed, threads, {})
    if ours is None:
        return ["speed: the full MNIST was not found (set NNVIZ_DATA_DIR or run `nnviz download`)"]
    rows = [("nnviz (NumPy)", ours)]
    if _torch_available():
        theirs = _run_worker("speed-torch", epochs, seed, threads,
                             {"activation": ours["activation"], "lr": ours["lr"]})
        if theirs is not None:
            rows.append((f"PyTorch {theirs['torch']} CPU", theirs))
    lines = [
        f"Training speed: {'-'.join(map(str, SPEED_LAYERS))}, batch {SPEED_BATCH}, Adam, "
        f"{ours['n_train']:,} MNIST digits per epoch, augmentation off, {threads} thread(s), "
        f"median of {epochs} epochs",
        "",
        "| engine | seconds per epoch | samples per second |",
        "|---|---:|---:|",
    ]
    rates = {}
    for name, result in rows:
        seconds = statistics.median(result["seconds_per_epoch"])
        rates[name] = result["n_train"] / seconds
        lines.append(f"| {name} | {seconds:.3f} | {rates[name]:,.0f} |")
    if len(rows) == 2:
        ratio = rates[rows[0][0]] / rates[rows[1][0]]
        lines.append("")
        lines.append(f"nnviz / PyTorch samples per second: {ratio:.2f}x")
    return lines


def _accuracy_table(epochs: int, seed: int) -> list[str]:
    from nnviz.engine.datasets import DataError, load_dataset
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import EpochStats, TrainConfig, Trainer

    try:
        dataset = load_dataset("mnist")
    except DataError as error:
        return [f"accuracy: {error}"]
    config = TrainConfig(epochs=epochs, seed=seed)
    lines = [
        f"Accuracy on the {dataset.n_test:,} MNIST test digits after {epochs} epochs with the default "
        f"settings ({config.optimizer}, lr {config.learning_rate:g}, batch {config.batch_size}, "
        f"{config.schedule} schedule, random shifts up to {config.augment} px, seed {seed})",
        "",
        "| network | hidden activation | final test accuracy | best epoch | target | seconds per epoch |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, layers, target in ACCURACY_RUNS:
        network = Network(layers, seed=seed)
        epochs_done = [r for r in Trainer(network, dataset, config).run() if isinstance(r, EpochStats)]
        final = epochs_done[-1].test_accuracy
        best = max(epochs_done, key=lambda r: r.test_accuracy)
        seconds = statistics.median(r.seconds for r in epochs_done)
        verdict = "" if target is None else (f"{100 * target:.1f}% " + ("met" if final >= target else "MISSED"))
        activation = network.activation if len(layers) > 2 else "(none)"
        lines.append(f"| {label} | {activation} | {100 * final:.2f}% | "
                     f"{100 * best.test_accuracy:.2f}% (epoch {best.epoch}) | {verdict} | {seconds:.2f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nnviz bench", description=__doc__.splitlines()[0])
    parser.add_argument("--speed-epochs", type=int, default=5, help="epochs per speed run (median taken)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per accuracy run")
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS/OpenMP/torch threads for both engines (default 1: the engine trains small "
        "networks on one BLAS thread, see nnviz.engine.trainer.limit_blas_threads)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        extra = json.loads(args.worker_args)
        if args.worker == "speed-nnviz":
            result = _speed_nnviz(args.epochs, args.seed)
        else:
            result = _speed_torch(args.epochs, args.seed, args.threads, **extra)
        print(json.dumps(result))
        return 0

    import numpy

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}; "
          f"Python {platform.python_version()}, NumPy {numpy.__version__}")
    print()
    if not args.skip_speed:
        print("\n".join(_speed_table(args.speed_epochs, args.seed, args.threads)))
        print()
    if not args.skip_accuracy:
        print("\n".join(_accuracy_table(args.epochs, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
