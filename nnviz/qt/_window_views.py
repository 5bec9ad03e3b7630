"""The main window's further views: activation space, saliency and the confusion-cell gallery.

A mixin of MainWindow, like _files.py: each view is measured only while it is on screen.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from nnviz.engine.projection import project_layer, saliency
from nnviz.qt._dock_tabs import new_dock, on_screen
from nnviz.qt.views.activation_space import ActivationSpaceView
from nnviz.qt.views.digit_strip import DigitStrip
from nnviz.qt.views.saliency import SaliencyView

#: Test digits drawn as dots in the activation space (a fixed sample of the test set).
SPACE_POINTS = 1000
#: Most digits one confusion cell's gallery shows.
GALLERY_SIZE = 40


class MoreViews:
    """Activation space and saliency docks, and the gallery behind each confusion-matrix cell."""

    def _build_more_views(self) -> None:
        self.activation_space = ActivationSpaceView()
        self.saliency_view = SaliencyView()
        for key, widget in (("activation_space", self.activation_space), ("saliency", self.saliency_view)):
            dock = new_dock(self, key, widget)
            dock.visibilityChanged.connect(lambda visible, k=key: visible and self._refresh_view(k))
            self.docks[key] = dock
        self._space_indices = np.zeros(0, np.int64)
        self._projection = None
        self.activation_space.layer_chosen.connect(lambda _layer: self._refresh_view("activation_space", fresh=True))
        self.evaluation.cell_clicked.connect(self.show_confusion_gallery)
        self.gallery_dialog: QDialog | None = None

    def _connect_more_views(self) -> None:
        self.snapshot_shown.connect(lambda _s: self._refresh_view("activation_space"))
        self.outputs_shown.connect(lambda _o: self._refresh_view("saliency"))
        self.dataset_changed.connect(self._space_dataset)
        self.session.network_changed.connect(self._space_network)
        self._space_network(self.session.snapshot)

    def _space_dataset(self, dataset) -> None:
        n = dataset.n_test
        rng = np.random.default_rng(0)
        self._space_indices = np.sort(rng.choice(n, size=min(SPACE_POINTS, n), replace=False))
        self._space_x = np.ascontiguousarray(dataset.x_test[self._space_indices])  # not gathered every frame
        self.activation_space.set_classes(dataset.y_test[self._space_indices], dataset.class_names)
        self._projection = None
        self._refresh_view("activation_space")

    def _space_network(self, snapshot) -> None:
        self.activation_space.set_layers(snapshot.layer_sizes)
        self._projection = None

    def catch_up_view(self, key: str) -> None:
        """Bring a view that is drawn only while seen up to date, e.g. before it is pictured out of sight."""
        if key == "runs":
            self._catch_up_runs()
        elif key in ("activation_space", "saliency"):
            self._refresh_view(key, unseen_too=True)

    def _refresh_view(self, key: str, fresh: bool = False, unseen_too: bool = False) -> None:
        """Measure and draw one of these views, if it is on screen (or ``unseen_too``)."""
        snapshot, dataset = self.snapshot, self.dataset
        widget = self.docks[key].widget()
        if snapshot is None or dataset is None or not (unseen_too or on_screen(widget)):
            return
        if key == "activation_space":
            layer = self.activation_space.current_layer()
            if not 1 <= layer < len(snapshot.layer_sizes) - 1 or len(self._space_indices) == 0:
                return
            previous = None if fresh else self._projection
            self._projection = project_layer(snapshot, self._space_x, layer, previous)
            self.activation_space.show_projection(self._projection)
        elif key == "saliency":
            x = self.current_input
            if x is None or x.size != snapshot.layer_sizes[0]:
                self.saliency_view.clear()
                return
            network = self._input_snapshot()
            gradient, target = saliency(network, x)
            outputs = network.forward(x)[-1]
            names = self._class_names()
            confidence = (f"{100 * outputs[target]:.0f}% sure" if network.cost == "cross-entropy"
                          else f"activation {outputs[target]:.2f}")
            self.saliency_view.show_saliency(gradient, x, names[target] if target < len(names) else str(target),
                                             confidence)

    def show_confusion_gallery(self, true: int, predicted: int) -> None:
        """The test digits of one confusion cell (true read as predicted, by the network shown now)."""
        dataset, snapshot = self.dataset, self.snapshot
        if dataset is None or snapshot is None:
            return
        wrong = np.flatnonzero((dataset.y_test == true) & (snapshot.predict(dataset.x_test) == predicted))
        if self.gallery_dialog is None:
            self.gallery_dialog = QDialog(self)
            self.gallery_dialog.setObjectName("confusion_gallery_dialog")
            self.gallery_title = QLabel()
            self.gallery_title.setWordWrap(True)
            self.gallery = DigitStrip(GALLERY_SIZE, columns=10)
            self.gallery.chosen.connect(self._show_chosen_test_digit)
            layout = QVBoxLayout(self.gallery_dialog)
            layout.addWidget(self.gallery_title)
            layout.addWidget(self.gallery)
            layout.addStretch(1)
        names = self._class_names()
        t, p = names[true], names[predicted]
        what = f"“{t}” recognised as “{t}”" if true == predicted else f"“{t}” read as “{p}”"
        shown = wrong[:GALLERY_SIZE]
        self.gallery_title.setText(
            f"<b>{what}</b>: {len(wrong)} test digits with the network as it is now (step {snapshot.step:,})"
            + (f", the first {len(shown)} shown" if len(wrong) > len(shown) else "")
            + ". Click one to send it to the drawing pad." if len(wrong) else
            f"<b>{what}</b>: no test digit, with the network as it is now (step {snapshot.step:,}).")
        outputs = snapshot.forward(dataset.x_test[shown])[-1] if len(shown) else np.zeros((0, 1))
        self.gallery.show_digits(dataset.x_test[shown], shown, [f"#{i}" for i in shown],
                                 [f"test digit #{i}: a “{t}”, the network says “{p}” ({100 * o[predicted]:.0f}%)"
                                  for i, o in zip(shown, outputs)])
        self.gallery_dialog.setWindowTitle(f"Confusion matrix: {what}")
        self.gallery_dialog.show()
        self.gallery_dialog.raise_()
        self.gallery_dialog.activateWindow()
