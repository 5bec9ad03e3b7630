"""The main window's neuron cards: clicking a neuron opens its card; the card's switch shows the
network without that neuron. A mixin of MainWindow, like _files.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QScrollArea, QVBoxLayout

from nnviz.engine.neuron import ablated, neuron_report, per_class_accuracy, pixel_template
from nnviz.qt.views.neuron_card import NeuronCard

#: While training runs, an open card is measured again at most this often (ms).
CARD_REFRESH_MS = 700


class NeuronActions:
    """One neuron card per window, kept up to date with the shown snapshot."""

    neuron_dialog: QDialog | None = None
    _card_neuron: tuple[int, int] | None = None
    _ablation: tuple[int, int] | None = None

    def open_neuron_card(self, layer: int, neuron: int) -> None:
        """Show the card of ``neuron`` in ``layer`` (1 = first hidden layer); the input layer has none."""
        if self.snapshot is None or not 1 <= layer < len(self.snapshot.layer_sizes):
            return
        if self._ablation is not None and self._ablation != (layer, neuron):
            self.set_ablation(False)
        if self.neuron_dialog is None:
            self._build_neuron_dialog()
        self._card_neuron = (layer, neuron)
        if self._ablation is None:
            self.neuron_card.reset_switch()
        self.refresh_neuron_card()
        self.neuron_dialog.show()
        self.neuron_dialog.raise_()

    def _build_neuron_dialog(self) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("neuron_card_dialog")
        dialog.setWindowFlag(Qt.WindowType.Tool, False)
        self.neuron_card = NeuronCard()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.neuron_card)
        layout = QVBoxLayout(dialog)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        dialog.resize(720, 700)
        dialog.finished.connect(lambda _result: self.set_ablation(False))
        self.neuron_card.ablation_requested.connect(self.set_ablation)
        self.neuron_card.digit_chosen.connect(self._show_chosen_test_digit)
        self._card_timer = QTimer(self)
        self._card_timer.setSingleShot(True)
        self._card_timer.timeout.connect(self.refresh_neuron_card)
        self.snapshot_shown.connect(self._card_snapshot)
        self.outputs_shown.connect(self._card_snapshot)
        self.neuron_dialog = dialog

    def _close_neuron_card(self) -> None:
        if self.neuron_dialog is not None:
            self._card_timer.stop()
            self.neuron_dialog.hide()

    def _card_snapshot(self, *_args) -> None:
        if self.neuron_dialog is not None and self.neuron_dialog.isVisible() and not self._card_timer.isActive():
            self._card_timer.start(CARD_REFRESH_MS if self.session.is_paced else 0)

    def refresh_neuron_card(self) -> None:
        """Measure the card's neuron on the snapshot shown now (and the current input)."""
        card_neuron, snapshot, dataset = self._card_neuron, self.snapshot, self.dataset
        if card_neuron is None or snapshot is None or dataset is None or self.neuron_dialog is None:
            return
        layer, neuron = card_neuron
        sizes = snapshot.layer_sizes
        if not (1 <= layer < len(sizes) and neuron < sizes[layer]) or sizes[0] != dataset.n_features:
            self.neuron_dialog.hide()  # the network changed shape: this neuron is gone
            return
        report = neuron_report(snapshot, layer, neuron, dataset.x_test, dataset.y_test, dataset.n_classes,
                               self.current_input)
        self.neuron_card.show_report(report, dataset.x_test, dataset.y_test, self._class_names())
        self.neuron_dialog.setWindowTitle(self.neuron_card.heading)
        if self._ablation == card_neuron:
            self._show_ablation_result(report)
        self._show_filmstrip(layer, neuron)

    def _show_filmstrip(self, layer: int, neuron: int) -> None:
        """The neuron's picture at the start and at every recorded epoch end of the current run."""
        recorder = getattr(self, "recorder", None)
        frames = recorder.epoch_frames() if recorder is not None else []
        if recorder is None or tuple(recorder.layer_sizes) != tuple(self.snapshot.layer_sizes):
            frames = []
        images = [pixel_template(recorder.snapshot(f), layer, neuron) for f in frames]
        self.neuron_card.show_filmstrip(images, ["start" if f.step == 0 else f"epoch {int(f.epoch)}" for f in frames])

    def set_ablation(self, off: bool) -> None:
        """Switch the card's neuron off (pad and graph show the network without it) or back on."""
        if off and self._card_neuron is not None:
            self._ablation = self._card_neuron
            self.refresh_neuron_card()
            layer, neuron = self._ablation
            self.show_message(f"Neuron {neuron} of layer {layer} is switched off: the pad and the graph show the "
                              "network without it (training goes on with it).")
        else:
            was, self._ablation = self._ablation, None
            if self.neuron_dialog is not None:
                self.neuron_card.reset_switch()
            if was is not None:
                self.show_message("The neuron is switched back on.")
        self._forward_current_input()

    def _show_ablation_result(self, report) -> None:
        dataset = self.dataset
        off = ablated(self.snapshot, *self._ablation)
        accuracy_off = per_class_accuracy(off, dataset.x_test, dataset.y_test, dataset.n_classes)
        counts = [int((dataset.y_test == c).sum()) for c in range(dataset.n_classes)]
        total = max(sum(counts), 1)
        on = sum(a * n for a, n in zip(report.accuracy, counts) if n) / total
        total_off = sum(a * n for a, n in zip(accuracy_off, counts) if n) / total
        self.neuron_card.show_ablation(accuracy_off, on, total_off)

    def _input_snapshot(self):
        """The network the pad and the graph send the input through: without the ablated neuron, if any."""
        snapshot = self.snapshot
        if self._ablation is None or snapshot is None:
            return snapshot
        layer, neuron = self._ablation
        if not (1 <= layer < len(snapshot.layer_sizes) and neuron < snapshot.layer_sizes[layer]):
            return snapshot
        return ablated(snapshot, layer, neuron)

    def _show_chosen_test_digit(self, i: int) -> None:
        if self.dataset is not None and 0 <= i < self.dataset.n_test:
            label = self.dataset.class_names[self.dataset.y_test[i]]
            self._show_test_digit(i, f"test digit #{i}, label {label}")
