"""How well the drawing pad reads digits that are not MNIST's: every installed font, several sizes,
stroke widths, slants and offsets, through the pad's own path, read by a network trained on MNIST.

    python -m nnviz.qt.bench_hands [--epochs 3] [--model FILE] [--quick]

Prints accuracy per font, size, stroke, slant, offset and digit, and overall, with the pad's stroke
normalisation off (before) and on (after: strokes brought into the middle half of MNIST's widths, as
the pad does), and, for comparison, every stroke brought to MNIST's median width; all in one run.
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
    return network, dataset, accuracy


MODES = ("before", "after", "median")


def _preprocessors():
    """The pad's path without and with its stroke normalisation, and strokes forced to MNIST's median."""
    from nnviz.engine.preprocess import preprocess_digit
    from nnviz.engine.stroke import MNIST_STROKE
    from nnviz.qt.views.drawing_pad import pad_preprocess

    return (lambda d: pad_preprocess(d, normalise_stroke=False), pad_preprocess,
            lambda d: preprocess_digit(d, stroke=MNIST_STROKE))


def _mnist_through_pad(network, dataset, canvas, count):
    """Accuracy (before, after) on the first ``count`` MNIST test digits drawn on the pad: real
    handwriting must not suffer from the stroke normalisation."""
    right = np.zeros(len(MODES))
    for image, label in zip(dataset.x_test[:count], dataset.y_test[:count]):
        canvas.show_digit(image.reshape(28, 28))  # the pad scales it up to its 280-pixel canvas
        drawing = canvas.to_array()
        for i, preprocess in enumerate(_preprocessors()):
            right[i] += network.predict(preprocess(drawing).reshape(784)) == label
    return right / max(1, min(count, len(dataset.y_test)))


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
    print(f"\n{title:<24} {'n':>6}" + "".join(f"{mode:>8}" for mode in MODES))
    for key in keys:
        n, *right = rows[key]
        print(f"{str(key):<24} {n:>6}" + "".join(f"{r / n:>8.1%}" for r in right))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.bench_hands", description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of MNIST training (default 3)")
    parser.add_argument("--model", help="a saved model to read with instead of training one")
    parser.add_argument("--data-dir", default=os.environ.get("NNVIZ_DATA_DIR"), help="folder with MNIST's files")
    parser.add_argument("--quick", action="store_true", help="a smaller grid (2 sizes, 2 slants, 2 offsets)")
    parser.add_argument("--mnist", type=int, default=2000, help="MNIST test digits also sent through the pad (default 2000)")
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
        network, dataset, mnist_accuracy = _network(args)
    except (DataError, OSError, ValueError) as error:
        print(f"Cannot get a network: {error}", file=sys.stderr)
        return 1
    print(f"MNIST test accuracy: {mnist_accuracy:.1%}; {len(fonts)} fonts: {', '.join(fonts)}")

    canvas = DrawingCanvas()  # the pad's own canvas: show_digit, then to_array, as the pad reads a drawing
    tallies = {name: defaultdict(lambda: [0] * (1 + len(MODES))) for name in ("font", "size", "stroke", "slant", "offset", "digit")}
    widths = [[] for _ in MODES]
    preprocessors = _preprocessors()
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
        for i, preprocess in enumerate(preprocessors):
            image = preprocess(drawing)
            widths[i].append(stroke_width(image))
            right.append(int(network.predict(image.reshape(784)) == rendering.digit))
        keys = {"font": rendering.family, "size": f"{rendering.height:.0f} px", "stroke": rendering.stroke,
                "slant": f"{rendering.slant:+.0f} deg", "offset": offset, "digit": rendering.digit}
        for name, key in keys.items():
            tally = tallies[name][key]
            tally[0] += 1
            for i, ok in enumerate(right):
                tally[1 + i] += ok
    mnist_pad = _mnist_through_pad(network, dataset, canvas, args.mnist) if args.mnist > 0 else None
    del app
    total = [sum(t[i] for t in tallies["digit"].values()) for i in range(1 + len(MODES))]
    for name, rows in tallies.items():
        _table(name, rows, sorted(rows) if name != "stroke" else [k for k in ("thin", "font", "bold", "heavy") if k in rows])
    def line(values, fmt):
        return ", ".join(f"{mode} {fmt(v)}" for mode, v in zip(MODES, values))

    print(f"\nstroke width of the network's input (px, median): {line(widths, lambda w: f'{np.median(w):.2f}')}; "
          "MNIST's training digits 2.57 (quartiles 2.27-2.97)")
    if mnist_pad is not None:
        print(f"the first {min(args.mnist, len(dataset.y_test))} MNIST test digits drawn on the pad: "
              f"{line(mnist_pad, lambda a: f'{a:.1%}')}")
    print(f"overall: {total[0]} font digits ({skipped} that did not fit skipped): "
          f"{line(total[1:], lambda r: f'{r / total[0]:.1%}')}  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
