"""The Lab's links to the main window: look inside a network, send an image to the pad, and test
the main window's current network on nonsense. A mixin of LabWindow (it uses its race, table,
dataset, picture and labels).
"""

from __future__ import annotations

from PySide6.QtCore import Slot

__all__ = ["MainWindowLink"]


class MainWindowLink:
    """``main_window`` (or one made by ``_make_main_window`` when first needed) gets what the Lab sends."""

    def _main(self):
        if self.main_window is not None:
            try:
                self.main_window.isVisible()
            except RuntimeError:  # closed and deleted: make another
                self.main_window = None
        if self.main_window is None and self._make_main_window is not None:
            self.main_window = self._make_main_window(self.dataset)
        return self.main_window

    @Slot()
    def look_inside(self) -> None:
        """Open the network chosen in the table in the main window (a copy: the race goes on)."""
        name = self.chosen_run()
        if name is None:
            return
        snapshot = self.race.snapshot(name)
        if snapshot is None:
            return
        from nnviz.engine.network import Network

        main = self._main()
        if main is None:
            return
        if main.dataset is not self.dataset and self.dataset is not None:
            main.session.set_dataset(self.dataset, Network.from_snapshot(snapshot))
        else:
            main.use_network(Network.from_snapshot(snapshot))
        main.show_message(f"Now showing {name} from the Lab ({snapshot.epoch} epochs trained).")
        main.show()
        main.raise_()
        self._say(f"{name} is open in the main window.")

    def probe_main_network(self) -> bool:
        """Feed noise, flat pages and scribbles to the main window's current network (off the GUI thread)."""
        main = self.main_window
        snapshot = getattr(main, "snapshot", None) if main is not None else None
        if snapshot is None or self.dataset is None:
            self._say("Open the main window with a network first (Experiments > Lab there, or "
                      "'Look inside this one' here).", warn=True)
            return False
        if snapshot.layer_sizes[0] != self.dataset.n_features:
            self._say(f"The main window's network takes {snapshot.layer_sizes[0]} inputs, not "
                      f"{self.dataset.n_features}.", warn=True)
            return False
        from nnviz.engine.lab_probes import probe_confidence
        from nnviz.qt._lab_race import Measurer

        if self._prober is None:
            self._prober = Measurer(self)
        x_test, seed = self.dataset.x_test, self.seed_box.value()
        name = "-".join(map(str, snapshot.layer_sizes))
        self.status_label.setText(f"Testing the main window's {name} on nonsense…")
        self._prober.submit(lambda: probe_confidence(snapshot, x_test, seed),
                            lambda value: self._on_main_probe(value, name, snapshot.epoch))
        return True

    def _on_main_probe(self, value, name: str, epochs: int) -> None:
        if isinstance(value, Exception):
            self._say(f"Testing the main window's network failed: {value}", warn=True)
            return
        from nnviz.engine.lab_experiments import in_words, noise_answer

        figures, pictures = value
        self.probe_result = figures
        if self.picture is not None and hasattr(self.picture, "show_probe"):
            self.picture.show_probe(pictures)
        self.status_label.setText(f"The main window's network ({name}, {epochs} epochs trained):")
        digits = tuple(self.dataset.class_names) == tuple(str(i) for i in range(10))
        self.answer_label.setText(in_words(noise_answer(figures), digits))

    def send_to_pad(self, image) -> None:
        """Show ``image`` (784,) on the main window's pad, read by the network it shows now."""
        main = self._main()
        if main is None:
            return
        main.digit_panel.show_input(image, "from the Lab: nonsense the network read with confidence")
        main.show_input(image)
        main.show()
        main.raise_()

