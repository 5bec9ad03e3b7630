"""The Help menu's pages: "How to read this window" and the About box.

Both are plain rich text, so they read the same offline and in the bundle; neither blocks the window.
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import nnviz
from nnviz.desktop import icon_paths
from nnviz.qt.views import colors as _colors
from nnviz.qt._icon import app_icon

MNIST_CREDIT = (
    "The MNIST database of handwritten digits is by Y. LeCun, C. Cortes and C. J. C. Burges, "
    "licensed under CC BY-SA 3.0"
)
CC_BY_SA_URL = "https://creativecommons.org/licenses/by-sa/3.0/"


def _swatch(color: str) -> str:
    return f'<span style="color:{color}">&#9632;</span>'


def help_html() -> str:
    """The "How to read this window" page as rich text."""
    blue, red = _swatch(_colors.POSITIVE_HEX), _swatch(_colors.NEGATIVE_HEX)
    on, negative = _swatch(_colors.WINNER_HEX), _swatch("#6e46aa")
    return f"""
<h2>How to read this window</h2>
<p>A network of neurons looks at 28&times;28 pictures of handwritten digits and says which digit
it sees. Press <b>Start</b> (Space) and watch it learn; <b>Step</b> (N) trains one mini-batch;
<b>Reset</b> (Ctrl+R) starts again from random weights.</p>

<h3>The network graph</h3>
<p>Each circle is a neuron, arranged in columns: the input pixels on the left, then the hidden
layers, then the ten output neurons, one per digit. A neuron's fill shows how strongly it fires for
the digit on the drawing pad: white is off, {on} orange is strongly on, {negative} violet is
negative (only tanh, leaky ReLU and linear neurons can go below zero).</p>
<p>Each line is a weight. {blue} <b>Blue</b> lines are positive: when the neuron on the left fires,
they push the neuron on the right up. {red} <b>Red</b> lines are negative and push it down. Thicker,
darker lines are larger weights; weak lines are faded so the strong ones stand out. Click a neuron to
select it in the weight images too.</p>

<h3>The weight images</h3>
<p>A first-layer neuron has one weight per pixel, so its weights can be drawn as a 28&times;28
picture: blue pixels are where ink <i>raises</i> the neuron's activity, red pixels where ink
<i>lowers</i> it, white pixels do not matter. The picture is the pattern the neuron looks for.
Deeper neurons are shown through the layers before them, as the pixel pattern that would excite
them most directly. Click an image to enlarge it.</p>

<h3>The cost curve</h3>
<p>The cost measures how wrong the network is; training lowers it. The faint jagged line is the
cost of each mini-batch: it jumps because every batch holds different digits, and the dark line is
its moving average. After each epoch (one pass through all training digits) two points are added:
the mean training cost of that epoch and the cost on the test digits, which the network never
trains on; the lower plot shows the test accuracy. If the training cost keeps falling while the
test cost rises, the network has started to memorise its training digits instead of learning what
digits look like (overfitting).</p>

<h3>The drawing pad</h3>
<p>Draw a digit with the mouse. It is cropped, scaled and centred the way MNIST's digits were, and the
small preview shows exactly what the network sees. The bars show the ten output neurons: the
tallest one is the answer. <b>Random test digit</b> shows one from the test set; <b>Next
misclassified</b> finds a test digit the network gets wrong. Esc clears the pad.</p>

<h3>The confusion matrix</h3>
<p>After each epoch every test digit is counted in one cell: the row is the true digit, the column
is the network's answer. The diagonal holds the correct answers; a bright cell off the diagonal is
a mistake the network makes often, such as a 4 read as a 9. Numbers and colours are the % of the
row. Click a cell to see those test digits; click one to send it to the pad.</p>

<h3>Neurons, runs and replay</h3>
<p><b>Click a neuron</b> (in the graph or the weight images) to open its card: its picture, its sum
for the current input with every number, the test digits that excite it most and least, its
dream, how its picture grew epoch by epoch, and a switch that takes it out of the network to show
which digits need it. <b>Activation space</b> places every test digit by how a hidden layer fires
for it; <b>Saliency</b> shows where ink pushes the current answer up or down. Every new network
is a <b>run</b> in the run list: tick runs to compare their curves. The <b>timeline</b> at the
bottom takes every view back to any recorded moment of the current run; <b>Live</b> returns.</p>

<h2>Questions worth asking</h2>
<p>Experiments &gt; Lab (Ctrl+L) answers each question below by an experiment you watch: several
networks train side by side from the same seed, and the answer is stated with that run's numbers.</p>
<h3>Why hidden layers?</h3>
<p>With no hidden layer each output neuron can only add up pixels with one fixed template per
digit, and one template cannot cover every way of writing a 7. Hidden neurons first detect
pieces of strokes; later neurons combine those pieces. Try a network with no hidden layer
(784,10) against one with a hidden layer and compare the test accuracy.</p>

<h3>What does each hidden neuron learn?</h3>
<p>Look at its weight image. Few look like clean loops or edges: each is a blurry mix of blue and red
regions that happens to be useful together with the others. The network was never asked to learn
parts a person would name, only to lower the cost.</p>

<h3>Why several neurons?</h3>
<p>One neuron answers one question: "how much does this picture match my pattern?" Ten digits in
many handwritings need many such questions. With two hidden neurons the network squeezes every
digit into two numbers and many digits collide; with 16 or 32 there is room to tell them apart.
Change the layer sizes and watch the accuracy.</p>

<h3>What do activation functions add?</h3>
<p>Without them, a layer is a weighted sum, and a weighted sum of weighted sums is just another
weighted sum: any number of linear layers equals one. A bend such as ReLU (negative inputs become 0)
lets a neuron ignore what it does not care about, so layers can build "this stroke AND that
stroke" out of simpler parts. Choose "linear" and see the hidden layers stop helping.</p>

<h3>Why is it so confident on nonsense?</h3>
<p>The output layer always shares out 100% among the ten digits; there is no "this is not a digit"
answer. A scribble lands somewhere among the patterns it learned, and the nearest digit can get a
tall bar. The network only ever saw digits, so it has no idea what else might exist: a confident
answer is not the same as a correct one.</p>
"""


class HelpDialog(QDialog):
    """Non-modal window showing help_html(); the main window keeps it and raises it again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to read this window — nnviz")
        self.setWindowIcon(app_icon())
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(help_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 720)


_parentless_help: list[HelpDialog] = []  # keeps a parentless help window alive while it is shown


def show_help(parent: QWidget | None = None) -> HelpDialog:
    """Show the help page next to `parent` without blocking it; reuse the one already open."""
    dialog = parent.findChild(HelpDialog) if parent is not None else None
    if dialog is None and parent is None and _parentless_help:
        dialog = _parentless_help[0]
    if dialog is None:
        dialog = HelpDialog(parent)
        if parent is None:
            _parentless_help.append(dialog)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def about_html() -> str:
    """The About box text: version, licence, MNIST credit and the libraries nnviz is built on."""
    return f"""
<h3>nnviz {nnviz.__version__}</h3>
<p>Watch a small neural network learn to read handwritten digits, and look inside it.</p>
<p>nnviz is free software under the MIT licence.</p>
<p><b>Data.</b> {MNIST_CREDIT} (<a href="{CC_BY_SA_URL}">{CC_BY_SA_URL}</a>).
The sample of 5,000 MNIST digits bundled with nnviz is shared under the same licence.</p>
<p><b>Built with</b> NumPy, pyqtgraph and Qt for Python (PySide6 {pyside_version}, LGPLv3)
on Qt {qVersion()} and Python {platform.python_version()}.</p>
"""


def show_about(parent: QWidget | None = None) -> QMessageBox:
    """Open the About box over `parent` (window-modal, does not block the caller); return it."""
    box = QMessageBox(parent)
    box.setWindowTitle("About nnviz")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setIconPixmap(QPixmap(str(icon_paths().get(64, ""))))
    box.setWindowIcon(app_icon())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
