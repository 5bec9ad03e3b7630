"""Work around a PySide6 6.12 bug on Python < 3.12: many calls drop a reference to None, True or False.

Void methods (setText, resize, update, QTimer.singleShot, ...) and Signal.emit() return these singletons without
owning a reference; after a few thousand calls the interpreter aborts ("none_dealloc"). Python 3.12 made them
immortal; here we give them the same near-immortality once, if the bug is present.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

#: Added to the reference counts: at a million lost references a second it lasts for days.
_RESERVE = 1 << 40


def _calls_lose_references() -> bool:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 4


def install() -> bool:
    """Make None, True and False practically immortal if this PySide6 loses references; True if done."""
    if sys.version_info >= (3, 12) or getattr(sys, "_nnviz_pyside_fix", False):
        return False  # immortal since 3.12, or already done
    if not _calls_lose_references():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every PyObject (a Py_ssize_t) in release builds.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _RESERVE
    sys._nnviz_pyside_fix = True
    return True
