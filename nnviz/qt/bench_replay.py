"""Replay benchmark: memory of a recorded run and the time to redraw the window at a recorded moment.

Run ``python -m nnviz.qt.bench_replay [--epochs 30] [--data mnist]`` (QT_QPA_PLATFORM=offscreen works).
Targets: a 30-epoch replay of 784-16-16-10 keeps at most 100 MB; scrubbing redraws in under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

TARGETS = {"memory": "≤ 100 MB for 30 epochs of 784-16-16-10", "scrub": "< 50 ms per redraw"}


def record_run(dataset, epochs: int, layer_sizes=(784, 16, 16, 10)):
    """Train headless for ``epochs`` epochs with a ReplayRecorder watching, as the window's worker does."""
    from nnviz.engine.network import Network
    from nnviz.engine.replay import ReplayRecorder
    from nnviz.engine.trainer import TrainConfig, Trainer

    network = Network(layer_sizes, seed=0)
    trainer = Trainer(network, dataset, TrainConfig(epochs=epochs))
    recorder = ReplayRecorder(network.layer_sizes, network.activation, network.cost)
    recorder.add_initial(network.snapshot())
    t0 = time.perf_counter()
    for item in trainer.run():
        recorder.observe(item, trainer)
    return recorder, time.perf_counter() - t0


def retained_bytes(recorder) -> int:
    """Everything the recording keeps: parameter vectors, the epochs' confusion matrices, object overhead."""
    frames = recorder.frames()
    confusion = sum(f.epoch_stats.confusion.nbytes for f in frames if f.epoch_stats is not None)
    overhead = len(frames) * (sys.getsizeof(frames[0]) + 200) if frames else 0
    return recorder.nbytes + confusion + overhead


def scrub_times(dataset, recorder, n: int = 100, size=(1400, 900)) -> list[float]:
    """Seconds to show ``n`` random recorded moments in a real window (views drawn, events processed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QSettings

    from nnviz.qt._settings import SettingsStore
    from nnviz.qt.app import make_application
    from nnviz.qt.main_window import MainWindow

    app = make_application(["nnviz"])
    folder = tempfile.mkdtemp(prefix="nnviz-bench-replay-")
    window = MainWindow(dataset=dataset, settings=SettingsStore(QSettings(os.path.join(folder, "s.ini"),
                                                                         QSettings.Format.IniFormat)))
    window.resize(*size)
    window.show()
    app.processEvents()
    window._show_test_digit(0, "test digit #0")
    window.recorder = recorder
    window.timeline.set_count(len(recorder))
    rng = np.random.default_rng(0)
    times = []
    try:
        for index in rng.integers(0, len(recorder), size=n):
            t0 = time.perf_counter()
            window.timeline.slider.setValue(int(index))  # as dragging the timeline does
            window.repaint()  # paint now, not at the next idle moment
            app.processEvents()
            times.append(time.perf_counter() - t0)
    finally:
        window.close()
        app.processEvents()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.bench_replay", description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--data", help="'mnist', 'sample' or a folder; default: the best available")
    parser.add_argument("--scrubs", type=int, default=100)
    args = parser.parse_args(argv)
    from nnviz.engine.datasets import load_dataset

    dataset = load_dataset(args.data)
    print(f"data: {dataset.name}, {dataset.n_train:,} training digits; recording {args.epochs} epochs of 784-16-16-10")
    recorder, seconds = record_run(dataset, args.epochs)
    frames = recorder.frames()
    kept = retained_bytes(recorder)
    per_epoch = [sum(1 for f in frames if e < f.epoch <= e + 1) for e in range(args.epochs)]
    print(f"recorded {len(frames)} moments in {seconds:.1f} s: {per_epoch[0]} in the first epoch, "
          f"{min(per_epoch)}-{max(per_epoch[1:] or per_epoch)} in each later one")
    times = np.array(scrub_times(dataset, recorder, args.scrubs)) * 1000
    memory_ok = kept / 1e6 <= 100 or args.epochs != 30
    print()
    print(f"| measure | figure | target |")
    print(f"|---|---|---|")
    print(f"| replay memory ({args.epochs} epochs) | {kept / 1e6:.1f} MB | {TARGETS['memory']} |")
    print(f"| scrub redraw (1400x900, {len(times)} random moments) | median {np.median(times):.1f} ms, "
          f"p95 {np.percentile(times, 95):.1f} ms, max {times.max():.1f} ms | {TARGETS['scrub']} |")
    return 0 if memory_ok and np.percentile(times, 95) < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
