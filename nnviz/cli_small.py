"""`nnviz train` on the Playground's small problems: 2-D points (circles, xor, gaussians, spirals) and
1-D curves (curve:sin, curve:step, curve:abs, curve:bump), with their own sensible defaults.

cli.py parses the options; this module turns them into data, a network and a training run.
"""

from __future__ import annotations

import dataclasses
import sys
import time

from nnviz.engine.bounded import dumps_json
from nnviz.engine.features import DEFAULT_FEATURES, parse_features, with_features
from nnviz.engine.network import REGRESSION_COST, Network
from nnviz.engine.playground import SMALL_CONFIG, small_network
from nnviz.engine.toy import CURVES, TOY_DATASETS, make_curve, make_toy
from nnviz.engine.trainer import Diverged, EpochStats, NotLearning, TrainConfig, Trainer

__all__ = ["SMALL_PROBLEMS", "is_small_problem", "parse_hidden", "hidden_layers_for_images", "train_small"]

SMALL_PROBLEMS = tuple(TOY_DATASETS) + tuple(f"curve:{name}" for name in CURVES)

#: Defaults for small problems, where MNIST's (Adam 0.003, batches of 32, cosine over 30 epochs) learn too slowly.
POINTS_DEFAULT = 500
NOISE_DEFAULT = 0.05
SMALL_DEFAULTS = {"lr": SMALL_CONFIG.learning_rate, "batch": SMALL_CONFIG.batch_size, "epochs": 400,
                  "schedule": SMALL_CONFIG.schedule, "activation": "tanh"}
HIDDEN_DEFAULT = {"points": (8, 8), "curve": (20,)}


def is_small_problem(spec: str) -> bool:
    """True if --data names a 2-D toy or a curve (curve:NAME, even an unknown NAME: it gets an error here)."""
    return spec in TOY_DATASETS or spec.startswith("curve:")


def parse_hidden(text: str) -> tuple[int, ...]:
    """--hidden: sizes such as "8,8", or "none" for no hidden layer. ValueError in words otherwise."""
    if text.strip().lower() == "none":
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"--hidden takes sizes separated by commas such as 8,8, or none; got {text!r}") from None
    if any(size <= 0 for size in sizes):
        raise ValueError(f"--hidden sizes must be positive whole numbers, got {text!r}")
    return sizes


def hidden_layers_for_images(args, n_features: int, n_classes: int) -> tuple[int, ...] | None:
    """Layer sizes from --hidden for image data (None if not given); refuses Playground-only options."""
    if args.features is not None:
        raise ValueError("--features works on 2-D points (circles, xor, gaussians, spirals), not on images")
    if args.points is not None or args.noise is not None:
        raise ValueError("--points and --noise make 2-D points and curves; they do not apply to images")
    if args.hidden is None:
        return None
    return (n_features, *parse_hidden(args.hidden), n_classes)


def _dataset(args):
    points = POINTS_DEFAULT if args.points is None else args.points
    if args.data.startswith("curve:"):
        name = args.data.partition(":")[2]
        if name not in CURVES:
            raise ValueError(f"unknown curve {name!r}; choose curve:{', curve:'.join(CURVES)}")
        if args.features is not None:
            raise ValueError("--features are made from 2-D points; a curve has the one input x")
        noise = NOISE_DEFAULT if args.noise is None else args.noise
        return make_curve(name, n=points, noise=noise, seed=args.seed), None
    features = parse_features(args.features) if args.features is not None else DEFAULT_FEATURES
    return with_features(make_toy(args.data, n=points, noise=args.noise, seed=args.seed), features), features


def _setting(args, name: str):
    value = getattr(args, name)
    return SMALL_DEFAULTS[name] if value is None else value


def train_small(args) -> int:
    """Train on a small problem as `nnviz train` does; ValueError (in words) for bad combinations."""
    if args.layers is not None:
        raise ValueError("--layers is for images; for 2-D points and curves give --hidden (e.g. 8,8 or none)")
    if args.points is not None and args.points < 10:
        raise ValueError(f"--points must be at least 10, got {args.points}")
    dataset, features = _dataset(args)
    hidden = parse_hidden(args.hidden) if args.hidden is not None else HIDDEN_DEFAULT["curve" if features is None else "points"]
    layers = (dataset.n_features, *hidden, dataset.n_outputs)
    if args.cost and dataset.is_regression:
        raise ValueError(f"curves are fitted with the {REGRESSION_COST} cost (mean squared error); leave out --cost")
    epochs = _setting(args, "epochs")
    network = small_network(dataset, hidden, _setting(args, "activation"), seed=args.seed)
    if args.cost and args.cost != network.cost:
        network = Network(layers, network.activation, args.cost, seed=args.seed)
    config = TrainConfig(learning_rate=_setting(args, "lr"), batch_size=_setting(args, "batch"),
                         optimizer=args.optimizer, l2=args.l2, l1=args.l1, dropout=args.dropout, epochs=epochs,
                         schedule=_setting(args, "schedule"), augment=0, seed=args.seed)
    trainer = Trainer(network, dataset, config)
    regression = dataset.is_regression
    if not args.json:
        inputs = f"x ({dataset.name})" if regression else f"features {','.join(features)} of {dataset.name}"
        print(f"Training {'-'.join(map(str, layers))} ({network.activation}, {network.cost}, "
              f"learning rate {config.learning_rate:g}, batches of {config.batch_size}) on {inputs}: "
              f"{dataset.n_train} training and {dataset.n_test} test points")
    report_every = max(1, epochs // 15)
    last, best, started = None, None, time.perf_counter()
    for record in trainer.run():
        if isinstance(record, Diverged):
            print(f"nnviz train: {record.message}", file=sys.stderr)
            return 1
        if isinstance(record, NotLearning):
            print(f"nnviz train: warning: {record.message}", file=sys.stderr, flush=True)
        if not isinstance(record, EpochStats):
            continue
        last = record
        score = -record.test_cost if regression else record.test_accuracy
        best = score if best is None else max(best, score)
        if not args.json and (record.epoch % report_every == 0 or record.epoch == epochs):
            result = (f"test MSE {record.test_cost:.4f}" if regression
                      else f"test accuracy {100 * record.test_accuracy:6.2f}%")
            print(f"epoch {record.epoch:4d}/{epochs}  train cost {record.train_cost:.4f}  "
                  f"test cost {record.test_cost:.4f}  {result}", flush=True)
    total_seconds = time.perf_counter() - started
    if args.save is not None:
        from nnviz.engine.model_io import save_model

        try:
            save_model(args.save, network, {"dataset": dataset.name, "features": list(features or ["x"]),
                                            "epochs": last.epoch, "config": dataclasses.asdict(config)})
        except OSError as error:
            print(f"nnviz train: could not save the model to {args.save}: {error.strerror or error}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"saved the model to {args.save}")
    if args.json:
        result = {"layers": list(layers), "activation": network.activation, "cost": network.cost,
                  "data": args.data, "features": list(features) if features else ["x"],
                  "points": dataset.n_train + dataset.n_test, "epochs": last.epoch,
                  "train_cost": last.train_cost, "test_cost": last.test_cost, "total_seconds": total_seconds,
                  "epochs_per_second": last.epoch / total_seconds if total_seconds > 0 else None}
        if regression:
            result.update(test_mse=last.test_cost, best_test_mse=-best)
        else:
            result.update(test_accuracy=last.test_accuracy, best_test_accuracy=best)
        print(dumps_json(result))  # valid JSON: null for a number that is not finite
    return 0
