"""Start the nnviz desktop app: QApplication, names, icon, and the main window (1400x900 the first time).

``run_app(self_check=True)`` trains one epoch on the bundled sample from the GUI and exits 0 if that worked.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

import nnviz
from nnviz.qt._icon import app_icon
from nnviz.qt._qt_messages import quiet_offscreen_messages

SELF_CHECK_TIMEOUT_MS = 180_000


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists) with nnviz's names, desktop file name and icon."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(sys.argv if argv is None else argv) or ["nnviz"])
        if QGuiApplication.platformName() == "offscreen":  # tools: screenshots, benchmarks
            quiet_offscreen_messages()
    app.setApplicationName("nnviz")
    app.setApplicationDisplayName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationVersion(nnviz.__version__)
    QGuiApplication.setDesktopFileName("nnviz")
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def build_window(dataset=None, settings=None):
    """The main window as run_app opens it: its saved size and place, else 1400x900 (within the screen)."""
    from nnviz.qt._window_layout import DEFAULT_SIZE, available_screen, fitted_size
    from nnviz.qt.main_window import MainWindow

    window = MainWindow(dataset=dataset, settings=settings)
    window.confirm_discard = True  # the learner's own window asks before a trained network is lost
    if window.settings.geometry() is None:
        window.resize(fitted_size(DEFAULT_SIZE, available_screen()))
    return window


def run_app(argv: list[str] | None = None, self_check: bool = False) -> int:
    """Open the window and run until it is closed; the exit status of the app.

    With ``self_check`` the window uses the bundled sample and throw-away settings, trains one epoch
    through its own controls, checks the cost curve and the test accuracy, and closes itself.
    """
    app = make_application(argv)
    from nnviz.qt._settings import SettingsStore

    if not self_check:
        window = build_window()
        window.show()
        return app.exec()

    from nnviz.engine.datasets import load_sample

    with tempfile.TemporaryDirectory(prefix="nnviz-self-check-") as folder:
        store = SettingsStore(QSettings(str(pathlib.Path(folder) / "settings.ini"), QSettings.Format.IniFormat))
        try:
            dataset = load_sample()
        except Exception as exc:  # noqa: BLE001 - report any failure as the self-check's result
            print(f"nnviz self-check FAILED: could not load the bundled sample: {exc}", file=sys.stderr)
            return 2
        window = build_window(dataset=dataset, settings=store)
        window.confirm_discard = False  # a throw-away check: nothing of the learner's to save
        window.show()
        result = _self_check(app, window)
        window.close()
        del window
        app.processEvents()
        return result


def _self_check(app: QApplication, window) -> int:
    outcome: dict = {}

    def on_epoch(stats) -> None:
        outcome["stats"] = stats
        app.quit()

    def on_timeout() -> None:
        outcome["timeout"] = True
        app.quit()

    def on_message(text: str, level: str) -> None:
        if level == "error":
            outcome["error"] = text
            app.quit()

    window.epoch_shown.connect(on_epoch)
    window.message_shown.connect(on_message)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(on_timeout)
    timer.start(SELF_CHECK_TIMEOUT_MS)
    QTimer.singleShot(0, window.step_epoch)
    app.exec()
    timer.stop()

    if "error" in outcome:
        print(f"nnviz self-check FAILED: {outcome['error']}", file=sys.stderr)
        return 1
    stats = outcome.get("stats")
    if stats is None:
        print("nnviz self-check FAILED: no epoch finished within "
              f"{SELF_CHECK_TIMEOUT_MS // 1000} s", file=sys.stderr)
        return 1
    points = len(window.cost_curve.history_rows())
    n_classes = window.dataset.n_classes
    if points == 0 or not stats.test_accuracy > 1.0 / n_classes:
        print(f"nnviz self-check FAILED: {points} cost points, test accuracy {stats.test_accuracy:.1%}",
              file=sys.stderr)
        return 1
    print(f"nnviz self-check OK: one epoch on {window.dataset.name} from the window, "
          f"test accuracy {stats.test_accuracy:.1%}, {points} cost-curve points")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app())
