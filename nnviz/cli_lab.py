"""`nnviz lab`: run one of the Lab's experiments headless (progress on stderr, answer on stdout),
list them, or, with no experiment named, open the Lab window.
"""

from __future__ import annotations

import sys

from nnviz.engine.bounded import dumps_json

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_parser(commands, positive_int, non_negative_int) -> None:
    """Add the `lab` command to the `nnviz` subcommands."""
    from nnviz.engine.lab_experiments import EXPERIMENTS

    lab = commands.add_parser(
        "lab", help="answer a learner's question by an experiment (no NAME: open the Lab window)",
        description="Run one of the Lab's experiments headless: several networks train side by side "
        "from the same seed, then the answer is stated with this run's numbers.",
        epilog="experiments: " + "; ".join(f"{e.name}: {e.question}" for e in EXPERIMENTS.values()),
    )
    lab.add_argument("name", nargs="?", metavar="NAME", help=f"one of {', '.join(EXPERIMENTS)}")
    lab.add_argument("--list", action="store_true", help="list the experiments and their questions")
    lab.add_argument("--data", default="auto", help="sample | mnist | fashion | PATH (default: best available)")
    lab.add_argument("--epochs", type=positive_int, default=None,
                     help="epochs per network (default: 60 for shuffle, 5 for the others)")
    lab.add_argument("--seed", type=non_negative_int, default=0, help="the seed every network shares")
    lab.add_argument("--widths", default=None, help="width: hidden layer sizes, such as 1,2,4,8,16,32,64")
    lab.add_argument("--subset", type=positive_int, default=None,
                     help="shuffle: number of training digits (default 5000)")
    lab.add_argument("--json", action="store_true", help="last line of stdout: one JSON object with the results")


def run(args, load_data, usage_error) -> int:
    """Handle `nnviz lab`; ``load_data`` and ``usage_error`` are the CLI's own (one-line errors, exit 2)."""
    from nnviz.engine.lab import EpochRecord, LabError, LabResult, RunResult
    from nnviz.engine.lab_experiments import EXPERIMENTS, make_plan, parse_widths, run_experiment

    if args.list:
        for experiment in EXPERIMENTS.values():
            print(f"{experiment.name:8s} {experiment.question}\n{'':8s} ({experiment.title}, "
                  f"{experiment.default_epochs} epochs)")
        return EXIT_OK
    if args.name is None:
        from nnviz.display_check import display_problem

        problem = display_problem()  # before Qt is loaded, as for the app: Qt aborts without a display
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_FAILED
        from nnviz.qt.lab_app import run_lab

        return run_lab()
    if args.name not in EXPERIMENTS:
        raise usage_error(f"unknown experiment {args.name!r}; choose one of {', '.join(EXPERIMENTS)} "
                          "(nnviz lab --list)")
    options = {}
    try:
        if args.widths is not None:
            if args.name != "width":
                raise usage_error("--widths goes with the width experiment")
            options["widths"] = parse_widths(args.widths)
        if args.subset is not None:
            if args.name != "shuffle":
                raise usage_error("--subset goes with the shuffle experiment")
            options["subset"] = args.subset
    except LabError as error:
        raise usage_error(str(error)) from None
    dataset = load_data(args.data)
    try:
        plan = make_plan(args.name, dataset, args.epochs, args.seed, **options)
    except LabError as error:
        raise usage_error(str(error)) from None
    if not args.json:
        print(f"{args.name}: {EXPERIMENTS[args.name].question}")
        print(f"training {', '.join(s.name for s in plan.runs)} on {dataset.name} side by side, "
              f"{plan.epochs} epochs each, seed {plan.seed}")
    result = None
    try:
        for item in run_experiment(args.name, dataset, args.epochs, args.seed, **options):
            if isinstance(item, EpochRecord):
                print(f"{args.name}: {item.run:24s} epoch {item.epoch:3d}/{plan.epochs}  "
                      f"train accuracy {100 * item.train_accuracy:6.2f}%  test accuracy "
                      f"{100 * item.test_accuracy:6.2f}%  ({item.seconds:.1f} s)", file=sys.stderr, flush=True)
            elif isinstance(item, RunResult) and item.diverged:
                print(f"{args.name}: {item.name}: {item.diverged}", file=sys.stderr, flush=True)
            elif isinstance(item, LabResult):
                result = item
    except LabError as error:
        print(f"nnviz lab: {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(dumps_json(result.as_json()))  # valid JSON: null for a number that is not finite
        return EXIT_OK
    print()
    width = max(len(r.name) for r in result.runs)
    for run in result.runs:
        print(f"{run.name:{width}s}  train accuracy {100 * run.train_accuracy:6.2f}%  "
              f"test accuracy {100 * run.test_accuracy:6.2f}%  ({run.seconds:.1f} s)")
    for key, value in result.figures.items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    print()
    print(result.answer)
    if result.note:
        print(result.note)
    print(f"({result.seconds:.1f} s)")
    return EXIT_OK

