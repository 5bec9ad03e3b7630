"""The nnviz desktop app: main window, training worker and the views that display engine snapshots."""

from nnviz.qt import _pyside_fix

_pyside_fix.install()
