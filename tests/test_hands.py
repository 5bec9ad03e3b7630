"""The pad's path on digits that are not MNIST's: fonts rendered onto the pad's canvas, and small
drawings made with the pad's wide pen. Geometry and stroke width are asserted, never an accuracy."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from nnviz.engine.preprocess import center_of_mass, preprocess_digit
from nnviz.engine.datasets import load_sample
from nnviz.engine.stroke import MNIST_STROKE, MNIST_STROKE_RANGE, adjust_thickness, stroke_width
from nnviz.qt.font_digits import Rendering, digit_fonts, render_digit
from nnviz.qt.views.drawing_pad import CANVAS_SIZE, DigitPanel, DrawingCanvas, pad_preprocess


@pytest.fixture(scope="module")
def fonts(qapp):
    found = digit_fonts()
    if not found:
        pytest.skip("Qt finds no font that writes Latin digits")
    return found[:3]


def _through_pad(canvas, ink):
    canvas.show_digit(ink)
    return pad_preprocess(canvas.to_array())


def _ink_box(image, threshold=0.05):
    rows = np.flatnonzero(image.max(1) > threshold)
    cols = np.flatnonzero(image.max(0) > threshold)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


@pytest.mark.parametrize("height, slant, offset", [(32, 0, (-0.9, -0.9)), (96, 20, (0.9, 0.0)), (240, -15, (0, 0))])
def test_font_digits_come_out_centred_in_the_20_pixel_box(qtbot, fonts, height, slant, offset):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    for family in fonts:
        for digit in (0, 1, 4, 7):
            ink = render_digit(Rendering(family, digit, height, "font", slant, offset))
            out = _through_pad(canvas, ink)
            assert out.shape == (28, 28) and out.dtype == np.float32
            row, col = center_of_mass(out)
            assert abs(row - 14) <= 1 and abs(col - 14) <= 1, (family, digit)
            assert 19 <= max(_ink_box(out)) <= 22, (family, digit, _ink_box(out))


def test_where_the_digit_sits_on_the_pad_does_not_matter(qtbot, fonts):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    images = [_through_pad(canvas, render_digit(Rendering(fonts[0], 5, 96, "font", 0, offset)))
              for offset in ((-0.9, -0.9), (0, 0), (0.9, 0.9))]
    for image in images[1:]:
        assert np.abs(image - images[0]).max() < 0.2
        assert abs(image.sum() - images[0].sum()) < 0.02 * images[0].sum()


@pytest.mark.parametrize("stroke", ["thin", "heavy"])
def test_thin_and_heavy_font_strokes_reach_the_network_at_mnist_width(qtbot, fonts, stroke):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    for digit in (2, 3, 8):
        canvas.show_digit(render_digit(Rendering(fonts[0], digit, 240, stroke)))
        drawing = canvas.to_array()
        plain = stroke_width(pad_preprocess(drawing, normalise_stroke=False))
        normalised = stroke_width(pad_preprocess(drawing))
        assert _in_range(normalised, slack=0.2)
        assert not _in_range(plain)


def _in_range(width, slack=0.0):
    return MNIST_STROKE_RANGE[0] - slack <= width <= MNIST_STROKE_RANGE[1] + slack


def test_digits_with_typical_strokes_are_left_as_they_are():
    sample = load_sample()
    kept = 0
    for image in sample.x_test[:40].reshape(-1, 28, 28):
        big = np.kron(image, np.ones((10, 10)))  # as drawn on the 280-pixel pad
        plain = preprocess_digit(big)
        if _in_range(stroke_width(plain), slack=-0.2):
            kept += 1
            assert np.array_equal(preprocess_digit(big, stroke=MNIST_STROKE_RANGE), plain)
    assert kept >= 5


def test_a_single_width_is_a_target_not_a_range(qapp):
    line = np.zeros((200, 200))
    line[20:180, 99:101] = 1.0
    line[20:22, 60:101] = 1.0
    assert stroke_width(preprocess_digit(line, stroke=MNIST_STROKE)) == pytest.approx(MNIST_STROKE, abs=0.2)
    assert stroke_width(preprocess_digit(line, stroke=(2.9, 3.4))) == pytest.approx(2.9, abs=0.2)


def _mouse(widget, kind, x, y, buttons):
    pos = QPointF(x, y)
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_a_small_digit_drawn_with_the_pads_pen_is_not_a_blob(qtbot):
    """A 7 drawn a fifth of the pad high: the 22 px pen is then over a third of the digit's height,
    and without stroke normalisation its strokes reach the network far wider than MNIST's."""
    panel = DigitPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 620)
    panel.show()
    qtbot.waitExposed(panel)
    canvas = panel.canvas
    r = canvas._target_rect()
    corners = [(0.40, 0.40), (0.58, 0.40), (0.47, 0.60)]
    points = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:]):
        points += [(ax + (bx - ax) * t, ay + (by - ay) * t) for t in np.linspace(0, 1, 12)]
    left = Qt.MouseButton.LeftButton
    xy = [(r.x() + fx * r.width(), r.y() + fy * r.height()) for fx, fy in points]
    with qtbot.waitSignal(panel.input_changed, timeout=5000) as blocker:
        _mouse(canvas, QEvent.Type.MouseButtonPress, *xy[0], left)
        for x, y in xy[1:]:
            _mouse(canvas, QEvent.Type.MouseMove, x, y, left)
        _mouse(canvas, QEvent.Type.MouseButtonRelease, *xy[-1], Qt.MouseButton.NoButton)
    sent = blocker.args[0].reshape(28, 28)
    plain = stroke_width(preprocess_digit(canvas.to_array()))
    assert plain > MNIST_STROKE + 1.5  # the blob it would be
    # Thinning is capped at 1 output pixel a side (it must not erase a font's hairlines), so
    # a very heavy drawing comes out near, not at, MNIST's width.
    assert plain - stroke_width(sent) > 1.0
    assert _in_range(stroke_width(sent), slack=0.75)
    row, col = center_of_mass(sent)
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1


def test_stroke_width_estimate_on_drawn_bars():
    for width in (2, 4, 8):
        bar = np.zeros((100, 100))
        bar[10:90, 50 - width // 2 : 50 - width // 2 + width] = 1.0
        assert stroke_width(bar) == pytest.approx(width * 80 / (80 + width), rel=0.1)  # ends count as edge
    assert stroke_width(np.zeros((10, 10))) == 0.0


def test_adjust_thickness_widens_and_narrows_a_bar_by_twice_the_radius():
    bar = np.zeros((60, 60))
    bar[10:50, 26:34] = 1.0
    assert (adjust_thickness(bar, 2)[30] > 0.5).sum() == 12
    assert (adjust_thickness(bar, -2)[30] > 0.5).sum() == 4
    half = adjust_thickness(bar, 1.5)[30]
    assert half.sum() == pytest.approx(11.0)  # 8 + 2 full pixels + 2 half pixels
    assert np.array_equal(adjust_thickness(bar, 0), bar)


@pytest.mark.parametrize("stroke", [0.0, -1, 9, float("nan"), "wide", (3, 2), (1, 2, 3), (1, None), None])
def test_preprocess_refuses_absurd_stroke_widths(stroke):
    if stroke is None:
        assert preprocess_digit(np.eye(40), stroke=None).shape == (28, 28)
        return
    with pytest.raises(ValueError, match="stroke"):
        preprocess_digit(np.eye(40), stroke=stroke)


def test_font_digits_are_drawn_at_the_pads_canvas_size_and_height(fonts):
    ink = render_digit(Rendering(fonts[0], 3, height=100))
    assert ink.shape == (CANVAS_SIZE, CANVAS_SIZE)
    rows = np.flatnonzero(ink.max(1) > 0.5)
    assert abs((rows[-1] - rows[0] + 1) - 100) <= 2
    with pytest.raises(ValueError, match="does not fit"):
        render_digit(Rendering(fonts[0], 3, height=300))
