"""Lab window benchmark: is the window responsive while 7 networks race, is the race fair, does closing stop it?

Run ``python -m nnviz.qt.bench_lab_gui [--data D] [--epochs 2]`` (QT_QPA_PLATFORM=offscreen works):
the width experiment (784-1-10 ... 784-64-10) races in the Lab window while a 10 ms timer measures how
late the event loop runs; then a second race is closed mid-way and the time until every thread ended
is measured.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

import numpy as np

TARGET_P99_MS = 50.0


def _spin(app, condition, timeout_s: float, poll_ms: int = 100) -> bool:
    from nnviz.qt._scripted import run_until

    return run_until(condition, timeout_s, poll_ms)


def race_measurements(dataset, epochs: int, concurrent: int | None = None) -> dict:
    from nnviz.qt._scripted import LatenessProbe
    from nnviz.qt.app import make_application
    from nnviz.qt.lab_window import LabWindow

    app = make_application(["nnviz-bench-lab"])
    window = LabWindow(dataset=dataset)
    if concurrent is not None:
        window.race_concurrency = concurrent
    window.resize(1400, 900)
    window.show()
    window.select("width")
    window.epochs_box.setValue(epochs)
    _spin(app, lambda: False, 0.3)

    probe = LatenessProbe()
    spread = [0]

    def on_record(_record) -> None:
        epochs_now = [s.epoch for s in window.race.sessions.values() if s.trainer is not None]
        if epochs_now:
            spread[0] = max(spread[0], max(epochs_now) - min(epochs_now))

    started = time.perf_counter()
    probe.start()
    window.start()
    window.race.record_ready.connect(on_record)
    n_networks = len(window.race.sessions)
    _spin(app, lambda: window.result is not None, 3600)
    seconds = time.perf_counter() - started
    probe.stop()
    result = window.result

    # a second race, closed mid-way
    window.restart()
    race = window.race
    _spin(app, lambda: any(race.histories.values()), 600)
    before = time.perf_counter()
    window.close()
    close_seconds = time.perf_counter() - before
    alive = [t.name for t in threading.enumerate() if t.name.startswith("nnviz") and t.is_alive()]
    running = [s for s in race.sessions.values() if s.thread is not None]
    return {"networks": n_networks, "concurrent": race.concurrent, "seconds": seconds, "lateness": probe.lateness,
            "spread": spread[0],
            "close_seconds": close_seconds, "left_running": len(alive) + len(running),
            "answer": result.answer if result else ""}


def headless_seconds(dataset, epochs: int) -> float:
    from nnviz.engine.lab_experiments import run_experiment

    started = time.perf_counter()
    for _ in run_experiment("width", dataset, epochs):
        pass
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.bench_lab_gui", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None, help='dataset spec (default: best available; "sample" is quick)')
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=None, help="networks training at once (default: the Lab's)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.engine.datasets import load_dataset

    dataset = load_dataset(args.data)
    headless = headless_seconds(dataset, args.epochs)
    m = race_measurements(dataset, args.epochs, args.concurrent)
    late = np.asarray(m["lateness"]) * 1000
    p50, p99 = (float(np.percentile(late, q)) if late.size else float("nan") for q in (50, 99))
    print(f"Lab window, width experiment ({m['networks']} networks racing, {m['concurrent']} training at "
          f"once), {dataset.name}, {args.epochs} epochs, {os.cpu_count()} CPUs\n")
    print("| measure | result | target |\n|---|---|---|")
    print(f"| event-loop lateness (10 ms timer) while {m['networks']} networks race | p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, max {late.max(initial=0):.0f} ms | p99 under {TARGET_P99_MS:.0f} ms "
          f"{'met' if p99 < TARGET_P99_MS else 'NOT met'} |")
    print(f"| largest epoch gap between racing networks | {m['spread']} | at most 1 |")
    print(f"| race in the window (threads) / headless `nnviz lab width` (processes) | {m['seconds']:.1f} s / "
          f"{headless:.1f} s | |")
    print(f"| closing the window mid-race until every thread ended | {1000 * m['close_seconds']:.0f} ms, "
          f"{m['left_running']} left running | none left |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
