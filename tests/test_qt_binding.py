"""The installed Qt binding keeps Python's reference counts intact.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call (setObjectName,
resize, emit, ...) and aborts the interpreter after a few thousand; pyproject.toml excludes it.
"""

import sys

import pytest
from PySide6.QtCore import QObject


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_calls_do_not_lose_references_to_none():
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")
    assert before - sys.getrefcount(None) < 20
