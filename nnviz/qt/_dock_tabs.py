"""The main window's docks: each view's tab title, its full name and what it shows, declared once,
and dock tabs whose tooltips say what each view shows however the learner re-arranges the docks.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QToolTip, QWidget


class DockView(NamedTuple):
    title: str    # the dock's title and tab text: short, so that every tab fits a 1280x720 screen
    name: str     # the view's full name, as the View menu, the help and the README call it
    tooltip: str  # what the view shows, on its tab


#: Every dock of the main window, by key (its object name is ``dock_<key>``).
DOCK_VIEWS: dict[str, DockView] = {
    "training": DockView("Training settings", "Training settings",
                         "Training settings: learning rate, batch size, optimizer, epochs and the "
                         "network's shape"),
    "network_graph": DockView("Network", "Network graph",
                              "Network graph: every neuron of every layer, shaded by how strongly it fires "
                              "for the current input; the lines are the weights"),
    "weight_images": DockView("Weights", "Weight images",
                              "Weight images: the 784 incoming weights of each first-layer neuron as a "
                              "28×28 picture (deeper neurons: the pixel template that drives them)"),
    "cost_curve": DockView("Cost curve", "Cost curve",
                           "Cost curve: the cost of each mini-batch, the training and test cost per epoch, "
                           "and the test accuracy"),
    "digit_panel": DockView("Drawing pad", "Drawing pad",
                            "Drawing pad: draw a digit (or send a test digit) and see what the network answers"),
    "evaluation": DockView("Test results", "Test results",
                           "Test results: the accuracy and the confusion matrix of the test digits after "
                           "every epoch"),
    "activation_space": DockView("Activation space", "Activation space",
                                 "Activation space: the test digits as dots placed by how a hidden layer "
                                 "fires, one colour per digit"),
    "saliency": DockView("Saliency", "Saliency",
                         "Saliency: where more ink would make the network's current answer more or less likely"),
    "runs": DockView("Runs", "Runs",
                     "Runs: every network trained in this window; ticked runs are drawn over the cost curve"),
}


def new_dock(window: QMainWindow, key: str, widget: QWidget) -> QDockWidget:
    """A dock of ``window`` holding ``widget``, titled from DOCK_VIEWS; the View menu gives its full name."""
    view = DOCK_VIEWS[key]
    dock = QDockWidget(view.title, window)
    dock.setObjectName(f"dock_{key}")
    dock.setWidget(widget)
    dock.toggleViewAction().setText(view.name)  # kept: Qt renames it only when the title changes
    return dock


def on_screen(widget: QWidget) -> bool:
    """True when ``widget`` can be seen: shown, and not in a dock tab behind another (QMainWindow keeps
    those "visible", moved out of the window)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class DockTabTips(QObject):
    """Shows on every dock tab of a main window the tooltip of its view from DOCK_VIEWS.

    QMainWindow makes its dock tab bars itself, when docks are first tabbed; it sets a tab's tooltip
    to the bare title whenever it (re)inserts the tab (tabifying, dragging, restoring a layout), and
    shows it only while the tabs are too narrow for their titles. So the tooltip is looked up from
    the tab's title when it is asked for, on every tab bar the window has made or makes later.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._tips = {view.title: view.tooltip for view in DOCK_VIEWS.values()}
        window.installEventFilter(self)
        for bar in window.findChildren(QTabBar):
            if bar.parent() is window:
                bar.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.ChildPolished and isinstance(event.child(), QTabBar):
            event.child().installEventFilter(self)  # a tab bar new to the window (Qt ignores a second install)
        elif kind == QEvent.Type.ToolTip and isinstance(watched, QTabBar):
            index = watched.tabAt(event.pos())
            tip = self._tips.get(watched.tabText(index)) if index >= 0 else None
            if tip is not None:
                watched.setTabToolTip(index, tip)  # also what accessibility tools read
                QToolTip.showText(event.globalPos(), tip, watched, watched.tabRect(index))
                return True
        return False
