"""The Lab's five experiments (depth, width, linear, shuffle, noise): what each trains, what it
measures after training, and its answer in plain words written from the numbers of the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from nnviz.engine import lab_probes
from nnviz.engine.activations import activation_label
from nnviz.engine.dataset import Dataset
from nnviz.engine.lab import EpochRecord, LabError, LabResult, Plan, RunResult, RunSpec
from nnviz.engine.network import MAX_LAYER_SIZE
from nnviz.engine.trainer import TrainConfig

__all__ = ["Experiment", "EXPERIMENTS", "NAMES", "make_plan", "finish", "answer", "run_experiment",
           "parse_widths", "DEFAULT_WIDTHS", "SHUFFLE_RATES", "partial_results", "noise_answer"]

DEFAULT_WIDTHS = (1, 2, 4, 8, 16, 32, 64)
SHUFFLE_RATES = (0.0, 0.5, 1.0)
SHUFFLE_SUBSET = 5000
SHUFFLE_HIDDEN = 256
SHUFFLE_LEARNING_RATE = 0.001


@dataclass(frozen=True)
class Experiment:
    name: str
    question: str  # the learner's question, in the learner's words
    title: str  # what the experiment does, in a few words
    default_epochs: int


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    Experiment("depth", "Couldn't every pixel connect straight to the outputs, with no hidden layer?",
               "784-10 against one and two hidden layers of 16", 5),
    Experiment("width", "Why several neurons per layer, and how many?",
               "one hidden layer of 1, 2, 4, ... 64 neurons", 5),
    Experiment("linear", "What does the activation function add?",
               "three layers with no activation, with leaky ReLU, and one layer", 5),
    Experiment("shuffle", "Does it understand digits, or just memorise them?",
               "784-256-10 on 5,000 digits with 0%, 50% and 100% random labels", 60),
    Experiment("noise", "Why does the network answer confidently on a scribble or on noise?",
               "a trained 784-16-16-10 fed noise, flat pages and scribbles", 5),
)}
NAMES = tuple(EXPERIMENTS)


def _name(sizes) -> str:
    return "-".join(str(s) for s in sizes)


def parse_widths(text: str) -> tuple[int, ...]:
    """Widths from text such as "1,2,4,8"; LabError in words for anything else."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        raise LabError("give at least one width, such as 1,2,4,8,16,32,64")
    widths = []
    for part in parts:
        try:
            width = int(part)
        except ValueError:
            raise LabError(f"widths must be whole numbers separated by commas, such as 1,2,4,8; "
                           f"{part!r} is not one") from None
        if not 1 <= width <= MAX_LAYER_SIZE:
            raise LabError(f"each width must be from 1 to {MAX_LAYER_SIZE} neurons, got {width}")
        widths.append(width)
    return tuple(sorted(set(widths)))


def make_plan(name: str, dataset: Dataset, epochs: int | None = None, seed: int = 0, *,
              widths=DEFAULT_WIDTHS, subset: int = SHUFFLE_SUBSET) -> Plan:
    """The runs of experiment ``name`` on ``dataset`` (LabError if the name or an option is wrong)."""
    if name not in EXPERIMENTS:
        raise LabError(f"unknown experiment {name!r}; choose one of {', '.join(NAMES)}")
    if dataset.image_shape is None:
        raise LabError(f"the Lab's experiments need images of digits or clothes; {dataset.name} has none")
    epochs = EXPERIMENTS[name].default_epochs if epochs is None else int(epochs)
    if epochs < 1:
        raise LabError(f"epochs must be at least 1, got {epochs}")
    seed = int(seed)
    n_in, k = dataset.n_features, dataset.n_classes
    config = TrainConfig(epochs=epochs, seed=seed)
    act = "leaky_relu"

    def spec(sizes, activation=act, prefix="", **extra):
        return RunSpec(f"{prefix}{_name(sizes)}", tuple(sizes), activation, extra.pop("config", config), **extra)

    note, options = "", ()
    if name == "depth":
        runs = [spec((n_in, k)), spec((n_in, 16, k)), spec((n_in, 16, 16, k))]
    elif name == "width":
        widths = parse_widths(",".join(map(str, widths))) if not isinstance(widths, str) else parse_widths(widths)
        runs = [spec((n_in, w, k)) for w in widths]
        options = (("widths", widths),)
    elif name == "linear":
        runs = [spec((n_in, 16, 16, k), "linear", f"{activation_label('linear')} "), spec((n_in, k)),
                spec((n_in, 16, 16, k), "leaky_relu", f"{activation_label('leaky_relu')} ")]
    elif name == "shuffle":
        subset = int(subset)
        if subset < 10:
            raise LabError(f"the shuffle experiment needs at least 10 training digits, got {subset}")
        subset = min(subset, dataset.n_train)
        memorise = TrainConfig(epochs=epochs, seed=seed, augment=0, schedule="constant",
                               learning_rate=SHUFFLE_LEARNING_RATE)
        runs = [RunSpec(f"shuffled {rate:.0%}", (n_in, SHUFFLE_HIDDEN, k), act, memorise,
                        subset=subset, label_noise=rate) for rate in SHUFFLE_RATES]
        note = (f"Trained on {subset:,} training digits without random shifts and with a constant learning "
                f"rate ({SHUFFLE_LEARNING_RATE}), since both work against memorising.")
        options = (("subset", subset),)
    else:  # noise
        runs = [spec((n_in, 16, 16, k))]
    digits = tuple(dataset.class_names) == tuple(str(i) for i in range(10))
    return Plan(name, tuple(runs), epochs, seed, in_words(note, digits), options, digits)


#: How the answers speak of data that are not digits (Fashion-MNIST's clothes, say).
_NOT_DIGITS = (("real test digits", "real test images"), ("test digits", "test images"),
               ("training digits", "training images"), ("new digits", "new images"),
               ("each digit's score", "each class's score"), ("template per digit", "template per class"),
               ("every digit must be", "every image must be"), ("ten digits cannot", "ten classes cannot"),
               ("must pick a digit", "must pick a class"), ("anything but digits", "anything but its ten classes"))


def in_words(text: str, digits: bool) -> str:
    """``text`` as is for digits; for other classes, "digits" become images or classes."""
    if digits:
        return text
    for old, new in _NOT_DIGITS:
        text = text.replace(old, new)
    return text


# ------------------------------------------------------------------------------ after training


def finish(plan: Plan, runs: list[RunResult], dataset: Dataset) -> tuple[dict, dict]:
    """(figures, pictures) an experiment measures on its trained networks."""
    figures: dict = {}
    pictures: dict = {}
    done = {r.name: r for r in runs if r.snapshot is not None}
    x_test, y_test = dataset.x_test, dataset.y_test
    if plan.experiment == "width":
        two = next((r for r in runs if r.layers[1:-1] == (2,) and r.snapshot is not None), None)
        if two is not None:
            pictures["hidden_2d"] = (lab_probes.hidden_points(two.snapshot, x_test), y_test[:2000].copy())
    elif plan.experiment == "linear":
        linear = next((r for r in done.values() if r.activation == "linear"), None)
        if linear is not None:
            collapsed = lab_probes.collapse_linear(linear.snapshot)
            figures["collapsed_agreement"] = lab_probes.agreement(collapsed, linear.snapshot, x_test)
            pictures["collapsed"] = collapsed
    elif plan.experiment == "noise" and done:
        network = next(iter(done.values())).snapshot
        probe_figures, probe_pictures = lab_probes.probe_confidence(network, x_test, plan.seed)
        figures.update(probe_figures)
        pictures.update(probe_pictures)
    elif plan.experiment == "shuffle":
        figures["chance"] = 1.0 / dataset.n_classes
    return figures, pictures


def _epochs(n: int) -> str:
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def _pct(value: float) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{100 * value:.1f}%"


def answer(plan: Plan, runs: list[RunResult], figures: dict) -> str:
    """The experiment's answer in one to three sentences, from these runs' numbers only."""
    if not runs or not any(r.history for r in runs):
        return "No results yet: the networks are still in their first epoch."
    by = {r.name: r for r in runs}
    epochs = max(r.epochs for r in runs)
    text = in_words(_ANSWERS[plan.experiment](plan, runs, by, figures, epochs), plan.digits)
    diverged = [r.name for r in runs if r.diverged]
    if diverged:
        text += f" ({', '.join(diverged)} diverged and stopped early.)"
    return text


def _depth(plan, runs, by, figures, epochs) -> str:
    flat, one, two = (by.get(s.name) for s in plan.runs)
    parts = [f"With no hidden layer, {flat.name} reads {_pct(flat.test_accuracy)} of the test digits "
             f"after {_epochs(flat.epochs)}" if flat else ""]
    if one and two:
        parts.append(f"; one hidden layer of 16 ({one.name}) reaches {_pct(one.test_accuracy)} and two "
                     f"({two.name}) {_pct(two.test_accuracy)}.")
    text = "".join(parts) or "Waiting for the first epoch."
    deeper = [r for r in (one, two) if r is not None and r.history]
    if flat and deeper:
        gap = max(r.test_accuracy for r in deeper) - flat.test_accuracy
        if gap > 0.01:
            text += (" Without a hidden layer each digit's score is one weighted sum of the pixels, a single "
                     "template per digit, so it stalls there; hidden neurons pick out strokes and parts first, "
                     "and the next layer combines them.")
        else:
            text += (f" So far the hidden layers gain only {100 * gap:.1f} points: they need more epochs or more "
                     "training digits (the full MNIST) before they pull ahead of one template per digit.")
    return text


def _width(plan, runs, by, figures, epochs) -> str:
    done = sorted((r for r in runs if r.history), key=lambda r: r.layers[1])
    listing = ", ".join(f"{r.layers[1]}: {_pct(r.test_accuracy)}" for r in done)
    text = f"Test accuracy by number of hidden neurons after {_epochs(epochs)}: {listing}."
    narrow = [r for r in done if r.layers[1] <= 2]
    if narrow:
        text += (f" Through {narrow[-1].layers[1]} neuron{'s' if narrow[-1].layers[1] > 1 else ''} every digit must be "
                 f"squeezed into {narrow[-1].layers[1]} number{'s' if narrow[-1].layers[1] > 1 else ''}, and ten "
                 "digits cannot be pulled apart that way.")
    if len(done) >= 2:
        best = max(done, key=lambda r: r.test_accuracy)
        widest = done[-1]
        half = [r for r in done if r.layers[1] <= widest.layers[1] // 4]
        if half:
            gain = widest.test_accuracy - half[-1].test_accuracy
            text += (f" Going from {half[-1].layers[1]} to {widest.layers[1]} neurons changes test accuracy by "
                     f"{100 * gain:+.1f} points; the best was {best.layers[1]} ({_pct(best.test_accuracy)}).")
    return text


def _linear(plan, runs, by, figures, epochs) -> str:
    linear = next((r for r in runs if r.activation == "linear"), None)
    flat = next((r for r in runs if len(r.layers) == 2), None)
    leaky = next((r for r in runs if r.activation == "leaky_relu"), None)
    text = ""
    if linear and flat:
        gap = linear.test_accuracy - flat.test_accuracy
        than = ("about what one layer reaches" if abs(gap) < 0.015 else
                "less than one layer reaches" if gap < 0 else "a little more than one layer reaches")
        text = (f"With no activation function the three layers reach {_pct(linear.test_accuracy)}, "
                f"{than} ({flat.name}: {_pct(flat.test_accuracy)})")
        text += f", while the same layers with leaky ReLU reach {_pct(leaky.test_accuracy)}." if leaky else "."
    agreement = figures.get("collapsed_agreement")
    if agreement is not None:
        text += (f" Multiplying its three matrices (and folding its biases) gives one {plan.runs[0].layers[0]}x"
                 f"{plan.runs[0].layers[-1]} matrix that gives the same answer as the three-layer linear "
                 f"network on {_pct(agreement)} of the test digits: stacked linear layers collapse into one.")
    else:
        text += " When training ends, its three matrices are multiplied into one and compared with it."
    return text.strip()


def _shuffle(plan, runs, by, figures, epochs) -> str:
    chance = figures.get("chance")
    done = [by[s.name] for s in plan.runs if s.name in by]
    listing = "; ".join(f"{r.name}: training {_pct(r.train_accuracy)}, test {_pct(r.test_accuracy)}" for r in done)
    text = f"After {_epochs(epochs)} ({listing})."
    rand = by.get(plan.runs[-1].name)
    clean = by.get(plan.runs[0].name)
    if rand and clean and rand.history:
        half = next((h.epoch for h in rand.history if h.train_accuracy >= 0.5), None)
        clean_half = next((h.epoch for h in clean.history if h.train_accuracy >= 0.5), None)
        pace = (f" It took {_epochs(half)} to fit half of the random labels, against {_epochs(clean_half)} "
                "for half of the true labels." if half and clean_half else "")
        learnt = ("Random labels are learnt too" if rand.train_accuracy >= 0.5 else
                  "Random labels are being learnt")
        fitted = "fitted" if rand.epochs >= plan.epochs else "fitted so far"
        text += (f" {learnt} ({_pct(rand.train_accuracy)} of them {fitted}), only more slowly, "
                 f"and that knowledge is worthless on new digits: test accuracy stays at {_pct(rand.test_accuracy)}"
                 + (f", chance being {_pct(chance)}." if chance else ".") + pace +
                 " A network this size can memorise; real labels let it learn something that carries over.")
    return text


def _noise(plan, runs, by, figures, epochs) -> str:
    return noise_answer(figures)


def noise_answer(figures: dict) -> str:
    """The noise experiment's answer from probe_confidence's figures (any network's)."""
    if "noise_median_confidence" not in figures:
        return "When training ends, the network is fed 1,000 noise images, flat pages and scribbles."
    kinds = [("noise", "uniform-noise images"), ("blank", "flat pages (from no ink to all ink)"),
             ("scribble", "scribbles")]
    listing = "; ".join(
        f"{label} get a median of {_pct(figures[f'{kind}_median_confidence'])}, with "
        f"{_pct(figures[f'{kind}_share_confident'])} of them read with 90% or more"
        for kind, label in kinds if f"{kind}_median_confidence" in figures)
    return (f"On real test digits the network's median top confidence is "
            f"{_pct(figures['digits_median_confidence'])}. On nonsense: {listing}. Softmax outputs always "
            "add up to 100%, so the network must pick a digit: it was never shown anything but digits, and has "
            "no way to say \"none of these\".")


_ANSWERS: dict[str, Callable] = {"depth": _depth, "width": _width, "linear": _linear,
                                 "shuffle": _shuffle, "noise": _noise}


def partial_results(plan: Plan, histories: dict[str, list[EpochRecord]]) -> list[RunResult]:
    """RunResults (no network) from the records received so far, in the plan's order."""
    out = []
    for spec in plan.runs:
        history = histories.get(spec.name) or []
        if history:
            out.append(RunResult(spec.name, spec.layers, spec.activation_name, tuple(history), history[-1].seconds))
    return out


def result(plan: Plan, runs: list[RunResult], dataset: Dataset, seconds: float) -> LabResult:
    """The LabResult of finished ``runs``: measurements after training, and the answer."""
    order = {s.name: i for i, s in enumerate(plan.runs)}
    runs = sorted(runs, key=lambda r: order.get(r.name, len(order)))
    figures, pictures = finish(plan, runs, dataset)
    return LabResult(plan.experiment, seconds, answer(plan, runs, figures), tuple(runs), figures, pictures,
                     plan.note, dataset.name, plan.epochs, plan.seed)


def run_experiment(name: str, dataset: Dataset, epochs: int | None = None, seed: int = 0, *,
                   mode: str = "process", workers: int | None = None,
                   **options) -> Iterator[EpochRecord | RunResult | LabResult]:
    """Run experiment ``name``: yields EpochRecords and RunResults as they come, then the LabResult."""
    from nnviz.engine.lab_parallel import train_plan

    plan = make_plan(name, dataset, epochs, seed, **options)
    started = time.perf_counter()
    finished: list[RunResult] = []
    for item in train_plan(plan, dataset, mode=mode, workers=workers):
        if isinstance(item, RunResult):
            finished.append(item)
        yield item
    yield result(plan, finished, dataset, time.perf_counter() - started)
