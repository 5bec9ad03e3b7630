"""The main window's docks: each view's tab title, its full name and what it shows, declared once;
dock tabs whose tooltips say what each view shows, and no title bar repeating a tab's title.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabBar, QToolTip, QWidget


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


class DockTitleBars(QObject):
    """Hides the title bar of each dock while it sits in a row of tabs (its tab names it already) and
    gives it back when the dock floats or stands alone.

    QMainWindow re-arranges docks itself (tabifying, dragging, closing, restoring a layout), and every
    change of its layout posts a LayoutRequest to the window: that is when the title bars are set. The
    float and close buttons of a hidden title bar are on the tab instead: its right-click menu, and a
    double click floats the dock, as one on its title bar did.
    """

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
        super().__init__(window)
        self._window = window
        self._docks = list(docks.values())
        self._by_title = {dock.windowTitle(): dock for dock in self._docks}
        # an empty widget in place of the title bar: QDockWidget has no other way to hide it
        self._empty = {dock: QWidget(dock) for dock in self._docks}
        for empty in self._empty.values():
            empty.hide()
        for dock in self._docks:
            dock.topLevelChanged.connect(self.refresh)
        window.installEventFilter(self)
        for bar in window.findChildren(QTabBar):
            if bar.parent() is window:
                bar.installEventFilter(self)
        self.refresh()

    def tabbed(self, dock: QDockWidget) -> bool:
        """True when ``dock`` is docked in a row of tabs with at least one other open dock."""
        return (not dock.isFloating() and not dock.isHidden()
                and any(not other.isHidden() for other in self._window.tabifiedDockWidgets(dock)))

    @Slot()
    def refresh(self) -> None:
        """No title bar on a tabbed dock, the usual one on every other (only those that change)."""
        for dock in self._docks:
            empty = self._empty[dock] if self.tabbed(dock) else None
            if dock.titleBarWidget() is not empty:
                dock.setTitleBarWidget(empty)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.LayoutRequest:
                self.refresh()
            elif kind == QEvent.Type.ChildPolished and isinstance(event.child(), QTabBar):
                event.child().installEventFilter(self)
        elif isinstance(watched, QTabBar) and kind in (QEvent.Type.ContextMenu, QEvent.Type.MouseButtonDblClick):
            point = event.pos() if kind == QEvent.Type.ContextMenu else event.position().toPoint()
            index = watched.tabAt(point)
            dock = self._by_title.get(watched.tabText(index)) if index >= 0 else None
            if dock is not None:
                if kind == QEvent.Type.MouseButtonDblClick:
                    dock.setFloating(True)
                else:
                    menu = self.tab_menu(dock)
                    menu.exec(event.globalPos())
                    menu.deleteLater()
                return True
        return False

    def tab_menu(self, dock: QDockWidget) -> QMenu:
        """Float or close ``dock``: what its hidden title bar's buttons did."""
        menu = QMenu(self._window)
        menu.addAction(f"Float {dock.windowTitle()}", lambda: dock.setFloating(True))
        menu.addAction(f"Close {dock.windowTitle()}", dock.close)
        return menu
