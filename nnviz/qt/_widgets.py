"""Small widgets the windows share: the message banner under the toolbar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolBar, QToolButton, QWidget


class MessageBanner(QToolBar):
    """A coloured line under the toolbar for messages that must not be missed (never blocks)."""

    COLORS = {"info": ("#e8f1fb", "#1c4f80"), "warning": ("#fff4d6", "#7a4b00"), "error": ("#fde5e5", "#8a1c1c")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Messages", parent)
        self.setObjectName("message_banner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(8, 2, 4, 2)
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)  # a long message (what went wrong, what to do) is read in full
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # at most three lines (see _fit_label): the whole text is in the tooltip and the status bar too
        self.label.setMaximumHeight(3 * self.label.fontMetrics().lineSpacing() + 4)
        row.addWidget(self.label, 1)
        self.label.installEventFilter(self)  # a new width may need another number of lines
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.close_button)
        self.addWidget(holder)
        self.level = "info"
        self.hide()

    def show_message(self, text: str, level: str = "info") -> None:
        background, foreground = self.COLORS.get(level, self.COLORS["info"])
        self.level = level
        self.setStyleSheet(f"QToolBar {{ background: {background}; border: 1px solid {foreground}; }}"
                           f"QLabel {{ color: {foreground}; font-weight: bold; }}")
        self.label.setText(text)
        self.label.setToolTip(text)
        self.show()
        self._fit_label()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.label and event.type() == QEvent.Type.Resize:
            self._fit_label()
        return False

    def _fit_label(self) -> None:
        # A wrapped label's size hint assumes a narrow width (three lines for one line of text):
        # take the height the text needs at the width it really has, up to three lines.
        width = self.label.width()
        if width > 0:
            lines = self.label.fontMetrics().lineSpacing()
            needed = self.label.heightForWidth(width)
            if needed < 0:  # -1: the label has no height-for-width (no text yet); never a negative size
                needed = self.label.sizeHint().height()
            self.label.setFixedHeight(max(0, min(needed, 3 * lines + 4)))
