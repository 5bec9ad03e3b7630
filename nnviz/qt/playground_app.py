"""`nnviz playground`: the Playground window on its own, sized to fit the screen."""

from __future__ import annotations

from nnviz.qt.app import make_application
from nnviz.qt.playground_window import PlaygroundWindow


def run_playground() -> int:
    """`nnviz playground`: the Playground on its own, until it is closed; the exit status."""
    app = make_application()
    window = PlaygroundWindow()
    screen = app.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None:
        window.resize(min(1400, available.width()), min(900, available.height()))
    else:
        window.resize(1400, 900)
    window.show()
    return app.exec()
