"""The Lab window: the learners' questions on the left, networks racing live in the centre (overlaid
curves and the experiment's own picture), the answer with this run's numbers on the right.

Layout and wiring only: the engine plans and measures (engine.lab*), LabRace trains through
TrainingSessions, the views draw.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QMainWindow, QMessageBox, QPushButton, QSpinBox, QSplitter, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from nnviz.engine.lab import LabError
from nnviz.engine.lab_experiments import EXPERIMENTS, NAMES, answer, make_plan, parse_widths, partial_results
from nnviz.qt import _lab_export
from nnviz.qt._data_loader import DataLoader
from nnviz.qt._lab_main_link import MainWindowLink
from nnviz.qt._lab_pictures import make_picture, picture_scroll_area, plan_colors
from nnviz.qt._lab_race import LabRace
from nnviz.qt.views.cost_curve import CostCurveView
from nnviz.qt.views.race_curves import RaceCurvesView

__all__ = ["LabWindow", "DATA_CHOICES"]

#: Data menu entries: (label, load_dataset spec); "Other folder…" asks for a path.
DATA_CHOICES = (("Bundled sample (5,000 digits)", "sample"), ("MNIST (70,000 digits)", "mnist"),
                ("Fashion-MNIST", "fashion"), ("Other folder…", None))
DEFAULT_SIZE = (1400, 900)


class LabWindow(MainWindowLink, QMainWindow):
    """Runs one experiment at a time; ``main_window`` receives "look inside" and the pad.

    Without one, ``make_main_window(dataset)`` makes it when first needed (nnviz lab opens the Lab alone).
    """

    race_started = Signal(object)   # LabRace
    result_shown = Signal(object)   # LabResult
    message_shown = Signal(str)

    def __init__(self, main_window=None, dataset=None, make_main_window=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main_window = main_window
        self._make_main_window = make_main_window
        self.dataset = dataset
        self.race: LabRace | None = None
        self.race_concurrency: int | None = None  # networks training at once (None: LabRace's default)
        self._prober = None  # measures the main window's network for the noise experiment
        self.probe_result: dict | None = None
        self.picture = None
        self.colors: list[str] = []  # each network's colour, in the plan's order
        self.result = None
        self._experiment = "depth"
        self._loader = DataLoader(self)
        self._loader.loaded.connect(self._on_data_loaded)
        self._loader.failed.connect(self._on_data_failed)
        self._build()
        self._build_menus()
        self._choose(0)
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = DEFAULT_SIZE
        if room is not None and room.width() > 0 and room.height() > 0:  # open within a small screen
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)
        if dataset is None:
            self._load_data(None)  # the best available: the full MNIST if found, else the sample
        else:
            self._show_data(dataset)

    # ---- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        left = QWidget()
        left.setMinimumWidth(250)
        lay = QVBoxLayout(left)
        lay.addWidget(QLabel("<b>Ask a question</b>"))
        self.questions = QListWidget()
        self.questions.setWordWrap(True)
        self.questions.setSpacing(3)
        for name in NAMES:
            item = QListWidgetItem(f"{EXPERIMENTS[name].question}\n({name}: {EXPERIMENTS[name].title})")
            item.setToolTip(f"nnviz lab {name}")
            self.questions.addItem(item)
        self.questions.currentRowChanged.connect(self._choose)
        lay.addWidget(self.questions, 1)
        form = QFormLayout()
        self.data_box = QComboBox()
        for label, _spec in DATA_CHOICES:
            self.data_box.addItem(label)
        self.data_box.activated.connect(self._on_data_chosen)
        form.addRow("Data", self.data_box)
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(1, 500)
        form.addRow("Epochs", self.epochs_box)
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Every network of the experiment starts from this seed")
        form.addRow("Seed", self.seed_box)
        self.widths_edit = QLineEdit(",".join(map(str, (1, 2, 4, 8, 16, 32, 64))))
        self.widths_edit.setToolTip("Hidden layer sizes to compare, separated by commas")
        form.addRow("Widths", self.widths_edit)
        lay.addLayout(form)
        self._data_label = QLabel("Data: loading…")
        self._data_label.setWordWrap(True)
        lay.addWidget(self._data_label)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.toggle)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.restart_button = QPushButton("Restart")
        self.restart_button.clicked.connect(self.restart)
        for button in (self.start_button, self.stop_button, self.restart_button):
            buttons.addWidget(button)
        lay.addLayout(buttons)

        self.curves = RaceCurvesView("", "test accuracy %")
        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.addWidget(self.curves)
        picture_scroll, self._picture_holder = picture_scroll_area()
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(picture_scroll, "What this experiment shows")
        self.cost_curve = CostCurveView()  # the main window's view, for the network chosen on the right
        self.lower_tabs.addTab(self.cost_curve, "Cost of the chosen network")
        self.centre.addWidget(self.lower_tabs)
        self.centre.setSizes([380, 520])

        right = QWidget()
        right.setMinimumWidth(230)
        rlay = QVBoxLayout(right)
        rlay.addWidget(QLabel("<b>The answer</b>"))
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        rlay.addWidget(self.status_label)
        self.answer_label = QLabel("")
        self.answer_label.setWordWrap(True)
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        rlay.addWidget(self.answer_label, 2)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["network", "epochs", "train %", "test %"])
        self.table.horizontalHeaderItem(1).setToolTip("Epochs done (+ how far into the next one it is)")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # the numbers take what they need and the names the rest, wrapping at a space: no sideways scrolling
        header, modes = self.table.horizontalHeader(), QHeaderView.ResizeMode
        header.setSectionResizeMode(0, modes.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, modes.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(modes.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._show_chosen_cost)
        rlay.addWidget(self.table, 2)
        self.inside_button = QPushButton("Look inside this one")
        self.inside_button.setToolTip("Open the chosen network in the main window, to see its neurons and test it")
        self.inside_button.clicked.connect(self.look_inside)
        rlay.addWidget(self.inside_button)
        exports = QHBoxLayout()
        for text, kind in (("PNG…", "png"), ("JSON…", "json"), ("CSV…", "csv")):
            button = QPushButton(f"Export {text}")
            button.clicked.connect(lambda _c=False, k=kind: self.export_dialog(k))
            exports.addWidget(button)
        rlay.addLayout(exports)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.centre)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 800, 320])
        self.setCentralWidget(splitter)
        self.statusBar()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, kind in (("Export picture as PNG…", "png"), ("Export results as JSON…", "json"),
                           ("Export results as CSV…", "csv")):
            file_menu.addAction(text, lambda k=kind: self.export_dialog(k))
        file_menu.addSeparator()
        file_menu.addAction("Close", self.close)
        race_menu = self.menuBar().addMenu("&Race")
        self.start_action = race_menu.addAction("Start / Pause", self.toggle)
        self.start_action.setShortcut(Qt.Key.Key_Space)
        race_menu.addAction("Stop", self.stop)
        race_menu.addAction("Restart", self.restart)

    # ---- choosing and starting -----------------------------------------------------------------

    @property
    def experiment(self) -> str:
        return self._experiment

    @Slot(int)
    def _choose(self, row: int) -> None:
        if row < 0:
            return
        name = NAMES[row]
        if self.questions.currentRow() != row:
            self.questions.setCurrentRow(row)
            return
        self._end_race()
        self._experiment = name
        self.epochs_box.setValue(EXPERIMENTS[name].default_epochs)
        self.widths_edit.setEnabled(name == "width")
        self.setWindowTitle(f"nnviz Lab — {EXPERIMENTS[name].question}")
        self._prepare()

    def select(self, name: str) -> None:
        """Choose experiment ``name`` (as a click on its question does)."""
        self._choose(NAMES.index(name))

    def _options(self) -> dict:
        if self._experiment == "width":
            return {"widths": parse_widths(self.widths_edit.text())}
        return {}

    def _prepare(self) -> bool:
        """A fresh race for the chosen experiment and settings, ready to start; False with a message."""
        self._end_race()
        self.result = None
        if self.dataset is None:
            self._say("The data is still loading; the experiment can start in a moment.")
            return False
        try:
            plan = make_plan(self._experiment, self.dataset, self.epochs_box.value(), self.seed_box.value(),
                             **self._options())
        except LabError as error:
            self._say(str(error), warn=True)
            return False
        self.race = LabRace(plan, self.dataset, concurrent=self.race_concurrency, parent=self)
        self.race.record_ready.connect(self._on_record)
        self.race.batches_ready.connect(self._on_batches)
        self.race.epoch_stats_ready.connect(self._on_epoch_stats)
        self.race.finished.connect(self._on_result)
        self.race.running_changed.connect(self._on_running_changed)
        self.race.failed.connect(lambda text: self._say(text, warn=True))
        names = [spec.name for spec in plan.runs]
        self.curves.set_title(f"<b>Test accuracy after each epoch</b> — {EXPERIMENTS[plan.experiment].title}, "
                              f"seed {plan.seed}, on {self.dataset.name}" +
                              (" (the % axis is stretched near 100)" if plan.experiment == "width" else ""))
        self.colors = plan_colors(plan)
        self.curves.set_runs(names, plan.epochs, self.colors)
        # width: 25% and 98% on one plot; a plain % axis squeezed 91-98% into 15 px at 1280x720
        self.curves.set_stretched(plan.experiment == "width")
        self.curves.set_chance(100.0 / self.dataset.n_classes if plan.experiment == "shuffle" else None)
        self._set_picture(make_picture(plan, self.dataset))
        self._fill_table()
        self._show_chosen_cost()
        self.answer_label.setText("Press <b>Start</b>: the networks train side by side from the same seed, "
                                  "and the answer appears here as their results arrive.")
        networks = f"{len(names)} networks" if len(names) > 1 else "1 network"
        self.status_label.setText(f"{networks} ready, {plan.epochs} epochs each." +
                                  (f" {plan.note}" if plan.note else ""))
        self.race_started.emit(self.race)
        return True

    def _set_picture(self, picture) -> None:
        layout = self._picture_holder.layout()
        if self.picture is not None:
            layout.removeWidget(self.picture)
            self.picture.hide()
            self.picture.setParent(None)  # gone from the window now, not when the event loop gets to it
            self.picture.deleteLater()
        self.picture = picture
        layout.addWidget(picture)
        if hasattr(picture, "send_to_pad"):
            picture.send_to_pad.connect(self.send_to_pad)
            picture.probe_main_requested.connect(self.probe_main_network)

    @Slot()
    def toggle(self) -> None:
        """Start the race (a new one once the last has ended), or pause / continue it."""
        if self.race is None or self.race.is_done or self._settings_changed():
            if not self._prepare():
                return
        if self.race.is_running:
            self.race.pause()
        else:
            self.race.start()

    def start(self) -> None:
        if self.race is None or not self.race.is_running:
            self.toggle()

    def _settings_changed(self) -> bool:
        plan = self.race.plan
        try:
            options = tuple(self._options().items())
        except LabError:
            return True  # _prepare will say what is wrong
        chosen = (self.epochs_box.value(), self.seed_box.value(), dict(options).get("widths"))
        if (plan.epochs, plan.seed, dict(plan.options).get("widths")) != chosen:
            return not any(self.race.histories.values())
        return False

    @Slot()
    def stop(self) -> None:
        if self.race is not None and not self.race.is_done:
            self.race.stop()
            self._say("Stopped. The answer below uses the epochs trained so far.")

    @Slot()
    def restart(self) -> None:
        if self._prepare():
            self.race.start()

    def _end_race(self) -> None:
        if self.race is not None:
            self.race.close()
            self.race.deleteLater()
            self.race = None

    # ---- results --------------------------------------------------------------------------------

    def _on_record(self, record) -> None:
        race = self.race
        self.curves.add_point(record.run, record.epoch, 100 * record.test_accuracy)
        self.picture.update_live(race, record)
        self._fill_table()
        # compare the networks at the same epoch: the last one every network has been measured at
        common = min(len(h) for h in race.histories.values())
        partial = partial_results(race.plan, {n: h[:common] for n, h in race.histories.items()})
        self.status_label.setText(f"Epoch {common} of {race.plan.epochs} done by every network "
                                  f"({race.seconds():.0f} s).")
        # say which epoch: the table and the pictures show each network's latest, which may be one more
        self.answer_label.setText(f"<i>So far, at epoch {common}, the last one every network has finished "
                                  f"(the table shows each network's latest):</i> {answer(race.plan, partial, {})}")

    def _on_result(self, result) -> None:
        self.result = result
        self.picture.show_result(result)
        self._fill_table()
        stopped = any(r.epochs < result.epochs for r in result.runs)
        self.status_label.setText(("Stopped" if stopped else "Done") +
                                  f" after {max(r.epochs for r in result.runs)} epochs, {result.seconds:.0f} s.")
        self.answer_label.setText(result.answer + (f"<br><br><i>{result.note}</i>" if result.note else ""))
        self.result_shown.emit(result)

    def chosen_run(self) -> str | None:
        """The network chosen in the table (the cost tab and "look inside" use it)."""
        row = self.table.currentRow()
        if self.race is None or not 0 <= row < len(self.race.plan.runs):
            return None
        return self.race.plan.runs[row].name

    @Slot()
    def _show_chosen_cost(self) -> None:
        self.cost_curve.clear()
        name = self.chosen_run()
        if name is None:
            return
        batches, start = self.race.batches[name], 0
        for stats in self.race.epoch_stats[name]:  # each epoch's point after its own batches
            end = start
            while end < len(batches) and batches[end].epoch < stats.epoch:
                end += 1
            self.cost_curve.add_batches(batches[start:end])
            self.cost_curve.add_epoch(stats)
            start = end
        self.cost_curve.add_batches(batches[start:])
        self.lower_tabs.setTabText(1, f"Cost of {name}")

    def _on_batches(self, name: str, batches) -> None:
        if name == self.chosen_run():
            self.cost_curve.add_batches(batches)
        if batches:  # the network in training shows how far into its epoch it is
            last = batches[-1]
            row = [spec.name for spec in self.race.plan.runs].index(name)
            item = self.table.item(row, 1)
            if item is not None:
                item.setText(f"{last.epoch} + {100 * (last.batch + 1) / last.batches_per_epoch:.0f}%")

    def _on_epoch_stats(self, name: str, stats) -> None:
        if name == self.chosen_run():
            self.cost_curve.add_epoch(stats)

    def _on_running_changed(self, running: bool) -> None:
        self.start_button.setText("Pause" if running else "Start")

    def _fill_table(self) -> None:
        if self.race is None:
            return
        names = [spec.name for spec in self.race.plan.runs]
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            history = self.race.histories.get(name) or []
            last = history[-1] if history else None
            cells = [name, str(last.epoch) if last else "0",
                     f"{100 * last.train_accuracy:.1f}" if last else "", f"{100 * last.test_accuracy:.1f}" if last else ""]
            for col, text in enumerate(cells):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                item.setText(text)
                if col == 0:
                    item.setForeground(_qcolor(self.colors[row]))
        if self.table.currentRow() < 0:
            self.table.selectRow(0)

    # ---- data and messages ------------------------------------------------------------------------

    @Slot(int)
    def _on_data_chosen(self, index: int) -> None:
        spec = DATA_CHOICES[index][1]
        if spec is None:
            spec = QFileDialog.getExistingDirectory(self, "Folder with the four MNIST-format files")
            if not spec:
                return
        self._load_data(spec)

    def _load_data(self, spec: str | None) -> None:
        self._data_label.setText(f"Data: loading {spec or 'the best available data'}…")
        self._loader.load(spec, spec)

    def _on_data_loaded(self, dataset, _remember) -> None:
        self.dataset = dataset
        self._show_data(dataset)
        self._prepare()

    def _show_data(self, dataset) -> None:
        self._data_label.setText(f"Data: {dataset.name} ({dataset.n_train:,} training, {dataset.n_test:,} test)")
        name = dataset.name.lower()
        index = 0 if "sample" in name else 2 if "fashion" in name else 1 if name == "mnist" else 3
        self.data_box.setCurrentIndex(index)

    def _on_data_failed(self, message: str, spec) -> None:
        if self.dataset is None and spec is None:  # the best available is damaged: the sample always works
            self._say(f"{message} Using the bundled sample instead.", warn=True)
            self._load_data("sample")
            return
        self._say(message + (f" Still using {self.dataset.name}." if self.dataset is not None else ""), warn=True)
        if self.dataset is not None:
            self._show_data(self.dataset)

    def _say(self, text: str, warn: bool = False) -> None:
        self.statusBar().showMessage(text, 20000)
        if warn:
            self.status_label.setText(f'<span style="color:#b2182b">{text}</span>')
        self.message_shown.emit(text)

    # ---- export and closing ----------------------------------------------------------------------

    def export_dialog(self, kind: str) -> None:
        filters = {"png": "PNG image (*.png)", "json": "JSON (*.json)", "csv": "CSV (*.csv)"}
        path, _ = QFileDialog.getSaveFileName(self, f"Export {kind.upper()}", f"lab-{self._experiment}.{kind}",
                                              filters[kind])
        if path:
            self.export(kind, path)

    def export(self, kind: str, path: str) -> bool:
        """Write the picture (png) or the results (json, csv) to ``path`` atomically; False + message."""
        try:
            _lab_export.export(self, kind, path)
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}: {error}")
            self._say(f"Could not write {path}: {error}", warn=True)
            return False
        self._say(f"Saved {path}")
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._end_race()
        if self._prober is not None:
            self._prober.close()
        self._loader.shutdown()
        super().closeEvent(event)


def _qcolor(hex_color: str) -> QColor:
    return QColor(hex_color)

