"""Benchmark of the Lab's concurrency: `nnviz lab depth` beside the same three `nnviz train` runs in turn.

Run `python -m nnviz.bench_lab [--data D] [--epochs 5] [--repeats 3]`. Both sides run as fresh
commands, alternately in one go, so a busy machine slows both alike; it prints the ratio of the
median times (target: at most 0.6) and, in-process, processes against threads against one by one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 0.6


def _command(*args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all its processes) of a fresh `python -m nnviz ...` (it must succeed)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`nnviz {' '.join(args)}` failed:\n{done.stderr.strip()}")
    return seconds, _children_cpu() - cpu_before


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (and theirs), where the OS tells."""
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def commands(data: str, epochs: int, repeats: int) -> dict:
    """Median wall time of `nnviz lab depth` and of the three `nnviz train` runs one after another."""
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.lab_experiments import make_plan

    plan = make_plan("depth", load_dataset(None if data == "auto" else data), epochs)
    lab, serial, lab_cpu, serial_cpu, cores = [], [], [], [], []
    for _ in range(repeats):
        cores.append(free_cores())
        wall, cpu = _command("lab", "depth", "--data", data, "--epochs", str(epochs), "--json")
        lab.append(wall)
        lab_cpu.append(cpu)
        runs = [_command("train", "--data", data, "--epochs", str(epochs), "--json",
                         "--layers", ",".join(map(str, spec.layers))) for spec in plan.runs]
        serial.append(sum(w for w, _ in runs))
        serial_cpu.append(sum(c for _, c in runs))
    both = [i for i, c in enumerate(cores) if c >= 0.9 * (os.cpu_count() or 1)]
    return {"lab": lab, "train_in_turn": serial, "lab_cpu": lab_cpu, "train_in_turn_cpu": serial_cpu,
            "free_cores": cores, "ratio": statistics.median(lab) / statistics.median(serial),
            "ratio_all_cores_free": (statistics.median(lab[i] / serial[i] for i in both) if both else None),
            "repeats_all_cores_free": len(both)}


def _spin(_=None) -> None:
    total = 0
    for i in range(10_000_000):
        total += i


def free_cores() -> float:
    """How many cores this benchmark gets now: one busy loop's time / time of one loop per core at once.

    On a machine shared with other work this is below the core count, and so is any speed-up.
    """
    import multiprocessing

    cores = os.cpu_count() or 1
    started = time.perf_counter()
    _spin()
    one = time.perf_counter() - started
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    started = time.perf_counter()
    with context.Pool(cores) as pool:
        pool.map(_spin, range(cores))
    return cores * one / (time.perf_counter() - started)


def modes(data: str, epochs: int) -> dict:
    """In one process: the depth plan trained by processes, by threads, and one run after another."""
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.lab_experiments import make_plan
    from nnviz.engine.lab_parallel import timed, train_plan

    dataset = load_dataset(None if data == "auto" else data)
    plan = make_plan("depth", dataset, epochs)
    return {mode: timed(train_plan(plan, dataset, mode=mode))[1] for mode in ("process", "thread", "serial")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.bench_lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="auto", help="sample | mnist | PATH (default: best available)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    before = free_cores()
    result = {"commands": commands(args.data, args.epochs, args.repeats), "modes": modes(args.data, args.epochs)}
    result["free_cores"] = (before, free_cores())
    if args.json:
        print(json.dumps(result))
        return 0
    c, m = result["commands"], result["modes"]
    print(f"`nnviz lab depth --epochs {args.epochs}` against 784-10, 784-16-10 and 784-16-16-10 by "
          f"`nnviz train --epochs {args.epochs}` one after another (data: {args.data}, {args.repeats} "
          "alternating repeats, medians)\n")
    print("| command | seconds (each repeat) | median | CPU seconds (median) |\n|---|---|---:|---:|")
    print(f"| cores free before the repeat | {', '.join(f'{x:.1f}' for x in c['free_cores'])} | | |")
    print(f"| nnviz lab depth | {', '.join(f'{s:.2f}' for s in c['lab'])} | {statistics.median(c['lab']):.2f} | "
          f"{statistics.median(c['lab_cpu']):.2f} |")
    print(f"| 3 x nnviz train in turn | {', '.join(f'{s:.2f}' for s in c['train_in_turn'])} | "
          f"{statistics.median(c['train_in_turn']):.2f} | {statistics.median(c['train_in_turn_cpu']):.2f} |")
    verdict = "met" if c["ratio"] <= TARGET_RATIO else "NOT met"
    print(f"\nratio {c['ratio']:.2f} (target at most {TARGET_RATIO}: {verdict}). The lab also measures every "
          "network on the whole training set after each epoch, which the train runs do not; on a machine "
          "whose cores are busy with other work the processes cannot run side by side, and the ratio "
          "tends to the ratio of CPU seconds.")
    if c["ratio_all_cores_free"] is not None:
        print(f"In the {c['repeats_all_cores_free']} repeat(s) that began with every core free, the median ratio "
              f"was {c['ratio_all_cores_free']:.2f}.")
    print()
    print("In one process, the same three runs (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in m.items()))
    print("Cores this benchmark got (one busy loop per core at once, before and after): "
          + " and ".join(f"{c:.2f}" for c in result["free_cores"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
