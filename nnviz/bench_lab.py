"""Benchmark of the Lab's concurrency: `nnviz lab depth` beside the same three `nnviz train` runs in turn.

Run `python -m nnviz.bench_lab [--data D] [--epochs 5] [--rounds 5] [--skip-modes]`. Both sides run
as fresh commands in alternating rounds (lab first, then trains first, ...), so a busy machine slows
both alike; it prints each round, the ratio of the median times (target: at most 0.6), the ratio of
CPU seconds and, in-process, processes against threads against one by one.
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


# `python -m nnviz` runs nnviz/__main__.py, which is `sys.exit(main())`; this is the same, and also
# tells, last on stderr, the CPU seconds of the command's own process and of the processes it waited for.
_WITH_OWN_CPU = ("import resource, sys\nfrom nnviz.cli import main\ncode = main()\n"
                 "own, runs = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
                 "print('own and runs CPU', own.ru_utime + own.ru_stime, runs.ru_utime + runs.ru_stime, file=sys.stderr)\n"
                 "sys.exit(code)")


def _command(*args: str, own_cpu: bool = False) -> tuple:
    """(wall seconds, CPU seconds of all its processes) of a fresh `python -m nnviz ...` (it must succeed).

    ``own_cpu``: also (CPU of its own process, CPU of the processes it started), where the OS tells.
    """
    cpu_before = _children_cpu()
    started = time.perf_counter()
    how = ["-c", _WITH_OWN_CPU] if own_cpu and sys.platform != "win32" else ["-m", "nnviz"]
    done = subprocess.run([sys.executable, *how, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`nnviz {' '.join(args)}` failed:\n{done.stderr.strip()}")
    measured = (seconds, _children_cpu() - cpu_before)
    if not own_cpu:
        return measured
    last = done.stderr.strip().splitlines()[-1:] or [""]
    split = last[0].split()[-2:] if last[0].startswith("own and runs CPU") else ["nan", "nan"]
    return (*measured, float(split[0]), float(split[1]))


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes (and theirs), where the OS tells."""
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def commands(data: str, epochs: int, rounds: int, progress=None) -> dict:
    """Wall and CPU seconds of `nnviz lab depth` and of the three `nnviz train` runs one after another.

    Odd rounds time the lab first, even rounds the trains first, so a load that comes or goes
    during a round does not always fall on the same side.
    """
    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.lab_experiments import make_plan

    plan = make_plan("depth", load_dataset(None if data == "auto" else data), epochs)
    lab_args = ("lab", "depth", "--data", data, "--epochs", str(epochs), "--json")
    train_args = [("train", "--data", data, "--epochs", str(epochs), "--json",
                   "--layers", ",".join(map(str, spec.layers))) for spec in plan.runs]
    out = {key: [] for key in ("lab", "train_in_turn", "lab_cpu", "train_in_turn_cpu", "free_cores",
                               "lab_own_cpu", "lab_runs_cpu")}
    for number in range(rounds):
        out["free_cores"].append(free_cores())
        sides = ["lab", "train_in_turn"] if number % 2 == 0 else ["train_in_turn", "lab"]
        for side in sides:
            if side == "lab":
                wall, cpu, own, runs = _command(*lab_args, own_cpu=True)
                out["lab_own_cpu"].append(own)
                out["lab_runs_cpu"].append(runs)
            else:
                runs = [_command(*args) for args in train_args]
                wall, cpu = sum(w for w, _ in runs), sum(c for _, c in runs)
            out[side].append(wall)
            out[f"{side}_cpu"].append(cpu)
        if progress is not None:
            progress(number, out)
    return summarise(out)


def summarise(out: dict) -> dict:
    """Adds the ratios to the measurements of :func:`commands`."""
    lab, serial = out["lab"], out["train_in_turn"]
    out["round_ratios"] = [a / b for a, b in zip(lab, serial)]
    out["ratio"] = statistics.median(lab) / statistics.median(serial)
    out["cpu_ratio"] = statistics.median(out["lab_cpu"]) / statistics.median(out["train_in_turn_cpu"])
    both = [i for i, c in enumerate(out["free_cores"]) if c >= 0.9 * (os.cpu_count() or 1)]
    out["ratio_all_cores_free"] = statistics.median(out["round_ratios"][i] for i in both) if both else None
    out["rounds_all_cores_free"] = len(both)
    # with every core free: the lab's own process (start-up, data) in turn, its runs' processes side by side
    cores = min(os.cpu_count() or 1, 3)  # depth has three runs
    if out.get("lab_own_cpu"):
        estimates = [(own + runs / cores) / trains for own, runs, trains in
                     zip(out["lab_own_cpu"], out["lab_runs_cpu"], out["train_in_turn_cpu"])]
        out["ratio_from_cpu"] = statistics.median(estimates)
    return out


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


def _round_line(number: int, out: dict) -> str:
    return (f"| {number + 1} | {'lab' if number % 2 == 0 else 'trains'} | {out['free_cores'][number]:.1f} | "
            f"{out['lab'][number]:.2f} | {out['train_in_turn'][number]:.2f} | "
            f"{out['lab'][number] / out['train_in_turn'][number]:.2f} | {out['lab_cpu'][number]:.2f} | "
            f"{out['train_in_turn_cpu'][number]:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.bench_lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="auto", help="sample | mnist | PATH (default: best available)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", "--repeats", dest="rounds", type=int, default=5,
                        help="alternating rounds, each one lab and three trains (default 5)")
    parser.add_argument("--skip-modes", action="store_true", help="skip the in-process comparison of modes")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.epochs < 1:
        parser.error("--rounds and --epochs must be at least 1")
    before = free_cores()
    if not args.json:
        print(f"`nnviz lab depth --epochs {args.epochs}` against 784-10, 784-16-10 and 784-16-16-10 by "
              f"`nnviz train --epochs {args.epochs}` one after another (data: {args.data}, {args.rounds} "
              f"alternating rounds; CPU = user + system seconds of all processes)\n")
        print("| round | first | cores free | lab s | 3 trains s | ratio | lab CPU s | 3 trains CPU s |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|", flush=True)
    show = None if args.json else (lambda number, out: print(_round_line(number, out), flush=True))
    result = {"commands": commands(args.data, args.epochs, args.rounds, show)}
    if not args.skip_modes:
        result["modes"] = modes(args.data, args.epochs)
    result["free_cores"] = (before, free_cores())
    if args.json:
        print(json.dumps(result))
        return 0
    c = result["commands"]
    lab, serial = statistics.median(c["lab"]), statistics.median(c["train_in_turn"])
    print(f"| median | | | {lab:.2f} | {serial:.2f} | {statistics.median(c['round_ratios']):.2f} | "
          f"{statistics.median(c['lab_cpu']):.2f} | {statistics.median(c['train_in_turn_cpu']):.2f} |")
    verdict = "met" if c["ratio"] <= TARGET_RATIO else "NOT met"
    print(f"\nRATIO {c['ratio']:.2f} = median lab {lab:.2f} s / median 3 trains {serial:.2f} s "
          f"(target at most {TARGET_RATIO}: {verdict})")
    if c["ratio_all_cores_free"] is not None:
        print(f"ratio in the {c['rounds_all_cores_free']} of {args.rounds} round(s) that began with every core "
              f"free: {c['ratio_all_cores_free']:.2f} (median)")
    else:
        print(f"no round began with every core free (other work held part of the {os.cpu_count()} cores)")
    if c.get("ratio_from_cpu") is not None:
        print(f"from CPU seconds, with every core free: {c['ratio_from_cpu']:.2f} (median of (lab's own process "
              f"{statistics.median(c['lab_own_cpu']):.2f} + its runs' processes {statistics.median(c['lab_runs_cpu']):.2f}"
              f" / {min(os.cpu_count() or 1, 3)}) / 3 trains; an estimate: it assumes the runs share the two cores perfectly)")
    print(f"CPU ratio {c['cpu_ratio']:.2f} (lab / 3 trains, medians). The lab loads the data once where the trains "
          "load it three times, but also measures every network on the whole training set after each epoch; "
          "when other work holds the cores its processes cannot run side by side and the time ratio tends to "
          "the CPU ratio.")
    if "modes" in result:
        print("\nIn one process, the same three runs (seconds): "
              + ", ".join(f"{k} {v:.2f}" for k, v in result["modes"].items()))
    print("Cores this benchmark got (one busy loop per core at once, before and after): "
          + " and ".join(f"{x:.2f}" for x in result["free_cores"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
