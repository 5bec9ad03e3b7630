"""Qt's stderr stays quiet in the tools (offscreen): no negative sizes, no per-window platform notes."""

import os
import subprocess
import sys

SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import Qt, qWarning
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow
from nnviz.qt.app import make_application
app = make_application(["nnviz"])
window = QMainWindow()
window.show()
dock = QDockWidget("floating", window)
window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
dock.setFloating(True)
app.processEvents()
qWarning("a real problem stays visible")
"""


def test_the_offscreen_platforms_notes_are_dropped_and_real_warnings_kept():
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr and "does not support raise" not in done.stderr
    assert "a real problem stays visible" in done.stderr


def test_the_message_banner_never_asks_for_a_negative_size(qtbot, qtlog):
    from PySide6.QtWidgets import QMainWindow

    from nnviz.qt._widgets import MessageBanner

    window = QMainWindow()
    qtbot.addWidget(window)
    banner = MessageBanner()
    window.addToolBar(banner)
    window.resize(1400, 900)
    window.show()
    banner.label.setText("")  # no text: QLabel.heightForWidth gives -1
    banner.label.resize(600, 20)
    banner._fit_label()
    window.grab()
    assert banner.label.minimumHeight() >= 0
    assert not [r.message for r in qtlog.records if "Negative sizes" in r.message]
