"""Test setup: headless Qt before anything imports it, and no thread or timer may outlive its test."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _private_home() -> None:
    """Point HOME and the XDG folders at a temporary folder for the whole test session.

    Runs at import, before any test or nnviz module reads them, so no test can write settings,
    data or caches into the real home. NNVIZ_DATA_DIR is kept (made absolute first, since a
    ``~`` in it means the real home).
    """
    data_dir = os.environ.get("NNVIZ_DATA_DIR", "").strip()
    if data_dir:
        os.environ["NNVIZ_DATA_DIR"] = os.path.abspath(os.path.expanduser(data_dir))
    home = tempfile.mkdtemp(prefix="nnviz-test-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["HOME"] = home
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, ".config")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, ".local", "share")
    os.environ["XDG_CACHE_HOME"] = os.path.join(home, ".cache")


_private_home()

import sys  # noqa: E402
import traceback  # noqa: E402
import weakref  # noqa: E402

import pytest  # noqa: E402


def _qt_gui_import_error() -> str | None:
    """Why Qt's GUI module cannot be loaded here (a missing libGL.so.1, ...), or None when it can."""
    try:
        import PySide6.QtGui  # noqa: F401
    except ImportError as exc:
        return str(exc)
    return None


def pytest_addoption(parser, pluginmanager):
    """Engine tests need no Qt libraries: without Qt's GUI libraries pytest-qt is left out (it would
    stop the whole run at start-up); the tests that need Qt then fail naming the missing library."""
    problem = _qt_gui_import_error()
    if problem is not None:
        pluginmanager.set_blocked("pytest-qt")
        print(f"conftest: Qt's GUI cannot be loaded ({problem}); only tests without Qt can run",
              file=sys.stderr)


def _caller() -> str:
    """The line of project or test code that started a thread or timer, for the failure message."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "conftest.py" not in frame.filename:
            return f"{frame.filename}:{frame.lineno} ({frame.name})"
    return "unknown place"


def _qt_core():
    """QtCore if the test session has imported Qt, else None (engine tests must run without Qt)."""
    return sys.modules.get("PySide6.QtCore")


def _flush_deferred_deletes(QtCore) -> None:
    """Let widgets closed by pytest-qt really be deleted, so their children's timers stop with them."""
    app = QtCore.QCoreApplication.instance()
    if app is not None:
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        app.processEvents()


@pytest.fixture(autouse=True)
def _dangling_qthreads(monkeypatch):
    """Fail a test that leaves a QThread it started still running (napari does the same)."""
    QtCore = _qt_core()
    if QtCore is None:
        yield
        return
    started: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
    base_start = QtCore.QThread.start

    def recording_start(self, *args, **kwargs):
        started[self] = _caller()
        return base_start(self, *args, **kwargs)

    monkeypatch.setattr(QtCore.QThread, "start", recording_start)
    yield
    _flush_deferred_deletes(QtCore)
    running = []
    for thread, where in list(started.items()):
        try:
            if thread.isRunning():
                running.append(where)
        except RuntimeError:  # the C++ object is gone, so is the thread
            continue
    if running:
        pytest.fail("test left a QThread running, started at:\n  " + "\n  ".join(running))


@pytest.fixture(autouse=True)
def _dangling_qtimers(monkeypatch):
    """Fail a test that leaves an active QTimer it started (napari does the same)."""
    QtCore = _qt_core()
    if QtCore is None:
        yield
        return
    started: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
    base_start = QtCore.QTimer.start

    def recording_start(self, *args, **kwargs):
        started[self] = _caller()
        return base_start(self, *args, **kwargs)

    monkeypatch.setattr(QtCore.QTimer, "start", recording_start)
    yield
    _flush_deferred_deletes(QtCore)
    active = []
    for timer, where in list(started.items()):
        try:
            if timer.isActive():
                active.append(where)
        except RuntimeError:  # deleted with its parent widget
            continue
    if active:
        pytest.fail("test left an active QTimer, started at:\n  " + "\n  ".join(active))


# ---------------------------------------------------------------- shared window fixtures
# Imports stay inside the fixtures, so the engine tests never load Qt through this file.

@pytest.fixture(scope="session")
def sample():
    """The bundled 5,000-digit MNIST sample."""
    from nnviz.engine.datasets import load_sample

    return load_sample()


@pytest.fixture
def store(tmp_path):
    """Window settings in an ini file of this test's own, nothing remembered."""
    from PySide6.QtCore import QSettings

    from nnviz.qt._settings import SettingsStore

    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, sample, store):
    """The main window on the sample at 1400x900, shown."""
    from nnviz.qt.main_window import MainWindow

    w = MainWindow(dataset=sample, settings=store)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    return w
