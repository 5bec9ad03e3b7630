"""The main window's actions, menus and toolbars (a mixin of MainWindow, like _files.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from nnviz.qt._help import show_about, show_help
from nnviz.qt._widgets import MessageBanner
from nnviz.qt.views._steady_label import SteadyLabel


class MenuActions:
    """Every command of the main window as a QAction with its shortcut, in menus and the toolbar."""

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.start_action = a("Start", self.toggle_training, Qt.Key.Key_Space,
                              "Start or pause training (Space)")
        self.step_action = a("Step one batch", self.step_batch, Qt.Key.Key_N,
                             "Train one mini-batch, then stop (N)")
        self.step_epoch_action = a("Step one epoch", self.step_epoch, "Shift+N",
                                   "Train until the end of this epoch, then stop (Shift+N)")
        self.reset_action = a("Reset", lambda: self.reset(new_seed=False), "Ctrl+R",
                              "Start again from the same random initial weights (Ctrl+R)")
        self.reset_new_seed_action = a("Reset with new seed", lambda: self.reset(new_seed=True), "Ctrl+Shift+R",
                                       "Start again from different random initial weights (Ctrl+Shift+R)")
        self.open_action = a("Open model…", self.open_model_dialog, QKeySequence.StandardKey.Open)
        self.save_action = a("Save model…", self.save_model_dialog, QKeySequence.StandardKey.Save)
        self.export_csv_action = a("Export cost history as CSV…", self.export_csv_dialog)
        self.quit_action = a("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.download_action = a("Download full MNIST…", self.download_dialog)
        self.open_dataset_action = a("Open dataset folder…", self.open_dataset_dialog)
        self.use_sample_action = a("Use bundled sample", lambda: self.load_data("sample"))
        self.use_best_action = a("Use best available data", lambda: self.load_data(None))
        self.clear_pad_action = a("Clear drawing pad", self.clear_drawing, Qt.Key.Key_Escape)
        self.random_digit_action = a("Show a random test digit", self.show_random_test_digit, "T")
        self.misclassified_action = a("Show next misclassified test digit", self.show_next_misclassified, "M")
        self.default_layout_action = a("Restore default layout", self._default_layout)
        self.help_action = a("How to read this window", self.show_help, QKeySequence.StandardKey.HelpContents)
        self.about_action = a("About nnviz", self.show_about)
        self.playground_action = a("Playground", self.open_playground, tip="Small networks on 2-D points and "
                                   "curves: feature crosses, hidden spaces, curves built from steps")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open recent")
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        self.export_view_menu = file_menu.addMenu("Export view as PNG")
        # every view dock the window has, so a view added later is listed without editing this
        views = [(key, dock.toggleViewAction().text()) for key, dock in self.docks.items() if key != "training"]
        for key, title in [("window", "Whole window"), *views]:
            action = self.export_view_menu.addAction(title + "…")
            action.triggered.connect(lambda _checked=False, k=key: self.export_png_dialog(k))
        file_menu.addAction(self.export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self._refresh_recent_menu()

        training_menu = bar.addMenu("&Training")
        for action in (self.start_action, self.step_action, self.step_epoch_action):
            training_menu.addAction(action)
        training_menu.addSeparator()
        training_menu.addAction(self.reset_action)
        training_menu.addAction(self.reset_new_seed_action)

        data_menu = bar.addMenu("&Data")
        for action in (self.download_action, self.open_dataset_action, self.use_sample_action, self.use_best_action):
            data_menu.addAction(action)

        experiments_menu = bar.addMenu("&Experiments")
        experiments_menu.addAction(self.playground_action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.clear_pad_action)
        view_menu.addAction(self.random_digit_action)
        view_menu.addAction(self.misclassified_action)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.default_layout_action)

        from nnviz.qt._lab_menu import add_lab_entry

        self.lab_action = add_lab_entry(self)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    def _build_toolbars(self) -> None:
        toolbar = QToolBar("Training")
        toolbar.setObjectName("toolbar_training")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.start_action, self.step_action, self.step_epoch_action, self.reset_action,
                       self.reset_new_seed_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.progress_label = SteadyLabel("")  # a new text at every redraw while training: no relayout
        self.progress_label.setToolTip("Mini-batches trained so far, and where we are in the current epoch")
        toolbar.addWidget(self.progress_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.training_toolbar = toolbar
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.banner = MessageBanner(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)

    def show_help(self) -> None:
        show_help(self)

    def show_about(self) -> None:
        show_about(self)

    def open_playground(self) -> None:
        from nnviz.qt.playground_window import open_playground

        self.playground_window = open_playground(self, getattr(self, "playground_window", None))
