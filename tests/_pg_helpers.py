"""Helpers shared by the GUI tests: what pyqtgraph really draws."""


def drawn_tick_texts(plot_item, axis_name: str) -> set[str]:
    """The tick labels pyqtgraph actually draws on that axis (it drops any that would stick out)."""
    from PySide6.QtGui import QImage, QPainter

    axis = plot_item.getAxis(axis_name)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return {text for _rect, _flags, text in specs[2]}
