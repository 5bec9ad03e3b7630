"""Views of the main window at common screen sizes (1400x900, 1280x720): captions whole, inside their
view and apart from each other, and the space of each panel used."""

import pytest
from PySide6.QtCore import QRectF


def _text_rect(item, view) -> QRectF:
    """Where a caption's text (its box less the text item's margin) lies in ``view``'s pixels."""
    text = item.textItem if hasattr(item, "textItem") else item
    margin = text.document().documentMargin()
    box = text.boundingRect().adjusted(margin, margin, -margin, -margin)
    return QRectF(view.mapFromScene(text.mapRectToScene(box)).boundingRect())


@pytest.fixture(params=[(1400, 900), (1280, 720)], ids=["1400x900", "1280x720"])
def sized_window(request, qtbot, window):
    window.resize(*request.param)
    qtbot.waitUntil(lambda: window.width() == request.param[0] and window.height() == request.param[1],
                    timeout=5000)
    return window


def test_graph_captions_say_what_the_input_shows_and_use_the_panel(qtbot, sized_window):
    window = sized_window
    window.docks["network_graph"].raise_()
    graph = window.network_graph
    qtbot.waitUntil(graph._plot.isVisible, timeout=2000)
    # the input image's caption names its size, and the pixel column's says what its black ticks are
    qtbot.waitUntil(lambda: any("black = ink" in t.toPlainText() for t in graph._texts), timeout=5000)
    texts = {t.toPlainText() for t in graph._texts}
    assert any("28×28" in t and "784" in t for t in texts), texts
    view = graph._plot
    rects = [(t.toPlainText(), _text_rect(t, view)) for t in graph._texts if t.toPlainText()]
    for text, rect in rects:
        assert QRectF(view.rect()).contains(rect), (text, rect, view.rect())
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            assert not ra.intersects(rb), (a, b)
    # the drawing (input image to output neurons) spans most of the panel's width
    drawing = graph._input_image.sceneBoundingRect().united(graph._neurons.sceneBoundingRect())
    assert drawing.width() >= 0.6 * view.width(), (drawing.width(), view.width())
