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


class _DownloadJob(QObject):
    """Runs download_mnist once on its thread and reports progress, success or failure."""

    progress = Signal(str, int, int)     # file name, bytes done, bytes total (0 = unknown)
    succeeded = Signal(str)              # folder holding the four files
    failed = Signal(str)                 # plain-words reason
    cancelled = Signal()
    done = Signal()

    def __init__(self, dest: pathlib.Path, cancel: threading.Event) -> None:
        super().__init__()
        self.dest = dest
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            folder = _download.download_mnist(dest=self.dest, progress=self._progress, cancel=self.cancel)
        except _download.DownloadCancelled:
            self.cancelled.emit()
        except _download.DownloadError as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            self.failed.emit(f"Could not write the MNIST files to {self.dest}: {exc}")
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

    def __init__(self, parent: QWidget | None = None, dest: pathlib.Path | None = None) -> None:
        super().__init__(parent)
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
        self._job = _DownloadJob(self.dest, self._cancel)
        self._thread = QThread()
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.progress.connect(self._on_progress)
        self._job.succeeded.connect(self._on_succeeded)
        self._job.failed.connect(self._on_failed)
        self._job.cancelled.connect(self._on_cancelled)
        self._job.done.connect(self._on_done)
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

    @Slot(str)
    def _on_failed(self, reason: str) -> None:
        self.error = reason
        self.progress_bar.setValue(0)
        self.status.setText(
            f"{reason}\n\nAre you offline? You can keep using the bundled sample, try again "
            "later, or copy the four MNIST .gz files into a folder and use Data ▸ Open dataset folder…"
        )

    @Slot()
    def _on_cancelled(self) -> None:
        self.status.setText("Download cancelled. Nothing was changed; the window keeps its current data.")
        self.progress_bar.setValue(0)

    @Slot()
    def _on_done(self) -> None:
        self._stop_thread()
        self.download_button.setEnabled(True)
        self.download_button.setText("Try again" if self.error else "Download")
        if self.folder:
            self.download_button.hide()
            self.cancel_button.hide()
            self.close_button.show()

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._job = None

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: closing cancels a download
        if self.busy:
            self._cancel.set()
            self._stop_thread()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.busy:
            self._cancel.set()
            self._stop_thread()
        super().closeEvent(event)


def choose_dataset_folder(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for a folder holding the four MNIST IDX files (.gz or raw) or an mnist.npz; None if cancelled."""
    folder = QFileDialog.getExistingDirectory(
        parent,
        "Open dataset folder (the four MNIST IDX files, or mnist.npz)",
        start,
    )
    return folder or None
