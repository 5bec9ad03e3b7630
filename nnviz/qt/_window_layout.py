"""Where the main window's docks go: side by side on a big screen, in tabs on a small one.

A mixin of MainWindow, like _files.py: it uses the window's docks and settings.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QTabWidget

DEFAULT_SIZE = QSize(1400, 900)
#: Below this width or height (pixels) the views share tabs instead of all being shown at once.
COMPACT_BELOW = QSize(1360, 860)
#: The window may shrink to this even from the all-views layout: below COMPACT_BELOW the tabs take over.
MIN_WINDOW = QSize(760, 580)
#: A compact window this much wider or narrower than when its docks were sized gets them sized again.
RESIZE_COMPACT_STEP = 80


def available_screen() -> QRect | None:
    """The primary screen's area without task bars; None without a screen."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fitted_size(size: QSize, screen: QRect | None) -> QSize:
    """``size`` shrunk to fit ``screen`` (with room for the window frame); unchanged without a screen."""
    if screen is None:
        return QSize(size)
    frame = 40  # title bar and borders the window manager adds
    return QSize(max(640, min(size.width(), screen.width() - 16)),
                 max(480, min(size.height(), screen.height() - frame)))


class LayoutActions:
    """The default and the compact (tabbed) layouts, and a window that opens within the screen."""

    docks: dict[str, QDockWidget]

    def is_compact(self, size: QSize | None = None) -> bool:
        """True when ``size`` (default: the window's) is too small to show every view at once."""
        size = size if size is not None else self.size()
        return size.width() < COMPACT_BELOW.width() or size.height() < COMPACT_BELOW.height()

    _compact_shown: bool | None = None  # the layout last laid out: compact or not (None: none yet)
    _compact_sized_for = 0  # the window width the compact layout's docks were last sized for

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # Crossing the small-screen threshold switches layouts, so every view stays readable.
        if self._compact_shown is not None and self.is_compact(event.size()) != self._compact_shown:
            self._default_layout()
        elif self._compact_shown and abs(event.size().width() - self._compact_sized_for) >= RESIZE_COMPACT_STEP:
            # Still compact but much wider or narrower (a small window maximised): the docks' widths,
            # set for the old width, would leave the tabs between too little room for their titles.
            # After this event: sized now, the dock layout still shares out the old widths.
            self._compact_sized_for = event.size().width()
            QTimer.singleShot(0, self, self._size_compact_docks)

    def _place_docks(self) -> None:
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)

    def _default_layout(self) -> None:
        """Every view at once on a big screen; on a small one the compact layout."""
        if self.is_compact():
            self._compact_layout()
            return
        self._compact_shown = False
        d = self.docks
        self._place_docks()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, d["training"])
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d["network_graph"])
        self.splitDockWidget(d["network_graph"], d["digit_panel"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["network_graph"], d["weight_images"], Qt.Orientation.Vertical)
        self.splitDockWidget(d["weight_images"], d["cost_curve"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["digit_panel"], d["evaluation"], Qt.Orientation.Vertical)
        self._place_extra_docks(compact=False)
        self.resizeDocks([d["training"], d["network_graph"], d["digit_panel"]], [250, 740, 410],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([d["network_graph"], d["weight_images"]], [430, 390], Qt.Orientation.Vertical)
        self.resizeDocks([d["weight_images"], d["cost_curve"]], [340, 400], Qt.Orientation.Horizontal)
        self.resizeDocks([d["digit_panel"], d["evaluation"]], [455, 365], Qt.Orientation.Vertical)

    def _compact_layout(self) -> None:
        """Small screens: settings on the left, the pad on the right, the other views as tabs between."""
        self._compact_shown = True
        d = self.docks
        self._place_docks()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, d["training"])
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d["network_graph"])
        self.splitDockWidget(d["network_graph"], d["digit_panel"], Qt.Orientation.Horizontal)
        for key in ("weight_images", "cost_curve", "evaluation"):
            self.tabifyDockWidget(d["network_graph"], d[key])
        self._place_extra_docks(compact=True)
        d["network_graph"].raise_()
        self._size_compact_docks()

    def _size_compact_docks(self) -> None:
        """Settings, tabs and pad widths for the window's width (the tabs take what is left)."""
        d = self.docks
        width = self._compact_sized_for = self.width()
        self.resizeDocks([d["training"], d["network_graph"], d["digit_panel"]],
                         [230, max(400, width - 230 - 330), 330], Qt.Orientation.Horizontal)

    def _place_extra_docks(self, compact: bool, only_unplaced: bool = False) -> None:
        """Docks beyond the five views (activation space, saliency, runs ...) go into the tabs."""
        anchor = self.docks["network_graph" if compact else "cost_curve"]
        for key, dock in self.docks.items():
            if key in ("training", "network_graph", "weight_images", "cost_curve", "digit_panel", "evaluation"):
                continue
            # the run list beside (not behind) the cost curve that draws the ticked runs
            target = self.docks["weight_images"] if key == "runs" and not compact else anchor
            if only_unplaced and self.dockWidgetArea(dock) != Qt.DockWidgetArea.NoDockWidgetArea:
                continue
            if only_unplaced:
                self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.tabifyDockWidget(target, dock)
        anchor.raise_()
        if not compact:
            self.docks["weight_images"].raise_()

    def _restore_window(self) -> None:
        """The remembered geometry and docks, else the default size fitted to the screen and its layout."""
        self.setMinimumSize(MIN_WINDOW)
        self.resize(fitted_size(DEFAULT_SIZE, available_screen()))
        geometry = self.settings.geometry()
        state = self.settings.window_state()
        try:
            if geometry is not None:
                self.restoreGeometry(geometry)
            if state is not None and self.restoreState(state):
                self._compact_shown = self.is_compact()  # the learner's own arrangement stays
                self._place_extra_docks(self._compact_shown, only_unplaced=True)  # views new since then
            else:
                self._default_layout()
        except (TypeError, ValueError):
            self.resize(fitted_size(DEFAULT_SIZE, available_screen()))
            self._default_layout()
        screen = available_screen()
        if screen is not None and not screen.contains(self.frameGeometry()):
            # Remembered from a bigger screen: bring the window back within this one.
            self.resize(fitted_size(self.size(), screen))
            self.move(screen.topLeft())
