"""Views of the main window at common screen sizes (1400x900, 1280x720): captions whole, inside their
view and apart from each other, and the space of each panel used."""

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication, QScrollArea


def _text_rect(item, view) -> QRectF:
    """Where a caption's text (its box less the text item's margin) lies in ``view``'s pixels."""
    text = item.textItem if hasattr(item, "textItem") else item
    margin = text.document().documentMargin()
    box = text.boundingRect().adjusted(margin, margin, -margin, -margin)
    return view.viewportTransform().mapRect(text.mapRectToScene(box))


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


@pytest.mark.parametrize("hidden", [(16, 16), (32,)], ids=["16+16", "32"])
def test_weight_images_fit_the_panel_without_scrolling_or_touching_numbers(qtbot, sized_window, hidden):
    from nnviz.qt._settings import Architecture
    from nnviz.qt.views.weight_images import COLORBAR_LABELS, MIN_THUMB_PX

    window = sized_window
    if hidden != (16, 16):
        window.apply_architecture(Architecture(hidden, "relu", "cross-entropy"))
    window.docks["weight_images"].raise_()
    view = window.weight_images
    qtbot.waitUntil(view._plot.isVisible, timeout=2000)
    for layer in range(1, len(hidden) + 1):  # the first layer's weights, then the templates
        view._layer_box.setCurrentIndex(view._layer_box.findData(layer))
        qtbot.waitUntil(lambda: view._scroll.verticalScrollBar().maximum() == 0
                        and view._scroll.horizontalScrollBar().maximum() == 0, timeout=3000)
        plot = view._plot
        tiles = [plot.viewportTransform().mapRect(view._vb.mapViewToScene(QRectF(*view._cell_rect(layer, i)))
                                                  .boundingRect()) for i in range(hidden[layer - 1])]
        assert min(t.width() for t in tiles) >= MIN_THUMB_PX - 1
        for i, label in enumerate(view._labels[layer]):
            assert label.isVisible() and label.toPlainText() == str(i)
            rect = _text_rect(label, plot)
            assert QRectF(plot.rect()).contains(rect)
            assert not any(rect.intersects(tile) for tile in tiles), (i, rect, [t for t in tiles if rect.intersects(t)])
        axis = view._colorbar.axis
        assert axis.labelText in COLORBAR_LABELS[:-1]  # a caption, whole
        assert QRectF(plot.rect()).contains(_text_rect(axis.label, plot)), axis.labelText


def test_neuron_card_shows_everything_at_its_default_size(qtbot, window):
    with qtbot.waitSignal(window.epoch_shown, timeout=60000):
        window.step_epoch()
    window._show_test_digit(18, "test digit #18")
    window.open_neuron_card(2, 3)
    window.neuron_card.switch.click()  # the ablation's sentence and bars shown too
    dialog, card = window.neuron_dialog, window.neuron_card
    qtbot.waitUntil(lambda: card.after_heights().any() and "Largest terms" in card.sum_text(), timeout=10000)
    for _ in range(3):  # the layout requests the new texts posted, carried out (no time passes)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    scroll = dialog.findChild(QScrollArea, options=Qt.FindChildOption.FindDirectChildrenOnly)
    assert scroll.verticalScrollBar().maximum() == 0 and scroll.horizontalScrollBar().maximum() == 0
    bars = card._bars
    # the whole chart is in the dialog, down to its digit labels and the axis title under them
    shown = QRectF(dialog.rect())
    assert shown.contains(QRectF(bars.geometry().translated(bars.parentWidget().mapTo(dialog, bars.pos()) - bars.pos())))
    axis = bars.getAxis("bottom")
    assert axis.labelText == "true digit"
    assert QRectF(bars.rect()).contains(_text_rect(axis.label, bars))
    assert QRectF(bars.rect()).contains(bars.viewportTransform().mapRect(axis.sceneBoundingRect()))



def test_an_enlarged_weight_image_stays_enlarged_when_the_panel_is_resized(qtbot):
    from nnviz.engine.network import Network
    from nnviz.qt.views.weight_images import WeightImagesView

    view = WeightImagesView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(Network((784, 16, 10), seed=0).snapshot())
    view.enlarge(1, 5)
    view.resize(600, 300)
    qtbot.waitUntil(lambda: view._vb.width() > 400, timeout=3000)
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert view.enlarged_neuron() == (1, 5) and view._enlarged.isVisible() and not view.mosaic(1).isVisible()
    assert y1 - y0 < 32  # the one 28x28 picture fills the height, not the grid of 16
