"""Train the runs of a Lab plan side by side: one process per run (at most one per core), or in turn.

Processes, not threads: a mini-batch of these small networks is mostly Python and NumPy call
overhead, during which the GIL is held, so threads share one core (python -m nnviz.bench_lab
measures both). Results come back through a queue in the order they happen.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
import warnings
from typing import Iterator

import numpy as np

from nnviz.engine.dataset import Dataset
from nnviz.engine.lab import EpochRecord, LabError, Plan, RunResult, RunSpec, train_run
from nnviz.engine.trainer import blas_thread_functions, limit_blas_threads

__all__ = ["train_plan", "MODES", "default_workers"]

MODES = ("process", "thread", "serial")

#: Most runs trained at once (width has 7); each process holds only its network and batch buffers.
MAX_WORKERS = 8

# The dataset a forked child reads (inherited from the parent, never copied or pickled).
_FORK_DATASET: Dataset | None = None


def default_workers(n_runs: int) -> int:
    """Every run at once, up to MAX_WORKERS: the cores are shared fairly by the OS, whereas one
    worker per core leaves a core idle at the end (3 runs on 2 cores: 2 together, then 1 alone)."""
    return max(1, min(n_runs, MAX_WORKERS))


def _child(spec: RunSpec, dataset: Dataset | None, seed: int, results) -> None:
    """Body of a run's process: one BLAS thread (the cores are shared), every record to the queue."""
    limit_blas_threads(1)
    data = dataset if dataset is not None else _FORK_DATASET
    try:
        for item in train_run(spec, data, seed):
            results.put(item)
    except Exception as exc:  # reported in the parent as a LabError
        results.put(("error", spec.name, f"{type(exc).__name__}: {exc}"))
    except KeyboardInterrupt:
        pass


def _single_threaded() -> bool:
    """True if no other Python thread runs (OpenBLAS's own threads survive a fork: it registers
    fork handlers; the child touches nothing else)."""
    return threading.active_count() == 1


def _context():
    """fork where it is safe (Linux, no other thread alive): the child shares the dataset's pages."""
    if "fork" in multiprocessing.get_all_start_methods() and _single_threaded():
        return multiprocessing.get_context("fork"), True
    return multiprocessing.get_context("spawn"), False


def _prepare_fork() -> None:
    """Do once, before forking, what every child would otherwise do for itself at its start.

    NumPy imports numpy.random only when first used (a network's first weights), and the BLAS
    thread control is looked up on first use: done here, each forked child inherits both instead
    of repeating them while the runs compete for the cores (about 15 ms of CPU per child).
    """
    np.random.default_rng(0)
    blas_thread_functions()


def _train_processes(plan: Plan, dataset: Dataset, workers: int) -> Iterator[EpochRecord | RunResult]:
    global _FORK_DATASET
    ctx, forked = _context()
    if forked:
        _prepare_fork()
    results = ctx.Queue()
    waiting = list(plan.runs)
    running: dict[str, multiprocessing.Process] = {}
    _FORK_DATASET = dataset if forked else None
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                spec = waiting.pop(0)
                process = ctx.Process(
                    target=_child, args=(spec, None if forked else dataset, plan.seed, results),
                    name=f"nnviz-lab {spec.name}", daemon=True,
                )
                with warnings.catch_warnings():  # Python 3.12+ warns of fork with BLAS threads alive
                    warnings.simplefilter("ignore", DeprecationWarning)
                    process.start()
                running[spec.name] = process
            try:
                item = results.get(timeout=0.5)
            except queue.Empty:
                dead = [name for name, p in running.items() if not p.is_alive() and p.exitcode != 0]
                if dead:
                    raise LabError(f"the process training {dead[0]} ended unexpectedly "
                                   f"(exit code {running[dead[0]].exitcode})")
                continue
            if isinstance(item, tuple):
                raise LabError(f"training {item[1]} failed: {item[2]}")
            if isinstance(item, RunResult):
                process = running.pop(item.name)
                process.join(timeout=10)
            yield item
    finally:
        _FORK_DATASET = None
        for process in running.values():
            if process.is_alive():
                process.terminate()
        for process in running.values():
            process.join(timeout=5)
        results.close()
        results.join_thread()


def _train_threads(plan: Plan, dataset: Dataset, workers: int) -> Iterator[EpochRecord | RunResult]:
    """Runs on threads (kept to measure against processes; see the module docstring)."""
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    pending = list(plan.runs)
    lock = threading.Lock()

    def work() -> None:
        while not stop.is_set():
            with lock:
                if not pending:
                    return
                spec = pending.pop(0)
            try:
                for item in train_run(spec, dataset, plan.seed):
                    results.put(item)
                    if stop.is_set():
                        return
            except Exception as exc:
                results.put(("error", spec.name, f"{type(exc).__name__}: {exc}"))
                return

    threads = [threading.Thread(target=work, name=f"nnviz-lab-{i}", daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    done = 0
    try:
        while done < len(plan.runs):
            item = results.get()
            if isinstance(item, tuple):
                raise LabError(f"training {item[1]} failed: {item[2]}")
            if isinstance(item, RunResult):
                done += 1
            yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _train_serial(plan: Plan, dataset: Dataset) -> Iterator[EpochRecord | RunResult]:
    for spec in plan.runs:
        yield from train_run(spec, dataset, plan.seed)


def train_plan(plan: Plan, dataset: Dataset, mode: str = "process",
               workers: int | None = None) -> Iterator[EpochRecord | RunResult]:
    """Train every run of ``plan``; yields EpochRecords and RunResults as they happen.

    ``mode``: "process" (default; one process per run, ``workers`` at a time), "thread" or
    "serial" (one after another in this process). Closing the generator ends every worker.
    """
    if mode not in MODES:
        raise LabError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    workers = default_workers(len(plan.runs)) if workers is None else max(1, int(workers))
    if mode == "serial" or workers == 1 or len(plan.runs) == 1:
        return _train_serial(plan, dataset)
    if mode == "thread":
        return _train_threads(plan, dataset, workers)
    return _train_processes(plan, dataset, workers)


def timed(generator: Iterator) -> tuple[list, float]:
    """All items of ``generator`` and the seconds it took (for the benchmark)."""
    started = time.perf_counter()
    items = list(generator)
    return items, time.perf_counter() - started
