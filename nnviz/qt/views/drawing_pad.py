"""The digit panel: a drawing pad, the 28x28 image the network sees, and its 10 output activations.

Drawings go through the engine's preprocess_digit (MNIST-style centring and scaling), never GUI maths.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.preprocess import preprocess_digit
from nnviz.engine.stroke import MNIST_STROKE_RANGE
from nnviz.qt.views import colors as _colors
from nnviz.qt.views._steady_label import SteadyLabel

_NUMBER_SPACE = re.compile(r" (?=#?\d)")  # a space before a number ("label 3", "digit #17")

CANVAS_SIZE = 280  # pixels of the internal drawing, 10x the network's 28x28 input
PEN_WIDTH = 22.0  # about MNIST's stroke width once the digit is scaled to 20x20
THROTTLE_MS = 50  # at most one input_changed per this many ms while drawing
PREVIEW_SIZE = 84  # 3 screen pixels per input pixel: small enough for a 600 px tall window
DRAW_PROMPT = "Draw a digit to see what the network says."
BLANK_ANSWER = "Blank: it still says {name} ({confidence}) — it must always pick one."
#: Smallest side of the drawing surface, in pixels.
MIN_CANVAS = 200
NOT_NUMBERS = "The network's outputs are not numbers (training diverged) — press Reset."
#: Output bars (0 to 1) that would move less than this are not redrawn: under a pixel of the plot.
BAR_STEP = 0.003


def pad_preprocess(drawing: np.ndarray, normalise_stroke: bool = True) -> np.ndarray:
    """The pad's drawing (see DrawingCanvas.to_array) as the network's (28, 28) input.

    MNIST's crop, scale and centring, with strokes brought into the middle half of MNIST's widths
    (a pen that is wide for a small digit, or thin for a big one); python -m nnviz.qt.bench_hands
    measures both ways on digits from the installed fonts.
    """
    return preprocess_digit(drawing, stroke=MNIST_STROKE_RANGE if normalise_stroke else None)


class DrawingCanvas(QWidget):
    """A square drawing surface: black round-capped anti-aliased strokes on white, with undo.

    Strokes are kept as point lists so undo can replay them; the drawing is a QImage of
    CANVAS_SIZE x CANVAS_SIZE pixels, shown scaled to the widget.
    """

    stroke_moved = Signal()  # ink was added while a stroke is in progress
    stroke_finished = Signal()  # the pen or mouse button was released

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit here with the mouse or a pen")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(255)
        self._background: QImage | None = None  # a shown digit, replaced when drawing starts
        self.strokes: list[list[tuple[float, float, float]]] = []  # (x, y, pressure)
        self._drawing = False

    # ------------------------------------------------------------------ state
    def to_array(self) -> np.ndarray:
        """The drawing as (CANVAS_SIZE, CANVAS_SIZE) float32, ink = 1, paper = 0."""
        ptr = self._image.constBits()
        rows = np.frombuffer(ptr, np.uint8).reshape(CANVAS_SIZE, self._image.bytesPerLine())
        return (255.0 - rows[:, :CANVAS_SIZE].astype(np.float32)) / 255.0

    def is_blank(self) -> bool:
        """True when nothing is drawn or shown."""
        return not self.strokes and self._background is None

    def clear(self) -> None:
        """Erase every stroke and any shown digit."""
        self.strokes = []
        self._background = None
        self._redraw()

    def undo(self) -> None:
        """Remove the last stroke."""
        if self.strokes:
            self.strokes.pop()
            self._redraw()

    def show_digit(self, image: np.ndarray) -> None:
        """Show a (h, w) image with values 0..1 (ink = 1) as the drawing, replacing strokes."""
        pixels = np.ascontiguousarray(255 - np.clip(image, 0, 1) * 255, dtype=np.uint8)
        h, w = pixels.shape
        small = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self._background = small.scaled(
            CANVAS_SIZE, CANVAS_SIZE, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        ).convertToFormat(QImage.Format.Format_Grayscale8)  # to_array reads one byte per pixel
        self.strokes = []
        self._redraw()

    # ------------------------------------------------------------------ painting
    def _target_rect(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos: QPointF) -> tuple[float, float]:
        r = self._target_rect()
        scale = CANVAS_SIZE / r.width()
        return ((pos.x() - r.x()) * scale, (pos.y() - r.y()) * scale)

    def _pen(self, pressure: float) -> QPen:
        pen = QPen(QColor(0, 0, 0), PEN_WIDTH * (0.5 + 0.7 * pressure))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def _paint_segment(self, a, b) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen(b[2]))
        painter.drawLine(QPointF(a[0], a[1]), QPointF(b[0], b[1]))
        painter.end()

    def _redraw(self) -> None:
        if self._background is not None:
            self._image = self._background.copy()
        else:
            self._image.fill(255)
        for stroke in self.strokes:
            for a, b in zip(stroke, stroke[1:] or stroke):
                self._paint_segment(a, b)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        r = self._target_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(r, self._image)
        painter.setPen(QPen(QColor("#909090"), 1))
        painter.drawRect(r.adjusted(0, 0, -1, -1))
        if self.is_blank():
            painter.setPen(QColor("#a0a0a0"))
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        painter.end()

    # ------------------------------------------------------------------ input
    def _begin(self, pos: QPointF, pressure: float) -> None:
        if self._background is not None:
            self._background = None  # drawing over a shown test digit starts a fresh drawing
            self._redraw()
        x, y = self._to_canvas(pos)
        self.strokes.append([(x, y, pressure)])
        self._drawing = True
        self._paint_segment((x, y, pressure), (x, y, pressure))
        self.update()
        self.stroke_moved.emit()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if not self._drawing:
            return
        x, y = self._to_canvas(pos)
        stroke = self.strokes[-1]
        self._paint_segment(stroke[-1], (x, y, pressure))
        stroke.append((x, y, pressure))
        self.update()
        self.stroke_moved.emit()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.stroke_finished.emit()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 0.5)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._end()

    def tabletEvent(self, event) -> None:  # noqa: N802
        # Pen pressure widens the stroke; accepting stops Qt from also sending mouse events.
        kind = event.type()
        pressure = float(event.pressure())
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()


class DigitPanel(QWidget):
    """Drawing pad, "what the network sees" preview, output bar chart and test-digit buttons."""

    input_changed = Signal(object)  # np.ndarray (784,) float32, preprocessed; throttled while drawing
    random_test_digit_requested = Signal()
    next_misclassified_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drawing pad")
        self.canvas = DrawingCanvas()
        self.canvas.stroke_moved.connect(self._on_stroke_moved)
        self.canvas.stroke_finished.connect(self._on_stroke_finished)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self._emit_input)

        title = QLabel("<b>Draw a digit</b> — the network reads it as you draw.")
        title.setWordWrap(True)
        self._undo_button = QPushButton("Undo")
        self._undo_button.setToolTip("Remove the last stroke")
        self._undo_button.clicked.connect(self.undo)
        self._clear_button = QPushButton("Clear")
        self._clear_button.setToolTip("Erase the drawing")
        self._clear_button.clicked.connect(self.clear)
        self._random_button = QPushButton("Random test digit")
        self._random_button.setToolTip("Show a random digit from the test set")
        self._random_button.clicked.connect(self.random_test_digit_requested)
        self._misclassified_button = QPushButton("Next misclassified")
        self._misclassified_button.setToolTip("Show the next test digit the network gets wrong")
        self._misclassified_button.clicked.connect(self.next_misclassified_requested)
        self._noise_button = QPushButton("Random noise")
        self._noise_button.setToolTip("Every pixel random: see how sure the network is about nonsense")
        self._noise_button.clicked.connect(self.show_noise)
        self._blank_button = QPushButton("Blank")
        self._blank_button.setToolTip("An empty image: the network still has to pick a digit")
        self._blank_button.clicked.connect(self.clear)
        self._noise_rng = np.random.default_rng()

        self._preview = QLabel()
        self._preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self._preview.setToolTip(
            "The 28×28 image the network actually receives: your drawing cropped, scaled to fit "
            "20×20 pixels and centred by its centre of mass, as MNIST digits were prepared."
        )
        preview_title = QLabel("The network\nsees (28×28)")
        preview_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._caption = QLabel("your drawing")
        self._caption.setWordWrap(True)
        self._caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._caption.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
        side = QVBoxLayout()
        side.addWidget(preview_title)
        side.addWidget(self._preview, 0, Qt.AlignmentFlag.AlignHCenter)
        side.addWidget(self._caption)
        side.addStretch(1)

        # A new answer at every redraw while training: a SteadyLabel repaints without a relayout.
        self._winner = SteadyLabel(DRAW_PROMPT, grow=False)
        font = QFont(self._winner.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self._winner.setFont(font)
        self._winner.label.setWordWrap(True)  # a narrow pad wraps the sentence instead of widening the window
        # Room for two lines always, so the bars below do not jump when the answer wraps.
        self._winner.setFixedHeight(2 * self._winner.fontMetrics().lineSpacing() + 4)
        self._winner.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._bars_plot = pg.PlotWidget(background=_colors.BACKGROUND)
        self._bars_plot.setMenuEnabled(False)
        self._bars_plot.setMouseEnabled(False, False)
        self._bars_plot.hideButtons()
        self._bars_plot.setYRange(0.0, 1.12, padding=0.0)  # room above the top tick for its label
        self._bars_plot.setLabel("left", "activation")
        self._bars_plot.setLabel("bottom", "digit")
        self._bars_plot.setToolTip(
            "How strongly each output neuron fires: the tallest bar is the network's answer."
        )
        for name in ("left", "bottom"):
            axis = self._bars_plot.getAxis(name)
            # The axes never change while the bars move: a pixmap, not their texts drawn anew at every frame.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(_colors.FOREGROUND))
            axis.setTextPen(pg.mkPen(_colors.FOREGROUND))
        # Three ticks: six crowd the short axis and the top one is cut off at the plot's edge.
        self._bars_plot.getAxis("left").setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
        self._bars_plot.setMinimumHeight(100)  # the axis title and three ticks stay readable
        self._bar_brush = pg.mkBrush(_colors.BAR_HEX)
        self._winner_brush = pg.mkBrush(_colors.WINNER_HEX)
        self._class_names: tuple[str, ...] = ()
        self._bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7,
                                     brushes=[self._bar_brush] * 10, pen=None)
        self._bars_plot.addItem(self._bars)
        self._drawn_winner = -1  # the bar drawn in the winner's colour
        self._set_class_names(tuple(str(i) for i in range(10)))

        top = QHBoxLayout()
        top.addWidget(self.canvas, 1)
        top.addLayout(side)
        buttons = QGridLayout()
        buttons.addWidget(self._undo_button, 0, 0)
        buttons.addWidget(self._clear_button, 0, 1)
        buttons.addWidget(self._random_button, 1, 0)
        buttons.addWidget(self._misclassified_button, 1, 1)
        buttons.addWidget(self._noise_button, 2, 0)
        buttons.addWidget(self._blank_button, 2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addLayout(top, 3)
        layout.addLayout(buttons)
        layout.addWidget(self._winner)
        layout.addWidget(self._bars_plot, 2)

        self._preview_image = np.zeros((28, 28), np.float32)
        self._outputs = np.zeros(10, np.float32)
        self._set_preview(self._preview_image)

    # ------------------------------------------------------------------ public API
    def show_outputs(self, outputs: np.ndarray, class_names) -> None:
        """Show (k,) output activations as bars and name the winner (none when they are not numbers)."""
        outputs = np.asarray(outputs, dtype=np.float32).reshape(-1)
        names = tuple(str(c) for c in class_names)
        if names != self._class_names or len(outputs) != len(self._outputs):
            self._set_class_names(names)
        brushes = [self._bar_brush] * len(outputs)
        if not np.isfinite(outputs).all():
            # A diverged network: argmax of NaNs is 0, which is no answer at all.
            self._outputs = np.zeros(len(outputs), np.float32)
            self._drawn_winner = -1
            self._bars.setOpts(x=np.arange(len(outputs)), height=self._outputs, brushes=brushes)
            self._winner.setText(NOT_NUMBERS)
            return
        self._outputs = outputs.copy()
        best = int(np.argmax(outputs))
        brushes[best] = self._winner_brush
        drawn = self._bars.opts["height"]
        # At every frame while training: bars that would move less than a pixel are not redrawn.
        if (best != self._drawn_winner or len(drawn) != len(outputs)
                or float(np.max(np.abs(np.asarray(drawn) - outputs))) >= BAR_STEP):
            self._drawn_winner = best
            self._bars.setOpts(x=np.arange(len(outputs)), height=self._outputs, brushes=brushes)
        name = names[best] if best < len(names) else str(best)
        if abs(float(outputs.sum()) - 1.0) < 1e-3:
            confidence = f"{100 * outputs[best]:.0f}% sure"
        else:
            confidence = f"activation {outputs[best]:.2f}"
        if self.canvas.is_blank():
            # The network has no "nothing" answer: saying so is one of the lessons of the pad.
            self._winner.setText(BLANK_ANSWER.format(name=name, confidence=confidence))
            return
        self._winner.setText(f"The network says: {name} ({confidence})")

    def clear_outputs(self) -> None:
        """No bars and no answer: nothing has gone through the current network yet."""
        self._outputs = np.zeros(len(self._outputs), np.float32)
        self._drawn_winner = -1
        self._bars.setOpts(x=np.arange(len(self._outputs)), height=self._outputs,
                           brushes=[self._bar_brush] * len(self._outputs))
        self._winner.setText(DRAW_PROMPT)

    def show_input(self, image784: np.ndarray, caption: str) -> None:
        """Show a given (784,) image (e.g. a test digit) in the pad and preview.

        Display only: it does not emit input_changed, the caller sends the image through the network.
        """
        vec = np.asarray(image784, dtype=np.float32).reshape(-1).copy()
        side = int(round(np.sqrt(vec.size)))
        self._throttle.stop()
        self.canvas.show_digit(vec.reshape(side, side))
        # "label 3" must not wrap into "label" and a lone "3" under it: the space before a number is
        # a non-breaking one, whichever caller built the caption.
        self._caption.setText(_NUMBER_SPACE.sub("\u00a0", caption))
        self._set_preview(vec.reshape(side, side))

    def show_noise(self) -> None:
        """A random image (every pixel uniform in 0..1) as the input; emits input_changed."""
        image = self._noise_rng.random((28, 28), dtype=np.float32)
        self.show_input(image.reshape(-1), "random noise: no digit at all")
        self.input_changed.emit(image.reshape(-1).copy())

    def clear(self) -> None:
        """Erase the drawing; emits input_changed with a blank image."""
        self.canvas.clear()
        self._emit_input()

    def undo(self) -> None:
        """Remove the last stroke; emits input_changed."""
        self.canvas.undo()
        self._emit_input()

    def preview_image(self) -> np.ndarray:
        """(28, 28) image currently shown as "what the network sees"."""
        return self._preview_image.copy()

    def bar_heights(self) -> np.ndarray:
        """Heights of the output bars: the latest outputs (the bars drawn are within BAR_STEP of them)."""
        return self._outputs.copy()

    def winner_text(self) -> str:
        """The sentence naming the network's answer."""
        return self._winner.text()

    def caption_text(self) -> str:
        """Where the shown input came from ("your drawing", "test digit #17, label 3", ...), plain spaces."""
        return self._caption.text().replace("\u00a0", " ")

    # ------------------------------------------------------------------ internals
    def _set_class_names(self, names: tuple[str, ...]) -> None:
        self._class_names = names
        digits = all(n.isdigit() for n in names)
        # Long names ("T-shirt/top", "Ankle boot") would run into each other under narrow bars:
        # the bars get numbers and the tooltip the key; the sentence above names the winner.
        short = all(len(n) <= 3 for n in names)
        labels = names if short else tuple(str(i) for i in range(len(names)))
        self._bars_plot.getAxis("bottom").setTicks([list(enumerate(labels))])
        self._bars_plot.setXRange(-0.6, len(names) - 0.4, padding=0)
        self._bars_plot.setLabel("bottom", "digit" if digits else ("class" if short else "class number"))
        key = "" if short else "<br>" + "<br>".join(f"{i}: {n}" for i, n in enumerate(names))
        self._bars_plot.setToolTip(
            "How strongly each output neuron fires: the tallest bar is the network's answer." + key
        )

    def _set_preview(self, image: np.ndarray) -> None:
        self._preview_image = np.asarray(image, dtype=np.float32)
        pixels = np.ascontiguousarray(255 - np.clip(image, 0, 1) * 255, dtype=np.uint8)
        h, w = pixels.shape
        qimage = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self._preview.setPixmap(
            QPixmap.fromImage(qimage).scaled(
                PREVIEW_SIZE, PREVIEW_SIZE, Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )

    def _on_stroke_moved(self) -> None:
        self._caption.setText("your drawing")
        if not self._throttle.isActive():
            self._throttle.start()

    def _on_stroke_finished(self) -> None:
        self._throttle.stop()
        self._emit_input()

    def _emit_input(self) -> None:
        if self.canvas.is_blank():
            image = np.zeros((28, 28), np.float32)
            self._caption.setText("your drawing")
        else:
            image = np.asarray(pad_preprocess(self.canvas.to_array()), dtype=np.float32)
        self._set_preview(image)
        self.input_changed.emit(image.reshape(-1).copy())
