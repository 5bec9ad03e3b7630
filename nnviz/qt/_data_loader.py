"""Loading a dataset on a QThread for the window, one request at a time, the latest waiting its turn.

The window decides what a failure means (keep the data, or fall back); this module only loads.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnviz.engine.datasets import DataError, Dataset, load_dataset


class _DataLoadJob(QObject):
    """Loads one dataset on its thread, so the window shows at once, even for the full MNIST."""

    loaded = Signal(object)     # Dataset
    failed = Signal(str)        # message
    done = Signal()

    def __init__(self, spec: str | None) -> None:
        super().__init__()  # parentless: it is moved to a QThread
        self.spec = spec

    @Slot()
    def run(self) -> None:
        try:
            dataset = load_dataset(self.spec)
        except (DataError, OSError, ValueError) as exc:
            self.failed.emit(str(exc))
        else:
            self.loaded.emit(dataset)
        finally:
            self.done.emit()


class DataLoader(QObject):
    """Loads datasets (``load_dataset`` specs) on a thread, one at a time.

    A request made while another is loading waits, and replaces any request already waiting; the
    result of a request so replaced is not reported. ``remember`` travels with each request so the
    window knows what to store in its settings once the data is in use.
    """

    loaded = Signal(object, object)   # Dataset, remember
    failed = Signal(str, object)      # message, spec that failed
    idle = Signal()                   # the last request is done and none is waiting

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._job: _DataLoadJob | None = None
        self._spec: str | None = None
        self._remember: str | None = None
        self._waiting: tuple[str | None, str | None] | None = None  # (spec, remember)

    @property
    def busy(self) -> bool:
        """True while a dataset is being loaded."""
        return self._thread is not None

    def load(self, spec: str | None, remember: str | None) -> None:
        """Load ``spec`` now, or once the request in progress is done."""
        if self._thread is not None:
            self._waiting = (spec, remember)
            return
        self._spec, self._remember = spec, remember
        self._job = _DataLoadJob(spec)
        self._thread = QThread()
        self._thread.setObjectName("nnviz-data")
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.loaded.connect(self._on_loaded)
        self._job.failed.connect(self._on_failed)
        self._job.done.connect(self._on_done)
        self._thread.start()

    def shutdown(self) -> None:
        """Forget waiting requests and wait for the one in progress (reading files never hangs)."""
        self._waiting = None
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._job = None

    @Slot(object)
    def _on_loaded(self, dataset: Dataset) -> None:
        if self._waiting is None:
            self.loaded.emit(dataset, self._remember)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._waiting is None:
            self.failed.emit(message, self._spec)

    @Slot()
    def _on_done(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._job = None
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.load(*waiting)
        else:
            self.idle.emit()
