"""The cost curve: cost per mini-batch (raw and smoothed), per-epoch train/test cost and test accuracy.

The cost axis is logarithmic: costs fall by decades (2.3 -> 0.1), and compared runs' test costs would
lie flat along the bottom of a linear one. Points go into growing NumPy columns; each curve is created
once and gets one setData per update.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.qt.views import colors as _colors
from nnviz.qt.views._axis_ticks import fit_value_ticks, label_gap, log_bounds, log_ticks, padded_range

EMA_ALPHA = 0.03  # weight of the newest batch in the smoothed curve (about 1/33 batches)
_EMA_BLOCK = 256  # costs smoothed per matrix product; bounds the (block, block) weight matrix

RAW_COLOR = (150, 150, 150, 110)
SMOOTH_COLOR = "#1f4e9c"
TRAIN_COLOR = "#e67800"
TEST_COLOR = "#1b9e4b"
CUT_OFF_COLOR = "#8a1c1c"

#: The cost axis stops at the decade above this multiple of the first cost (or COST_AXIS_FLOOR, if
#: higher): a diverging run (costs of 1e+35) would otherwise squash the curve into the bottom decades
#: and give tick labels too wide for the axis. The plot then says how high the cost went.
COST_AXIS_FACTOR = 10.0
COST_AXIS_FLOOR = 10.0

_NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """Smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) that is >= value.

    Axis ends snap to these, so a growing curve changes the visible range only now and then.
    """
    if not value > 0 or not math.isfinite(value):
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    return next(s * scale for s in _NICE_STEPS if s * scale >= value * (1 - 1e-12))


def _ema_weights(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(decay (n,), weights (n, n)) with ema[k] = decay[k]·ema_before + weights[k] @ costs."""
    keep = 1.0 - EMA_ALPHA
    k = np.arange(n)
    lag = k[:, None] - k[None, :]
    weights = np.where(lag >= 0, EMA_ALPHA * keep ** np.maximum(lag, 0), 0.0)
    return keep ** (k + 1.0), weights


_DECAY, _WEIGHTS = _ema_weights(_EMA_BLOCK)


def exponential_average(costs: np.ndarray, before: float) -> np.ndarray:
    """ema[k] = (1 - a)·ema[k-1] + a·costs[k], ema[-1] = before, a = EMA_ALPHA, with no loop per cost."""
    out = np.empty(len(costs), np.float64)
    for start in range(0, len(costs), _EMA_BLOCK):
        chunk = costs[start : start + _EMA_BLOCK]
        n = len(chunk)
        out[start : start + n] = _DECAY[:n] * before + _WEIGHTS[:n, :n] @ chunk
        before = out[start + n - 1]
    return out


class _Columns:
    """Named 1-D NumPy columns of one length that double when full.

    Views handed out are never mutated afterwards: new rows go past their end, and growing or
    clearing allocates new arrays.
    """

    def __init__(self, capacity: int, **dtypes) -> None:
        self._dtypes = dtypes
        self._arrays = {name: np.empty(capacity, dtype) for name, dtype in dtypes.items()}
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name][: self.n]

    def extend(self, **values) -> None:
        count = len(next(iter(values.values())))
        need = self.n + count
        capacity = len(next(iter(self._arrays.values())))
        if need > capacity:
            capacity = max(need, 2 * capacity)
            for name, array in self._arrays.items():
                grown = np.empty(capacity, array.dtype)
                grown[: self.n] = array[: self.n]
                self._arrays[name] = grown
        for name, value in values.items():
            self._arrays[name][self.n : need] = value
        self.n = need

    def clear(self) -> None:
        self.n = 0
        capacity = len(next(iter(self._arrays.values())))
        self._arrays = {name: np.empty(capacity, dtype) for name, dtype in self._dtypes.items()}


def _legend_html() -> str:
    """One line (wrapping when narrow) naming each curve by its colour and marker."""

    def entry(color: str, mark: str, text: str) -> str:
        # non-breaking spaces: a narrow dock wraps between entries, never inside one
        text = text.replace(" ", "&nbsp;")
        return f'<span style="color:{color}; font-weight:bold">{mark}</span>&nbsp;{text}'

    raw = "#%02x%02x%02x" % RAW_COLOR[:3]
    return " &nbsp; ".join([
        entry(raw, "━", "cost of each mini-batch"),
        entry(SMOOTH_COLOR, "━", "smoothed"),
        entry(TRAIN_COLOR, "━●━", "training cost (epoch mean)"),
        entry(TEST_COLOR, "━■━", "test cost (end of epoch)"),
    ])


class CostCurveView(QWidget):
    """Two stacked plots sharing the x axis (training step): cost on top, test accuracy below.

    The visible range follows the data: it is set explicitly, at most once per update, and only
    when it has to grow. pyqtgraph's own auto-range would rescan every curve and repaint again
    after each setData. Zooming or panning by hand stops the following; the plot's "A" button
    resumes it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cost curve")
        self._title = QLabel(
            "<b>Learning progress</b> — the cost says how wrong the network is (lower is better)."
        )
        self._title.setWordWrap(True)
        # The legend sits above the plot, not on it: inside, it would cover the curves.
        self._legend = QLabel(_legend_html())
        self._legend.setWordWrap(True)
        self._legend.setMinimumWidth(120)  # its entries do not break: clip them rather than widen the window
        self._legend.setStyleSheet(f"color: {_colors.MUTED_TEXT}")
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(_colors.BACKGROUND)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._legend)
        layout.addWidget(self._plot, 1)

        axis_pen = pg.mkPen(_colors.FOREGROUND)
        self.cost_plot = self._plot.addPlot(row=0, col=0)
        self.accuracy_plot = self._plot.addPlot(row=1, col=0)
        self._plot.ci.layout.setRowStretchFactor(0, 3)
        self._plot.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.cost_plot, self.accuracy_plot):
            plot.showGrid(x=True, y=True, alpha=0.25)
            for name in ("left", "bottom"):
                plot.getAxis(name).enableAutoSIPrefix(False)
                plot.getAxis(name).setPen(axis_pen)
                plot.getAxis(name).setTextPen(axis_pen)
            plot.getAxis("left").setWidth(48)  # equal widths keep the two x axes aligned
            plot.setMenuEnabled(False)
        self.cost_plot.setLabel("left", "cost (log)")  # "(log scale)" is cut off on a short plot
        self.cost_plot.setLogMode(x=False, y=True)
        # the x axes are linked: the accuracy plot below numbers and names it for both, and the cost
        # plot keeps those two lines of height (at 1400x900 it is about 60 pixels high without them)
        self.cost_plot.getAxis("bottom").setStyle(showValues=False)
        self.accuracy_plot.setLabel("left", "test accuracy %")
        self.accuracy_plot.setLabel("bottom", "training step (mini-batches)")
        self.accuracy_plot.setXLink(self.cost_plot)
        self.cost_plot.setDownsampling(auto=True, mode="peak")
        self.cost_plot.setClipToView(True)
        self.cost_plot.disableAutoRange()
        self.accuracy_plot.disableAutoRange()

        self._raw_curve = self.cost_plot.plot(pen=pg.mkPen(RAW_COLOR, width=1), skipFiniteCheck=True)
        self._smooth_curve = self.cost_plot.plot(pen=pg.mkPen(SMOOTH_COLOR, width=2), skipFiniteCheck=True)
        self._train_curve = self.cost_plot.plot(
            pen=pg.mkPen(TRAIN_COLOR, width=2), symbol="o", symbolSize=7,
            symbolBrush=TRAIN_COLOR, symbolPen=None,
        )
        self._test_curve = self.cost_plot.plot(
            pen=pg.mkPen(TEST_COLOR, width=2), symbol="s", symbolSize=7,
            symbolBrush=TEST_COLOR, symbolPen=None,
        )
        self._accuracy_curve = self.accuracy_plot.plot(
            pen=pg.mkPen(TEST_COLOR, width=2), symbol="s", symbolSize=7,
            symbolBrush=TEST_COLOR, symbolPen=None,
        )

        self.accuracy_plot.setTitle(
            "Test accuracy (after each epoch)", color=_colors.FOREGROUND, size="10pt"
        )
        # The replayed moment: one dashed line per plot, made once, then moved or hidden.
        marker_pen = pg.mkPen(_colors.FOREGROUND, width=1, style=Qt.PenStyle.DashLine)
        self._replay_lines = (
            pg.InfiniteLine(angle=90, movable=False, pen=marker_pen, label="replay",
                            labelOpts={"position": 0.92, "color": _colors.FOREGROUND, "anchors": [(0, 0.5), (0, 0.5)]}),
            pg.InfiniteLine(angle=90, movable=False, pen=marker_pen),
        )
        for plot, line in zip((self.cost_plot, self.accuracy_plot), self._replay_lines):
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
        # every mini-batch as received (for the CSV), finite ones as drawn, and the epochs
        self._batches = _Columns(4096, step=np.int64, epoch=np.int64, cost=np.float64)
        self._drawn = _Columns(4096, step=np.float64, cost=np.float64, smooth=np.float64)
        self._epochs = _Columns(64, step=np.float64, epoch=np.int64, train=np.float64,
                                test=np.float64, accuracy=np.float64, batches_before=np.int64)
        self._ema = 0.0
        self._cost_top = 0.0  # highest smoothed or per-epoch cost so far
        self._cost_low = math.inf  # lowest positive smoothed or per-epoch cost so far
        self._compared_costs: tuple[float, float] | None = None  # lowest and highest of the compared runs
        self._cost_peak = 0.0  # highest finite cost of any kind, raw mini-batches included
        self._cost_cap = math.inf  # the cost axis never goes higher (set by the first cost)
        self._cut_off: str | None = None  # the note shown while the cost is above the axis
        self._shown_range: tuple | None = None
        self._follow = True
        self._coalesce = False
        self._dirty: set[str] = set()  # "batches", "epochs": added but not drawn yet
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self._redraw)
        self.cost_plot.vb.sigRangeChangedManually.connect(self._stop_following)
        self.accuracy_plot.vb.sigRangeChangedManually.connect(self._stop_following)
        self.cost_plot.vb.sigStateChanged.connect(self._on_view_state)
        # fewer labels on a short plot: on a squeezed window they would overlap
        self._cost_ticks: list | None = None
        for signal in (self.cost_plot.vb.sigResized, self.cost_plot.vb.sigYRangeChanged):
            signal.connect(self._fit_cost_ticks)
        for signal in (self.accuracy_plot.vb.sigResized, self.accuracy_plot.vb.sigYRangeChanged):
            signal.connect(lambda *_args: fit_value_ticks(self.accuracy_plot))
        for plot in (self.cost_plot, self.accuracy_plot):
            plot.vb.sigResized.connect(self._on_resized)
        self._apply_range()

    # ------------------------------------------------------------------ public API
    def add_batches(self, stats: list) -> None:
        """Append BatchStats (step, epoch, cost, ...) in step order; non-finite costs are not drawn."""
        if not stats:
            return
        steps = np.fromiter((s.step for s in stats), np.int64, len(stats))
        epochs = np.fromiter((s.epoch for s in stats), np.int64, len(stats))
        costs = np.fromiter((s.cost for s in stats), np.float64, len(stats))
        self._batches.extend(step=steps, epoch=epochs, cost=costs)
        ok = np.isfinite(costs)
        if not ok.any():
            return
        steps, costs = steps[ok], costs[ok]
        if not len(self._drawn):
            self._cost_cap = nice_ceiling(max(COST_AXIS_FACTOR * float(costs[0]), COST_AXIS_FLOOR))
        self._cost_peak = max(self._cost_peak, float(costs.max()))
        ema = exponential_average(costs, self._ema)
        self._ema = float(ema[-1])
        # Bias correction (as in Adam): the average starts at the first cost, not at zero.
        seen = len(self._drawn) + np.arange(1, len(costs) + 1)
        smooth = ema / -np.expm1(seen * math.log1p(-EMA_ALPHA))
        # a log axis has no 0: a cost of exactly 0 is drawn at the bottom of any axis instead
        self._drawn.extend(step=steps, cost=np.maximum(costs, 1e-12), smooth=np.maximum(smooth, 1e-12))
        self._cost_top = max(self._cost_top, float(smooth.max()))
        positive = smooth[smooth > 0]
        if positive.size:
            self._cost_low = min(self._cost_low, float(positive.min()))
        self._dirty.add("batches")
        self._changed()

    def add_epoch(self, stats) -> None:
        """Append one EpochStats: epoch-mean training cost, test cost and test accuracy."""
        step = float(self._batches["step"][-1]) if len(self._batches) else 0.0
        self._epochs.extend(step=[step], epoch=[int(stats.epoch)], train=[float(stats.train_cost)],
                            test=[float(stats.test_cost)], accuracy=[float(stats.test_accuracy)],
                            batches_before=[len(self._batches)])
        finite = [c for c in (stats.train_cost, stats.test_cost) if math.isfinite(c)]
        self._cost_top = max([self._cost_top, *finite])
        self._cost_low = min([self._cost_low, *(c for c in finite if c > 0)])
        self._cost_peak = max([self._cost_peak, *finite])
        self._dirty.add("epochs")
        self._changed()

    @property
    def coalesce(self) -> bool:
        """True (the main window): additions made in one event-loop turn (a delivery of several epochs
        and batch lists) are drawn once, at the end of the turn. False (the default): drawn at once."""
        return self._coalesce

    @coalesce.setter
    def coalesce(self, on: bool) -> None:
        self._coalesce = bool(on)
        if not on and self._redraw_timer.isActive():
            self._redraw()  # what waits is drawn now

    def _changed(self) -> None:
        if self._coalesce:
            if not self._redraw_timer.isActive():
                self._redraw_timer.start()
        else:
            self._redraw()

    def _redraw(self) -> None:
        """Draw what was added since the last redraw: one setData per curve, one range update."""
        self._redraw_timer.stop()
        dirty, self._dirty = self._dirty, set()
        if "batches" in dirty:
            self._raw_curve.setData(self._drawn["step"], self._drawn["cost"])
            self._smooth_curve.setData(self._drawn["step"], self._drawn["smooth"])
        e = self._epochs
        if "epochs" in dirty and len(e):
            self._train_curve.setData(e["step"], e["train"])
            self._test_curve.setData(e["step"], e["test"])
            self._accuracy_curve.setData(e["step"], 100.0 * e["accuracy"])
            self._title_accuracy(self.replay_step())
        if dirty:
            self._apply_range()

    def clear(self) -> None:
        """Forget every point (e.g. after the network is reset)."""
        self._redraw_timer.stop()
        self._dirty = set()
        for columns in (self._batches, self._drawn, self._epochs):
            columns.clear()
        for curve in (self._raw_curve, self._smooth_curve, self._train_curve, self._test_curve,
                      self._accuracy_curve):
            curve.setData([], [])
        self.accuracy_plot.setTitle(
            "Test accuracy (after each epoch)", color=_colors.FOREGROUND, size="10pt"
        )
        self._ema, self._cost_top, self._cost_peak, self._cost_cap = 0.0, 0.0, 0.0, math.inf
        self._cost_low = math.inf
        self._show_cut_off(False)
        self.show_replay_step(None)
        self._follow = True
        self._apply_range()

    def show_replay_step(self, step: float | None) -> None:
        """Mark the training step being replayed on both plots; None (live) hides the mark. The
        accuracy title follows: the last result at that moment, not the live one."""
        for line in self._replay_lines:
            if step is not None:
                line.setValue(float(step))
            line.setVisible(step is not None)
        self._title_accuracy(step)

    def _title_accuracy(self, replayed: float | None = None) -> None:
        """Title the accuracy plot with the latest result, or the latest at the ``replayed`` step."""
        e = self._epochs
        n = len(e) if replayed is None else int(np.searchsorted(e["step"], replayed, side="right"))
        if n:
            title = f"Test accuracy after epoch {e['epoch'][n - 1]}: {100.0 * e['accuracy'][n - 1]:.1f}%"
            if replayed is not None:
                title += " (replay)"
        elif replayed is not None and len(e):
            title = "Test accuracy: none yet at the replayed moment"
        else:
            title = "Test accuracy (after each epoch)"
        self.accuracy_plot.setTitle(title, color=_colors.FOREGROUND, size="10pt")

    def replay_step(self) -> float | None:
        """The step marked as replayed, or None while live."""
        line = self._replay_lines[0]
        return float(line.value()) if line.isVisible() else None

    def history_rows(self) -> list[dict]:
        """Every point as a dict: kind ("batch"/"epoch"), step, epoch, cost, test_cost, test_accuracy.

        Built from the columns when asked (for the CSV export), not kept as dicts while training.
        """
        b, e = self._batches, self._epochs
        batch_rows = [{"kind": "batch", "step": s, "epoch": ep, "cost": c, "test_cost": None,
                       "test_accuracy": None}
                      for s, ep, c in zip(b["step"].tolist(), b["epoch"].tolist(), b["cost"].tolist())]
        epoch_rows = [{"kind": "epoch", "step": int(s), "epoch": ep, "cost": tr, "test_cost": te,
                       "test_accuracy": acc}
                      for s, ep, tr, te, acc in zip(e["step"].tolist(), e["epoch"].tolist(),
                                                    e["train"].tolist(), e["test"].tolist(),
                                                    e["accuracy"].tolist())]
        rows: list[dict] = []
        done = 0
        for before, row in zip(e["batches_before"].tolist(), epoch_rows):
            rows.extend(batch_rows[done:before])
            rows.append(row)
            done = before
        rows.extend(batch_rows[done:])
        return rows

    def batch_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, costs) of every finite mini-batch cost given to the raw curve."""
        return self._drawn["step"], self._drawn["cost"]

    def smoothed_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, smoothed costs) given to the smoothed curve."""
        return self._drawn["step"], self._drawn["smooth"]

    def epoch_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per-epoch points: "train", "test" (cost) and "accuracy" (percent)."""
        e = self._epochs
        return {"train": (e["step"], e["train"]), "test": (e["step"], e["test"]),
                "accuracy": (e["step"], 100.0 * e["accuracy"])}

    def cut_off_text(self) -> str:
        """The note above the cost plot when the cost went off its top ("" otherwise)."""
        return self._cut_off or ""

    def is_following(self) -> bool:
        """True while the visible range grows with the data (not zoomed or panned by hand)."""
        return self._follow

    # ------------------------------------------------------------------ visible range
    def _target_range(self) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
        last = float(self._drawn["step"][-1]) if len(self._drawn) else 0.0
        if len(self._epochs):
            last = max(last, float(self._epochs["step"][-1]))
        x = (0.0, nice_ceiling(max(last * 1.02, 10.0)))
        y = self._cost_decades()
        accuracy = 100.0 * self._epochs["accuracy"]
        accuracy = accuracy[np.isfinite(accuracy)]
        low = 10.0 * math.floor((float(accuracy.min()) - 2.0) / 10.0) if len(accuracy) else 0.0
        return x, y, (max(0.0, low), 100.0)

    def _cost_decades(self) -> tuple[float, float]:
        """The cost axis in decades (log10 of the cost): 1-2-5 bounds around the smoothed curve, the epoch
        points and the compared runs' points (raw spikes may reach past them), never above the cap."""
        top, low = self._cost_top, min(self._cost_low, self._cost_top)
        if self._compared_costs is not None:
            top, low = max(top, self._compared_costs[1]), min(low, self._compared_costs[0])
        if not top > 0:
            return -1.0, 1.0
        return log_bounds(low, min(top * 1.1, self._cost_cap))

    def show_compared_costs(self, costs: np.ndarray) -> None:
        """Fit the cost axis to these costs too (the compared runs drawn over the live curves)."""
        costs = np.asarray(costs, np.float64)
        costs = costs[np.isfinite(costs) & (costs > 0)]
        bounds = (float(costs.min()), float(costs.max())) if costs.size else None
        if bounds != self._compared_costs:
            self._compared_costs = bounds
            self._apply_range()

    def _apply_range(self) -> None:
        self._show_cut_off(self._cost_top > 10.0 ** self._cost_decades()[1])
        if not self._follow:
            return
        heights = (round(self.cost_plot.vb.height()), round(self.accuracy_plot.vb.height()))
        target = (self._target_range(), heights)
        if target == self._shown_range:
            return
        self._shown_range = target
        x, y, accuracy = target[0]
        self.cost_plot.vb.setRange(xRange=x, yRange=padded_range(self.cost_plot, y), padding=0.0)
        self.accuracy_plot.vb.setRange(yRange=padded_range(self.accuracy_plot, accuracy), padding=0.0)

    def _fit_cost_ticks(self, *_args) -> None:
        """Log ticks for the cost axis's visible decades, as many labels as its height allows."""
        vb = self.cost_plot.vb
        y0, y1 = vb.viewRange()[1]
        if not (y1 > y0 and math.isfinite(y0) and math.isfinite(y1)):
            return
        axis = self.cost_plot.getAxis("left")
        ticks = log_ticks((y0, y1), vb.height() / (y1 - y0), label_gap(axis))
        if ticks != self._cost_ticks:
            self._cost_ticks = ticks
            axis.setTicks(ticks)

    def _on_resized(self) -> None:
        if self._follow:
            self._apply_range()  # the room for the end labels depends on the height

    def _show_cut_off(self, cut: bool) -> None:
        # The plot's title row exists only while needed: no empty line above a normal curve.
        text = f"The cost went off the plot: up to {self._cost_peak:.3g}" if cut else None
        if text == self._cut_off:
            return
        self._cut_off = text
        if text is None:
            self.cost_plot.setTitle(None)
        else:
            self.cost_plot.setTitle(text, color=CUT_OFF_COLOR, size="10pt")

    def _stop_following(self, *_args) -> None:
        self._follow = False

    def _on_view_state(self, viewbox) -> None:
        # The "A" button turns pyqtgraph's auto-range on: follow the data again instead.
        if any(viewbox.state["autoRange"]):
            viewbox.disableAutoRange()
            self._follow = True
            self._shown_range = None
            self._apply_range()
