"""The run list: every run of the window with its shape, data and results; tick runs to compare them,
double-click a name to rename it, delete or export the runs chosen.

The key columns (name, layers, epochs, best and final accuracy) come first; in a narrow dock the
activation and data columns step aside (each row's tooltip still gives them) and names wrap.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
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

from nnviz.engine.activations import activation_label

#: Column titles, short enough for a 330-pixel dock; HEADER_TIPS spell them out.
COLUMNS = ("Run", "Layers", "Ep.", "Best", "Final", "Activation", "Data")
HEADER_TIPS = ("The run's name (double-click to rename; tick to draw it in the cost curve)",
               "Layer sizes: inputs, hidden layers, outputs", "Epochs trained",
               "Best test accuracy after any epoch", "Test accuracy after the last epoch",
               "Activation of the hidden layers", "Data it trained on")
#: Left out, last first, when the table is too narrow for every column (the tooltips keep them).
OPTIONAL_COLUMNS = (5, 6)
#: The name column keeps at least this many pixels (names wrap onto more lines below it).
NAME_MIN_PX = 110

#: Colours of compared runs: none near the live curves' blue (smoothed cost), orange (training cost),
#: green (test cost and accuracy) or grey (each mini-batch), so a run never reads as one of those.
RUN_PALETTE = ((148, 103, 189), (214, 39, 40), (23, 190, 207), (227, 119, 194), (140, 86, 75),
               (188, 189, 34), (30, 30, 30), (150, 0, 130))


def run_color(k: int) -> QColor:
    """The colour of the k-th compared run."""
    return QColor(*RUN_PALETTE[k % len(RUN_PALETTE)])


def run_summary(run) -> str:
    """One line with every column of a run (for tooltips, whichever columns are shown)."""
    return (f"{run.name}: {run.shape_text()}, {activation_label(run.activation)}, {run.data}; "
            f"{run.epochs_done} epochs, best {_percent(run.best_accuracy)}, final {_percent(run.final_accuracy)}")


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
        for column, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        self.table.setWordWrap(True)  # long names take two lines rather than push the numbers away
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda column, _old, _new: column == 0 and self.table.resizeRowsToContents())
        self.table.viewport().installEventFilter(self)  # the columns follow the table's width
        self.left_out = QLabel()  # says which columns a narrow table leaves out
        self.left_out.setWordWrap(True)
        self.left_out.setVisible(False)
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
        layout.addWidget(self.left_out)
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
            for row, run in enumerate(runs):
                name = QTableWidgetItem(run.name)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
                name.setCheckState(Qt.CheckState.Checked if row in ticked else Qt.CheckState.Unchecked)
                summary = html.escape(run_summary(run))
                name.setToolTip(f"{summary}<br>{'Training now' if row == current else 'Tick to compare'}")
                if row == current:
                    font = name.font()
                    font.setBold(True)
                    name.setFont(font)
                cells = [name] + [QTableWidgetItem(text) for text in (
                    run.shape_text(), str(run.epochs_done), _percent(run.best_accuracy),
                    _percent(run.final_accuracy), activation_label(run.activation), run.data)]
                for column, item in enumerate(cells):
                    if column:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                        item.setToolTip(summary)
                    self.table.setItem(row, column, item)
            self._colour_names()
        finally:
            self._filling = False
        self.fit_columns()

    def _colour_names(self) -> None:
        """Each ticked run's name in its colour in the cost curve, the others in the usual text colour."""
        colour_of = {row: run_color(k) for k, row in enumerate(self.ticked())}
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setForeground(colour_of.get(row, self.table.palette().text().color()))

    def fit_columns(self) -> None:
        """Show every column the table's width can hold beside a readable name column, leaving out the
        optional ones (activation, data) from the last, and let the names wrap to the rows' height."""
        table = self.table
        header = table.horizontalHeader()
        room = table.viewport().width() - NAME_MIN_PX
        needed = {column: max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
                  for column in range(1, len(COLUMNS))}
        hidden = []
        for column in reversed(OPTIONAL_COLUMNS):
            if sum(w for c, w in needed.items() if c not in hidden) <= room:
                break
            hidden.append(column)
        for column in range(1, len(COLUMNS)):
            if table.isColumnHidden(column) != (column in hidden):
                table.setColumnHidden(column, column in hidden)
        names = " and ".join(COLUMNS[c].lower() for c in sorted(hidden))
        self.left_out.setText(f"{names.capitalize()}: hover a run, or widen the panel." if hidden else "")
        self.left_out.setVisible(bool(hidden))
        table.resizeRowsToContents()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

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
            self.table.resizeRowToContents(row)  # a longer name may need another line
            self.renamed.emit(row, item.text())
        self._filling = True
        try:
            self._colour_names()
        finally:
            self._filling = False
        self.ticked_changed.emit(self.ticked())

    def _on_delete(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if rows:
            self.delete_requested.emit(rows)
