"""Benchmark of nnviz's engine: training speed beside PyTorch CPU, and accuracy on the real MNIST.

Run `python -m nnviz.bench` (or `nnviz bench`); it prints Markdown tables for the README.
Each speed run is a fresh subprocess with the same BLAS/OpenMP thread count for both engines;
the probes themselves are in nnviz.bench_speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

SPEED_LAYERS = (784, 16, 16, 10)
SPEED_BATCH = 32
WIDE_LAYERS = (784, 512, 512, 10)
WIDE_BATCH = 128
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


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _run_worker(kind: str, threads: int, args: dict) -> tuple[dict | None, str]:
    """Run one speed probe in a fresh process with ``threads`` BLAS/OpenMP threads: (result, why not)."""
    command = [sys.executable, "-m", "nnviz.bench", "--worker", kind, "--threads", str(threads),
               "--worker-args", json.dumps(args)]
    done = subprocess.run(command, env=_thread_env(threads), capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return None, lines[-1] if lines else f"exit code {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def _torch_installed() -> bool:
    """Whether PyTorch is installed (it is only needed for the comparison rows)."""
    import importlib.util

    return importlib.util.find_spec("torch") is not None


TORCH_MISSING = "missing: PyTorch is not installed (pip install torch==2.13.0 adds this row)"


def _sizes(layers) -> str:
    return "-".join(map(str, layers))


def _median_ratio(runs: list[dict], engine_key: str, floor_key: str) -> float:
    """Median over every epoch of all runs of engine time / floor time (the floor timed right after it)."""
    return statistics.median(e / f for r in runs for e, f in zip(r[engine_key], r[floor_key]))


def _floor_table(epochs: int, seed: int, rounds: int, torch: bool) -> tuple[list[str], bool]:
    """The small network on one thread: engine (Adam, SGD), matrix-product floor and PyTorch, in alternating rounds."""
    runs: dict[str, list[dict]] = {"adam": [], "sgd": [], "torch": []}
    why_torch = "" if torch else TORCH_MISSING
    args = {"layers": SPEED_LAYERS, "batch": SPEED_BATCH, "epochs": epochs, "seed": seed, "floor": True}
    for _ in range(rounds):
        for optimizer in ("adam", "sgd"):
            ours, why = _run_worker("nnviz", 1, {**args, "optimizer": optimizer})
            if ours is None:
                return [f"speed: not measured: {why}"], False
            runs[optimizer].append(ours)
        if torch and not why_torch:
            theirs, why = _run_worker("torch", 1, {**args, "activation": ours["activation"], "lr": ours["lr"]})
            if theirs is None:
                why_torch = f"missing: PyTorch failed: {why}"
            else:
                runs["torch"].append(theirs)
    n = runs["adam"][0]["n_train"]
    floor = statistics.median(t for r in runs["adam"] + runs["sgd"] for t in r["floor_seconds"])
    lines = [
        f"Training speed: {_sizes(SPEED_LAYERS)}, batch {SPEED_BATCH}, {n:,} MNIST digits per epoch, "
        f"augmentation off, 1 thread, median of {rounds} rounds x {epochs} epochs",
        "",
        "| engine | seconds per epoch | samples per second | x matrix-product floor | x floor, CPU time |",
        "|---|---:|---:|---:|---:|",
    ]
    for optimizer, label in (("adam", "nnviz (NumPy), Adam"), ("sgd", "nnviz (NumPy), SGD")):
        engine = statistics.median(t for r in runs[optimizer] for t in r["seconds_per_epoch"])
        # each epoch against the floor measured right after it, in the same process
        ratio = _median_ratio(runs[optimizer], "seconds_per_epoch", "floor_seconds")
        cpu_ratio = _median_ratio(runs[optimizer], "cpu_seconds_per_epoch", "floor_cpu_seconds")
        lines.append(f"| {label} | {engine:.3f} | {n / engine:,.0f} | {ratio:.2f}x | {cpu_ratio:.2f}x |")
    lines.append(f"| matrix products alone (floor) | {floor:.3f} | {n / floor:,.0f} | 1.00x | 1.00x |")
    if runs["torch"] and not why_torch:
        theirs = statistics.median(t for r in runs["torch"] for t in r["seconds_per_epoch"])
        lines.append(f"| PyTorch {runs['torch'][0]['torch']} CPU, Adam | {theirs:.3f} | {n / theirs:,.0f} | {theirs / floor:.2f}x | |")
    else:
        lines.append(f"| PyTorch CPU | {why_torch} | | | |")
    lines += ["", "The floor is measured in the same process right after each engine epoch: the same "
              "matrix products at the same batch size plus one read of the inputs (nnviz.bench_speed.MatmulFloor); "
              "each engine's ratio is the median of its per-epoch ratios, by the clock and by the thread's "
              "CPU time (which leaves out time spent waiting for a core on a shared machine)."]
    return lines, True


def _wide_table(epochs: int, seed: int, rounds: int, torch: bool) -> tuple[list[str], bool]:
    """The wide network with 1 and 2 threads, engine beside PyTorch, in alternating rounds.

    Beside each epoch, the step's matrix products alone in NumPy's BLAS and in PyTorch's, so the
    table shows how much of the difference lies in the libraries' products and how much in the rest
    of a step (activations, softmax, the optimizer, the loop).
    """
    args = {"layers": WIDE_LAYERS, "batch": WIDE_BATCH, "epochs": epochs, "seed": seed}
    lines = [
        f"Wide network: {_sizes(WIDE_LAYERS)}, batch {WIDE_BATCH}, Adam, MNIST, augmentation off, "
        f"median of {rounds} rounds x {epochs} epochs, thread counts alternating round by round",
        "",
        "| threads | nnviz seconds per epoch | PyTorch seconds per epoch | nnviz / PyTorch time "
        "| products of a step, NumPy | the same in PyTorch | NumPy / PyTorch products "
        "| rest of a step, nnviz | rest of a step, PyTorch |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs = {threads: {"nnviz": [], "torch": [], "products-numpy": [], "products-torch": []} for threads in (1, 2)}
    failed: dict[int, str] = {}
    why_torch = "" if torch else TORCH_MISSING
    for _ in range(rounds):
        for threads in (1, 2):
            if threads in failed:
                continue
            ours, why = _run_worker("nnviz", threads, {**args, "floor": False})
            if ours is None:
                failed[threads] = why
                continue
            runs[threads]["nnviz"].append(ours)
            products, _ = _run_worker("products-numpy", threads, args)
            runs[threads]["products-numpy"].append(products)
            if torch and not why_torch:
                theirs, why = _run_worker("torch", threads, {**args, "activation": ours["activation"], "lr": ours["lr"]})
                if theirs is None:
                    why_torch = f"missing: PyTorch failed: {why}"
                    continue
                runs[threads]["torch"].append(theirs)
                products, _ = _run_worker("products-torch", threads, args)
                runs[threads]["products-torch"].append(products)
    measured = False
    for threads in (1, 2):
        got = runs[threads]
        if not got["nnviz"]:
            lines.append(f"| {threads} | not measured: {failed.get(threads, 'no run')} | | | | | | | |")
            continue
        measured = True
        lines.append(_wide_row(threads, got, why_torch))
    lines += ["", "Products of a step: the eight matrix products of one training step alone, in the engine's "
              "shapes and layouts on the same arrays (nnviz.bench_speed.step_product_seconds), median "
              "milliseconds; rest of a step: the engine's (or PyTorch's) milliseconds per step minus "
              "its products."]
    return lines, measured


def _wide_row(threads: int, got: dict, why_torch: str) -> str:
    n = got["nnviz"][0]["n_train"]
    steps = -(-n // WIDE_BATCH)
    ours_s = statistics.median(t for r in got["nnviz"] for t in r["seconds_per_epoch"])
    ours_products = [r["median_seconds"] for r in got["products-numpy"] if r]
    ours_ms = statistics.median(ours_products) * 1e3 if ours_products else float("nan")
    ours_rest = ours_s / steps * 1e3 - ours_ms
    if why_torch or not got["torch"]:
        return f"| {threads} | {ours_s:.2f} | {why_torch or 'no run'} | | {ours_ms:.2f} ms | | | {ours_rest:.2f} ms | |"
    theirs_s = statistics.median(t for r in got["torch"] for t in r["seconds_per_epoch"])
    # ratio per round (the two ran back to back), then the median
    ratio = statistics.median(statistics.median(o["seconds_per_epoch"]) / statistics.median(t["seconds_per_epoch"])
                              for o, t in zip(got["nnviz"], got["torch"]))
    theirs_products = [r["median_seconds"] for r in got["products-torch"] if r]
    theirs_ms = statistics.median(theirs_products) * 1e3 if theirs_products else float("nan")
    pairs = [o["median_seconds"] / t["median_seconds"] for o, t in zip(got["products-numpy"], got["products-torch"]) if o and t]
    product_ratio = statistics.median(pairs) if pairs else float("nan")
    theirs_rest = theirs_s / steps * 1e3 - theirs_ms
    return (f"| {threads} | {ours_s:.2f} | {theirs_s:.2f} | {ratio:.2f}x | {ours_ms:.2f} ms | {theirs_ms:.2f} ms "
            f"| {product_ratio:.2f}x | {ours_rest:.2f} ms | {theirs_rest:.2f} ms |")


def _accuracy_table(epochs: int, seed: int) -> tuple[list[str], bool]:
    from nnviz.engine.datasets import DataError, load_dataset
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import EpochStats, TrainConfig, Trainer

    try:
        dataset = load_dataset("mnist")
    except DataError as error:
        return [f"accuracy: not measured: {error}"], False
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
    return lines, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nnviz bench", description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--speed-epochs", type=int, default=3, help="epochs per speed run of the small network")
    parser.add_argument("--wide-epochs", type=int, default=1, help="epochs per speed run of the wide network")
    parser.add_argument("--rounds", type=int, default=3,
                        help="speed runs per engine, alternating engines (medians and ratios over the rounds)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per accuracy run")
    parser.add_argument("--seed", type=int, default=0, help="seed of every run")
    parser.add_argument("--skip-speed", action="store_true", help="skip the small network's speed table")
    parser.add_argument("--skip-wide", action="store_true", help="skip the wide network's table")
    parser.add_argument("--skip-accuracy", action="store_true", help="skip the accuracy table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--worker-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        from nnviz import bench_speed

        extra = json.loads(args.worker_args)
        common = (tuple(extra["layers"]), extra["batch"], extra["epochs"], extra["seed"])
        if args.worker == "nnviz":
            result = bench_speed.nnviz_epochs(*common, floor=extra["floor"], optimizer=extra.get("optimizer", "adam"))
        elif args.worker.startswith("products-"):
            engine = args.worker.removeprefix("products-")
            result = bench_speed.step_product_seconds(common[0], common[1], engine=engine, threads=args.threads,
                                                      seed=common[3])
        else:
            result = bench_speed.torch_epochs(*common, args.threads, extra["activation"], extra["lr"])
        print(json.dumps(result))
        return 0

    import numpy

    torch = _torch_installed()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}; "
          f"Python {platform.python_version()}, NumPy {numpy.__version__}"
          + ("" if torch else "; PyTorch not installed, so its rows are marked missing"), flush=True)
    print()
    measured = []
    tables = []
    if not args.skip_speed:
        tables.append(lambda: _floor_table(args.speed_epochs, args.seed, args.rounds, torch))
    if not args.skip_wide:
        tables.append(lambda: _wide_table(args.wide_epochs, args.seed, args.rounds, torch))
    if not args.skip_accuracy:
        tables.append(lambda: _accuracy_table(args.epochs, args.seed))
    for table in tables:
        lines, ok = table()
        measured.append(ok)
        print("\n".join(lines), flush=True)
        print()
    if not any(measured):
        print("nothing was measured (the speed and accuracy runs need the full MNIST: run `nnviz download` "
              "or set NNVIZ_DATA_DIR)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
