"""Keeps single-key shortcuts (Space, N, T, M, Escape) out of text fields while they have the focus.

Without it, Space in the learning-rate box would start training instead of reaching the box.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

#: Widgets that take typed text: a plain key pressed there is for them, not for a shortcut.
TEXT_WIDGETS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
#: Modifiers that make a key a command even in a text field (Ctrl+R, Alt+F ...).
COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


def takes_text(widget) -> bool:
    """True for a widget where typed keys are text (an editable combo box counts)."""
    if isinstance(widget, TEXT_WIDGETS):
        return not (isinstance(widget, QLineEdit) and widget.isReadOnly())
    return isinstance(widget, QComboBox) and widget.isEditable()


class ShortcutGuard(QObject):
    """Event filter on text fields: a key without Ctrl/Alt/Meta goes to the field, not to a shortcut."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.ShortcutOverride and takes_text(watched)
                and not (event.modifiers() & COMMAND_MODIFIERS)):
            event.accept()  # the key is delivered to the field; the shortcut does not fire
        return False


def install(window: QWidget) -> ShortcutGuard:
    """Guard every text field of ``window`` (per widget: no filter sees the app's other events)."""
    guard = ShortcutGuard(window)
    for widget in window.findChildren(QWidget):
        if takes_text(widget):
            widget.installEventFilter(guard)
            for inner in widget.findChildren(QLineEdit):  # a spin box's own line edit
                inner.installEventFilter(guard)
    return guard
