"""`nnviz lab` with no experiment named: the Lab window on its own, with a main window made on demand."""

from __future__ import annotations

from nnviz.qt.app import build_window, make_application
from nnviz.qt.lab_window import LabWindow

__all__ = ["run_lab"]


def run_lab(argv: list[str] | None = None) -> int:
    """Open the Lab window and run until every window is closed; the exit status of the app."""
    app = make_application(argv)
    window = LabWindow(dataset=None, make_main_window=lambda dataset: build_window(dataset=dataset))
    window.show()
    return app.exec()
