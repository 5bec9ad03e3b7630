"""Screenshots of the main window's deeper views (neuron card, activation space, confusion gallery,
a 1280x720 screen, compared runs, replay), taken by ``python -m nnviz.qt.screenshots``.
"""

from __future__ import annotations

import pathlib

import numpy as np

#: The test digit shown in the card and the 1280x720 window (a 3 of the MNIST test set).
CARD_DIGIT = 18


def _save(widget, path: pathlib.Path, written: list) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    written.append(path)
    print(f"{path}: {path.stat().st_size / 1000:.0f} kB")


def _train(window, epochs: int, wait) -> None:
    for epoch in range(1, epochs + 1):
        window.step_epoch()
        wait(lambda e=epoch: window.session.trainer.epoch >= e and not window.session.is_busy
             and window.snapshot.step == window.session.step and not window._late_timer.isActive(),
             600, f"epoch {epoch}")


def take_inside_screenshots(folder: pathlib.Path, new_window, wait, epochs: int = 3) -> list[pathlib.Path]:
    """Write neuron-card, activation-space, confusion-gallery, runs-compared, replay and window-1280x720
    PNGs; returns their paths.

    ``new_window(settings_name)`` gives a shown 1400x900 main window with fresh settings;
    ``wait(condition, timeout_s, what)`` runs the event loop until ``condition()`` holds.
    """
    written: list[pathlib.Path] = []
    window = new_window("inside.ini")
    try:
        _train(window, epochs, wait)
        dataset = window.dataset
        digit = CARD_DIGIT % dataset.n_test
        window._show_test_digit(digit, f"test digit #{digit}, label {dataset.class_names[dataset.y_test[digit]]}")

        # A neuron of the last hidden layer, switched off to show what it costs.
        window.open_neuron_card(len(window.snapshot.layer_sizes) - 2, 3)
        window.neuron_card.switch.click()
        _save(window.neuron_dialog, folder / "neuron-card.png", written)
        window.neuron_card.switch.click()
        window._close_neuron_card()

        window.docks["activation_space"].raise_()
        window.activation_space._layer_box.setCurrentIndex(window.activation_space._layer_box.count() - 1)
        wait(lambda: len(window.activation_space.points()) > 0, 10, "the activation space")
        _save(window, folder / "activation-space.png", written)

        predicted = window.snapshot.predict(dataset.x_test)
        confusion = np.bincount(dataset.y_test * dataset.n_classes + predicted,
                                minlength=dataset.n_classes ** 2).reshape(dataset.n_classes, -1)
        np.fill_diagonal(confusion, 0)
        true, guess = np.unravel_index(int(np.argmax(confusion)), confusion.shape)
        window.show_confusion_gallery(int(true), int(guess))
        window.gallery_dialog.resize(640, 420)
        _save(window.gallery_dialog, folder / "confusion-gallery.png", written)
        window.gallery_dialog.hide()

        # Compared runs: this run against one with a single hidden layer of 32 (ticked, overlaid).
        window.open_neuron_card(1, 4)
        window._close_neuron_card()
        from nnviz.qt._settings import Architecture

        window.apply_architecture(Architecture((32,), "relu", "cross-entropy"))
        _train(window, epochs, wait)
        window.docks["runs"].raise_()  # the list is rebuilt when it is seen
        wait(lambda: window.run_list.table.rowCount() == 2, 10, "the run list")
        window.run_list.set_ticked(0, True)
        window.run_list.set_ticked(1, True)
        window.run_list.table.item(0, 0).setText("784-16-16-10 leaky ReLU")
        window.run_list.table.item(1, 0).setText("one layer of 32, ReLU")
        window.docks["runs"].raise_()
        window.docks["cost_curve"].raise_()
        _save(window, folder / "runs-compared.png", written)

        # Replay: back to a moment early in the first epoch of the second run, the test digit on the pad.
        frames = window.recorder.frames()
        window.docks["weight_images"].raise_()
        window.timeline.slider.setValue(min(20, len(frames) - 1))
        _save(window, folder / "replay.png", written)
        window.back_to_live()

        window.resize(1280, 720)
        wait(lambda: window._compact_shown and window.width() == 1280, 10, "the small-screen layout")
        window.docks["network_graph"].raise_()
        _save(window, folder / "window-1280x720.png", written)
    finally:
        window.close()
    return written
