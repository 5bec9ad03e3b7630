"""Dialogs of the nnviz window: download the full MNIST with a real progress bar, pick a dataset folder.

The download runs nnviz.engine.download.download_mnist on a QThread; Cancel sets its threading.Event.
"""

from __future__ import annotations

import pathlib
import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine import download as _download
from nnviz.engine.datasets import user_data_dir

#: Seconds a download may wait for the next bytes; a cancel is seen within about this long.
READ_TIMEOUT_S = 2.0


class _DownloadJob(QObject):
    """Runs download_mnist once on its thread and reports progress, success or failure."""

    progress = Signal(str, int, int)     # file name, bytes done, bytes total (0 = unknown)
    succeeded = Signal(str)              # folder holding the four files
    failed = Signal(str, bool)           # plain-words reason, True if no mirror could be reached
    cancelled = Signal()
    done = Signal()

    def __init__(self, dest: pathlib.Path, cancel: threading.Event, timeout: float,
                 mirrors: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.dest = dest
        self.cancel = cancel
        self.timeout = timeout
        self.mirrors = mirrors

    @Slot()
    def run(self) -> None:
        try:
            folder = _download.download_mnist(dest=self.dest, progress=self._progress, cancel=self.cancel,
                                              timeout=self.timeout, mirrors=self.mirrors)
        except _download.DownloadCancelled:
            self.cancelled.emit()
        except _download.DownloadError as exc:
            # The engine words a failure to reach every mirror this way (no connection, DNS, timeout).
            self.failed.emit(str(exc), str(exc).startswith("could not reach"))
        except OSError as exc:
            self.failed.emit(f"Could not write the MNIST files to {self.dest}: {exc}", False)
        else:
            self.succeeded.emit(str(folder))
        finally:
            self.done.emit()

    def _progress(self, filename: str, done: int, total: int | None) -> None:
        self.progress.emit(filename, int(done), int(total or 0))


class DownloadDialog(QDialog):
    """Downloads the full MNIST (about 11 MB) into the per-user data folder.

    Shows one progress bar over the four files, a Cancel button that stops the download within a
    chunk, and, when there is no internet connection, a message saying so and what to do instead.
    ``downloaded`` carries the folder when all four files are there and verified.
    """

    downloaded = Signal(str)
    TOTAL_BYTES = 11_594_722  # the four gz files together; used until the server reports sizes

    def __init__(self, parent: QWidget | None = None, dest: pathlib.Path | None = None,
                 mirrors: tuple[str, ...] | None = None) -> None:
        super().__init__(parent)
        self.mirrors = mirrors
        #: Seconds a stalled connection may stay silent: Cancel is seen between reads, so this
        #: bounds how long a cancelled download (and closing the app) may take.
        self.read_timeout = READ_TIMEOUT_S
        self._delete_when_idle = False
        self.setWindowTitle("Download MNIST")
        self.dest = pathlib.Path(dest) if dest is not None else user_data_dir() / "mnist"
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The full MNIST has 60,000 training and 10,000 test digits (about 11 MB).\n"
            f"It will be saved in:\n{self.dest}"
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        layout.addWidget(self.progress_bar)
        self.status = QLabel("Press Download to start.")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.download_button = self.buttons.addButton("Download", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(self.buttons)

        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._job: _DownloadJob | None = None
        self._file_done: dict[str, int] = {}
        self._file_total: dict[str, int] = {}
        self.folder: str | None = None
        self.error: str | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @Slot()
    def start_download(self) -> None:
        if self.busy:
            return
        self._cancel.clear()
        self.error = None
        self._file_done.clear()
        self._file_total.clear()
        self.progress_bar.setValue(0)
        self.status.setText("Connecting…")
        self.download_button.setEnabled(False)
        self._job = _DownloadJob(self.dest, self._cancel, self.read_timeout, self.mirrors)
        self._thread = QThread()
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.progress.connect(self._on_progress)
        self._job.succeeded.connect(self._on_succeeded)
        self._job.failed.connect(self._on_failed)
        self._job.cancelled.connect(self._on_cancelled)
        self._job.done.connect(self._on_done)
        # The thread ends as soon as its job returns, even while the GUI thread is busy waiting for it.
        self._job.done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.start()

    @Slot()
    def cancel_or_close(self) -> None:
        if self.busy:
            self._cancel.set()
            self.status.setText("Cancelling…")
        else:
            self.reject()

    @Slot(str, int, int)
    def _on_progress(self, filename: str, done: int, total: int) -> None:
        self._file_done[filename] = done
        if total:
            self._file_total[filename] = total
        known_total = sum(self._file_total.values())
        n_files = max(len(getattr(_download, "MNIST_FILES", {})), 1)
        # Until every file has announced its size, scale by the known size of the whole set.
        total_bytes = known_total if len(self._file_total) >= n_files else max(known_total, self.TOTAL_BYTES)
        fraction = min(sum(self._file_done.values()) / total_bytes, 1.0) if total_bytes else 0.0
        self.progress_bar.setValue(int(fraction * 1000))
        self.status.setText(f"Downloading {filename}: {done / 1e6:.1f} MB")

    @Slot(str)
    def _on_succeeded(self, folder: str) -> None:
        self.folder = folder
        self.progress_bar.setValue(1000)
        self.status.setText(f"Done: the full MNIST is in {folder}. The window now uses it.")
        self.downloaded.emit(folder)

    @Slot(str, bool)
    def _on_failed(self, reason: str, unreachable: bool) -> None:
        self.error = reason
        self.progress_bar.setValue(0)
        if unreachable:
            advice = ("Are you offline? You can keep using the bundled sample, try again later, or copy the "
                      "four MNIST .gz files into a folder and use Data ▸ Open dataset folder…")
        else:
            advice = "The window keeps its current data. Press Try again, or fix the problem named above first."
        self.status.setText(f"{reason}\n\n{advice}")

    @Slot()
    def _on_cancelled(self) -> None:
        self.status.setText("Download cancelled. Nothing was changed; the window keeps its current data.")
        self.progress_bar.setValue(0)

    @Slot()
    def _on_done(self) -> None:
        self._finish_thread()
        self.download_button.setEnabled(True)
        self.download_button.setText("Try again" if self.error else "Download")
        if self.folder:
            self.download_button.hide()
            self.cancel_button.hide()
            self.close_button.show()
        if self._delete_when_idle and not self.isVisible():
            self.deleteLater()

    def _finish_thread(self) -> None:
        """Join the thread once its job has returned (so this never blocks for long)."""
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._job = None

    def delete_when_closed(self) -> None:
        """Delete the dialog once it is closed and no download runs (instead of WA_DeleteOnClose,
        which would destroy a download thread still waiting on the network)."""
        self._delete_when_idle = True
        self.finished.connect(self._delete_if_idle)

    @Slot()
    def _delete_if_idle(self) -> None:
        if not self.busy:
            self.deleteLater()

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Cancel any download and wait for its thread (the app is closing); True if it has ended."""
        if self._thread is None:
            return True
        self._cancel.set()
        if timeout_ms is None:
            # at worst the read in progress times out, then each other mirror's connection does
            mirrors = len(self.mirrors or _download.MNIST_MIRRORS)
            timeout_ms = int((mirrors * self.read_timeout + 1.0) * 1000)
        limit = timeout_ms
        return self._thread.wait(limit)

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: closing cancels a download
        # Cancel and hide at once; the thread sees the cancel within one read (read_timeout at
        # worst) and finishes on its own, so the GUI never waits on the network.
        if self.busy:
            self._cancel.set()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.busy:
            self._cancel.set()
        super().closeEvent(event)


def choose_dataset_folder(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for a folder holding the four MNIST IDX files (.gz or raw) or an mnist.npz; None if cancelled."""
    folder = QFileDialog.getExistingDirectory(
        parent,
        "Open dataset folder (the four MNIST IDX files, or mnist.npz)",
        start,
    )
    return folder or None
