"""How well the drawing pad reads digits that are not MNIST's: every installed font, several sizes,
stroke widths, slants and offsets, through the pad's own path, read by a network trained on MNIST.

    python -m nnviz.qt.bench_hands [--epochs 3] [--model FILE] [--quick]

Prints accuracy per font, size, stroke, slant, offset and digit, and overall, with the pad's stroke
normalisation off (before) and on (after), side by side in one run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import time
from collections import defaultdict

import numpy as np

SIZES = (32.0, 96.0, 240.0)  # digit height in canvas pixels (the canvas is 280)
SLANTS = (-15.0, 0.0, 20.0)
OFFSETS = {"centre": (0.0, 0.0), "top-left": (-0.9, -0.9), "bottom-right": (0.9, 0.9)}
QUICK = {"sizes": (32.0, 240.0), "slants": (0.0, 20.0), "offsets": ("centre", "top-left")}


def _network(args):
    from nnviz.engine.datasets import load_mnist
    from nnviz.engine.model_io import load_model
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import EpochStats, TrainConfig, Trainer

    dataset = load_mnist(args.data_dir)
    if args.model:
        network, _ = load_model(args.model)
    else:
        network = Network((784, 16, 16, 10), seed=0)
        for record in Trainer(network, dataset, TrainConfig(epochs=args.epochs)).run():
            if isinstance(record, EpochStats):
                print(f"  epoch {record.epoch}: test accuracy {record.test_accuracy:.1%}", flush=True)
    accuracy = float((network.predict(dataset.x_test) == dataset.y_test).mean())
    return network, accuracy


def _grid(args, fonts):
    from nnviz.qt.font_digits import STROKES, Rendering

    sizes, slants, offsets = SIZES, SLANTS, tuple(OFFSETS)
    if args.quick:
        sizes, slants, offsets = QUICK["sizes"], QUICK["slants"], QUICK["offsets"]
    for family, digit, size, stroke, slant, offset in itertools.product(
        fonts, range(10), sizes, STROKES, slants, offsets
    ):
        yield Rendering(family, digit, size, stroke, slant, OFFSETS[offset]), offset


def _table(title, rows, keys):
    print(f"\n{title:<24} {'n':>6} {'before':>8} {'after':>8}")
    for key in keys:
        n, before, after = rows[key]
        print(f"{str(key):<24} {n:>6} {before / n:>8.1%} {after / n:>8.1%}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.bench_hands", description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of MNIST training (default 3)")
    parser.add_argument("--model", help="a saved model to read with instead of training one")
    parser.add_argument("--data-dir", default=os.environ.get("NNVIZ_DATA_DIR"), help="folder with MNIST's files")
    parser.add_argument("--quick", action="store_true", help="a smaller grid (2 sizes, 2 slants, 2 offsets)")
    parser.add_argument("--fonts", type=int, default=0, help="use only the first N fonts (default all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnviz.engine.datasets import DataError
    from nnviz.engine.stroke import stroke_width
    from nnviz.qt.font_digits import digit_fonts, render_digit
    from nnviz.qt.views.drawing_pad import DrawingCanvas, pad_preprocess

    app = QApplication.instance() or QApplication([])
    fonts = digit_fonts()[: args.fonts or None]
    if not fonts:
        print("No installed font writes Latin digits; nothing to measure.", file=sys.stderr)
        return 1
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}")
    print("Training 784-16-16-10 on MNIST..." if not args.model else f"Reading with {args.model}")
    try:
        network, mnist_accuracy = _network(args)
    except (DataError, OSError, ValueError) as error:
        print(f"Cannot get a network: {error}", file=sys.stderr)
        return 1
    print(f"MNIST test accuracy: {mnist_accuracy:.1%}; {len(fonts)} fonts: {', '.join(fonts)}")

    canvas = DrawingCanvas()  # the pad's own canvas: show_digit, then to_array, as the pad reads a drawing
    tallies = {name: defaultdict(lambda: [0, 0, 0]) for name in ("font", "size", "stroke", "slant", "offset", "digit")}
    widths = {False: [], True: []}
    started = time.perf_counter()
    skipped = 0
    for rendering, offset in _grid(args, fonts):
        try:
            ink = render_digit(rendering)
        except ValueError:
            skipped += 1  # too big to slant or move on the canvas
            continue
        canvas.show_digit(ink)
        drawing = canvas.to_array()
        right = []
        for normalise in (False, True):
            image = pad_preprocess(drawing, normalise_stroke=normalise)
            widths[normalise].append(stroke_width(image))
            right.append(int(network.predict(image.reshape(784)) == rendering.digit))
        keys = {"font": rendering.family, "size": f"{rendering.height:.0f} px", "stroke": rendering.stroke,
                "slant": f"{rendering.slant:+.0f} deg", "offset": offset, "digit": rendering.digit}
        for name, key in keys.items():
            tally = tallies[name][key]
            tally[0] += 1
            tally[1] += right[0]
            tally[2] += right[1]
    del app
    total = [sum(t[i] for t in tallies["digit"].values()) for i in range(3)]
    for name, rows in tallies.items():
        _table(name, rows, sorted(rows) if name != "stroke" else [k for k in ("thin", "font", "bold", "heavy") if k in rows])
    print(f"\nstroke width of the network's input (px, median): before {np.median(widths[False]):.2f}, "
          f"after {np.median(widths[True]):.2f}; MNIST's training digits 2.57")
    print(f"overall: {total[0]} digits ({skipped} that did not fit skipped), before {total[1] / total[0]:.1%}, "
          f"after {total[2] / total[0]:.1%}  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
