"""GUI benchmark: training throughput with the window open vs headless, event-loop latency, pad latency, launch time.

Run ``python -m nnviz.qt.bench_gui`` (QT_QPA_PLATFORM=offscreen works); it prints one table of measured figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

TARGETS = {
    "throughput": "≥ 70% of headless",
    "latency": "p99 < 50 ms",
    "pad": "< 30 ms",
    "launch": "< 2 s",
    "redraws": "≥ 15 per s",
}


def _percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def headless_throughput(dataset, layer_sizes, config, n_batches: int) -> float:
    """Samples per second of Trainer.run() alone for ``n_batches`` mini-batches."""
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import BatchStats, Trainer

    trainer = Trainer(Network(layer_sizes, seed=0), dataset, config)
    run = trainer.run()
    done = 0
    t0 = time.perf_counter()
    for item in run:
        if isinstance(item, BatchStats):
            done += 1
            if done >= n_batches:
                break
    seconds = time.perf_counter() - t0
    run.close()
    return n_batches * config.batch_size / seconds


def _spin_until(app, condition, timeout_s: float, poll_ms: int = 5) -> bool:
    from nnviz.qt._scripted import run_until

    return run_until(condition, timeout_s, poll_ms)


def _draw_stroke(canvas, seed: int, before_release=lambda: None) -> None:
    from nnviz.qt._scripted import send_stroke

    rng = np.random.default_rng(seed)
    w, h = canvas.width(), canvas.height()
    x0 = w * rng.uniform(0.3, 0.7)
    points = [(x0 + w * 0.1 * np.sin(t / 4), h * (0.15 + 0.7 * t / 20)) for t in range(21)]
    send_stroke(canvas, points, before_release)


def gui_measurements(dataset, config, n_batches: int, strokes: int, pacing: tuple | None = None) -> dict:
    """Train ``n_batches`` from the open window with every view live; measure latencies meanwhile.

    ``pacing`` (frame interval in seconds, statistics every N frames, GUI budget or None) replaces
    the shared FrameClock's own (FRAME_INTERVAL_S, STATS_FRAMES, GUI_BUDGET).
    """
    from PySide6.QtCore import QSettings, QTimer

    from nnviz.qt._scripted import LatenessProbe
    from nnviz.qt._settings import SettingsStore
    from nnviz.qt.app import make_application
    from nnviz.qt.main_window import MainWindow

    app = make_application(["nnviz-bench"])
    folder = tempfile.mkdtemp(prefix="nnviz-bench-")
    store = SettingsStore(QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(dataset=dataset, settings=store)
    window.resize(1400, 900)
    window.show()
    window.training_controls.set_hyper_parameters(
        type(window.training_controls.hyper_parameters())(
            config.learning_rate, config.batch_size, config.optimizer, config.l2, config.dropout))
    window.reset()
    from nnviz.qt.session import FRAME_INTERVAL_S, GUI_BUDGET, STATS_FRAMES

    window.session.clock.set_pacing(*(pacing or (FRAME_INTERVAL_S, STATS_FRAMES, GUI_BUDGET)))
    window.show_random_test_digit()  # the graph is lit by an input and re-shaded at every snapshot
    _spin_until(app, lambda: False, 0.3)

    # Event-loop latency: how late a 10 ms timer fires while the worker trains.
    probe = LatenessProbe()

    snapshots = [0]
    window.snapshot_shown.connect(lambda _s: snapshots.__setitem__(0, snapshots[0] + 1))  # weight images too
    frames = [0]  # snapshots the session delivered: each redraws the graph and the output bars
    window.session.snapshot_ready.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))
    trainer = window.session.trainer
    t0 = time.perf_counter()
    cpu0 = time.thread_time()
    probe.start()
    window.session.step_batches(n_batches)
    # Poll rarely: the benchmark's own polling must not compete with the app for the GIL.
    _spin_until(app, lambda: trainer.step >= n_batches and not window.session.is_busy, 600, poll_ms=250)
    seconds = time.perf_counter() - t0
    gui_cpu = time.thread_time() - cpu0
    probe.stop()
    gui_rate = trainer.step * config.batch_size / seconds

    # Drawing pad: stroke end (mouse release) -> bars updated and painted, while training runs.
    # The bars are set synchronously on release; "painted" is the end of the next event-loop turn.
    pad: list[float] = []
    released = [0.0]
    received = [0.0]
    painted = [0.0]

    def on_outputs(_outputs) -> None:
        if released[0] and not received[0]:
            received[0] = time.perf_counter()
            QTimer.singleShot(0, lambda: painted.__setitem__(0, time.perf_counter()))

    window.outputs_shown.connect(on_outputs)
    window.start_training()
    for i in range(strokes):
        window.digit_panel.clear()
        _spin_until(app, lambda: False, 0.05)
        released[0] = received[0] = painted[0] = 0.0
        _draw_stroke(window.digit_panel.canvas, i,
                     before_release=lambda: released.__setitem__(0, time.perf_counter()))
        _spin_until(app, lambda: painted[0] > 0.0, 5)
        if painted[0]:
            pad.append(painted[0] - released[0])
    window.pause_training()
    window.close()
    window.deleteLater()
    return {
        "gui_rate": gui_rate,
        "seconds": seconds,
        "snapshots_per_s": snapshots[0] / seconds,
        "frames_per_s": frames[0] / seconds,
        "gui_cpu": gui_cpu / seconds,
        "lateness": probe.lateness,
        "pad": pad,
    }


LAUNCH_CHILD = textwrap.dedent(
    """
    import os, sys, time, tempfile
    from PySide6.QtCore import QSettings, QTimer
    from nnviz.qt.app import make_application
    app = make_application(["nnviz"])
    from nnviz.qt.main_window import MainWindow
    from nnviz.qt._settings import SettingsStore
    store = SettingsStore(QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(settings=store)
    w.resize(1400, 900)
    w.show()
    def shown():
        print("shown", time.time(), flush=True)
    def data(_d):
        print("data", time.time(), w.dataset.name, flush=True)
        w.close()
        app.quit()
    QTimer.singleShot(0, shown)
    w.dataset_changed.connect(data)
    app.exec()
    """
)


CLOSE_CHILD = textwrap.dedent(
    """
    import os, sys, time, tempfile
    from PySide6.QtCore import QSettings, QTimer
    from nnviz.qt.app import make_application
    app = make_application(["nnviz"])
    from nnviz.engine.datasets import load_dataset
    from nnviz.qt.main_window import MainWindow
    from nnviz.qt._settings import SettingsStore
    store = SettingsStore(QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(dataset=load_dataset(sys.argv[1] if len(sys.argv) > 1 else None), settings=store)
    w.show()
    def close_when_training(snapshot):
        if snapshot.step > 500 and w.isVisible():
            print("close", time.time(), flush=True)
            w.close()
            app.quit()
    w.snapshot_shown.connect(close_when_training)
    QTimer.singleShot(0, w.start_training)
    app.exec()
    """
)


def close_to_exit_times(repeats: int, data: str | None) -> list[float]:
    """Seconds from closing the window while training to the end of the process (issue: under 1 s)."""
    results = []
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for _ in range(repeats):
        args = [sys.executable, "-c", CLOSE_CHILD] + ([data] if data else [])
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        end = time.time()
        for line in out.stdout.splitlines():
            if line.startswith("close "):
                results.append(end - float(line.split()[1]))
        if "QThread" in out.stderr:
            print(out.stderr, file=sys.stderr)
    return results


def launch_times(repeats: int) -> list[tuple[float, float]]:
    """(seconds to window shown, seconds to data loaded) of fresh processes, as a user would start it."""
    results = []
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for _ in range(repeats):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", LAUNCH_CHILD], capture_output=True, text=True, env=env,
                             timeout=120)
        marks = {}
        for line in out.stdout.splitlines():
            parts = line.split()
            if parts and parts[0] in ("shown", "data"):
                marks[parts[0]] = float(parts[1]) - start
        if "shown" in marks:
            results.append((marks["shown"], marks.get("data", float("nan"))))
        else:
            print(out.stderr, file=sys.stderr)
    return results


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _ratios(runs: list[dict]) -> str:
    """Each round's share of headless throughput, e.g. "74%, 71%, 77%"."""
    return ", ".join(f"{r['ratio']:.0%}" for r in runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.bench_gui", description=__doc__)
    parser.add_argument("--data", default=None, help='dataset spec (default: best available; "sample" is quick)')
    parser.add_argument("--batches", type=int, default=30000, help="mini-batches per throughput run")
    parser.add_argument("--strokes", type=int, default=20, help="drawing-pad strokes to time (in the first round)")
    parser.add_argument("--launches", type=int, default=3, help="fresh processes to time")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of headless, window, window with the other pacing (alternated: a shared "
                        "machine's load changes from minute to minute); medians are shown")
    parser.add_argument("--before-frame-interval", type=float, default=0.15,
                        help="also measure the window with this frame interval (the pacing shipped before redraws "
                        "went to ~15 a second), statistics every --before-stats-frames frames, GUI budget "
                        "--before-budget (0 = none); 0 = skip")
    parser.add_argument("--before-stats-frames", type=int, default=3)
    parser.add_argument("--before-budget", type=float, default=0.12)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from nnviz.engine.datasets import load_dataset
    from nnviz.engine.trainer import TrainConfig

    dataset = load_dataset(args.data)
    layer_sizes = (dataset.n_features, 16, 16, dataset.n_classes)
    config = TrainConfig()
    print(f"nnviz GUI benchmark — {dataset.name} ({dataset.n_train:,} training digits), "
          f"{'-'.join(map(str, layer_sizes))}, batch {config.batch_size}, {config.optimizer}, "
          f"{args.batches} mini-batches per run, {args.rounds} rounds, {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}")

    # Headless runs bracket every window run; each window run is compared with the mean of the two
    # headless runs around it, so a change of load on a shared machine touches both sides alike.
    before_pacing = (args.before_frame_interval, args.before_stats_frames, args.before_budget or None)
    headless = [headless_throughput(dataset, layer_sizes, config, args.batches)]
    runs: list[dict] = []
    before_runs: list[dict] = []
    for round_ in range(max(1, args.rounds)):
        gui = gui_measurements(dataset, config, args.batches, args.strokes if round_ == 0 else 0)
        before = None
        if args.before_frame_interval > 0:
            before = gui_measurements(dataset, config, args.batches, 0, before_pacing)
        headless.append(headless_throughput(dataset, layer_sizes, config, args.batches))
        reference = (headless[-2] + headless[-1]) / 2
        for result, kept in ((gui, runs), (before, before_runs)):
            if result is not None:
                result["ratio"] = result["gui_rate"] / reference
                kept.append(result)
        print(f"round {round_ + 1}: headless {reference:,.0f} digits/s; window {gui['ratio']:.0%} at "
              f"{gui['frames_per_s']:.1f} redraws/s, GUI thread {gui['gui_cpu']:.0%}"
              + (f"; other pacing {before['ratio']:.0%} at {before['frames_per_s']:.1f} redraws/s, GUI thread "
                 f"{before['gui_cpu']:.0%}" if before else ""), flush=True)
    launches = launch_times(args.launches)
    exits = close_to_exit_times(args.launches, args.data)

    reference = statistics.median(headless)
    ratio = _median(runs, "ratio")
    frames = _median(runs, "frames_per_s")
    late = [x * 1000 for r in runs for x in r["lateness"]]
    pad = [x * 1000 for r in runs for x in r["pad"]]
    shown = [s for s, _ in launches]
    data = [d for _, d in launches]
    rows = [
        ("training, headless (Trainer.run alone)", f"{reference:,.0f} digits/s", ""),
        ("training, window open, every view live", f"{_median(runs, 'gui_rate'):,.0f} digits/s = {ratio:.0%}"
         f" (rounds: {_ratios(runs)})", TARGETS["throughput"] + (" ✓" if ratio >= 0.7 else " ✗")),
        ("redraws while training: graph, output bars", f"{frames:.1f} per s",
         TARGETS["redraws"] + (" ✓" if frames >= 15 else " ✗")),
        ("redraws while training: weight images", f"{_median(runs, 'snapshots_per_s'):.1f} per s", ""),
        ("GUI thread CPU while training", f"{_median(runs, 'gui_cpu'):.0%} of one core", ""),
        ("event-loop latency (10 ms timer lateness)",
         f"p50 {_percentile(late, 50):.1f} ms, p99 {_percentile(late, 99):.1f} ms, max {max(late, default=0):.0f} ms",
         TARGETS["latency"] + (" ✓" if _percentile(late, 99) < 50 else " ✗")),
        ("stroke end → bars updated (while training)",
         f"median {_percentile(pad, 50):.1f} ms, p90 {_percentile(pad, 90):.1f} ms, max {max(pad, default=float('nan')):.1f} ms"
         f" ({len(pad)} strokes)",
         TARGETS["pad"] + " (p90)" + (" ✓" if pad and _percentile(pad, 90) < 30 else " ✗")),
        ("launch → window shown (fresh process)",
         f"median {statistics.median(shown) if shown else float('nan'):.2f} s, max {max(shown, default=float('nan')):.2f} s",
         TARGETS["launch"] + (" ✓" if shown and max(shown) < 2 else " ✗")),
        ("launch → data loaded (on a thread)",
         f"median {statistics.median(data) if data else float('nan'):.2f} s", ""),
        ("close while training → process ended",
         f"median {_percentile(exits, 50):.2f} s, max {max(exits, default=float('nan')):.2f} s",
         "< 1 s" + (" ✓" if exits and max(exits) < 1 else " ✗")),
    ]
    if before_runs:
        budget = f", GUI budget {args.before_budget:.0%}" if args.before_budget else ""
        rows += [
            (f"other pacing: frame every {args.before_frame_interval:g} s{budget}, training",
             f"{_median(before_runs, 'gui_rate'):,.0f} digits/s = {_median(before_runs, 'ratio'):.0%}"
             f" (rounds: {_ratios(before_runs)})", ""),
            ("other pacing: redraws while training (graph; images)",
             f"{_median(before_runs, 'frames_per_s'):.1f}; {_median(before_runs, 'snapshots_per_s'):.1f} per s", ""),
            ("other pacing: GUI thread CPU while training", f"{_median(before_runs, 'gui_cpu'):.0%} of one core", ""),
        ]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'result':<{value_width}}  target")
    print("-" * (width + value_width + 22))
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<{value_width}}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
