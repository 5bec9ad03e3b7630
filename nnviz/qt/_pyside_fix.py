"""Work around a PySide6 6.12 bug on Python < 3.12: every Python-side Signal.emit() drops a reference to True.

After a few hundred emits the interpreter aborts ("bool_dealloc"); we detect the bug once and give the reference back.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _emit_loses_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 2


def install() -> bool:
    """Patch SignalInstance.emit if (and only if) this PySide6 has the bug; True if patched."""
    if getattr(SignalInstance.emit, "_nnviz_refcount_fix", False):
        return True
    if sys.version_info >= (3, 12) or not _emit_loses_a_reference():
        return False  # True is immortal from Python 3.12 on, or this PySide6 is fixed
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self, *args):
        result = original(self, *args)
        incref(result)  # the reference emit() returned without owning it
        return result

    emit._nnviz_refcount_fix = True
    SignalInstance.emit = emit
    return True
