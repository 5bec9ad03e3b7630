"""The main window's way into the Lab: Experiments > Lab, one Lab window per main window, closed with it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction

__all__ = ["add_lab_entry", "open_lab"]


def experiments_menu(window):
    """The main window's Experiments menu (made, before Help, if it is not there yet)."""
    bar = window.menuBar()
    for action in bar.actions():
        if action.menu() is not None and action.text().replace("&", "") == "Experiments":
            return action.menu()
    before = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    menu = bar.addMenu("E&xperiments")
    if before is not None:
        bar.insertAction(before, menu.menuAction())
    return menu


class _CloseWithMain(QObject):
    """Closes the Lab (stopping its races) when its main window closes."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close:
            lab = getattr(watched, "lab_window", None)
            if lab is not None:
                lab.close()
        return False


def add_lab_entry(window) -> QAction:
    """Add Experiments > Lab to ``window`` (a MainWindow)."""
    window.lab_window = None
    action = QAction("Lab: answer a question by experiment…", window)
    action.setShortcut("Ctrl+L")
    action.setStatusTip("Open the Lab: networks race side by side to answer learners' questions")
    action.triggered.connect(lambda: open_lab(window))
    experiments_menu(window).addAction(action)
    window._lab_closer = _CloseWithMain(window)
    window.installEventFilter(window._lab_closer)
    return action


def open_lab(window):
    """Show the main window's Lab window (made the first time), with the main window's data."""
    from nnviz.qt.lab_window import LabWindow

    if window.lab_window is None:
        window.lab_window = LabWindow(main_window=window, dataset=getattr(window, "dataset", None))
    window.lab_window.show()
    window.lab_window.raise_()
    window.lab_window.activateWindow()
    return window.lab_window
