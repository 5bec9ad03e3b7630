"""Take the Lab's screenshots in docs/ from the real window, offscreen: each experiment run to its answer.

Run ``NNVIZ_DATA_DIR=/path/to/mnist python -m nnviz.qt.lab_screenshots docs`` (docs/lab.png is depth,
docs/lab-NAME.png the others); ``--size 1280x720`` takes them at another size.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

from nnviz.engine.lab_experiments import NAMES


def _size(text: str) -> tuple[int, int]:
    width, height = (int(v) for v in text.lower().split("x"))
    return width, height


def take(folder: pathlib.Path, data: str | None, experiments, size=(1400, 900), suffix: str = "") -> list[pathlib.Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.engine.datasets import load_dataset
    from nnviz.qt._scripted import run_until
    from nnviz.qt.app import make_application
    from nnviz.qt.lab_window import LabWindow

    app = make_application(["nnviz-screenshots"])
    dataset = load_dataset(data)
    folder.mkdir(parents=True, exist_ok=True)
    window = LabWindow(dataset=dataset)
    window.resize(*size)
    window.show()
    saved = []
    for name in experiments:
        window.select(name)
        window.start()
        if not run_until(lambda: window.result is not None, 3600, poll_ms=200):
            raise TimeoutError(f"{name} did not finish")
        window.table.selectRow(len(window.race.plan.runs) - 1)
        run_until(lambda: False, 0.5, poll_ms=50)  # let the last redraws land
        path = folder / (f"lab{suffix}.png" if name == "depth" else f"lab-{name}{suffix}.png")
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        saved.append(path)
        print(f"{path}: {window.result.answer}")
    window.close()
    app.processEvents()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.lab_screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", type=pathlib.Path)
    parser.add_argument("--data", default=None, help="dataset spec (default: the best available)")
    parser.add_argument("--experiments", default=",".join(NAMES), help="comma-separated (default: all five)")
    parser.add_argument("--size", type=_size, default=(1400, 900), help="window size, e.g. 1280x720")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -720")
    args = parser.parse_args(argv)
    take(args.folder, args.data, [n.strip() for n in args.experiments.split(",") if n.strip()], args.size, args.suffix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
