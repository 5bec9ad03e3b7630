"""The `nnviz` command: opens the app with no arguments; `train`, `evaluate`, `download`, `bench`,
`lab` and `install-desktop` work headless on the same engine the app uses.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path

from nnviz.cli_support import HelpFormatter, exit_at_once, silence_stdout

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program stopped by a closed pipe


class UsageError(Exception):
    """A mistake in the command line: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit code 2, never a traceback."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _number(convert, accept, requirement: str):
    """An argparse type: ``convert`` the text, then check it with ``accept`` (else say ``requirement``)."""
    noun = "whole number" if convert is int else "number"

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {noun}, got {text!r}") from None
        if not (math.isfinite(value) and accept(value)):
            raise argparse.ArgumentTypeError(f"{requirement}, got {text}")
        return value

    return parse


_positive_float = _number(float, lambda v: v > 0, "must be a positive number")
_non_negative_float = _number(float, lambda v: v >= 0, "must be zero or more")
_penalty = _number(float, lambda v: 0 <= v <= 1, "must be from 0 to 1")
_fraction = _number(float, lambda v: 0 <= v < 1, "must be at least 0 and below 1")
_positive_int = _number(int, lambda v: v > 0, "must be a positive whole number")
_non_negative_int = _number(int, lambda v: v >= 0, "must be zero or more")


def _layers(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected sizes separated by commas such as 784,16,16,10, got {text!r}"
        ) from None
    if len(sizes) < 2 or any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError(
            f"expected at least an input and an output size, all positive, got {text!r}"
        )
    return sizes


def _build_parser() -> argparse.ArgumentParser:
    from nnviz import __version__
    from nnviz.engine.activations import ACTIVATIONS
    from nnviz.engine.network import COSTS
    from nnviz.engine.optimizers import OPTIMIZERS, SCHEDULES
    from nnviz.engine.trainer import MAX_AUGMENT, TrainConfig

    defaults = TrainConfig()
    parser = _Parser(
        prog="nnviz",
        description="Watch a small neural network learn to read handwritten digits. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="open the window, train one epoch on the bundled sample and exit (0 = healthy)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = commands.add_parser("train", help="train a network headless and report its accuracy")
    train.add_argument("--data", default="auto", help="sample | mnist | fashion | PATH (default: best available), "
                       "or 2-D points circles | xor | gaussians | spirals, or curve:sin | curve:step | curve:abs | curve:bump")
    train.add_argument("--layers", type=_layers, default=None, help="layer sizes for images (default 784,16,16,10)")
    train.add_argument("--hidden", default=None, metavar="SIZES",
                       help="hidden layers only, e.g. 16,16 or none; inputs and outputs follow from the data "
                       "(default 8,8 for points, 20 for curves)")
    train.add_argument("--features", default=None, help="inputs made from 2-D points: x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2 "
                       "(sinx1 is sin(pi x1)); default x1,x2")
    train.add_argument("--points", type=_positive_int, default=None, help="number of 2-D points or curve points (default 500)")
    train.add_argument("--noise", type=_non_negative_float, default=None,
                       help="standard deviation of the jitter in the data's units (default 0.05; gaussians: their spread, 0.3)")
    train.add_argument("--activation", choices=ACTIVATIONS, default=None, help="hidden-layer activation")
    train.add_argument("--cost", choices=COSTS, default=None, help="cost function")
    train.add_argument("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer,
                       help="how the weights follow the gradient")
    small = "; points and curves: {}"
    train.add_argument("--lr", type=_positive_float, default=None,
                       help=f"learning rate (default {defaults.learning_rate:g}" + small.format("0.03)"))
    train.add_argument("--batch", type=_positive_int, default=None,
                       help=f"mini-batch size (default {defaults.batch_size}" + small.format("32)"))
    train.add_argument("--epochs", type=_positive_int, default=None,
                       help=f"passes over the training data (default {defaults.epochs}" + small.format("400)"))
    train.add_argument("--l2", type=_penalty, default=defaults.l2, help="L2 weight decay, 0 to 1")
    train.add_argument("--l1", type=_penalty, default=defaults.l1, help="L1 regularisation rate, 0 to 1")
    train.add_argument("--dropout", type=_fraction, default=defaults.dropout, help="dropout rate on hidden layers")
    train.add_argument("--schedule", choices=SCHEDULES, default=None,
                       help=f"how the learning rate changes over the epochs (default {defaults.schedule}"
                       + small.format("constant)"))
    train.add_argument(
        "--augment", type=_number(int, lambda v: 0 <= v <= MAX_AUGMENT, f"must be 0 to {MAX_AUGMENT}"),
        default=defaults.augment, help=f"largest random shift of training digits in pixels, 0 to {MAX_AUGMENT} (0 = off)",
    )
    train.add_argument("--seed", type=_non_negative_int, default=defaults.seed,
                       help="random seed of the first weights, the batch order and the data's shuffling")
    train.add_argument("--save", type=Path, default=None, metavar="FILE", help="save the trained model (.npz)")
    train.add_argument("--json", action="store_true", help="print one JSON object with the results")

    evaluate = commands.add_parser("evaluate", help="report a saved model's accuracy on test data")
    evaluate.add_argument("model", type=Path, metavar="MODEL", help="a model file saved by nnviz (.npz)")
    evaluate.add_argument("--data", default="auto", help="sample | mnist | fashion | PATH (default: best available)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object with the results")

    download = commands.add_parser("download", help="download the full MNIST (70,000 digits)")
    download.add_argument("--dest", type=Path, default=None, help="folder (default: your nnviz data folder)")
    download.add_argument("--fashion", action="store_true", help="download Fashion-MNIST instead")

    # no help of its own: `nnviz bench --help` shows the benchmark's options
    bench = commands.add_parser("bench", help="measure training speed and accuracy (nnviz bench --help)",
                                add_help=False)
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)

    commands.add_parser("install-desktop", help="add nnviz to your desktop's application menu")
    commands.add_parser("playground", help="open the Playground: small networks on 2-D points and curves")

    from nnviz import cli_lab

    cli_lab.add_parser(commands, _positive_int, _non_negative_int)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `nnviz` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # everything after it, --help included, is the benchmark's own
        return _bench(argparse.Namespace(bench_args=argv[1:]))
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _open_app(self_check=args.self_check)
        handler = {
            "train": _train,
            "evaluate": _evaluate,
            "download": _download,
            "bench": _bench,
            "install-desktop": _install_desktop,
            "playground": _playground,
            "lab": _lab,
        }[args.command]
        code = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not as a message at exit
        return code
    except UsageError as error:
        print(f"nnviz {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nnnviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        silence_stdout()  # the reader went away (`nnviz evaluate m.npz | head -3`): stop quietly
        return EXIT_BROKEN_PIPE


def gui_main() -> int:
    """Entry point of the `nnviz-gui` script (no console window on Windows)."""
    return _open_app(self_check="--self-check" in sys.argv[1:])


def _open_app(self_check: bool = False) -> int:
    from nnviz.display_check import display_problem

    problem = display_problem()  # before Qt is loaded: Qt aborts on a missing display or library
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    from nnviz.qt.app import run_app

    code = run_app(self_check=self_check)
    if not self_check:
        exit_at_once(code)
    return code


def _load_data(spec: str):
    from nnviz.engine.datasets import DataError, load_dataset

    try:
        return load_dataset(None if spec == "auto" else spec)
    except DataError as error:
        if spec != "auto":
            raise UsageError(str(error)) from None
        # "best available" must still work when the full MNIST it found is damaged
        print(f"nnviz: {error}\nnnviz: using the bundled sample instead", file=sys.stderr)
        return load_dataset("sample")


def _train(args) -> int:
    from nnviz.engine.bounded import dumps_json
    from nnviz import cli_small
    from nnviz.engine.network import Network
    from nnviz.engine.trainer import BatchStats, Diverged, EpochStats, NotLearning, TrainConfig, Trainer

    if cli_small.is_small_problem(args.data):
        if args.save is not None:
            _check_writable(args.save)
        try:
            return cli_small.train_small(args)
        except ValueError as error:
            raise UsageError(str(error)) from None
    defaults = TrainConfig()
    for name, default in (("lr", defaults.learning_rate), ("batch", defaults.batch_size),
                          ("epochs", defaults.epochs or 30), ("schedule", defaults.schedule)):
        if getattr(args, name) is None:
            setattr(args, name, default)
    dataset = _load_data(args.data)
    try:
        from_hidden = cli_small.hidden_layers_for_images(args, dataset.n_features, dataset.n_classes)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if from_hidden is not None and args.layers is not None:
        raise UsageError("give --layers or --hidden, not both")
    layers = from_hidden or args.layers or (784, 16, 16, 10)
    if layers[0] != dataset.n_features:
        raise UsageError(
            f"--layers starts with {layers[0]} inputs but {dataset.name} has {dataset.n_features} "
            f"features per sample (use --layers {dataset.n_features},...)"
        )
    if layers[-1] != dataset.n_classes:
        raise UsageError(
            f"--layers ends with {layers[-1]} outputs but {dataset.name} has {dataset.n_classes} classes"
        )
    network_options = {}
    if args.activation:
        network_options["activation"] = args.activation
    if args.cost:
        network_options["cost"] = args.cost
    try:
        network = Network(layers, seed=args.seed, **network_options)
        config = TrainConfig(
            learning_rate=args.lr,
            batch_size=args.batch,
            optimizer=args.optimizer,
            l2=args.l2,
            l1=args.l1,
            dropout=args.dropout,
            epochs=args.epochs,
            schedule=args.schedule,
            augment=args.augment,
            seed=args.seed,
        )
        trainer = Trainer(network, dataset, config)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.save is not None:
        _check_writable(args.save)
    show_progress = not args.json and sys.stderr.isatty()
    if not args.json:
        print(f"Training {'-'.join(map(str, layers))} ({network.activation}, {network.cost}) "
              f"on {dataset.name}: {dataset.n_train:,} training and {dataset.n_test:,} test samples")
    epochs: list = []
    warning: NotLearning | None = None
    started = time.perf_counter()
    for record in trainer.run():
        if isinstance(record, EpochStats):
            epochs.append(record)
            if show_progress:
                sys.stderr.write("\r\033[K")
            if not args.json:
                print(f"epoch {record.epoch:3d}/{args.epochs}  train cost {record.train_cost:.4f}  "
                      f"test cost {record.test_cost:.4f}  test accuracy {100 * record.test_accuracy:6.2f}%  "
                      f"({record.seconds:.2f} s, {record.samples_per_second:,.0f} samples/s)", flush=True)
            if warning is not None and warning.epoch == record.epoch:
                print(f"nnviz train: warning: {warning.message}", file=sys.stderr, flush=True)
        elif isinstance(record, NotLearning):
            warning = record  # said right after its epoch's line
        elif isinstance(record, Diverged):
            if show_progress:
                sys.stderr.write("\r\033[K")
            print(f"nnviz train: {record.message}", file=sys.stderr)
            if args.json:  # a script reading stdout still gets one JSON object
                print(dumps_json({"diverged": record.message, "epochs": len(epochs), "step": record.step}))
            return EXIT_FAILED
        elif isinstance(record, BatchStats) and show_progress and (
                record.batch % 50 == 0 or record.batch + 1 == record.batches_per_epoch):
            done = (record.batch + 1) / record.batches_per_epoch
            bar = "#" * int(30 * done)
            sys.stderr.write(f"\repoch {record.epoch + 1:3d} [{bar:<30}] {100 * done:5.1f}%  cost {record.cost:.4f}")
            sys.stderr.flush()
    total_seconds = time.perf_counter() - started

    if args.save is not None:
        from nnviz.engine.model_io import save_model

        try:
            save_model(args.save, network, {
                "dataset": dataset.name,
                "epochs": len(epochs),
                "config": dataclasses.asdict(config),
                "test_accuracy": epochs[-1].test_accuracy if epochs else None,
            })
        except OSError as error:
            print(f"nnviz train: could not save the model to {args.save}: {error.strerror or error}",
                  file=sys.stderr)
            return EXIT_FAILED
        if not args.json:
            print(f"saved the model to {args.save}")

    last = epochs[-1]
    train_seconds = sum(e.seconds for e in epochs)
    result = {
        "layers": list(layers),
        "activation": network.activation,
        "cost": network.cost,
        "data": dataset.name,
        "epochs": len(epochs),
        "test_accuracy": last.test_accuracy,
        "test_cost": last.test_cost,
        "train_cost": last.train_cost,
        "best_test_accuracy": max(e.test_accuracy for e in epochs),
        "seconds_per_epoch": train_seconds / len(epochs),
        "samples_per_second": dataset.n_train * len(epochs) / train_seconds,
        "total_seconds": total_seconds,
        "warning": warning.message if warning is not None else None,
    }
    if args.json:
        print(dumps_json(result))
    return EXIT_OK


def _check_writable(path: Path) -> None:
    """Refuse before training a --save path that cannot be written, rather than after."""
    from nnviz.engine.atomic import check_target

    try:
        check_target(path)
    except OSError as error:
        raise UsageError(f"cannot save the model: {error.strerror or error}") from None


def _evaluate(args) -> int:
    from nnviz.engine.model_io import ModelFileError, load_model

    if not args.model.exists():
        raise UsageError(f"model file {args.model} does not exist")
    try:
        network, metadata = load_model(args.model)
    except ModelFileError as error:
        raise UsageError(str(error)) from None
    dataset = _load_data(args.data)
    if network.layer_sizes[0] != dataset.n_features or network.layer_sizes[-1] != dataset.n_classes:
        raise UsageError(
            f"the model takes {network.layer_sizes[0]} inputs and gives {network.layer_sizes[-1]} outputs, "
            f"but {dataset.name} has {dataset.n_features} features and {dataset.n_classes} classes"
        )
    import numpy as np

    from nnviz.engine.bounded import dumps_json

    with np.errstate(all="ignore"):  # a broken model overflows; that is reported below, not warned about
        evaluation = network.evaluate(dataset.x_test, dataset.y_test)
        largest = max(float(np.abs(w).max(initial=0.0)) for w in (*network.weights, *network.biases))
    broken = None
    if not math.isfinite(evaluation.cost):
        broken = (f"the model is broken: its cost on the test data is not a finite number (its weights reach "
                  f"{largest:.3g}, so its outputs overflow); train it again, with a lower learning rate")
    if args.json:
        print(dumps_json({
            "model": str(args.model),
            "data": dataset.name,
            "test_accuracy": evaluation.accuracy,
            "test_cost": evaluation.cost,
            "confusion": evaluation.confusion.tolist(),
            "broken": broken,
        }))
        if broken:
            print(f"nnviz evaluate: {args.model}: {broken}", file=sys.stderr)
        return EXIT_FAILED if broken else EXIT_OK
    print(f"{args.model}: {'-'.join(map(str, network.layer_sizes))} ({network.activation}, {network.cost})")
    cost = f"cost {evaluation.cost:.4f}" if broken is None else "cost not a finite number"
    print(f"on {dataset.name} ({dataset.n_test:,} test samples): accuracy {100 * evaluation.accuracy:.2f}%, {cost}")
    if broken:
        print(f"nnviz evaluate: {args.model}: {broken}", file=sys.stderr)
    names = dataset.class_names
    width = max(5, *(len(n) for n in names))
    print("confusion matrix (rows: true, columns: predicted)")
    print(" " * width + "".join(f"{n[:width]:>{width + 1}}" for n in names))
    for name, row in zip(names, evaluation.confusion):
        print(f"{name[:width]:>{width}}" + "".join(f"{count:>{width + 1}d}" for count in row))
    return EXIT_FAILED if broken else EXIT_OK


def _download(args) -> int:
    from nnviz.engine.download import DownloadError, download_fashion_mnist, download_mnist

    last_report = [0.0]

    def progress(filename: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last_report[0] < 0.2 and (total is None or done < total):
            return
        last_report[0] = now
        amount = f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        sys.stderr.write(f"\r\033[K{filename}: {amount}")
        sys.stderr.flush()

    try:
        fetch = download_fashion_mnist if args.fashion else download_mnist
        folder = fetch(dest=args.dest, progress=progress if sys.stderr.isatty() else None)
    except DownloadError as error:
        print(f"\nnnviz download: {error}", file=sys.stderr)
        return EXIT_FAILED
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    print(f"{'Fashion-MNIST' if args.fashion else 'MNIST'} is ready in {folder}")
    return EXIT_OK


def _bench(args) -> int:
    from nnviz import bench

    return bench.main(args.bench_args)


def _lab(args) -> int:
    from nnviz import cli_lab

    return cli_lab.run(args, _load_data, UsageError)


def _playground(args) -> int:
    from nnviz.display_check import display_problem

    problem = display_problem()  # before Qt is loaded, as for the app: Qt aborts without a display
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    from nnviz.qt.playground_app import run_playground

    return run_playground()


def _install_desktop(args) -> int:
    from nnviz.desktop import install_desktop_entry

    try:
        desktop_file = install_desktop_entry()
    except OSError as error:
        print(f"nnviz install-desktop: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"nnviz is in your application menu ({desktop_file})")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
