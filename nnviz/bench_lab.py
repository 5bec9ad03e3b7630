"""Benchmark of the Lab's concurrency: `nnviz lab depth` beside the same three `nnviz train` runs in turn.

Run `python -m nnviz.bench_lab [--data D] [--epochs 5] [--repeats 3]`. Both sides run as fresh
commands, alternately in one go, so a busy machine slows both alike; it prints the ratio of the
median times (target: at most 0.6) and, in-process, processes against threads against one by one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 0.6


def _command(*args: str) -> float:
    """Seconds a fresh `python -m nnviz ...` takes, from start to exit (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`nnviz {' '.join(args)}` failed:\n{done.stderr.strip()}")
    return seconds


def commands(data: str, epochs: int, repeats: int) -> dict:
    """Median wall time of `nnviz lab depth` and of the three `nnviz train` runs one after another."""
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.lab_experiments import make_plan

    plan = make_plan("depth", load_dataset(None if data == "auto" else data), epochs)
    lab, serial = [], []
    for _ in range(repeats):
        lab.append(_command("lab", "depth", "--data", data, "--epochs", str(epochs), "--json"))
        serial.append(sum(
            _command("train", "--data", data, "--epochs", str(epochs), "--json",
                     "--layers", ",".join(map(str, spec.layers)))
            for spec in plan.runs))
    return {"lab": lab, "train_in_turn": serial,
            "ratio": statistics.median(lab) / statistics.median(serial)}


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
    result = {"commands": commands(args.data, args.epochs, args.repeats), "modes": modes(args.data, args.epochs)}
    if args.json:
        print(json.dumps(result))
        return 0
    c, m = result["commands"], result["modes"]
    print(f"`nnviz lab depth --epochs {args.epochs}` against 784-10, 784-16-10 and 784-16-16-10 by "
          f"`nnviz train --epochs {args.epochs}` one after another (data: {args.data}, {args.repeats} "
          "alternating repeats, medians)\n")
    print("| command | seconds (each repeat) | median |\n|---|---|---:|")
    print(f"| nnviz lab depth | {', '.join(f'{s:.2f}' for s in c['lab'])} | {statistics.median(c['lab']):.2f} |")
    print(f"| 3 x nnviz train in turn | {', '.join(f'{s:.2f}' for s in c['train_in_turn'])} | "
          f"{statistics.median(c['train_in_turn']):.2f} |")
    verdict = "met" if c["ratio"] <= TARGET_RATIO else "NOT met"
    print(f"\nratio {c['ratio']:.2f} (target at most {TARGET_RATIO}: {verdict})\n")
    print("In one process, the same three runs (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in m.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
