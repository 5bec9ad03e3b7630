"""Take the Playground screenshots in docs/ from the real window, offscreen: the spirals learnt by a
network, the spirals unfolded by a 2-neuron layer, a crossed feature with no hidden layer, and a curve.

Run ``python -m nnviz.qt.screenshots_playground docs`` (add ``--size 1280x720`` to check a small screen).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

#: name -> (settings, epochs to train, what the shot holds)
SHOTS = {
    "plane": (dict(data="spirals", hidden=(8, 8)), 300, "two spirals learnt from x1, x2 by 2 layers of 8 tanh neurons"),
    # at 0.01 on batches of 100 the 2-neuron layer saturates less than at the default 0.03 on 32 (which
    # piles nearly every point into the square's corners) and still splits the spirals (98% at epoch 300)
    "hidden": (dict(data="spirals", hidden=(8, 8, 2), learning_rate=0.01, batch_size=100), 300,
               "a 2-neuron last layer: the spirals unfolded until a straight line splits them"),
    "cross": (dict(data="circles", hidden=(), features=("x1sq", "x2sq")), 40,
              "circles solved with no hidden layer from x1², x2²"),
    "stuck": (dict(data="circles", hidden=()), 200,
              "a straight line through circles: the not-learning banner says what to try"),
    "curve": (dict(mode="curve", curve="bump", curve_neurons=8, activation="sigmoid", learning_rate=0.03), 400,
              "a bump fitted by 8 sigmoid neurons, each neuron's contribution faint, one chosen"),
}


def take(folder: pathlib.Path, size: tuple[int, int], names=None, suffix: str = "") -> list[pathlib.Path]:
    """Train the window for each shot and save it as folder/playground-NAME{suffix}.png; the paths written."""
    from nnviz.qt._scripted import run_until
    from nnviz.qt._playground_state import PlaygroundState
    from nnviz.qt.app import make_application
    from nnviz.qt.playground_window import PlaygroundWindow

    app = make_application(["nnviz"])
    written = []
    for name in names or SHOTS:
        settings, epochs, _ = SHOTS[name]
        window = PlaygroundWindow(PlaygroundState(**settings))
        window.resize(*size)
        window.show()
        if name == "plane":
            window.controls.show_test.setChecked(True)
        window.session.set_epoch_limit(epochs)
        window.session.start()
        if not run_until(lambda: window.session.epoch >= epochs and not window.session.is_busy, 120, poll_ms=20):
            raise TimeoutError(f"{name}: gave up waiting for {epochs} epochs")
        window.session.pause()  # held at the limit it still counts as running
        if name == "curve":  # choose the tallest contribution
            heights = abs(window.session.snapshot.weights[1][0])
            window.neuron_editor.neuron.setValue(int(heights.argmax()) + 1)
        window.draw(window.session.snapshot)
        window._flush_epochs()
        app.processEvents()
        path = folder / f"playground-{name}{suffix}.png"
        tmp = path.with_suffix(".tmp.png")
        if not window.grab().save(str(tmp)):
            raise OSError(f"could not write {tmp}")
        os.replace(tmp, path)
        written.append(path)
        window.close()
        window.deleteLater()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.screenshots_playground", description=__doc__)
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--size", default="1400x900", help="window size WIDTHxHEIGHT (default 1400x900)")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -1280")
    parser.add_argument("--only", nargs="*", choices=sorted(SHOTS), help="take only these shots")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size takes WIDTHxHEIGHT such as 1280x720, got {args.size!r}")
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    for path in take(args.folder, (width, height), args.only, args.suffix):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
