"""Take the screenshots in docs/ from the real window: before, during and after training, a drawn 7, a diverged run.

Run ``NNVIZ_DATA_DIR=/path/to/mnist python -m nnviz.qt.screenshots docs`` (offscreen; settings in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile

SIZE = (1400, 900)
#: The test digit shown while training (an 8 of the MNIST test set).
DURING_DIGIT = 5875


def _wait_until(condition, timeout_s: float, what: str) -> None:
    """Run the event loop until ``condition()`` holds; fail loudly after ``timeout_s``."""
    from nnviz.qt._scripted import run_until

    if not run_until(condition, timeout_s, poll_ms=20):
        raise TimeoutError(f"gave up waiting for {what} after {timeout_s:.0f} s")


def _settled(window) -> bool:
    """Paused, and every view shows the trainer's current state."""
    session = window.session
    return (not session.is_running and not session.is_busy and window.snapshot is not None
            and window.snapshot.step == session.step and not window._late_timer.isActive())


def _draw_seven(canvas) -> None:
    """One stroke: the top bar of a 7, then its diagonal, as mouse events on the drawing pad."""
    from nnviz.qt._scripted import send_stroke

    w, h = canvas.width(), canvas.height()
    corners = [(0.25, 0.22), (0.75, 0.22), (0.42, 0.82)]
    points = []
    for (x0, y0), (x1, y1) in zip(corners[:-1], corners[1:]):
        points += [(w * (x0 + (x1 - x0) * t / 20), h * (y0 + (y1 - y0) * t / 20)) for t in range(21)]
    send_stroke(canvas, points)


def take_screenshots(folder: pathlib.Path, data: str | None = None, during_steps: int = 250,
                     epochs: int = 5) -> list[pathlib.Path]:
    """Write window-{before,during,after,drawn-digit,diverged}.png to ``folder``; returns their paths.

    "during" is taken after ``during_steps`` mini-batches, "after" after ``epochs`` whole epochs.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from nnviz.engine.datasets import load_dataset
    from nnviz.qt._screenshots_inside import take_inside_screenshots
    from nnviz.qt._settings import Architecture, SettingsStore
    from nnviz.qt.app import make_application
    from nnviz.qt.main_window import MainWindow

    settings_dir = tempfile.mkdtemp(prefix="nnviz-screenshots-")
    # Nothing remembered from earlier runs: the window shows its defaults.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    app = make_application(["nnviz"])
    dataset = load_dataset(data)
    print(f"data: {dataset.name}, {dataset.n_train:,} training digits ({dataset.source})")

    def new_window(settings_name: str) -> MainWindow:
        store = SettingsStore(QSettings(os.path.join(settings_dir, settings_name), QSettings.Format.IniFormat))
        new = MainWindow(dataset=dataset, settings=store)
        new.resize(*SIZE)
        new.show()
        return new

    window = new_window("settings.ini")
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def shoot(name: str) -> None:
        app.processEvents()
        path = folder / f"window-{name}.png"
        if not window.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        written.append(path)
        print(f"{path}: {path.stat().st_size / 1000:.0f} kB")

    try:
        _wait_until(lambda: _settled(window), 10, "the untrained network")
        shoot("before")

        # During: slowed down a little, so every mini-batch is drawn, with a test digit going through.
        window.training_controls.set_delay_ms(20)
        shown = DURING_DIGIT % dataset.n_test
        digit = dataset.x_test[shown]
        label = dataset.class_names[dataset.y_test[shown]]
        window.digit_panel.show_input(digit, f"test digit #{shown}, label {label}")
        window.show_input(digit)
        window.start_training()
        _wait_until(lambda: window.snapshot.step >= during_steps, 120, f"{during_steps} mini-batches")
        shoot("during")

        # After: whole epochs at full speed, the pad blank.
        window.pause_training()
        window.training_controls.set_delay_ms(0)
        window.digit_panel.clear()  # as its Clear button does: the blank pad stays the input
        for epoch in range(1, epochs + 1):
            window.step_epoch()
            _wait_until(lambda e=epoch: window.session.trainer.epoch >= e and _settled(window), 600, f"epoch {epoch}")
        shoot("after")

        _draw_seven(window.digit_panel.canvas)
        _wait_until(lambda: window.current_input.max() > 0, 10, "the drawn 7 to reach the network")
        shoot("drawn-digit")

        # Diverged, in a new window (a reset one still shows the last test results): a linear
        # network and plain SGD with a far too large learning rate.
        window.close()
        window = new_window("diverged.ini")
        window.apply_architecture(Architecture((16,), "linear", "cross-entropy"))
        controls = window.training_controls
        controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
        controls.learning_rate.setValue(10.0)
        window.start_training()
        _wait_until(lambda: window.session.has_diverged and _settled(window), 120, "divergence")
        # the same test digit as "during": what a diverged network makes of it
        window.digit_panel.show_input(digit, f"test digit #{shown}, label {label}")
        window.show_input(digit)
        shoot("diverged")
        window.close()
        written += take_inside_screenshots(folder, new_window, _wait_until)
    finally:
        window.close()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnviz.qt.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", type=pathlib.Path, help="where to write the PNGs")
    parser.add_argument("--data", help="dataset (as in the Data menu: a folder, 'mnist' or 'sample'); "
                                       "default: the best available, e.g. $NNVIZ_DATA_DIR")
    parser.add_argument("--during-steps", type=int, default=250, help="mini-batches before 'during'")
    parser.add_argument("--epochs", type=int, default=5, help="epochs before 'after'")
    args = parser.parse_args(argv)
    take_screenshots(args.folder, args.data, args.during_steps, args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
