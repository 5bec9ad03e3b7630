"""The main window's dock tabs: every tab readable at 1400x900 and 1280x720, and every tab's tooltip
saying what its view shows, however the docks are tabbed."""

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QStyleOptionTab, QTabBar, QToolTip

from nnviz.qt._dock_tabs import DOCK_VIEWS
from nnviz.qt.main_window import SETTINGS_WIDTH, MainWindow


def dock_tab_bars(window):
    """The tab bars QMainWindow made for its tabbed docks, those on screen."""
    return [bar for bar in window.findChildren(QTabBar) if bar.parent() is window and bar.isVisible()]


def shown_tooltip(bar, index) -> str:
    """The tooltip a learner sees when the mouse rests on tab ``index``."""
    QToolTip.hideText()
    centre = bar.tabRect(index).center()
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, centre, bar.mapToGlobal(centre)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def check_tooltips(window) -> int:
    """Every dock tab's tooltip names its view and says more than the title; returns the tabs checked."""
    by_title = {dock.windowTitle(): key for key, dock in window.docks.items()}
    checked = 0
    for bar in dock_tab_bars(window):
        for i in range(bar.count()):
            key = by_title[bar.tabText(i)]
            tip = shown_tooltip(bar, i)
            assert tip.startswith(DOCK_VIEWS[key].name + ":"), (bar.tabText(i), tip)
            assert len(tip.split()) >= 6  # what the view shows, not its title again
            assert bar.tabToolTip(i) == tip
            checked += 1
    QToolTip.hideText()
    return checked


def settled(window) -> bool:
    """The dock layout is applied: every tab bar on screen lies in the window, no dock in two of them."""
    bars = dock_tab_bars(window)
    titles = [bar.tabText(i) for bar in bars for i in range(bar.count())]
    return bool(bars) and len(titles) == len(set(titles)) and all(window.rect().contains(bar.geometry())
                                                                  for bar in bars)


def resized(qtbot, window, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size and window._compact_shown == window.is_compact(),
                    timeout=5000)
    qtbot.waitUntil(lambda: settled(window), timeout=5000)


def test_every_dock_tab_says_what_its_view_shows(qtbot, window):
    resized(qtbot, window, (1400, 900))
    assert check_tooltips(window) == 5  # cost curve, activation space, saliency; weight images, runs
    resized(qtbot, window, (1280, 720))
    assert check_tooltips(window) == 7  # every view but the pad in one row of tabs
    # The learner re-arranges: saliency beside the pad, the run list closed and opened again in the tabs.
    window.tabifyDockWidget(window.docks["digit_panel"], window.docks["saliency"])
    window.removeDockWidget(window.docks["runs"])
    window.tabifyDockWidget(window.docks["network_graph"], window.docks["runs"])
    window.docks["runs"].show()
    qtbot.waitUntil(lambda: settled(window) and len(dock_tab_bars(window)) == 2, timeout=5000)
    assert check_tooltips(window) == 8
    window._default_layout()  # View > Default layout
    qtbot.waitUntil(lambda: settled(window) and len(dock_tab_bars(window)) == 1, timeout=5000)
    assert check_tooltips(window) == 7


def elided_tabs(window) -> list[str]:
    """Tab texts drawn shortened ("Weig…"), as QTabBar draws them."""
    elided = []
    for bar in dock_tab_bars(window):
        for i in range(bar.count()):
            option = QStyleOptionTab()
            bar.initStyleOption(option, i)  # the text the tab paints, elided to its room
            if option.text != bar.tabText(i):
                elided.append(f"{bar.tabText(i)!r} drawn as {option.text!r}")
    return elided


@pytest.fixture(params=[9, 10], ids=["9pt", "10pt"])
def font_window(request, qtbot, sample, store):
    """The main window with the application's font at 9 pt (this machine's) or 10 pt (many desktops')."""
    app = QApplication.instance()
    old = app.font()
    font = app.font()
    font.setPointSize(request.param)
    app.setFont(font)
    try:
        window = MainWindow(dataset=sample, settings=store)
        qtbot.addWidget(window)
        window.show()
        yield window
        window.close()
    finally:
        app.setFont(old)


def test_no_dock_tab_title_is_elided_at_1400x900_or_1280x720(qtbot, font_window):
    window = font_window
    for size in ((1400, 900), (1280, 720)):
        resized(qtbot, window, size)
        assert elided_tabs(window) == [], size
    # with the settings panel as wide as it gets
    window.resizeDocks([window.docks["training"]], [SETTINGS_WIDTH[1]], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: window.docks["training"].width() >= window.docks["training"].widget().minimumWidth())
    QApplication.processEvents()
    assert elided_tabs(window) == []


def test_a_window_laid_out_small_then_enlarged_keeps_whole_tab_titles(qtbot, font_window):
    """A window restored small and then maximised (or laid out on a small offscreen screen first): the
    compact layout sizes its docks again for the new width, so the tabs between get their room."""
    window = font_window
    resized(qtbot, window, (1000, 700))
    resized(qtbot, window, (1280, 720))
    # the docks are sized again once the window's layout has taken the new width
    qtbot.waitUntil(lambda: elided_tabs(window) == [], timeout=3000)
    assert window.docks["training"].width() < SETTINGS_WIDTH[1] - 40  # not the width sized for 1000 px
    resized(qtbot, window, (1000, 700))  # and back: the settings keep their width, the tabs give way
    qtbot.waitUntil(lambda: window.docks["training"].width() < SETTINGS_WIDTH[1] - 40, timeout=3000)


def title_bar_height(dock) -> int:
    """Pixels above the dock's view: its title bar's height as laid out (0 when hidden)."""
    return dock.widget().geometry().top()


def test_a_tabbed_dock_shows_no_title_bar_repeating_its_tab(qtbot, window):
    docks = window.docks
    resized(qtbot, window, (1280, 720))
    qtbot.waitUntil(lambda: title_bar_height(docks["network_graph"]) < 4, timeout=5000)
    for key in ("network_graph", "weight_images", "cost_curve", "evaluation", "runs"):
        assert window.dock_title_bars.tabbed(docks[key]) and docks[key].titleBarWidget() is not None, key
    pad = docks["digit_panel"]
    assert title_bar_height(pad) >= 12 and pad.titleBarWidget() is None  # alone: its title says what it is
    # The tab's right-click menu does what the hidden title bar's buttons did.
    weights = docks["weight_images"]
    float_action, close_action = window.dock_title_bars.tab_menu(weights).actions()
    assert float_action.text() == "Float Weights" and close_action.text() == "Close Weights"
    float_action.trigger()
    qtbot.waitUntil(lambda: weights.isFloating() and weights.titleBarWidget() is None, timeout=5000)
    # a window frame with a title again (with an empty title bar Qt floats the dock frameless, unmovable)
    assert not weights.windowFlags() & Qt.WindowType.FramelessWindowHint
    weights.setFloating(False)  # back into its tabs: no title bar again
    qtbot.waitUntil(lambda: not weights.isFloating() and weights.titleBarWidget() is not None, timeout=5000)
    # A double click on a tab floats its dock, as one on the title bar did.
    bar = next(b for b in dock_tab_bars(window) for i in range(b.count()) if b.tabText(i) == "Cost curve")
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Cost curve")
    qtbot.mouseDClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: docks["cost_curve"].isFloating() and docks["cost_curve"].titleBarWidget() is None,
                    timeout=5000)
    window._default_layout()  # View > Default layout: back in the tabs, untitled
    qtbot.waitUntil(lambda: docks["cost_curve"].titleBarWidget() is not None, timeout=5000)
    # At 1400x900 the weight images share tabs with the run list only: closing it leaves them titled.
    resized(qtbot, window, (1400, 900))
    assert docks["network_graph"].titleBarWidget() is None and title_bar_height(docks["network_graph"]) >= 12
    assert weights.titleBarWidget() is not None
    window.dock_title_bars.tab_menu(docks["runs"]).actions()[1].trigger()
    qtbot.waitUntil(lambda: docks["runs"].isHidden() and weights.titleBarWidget() is None, timeout=5000)
    docks["runs"].show()  # View > Runs: back in its tab, both untitled again
    qtbot.waitUntil(lambda: weights.titleBarWidget() is not None and docks["runs"].titleBarWidget() is not None,
                    timeout=5000)
