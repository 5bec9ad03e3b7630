"""The run list: every run of the window with its shape, data and results; tick runs to compare them,
double-click a name to rename it, delete or export the runs chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.qt.views import colors as _colors

COLUMNS = ("Run", "Layers", "Activation", "Data", "Epochs", "Best", "Final")


def run_color(k: int) -> QColor:
    """The colour of the k-th compared run (never the blue/orange of the live curves)."""
    palette = ((44, 160, 44), (148, 103, 189), (214, 39, 40), (140, 86, 75), (227, 119, 194),
               (23, 190, 207), (188, 189, 34), (127, 127, 127))
    return QColor(*palette[k % len(palette)])


def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


class RunListView(QWidget):
    """A table of RunRecords; the window keeps the runs, this view only shows them and asks."""

    ticked_changed = Signal(object)      # list[int]: indices of the runs ticked for comparison
    renamed = Signal(int, str)
    delete_requested = Signal(object)    # list[int]
    export_requested = Signal(str)       # "json" | "csv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Runs")
        title = QLabel("<b>Runs</b> — every network trained in this window. Tick runs to draw them in the cost "
                       "curve; double-click a name to rename it.")
        title.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_item_changed)
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete")
        self.delete_button.setToolTip("Remove the selected runs from the list (the current run stays)")
        self.delete_button.clicked.connect(self._on_delete)
        self.json_button, self.csv_button = QToolButton(), QToolButton()
        self.json_button.setText("JSON…")
        self.csv_button.setText("CSV…")
        for button, fmt in ((self.json_button, "json"), (self.csv_button, "csv")):
            button.setToolTip(f"Export the histories of the ticked runs (all runs if none is ticked) as {fmt.upper()}")
            button.clicked.connect(lambda _checked=False, f=fmt: self.export_requested.emit(f))
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(QLabel("Export:"))
        for button in (self.json_button, self.csv_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._filling = False
        self._names: list[str] = []

    def show_runs(self, runs, current: int, ticked) -> None:
        """One row per run; ``current`` (index) is marked as training now; ``ticked`` indices are ticked."""
        self._filling = True
        try:
            self.table.setRowCount(len(runs))
            self._names = [run.name for run in runs]
            ticked = set(ticked)
            colour_of = {i: run_color(k) for k, i in enumerate(sorted(ticked))}
            for row, run in enumerate(runs):
                name = QTableWidgetItem(run.name)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
                name.setCheckState(Qt.CheckState.Checked if row in ticked else Qt.CheckState.Unchecked)
                name.setToolTip("Training now" if row == current else "Tick to compare")
                if row in colour_of:
                    name.setForeground(colour_of[row])
                if row == current:
                    font = name.font()
                    font.setBold(True)
                    name.setFont(font)
                cells = [name] + [QTableWidgetItem(text) for text in (
                    run.shape_text(), run.activation.replace("_", " "), run.data, str(run.epochs_done),
                    _percent(run.best_accuracy), _percent(run.final_accuracy))]
                for column, item in enumerate(cells):
                    if column:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    self.table.setItem(row, column, item)
        finally:
            self._filling = False

    def ticked(self) -> list[int]:
        return [row for row in range(self.table.rowCount())
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def set_ticked(self, row: int, ticked: bool) -> None:
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def cell_text(self, row: int, column: int) -> str:
        return self.table.item(row, column).text()

    def _on_item_changed(self, item) -> None:
        if self._filling or item.column() != 0:
            return
        row = item.row()
        if row < len(self._names) and item.text() != self._names[row]:
            self._names[row] = item.text()
            self.renamed.emit(row, item.text())
        self.ticked_changed.emit(self.ticked())

    def _on_delete(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if rows:
            self.delete_requested.emit(rows)
