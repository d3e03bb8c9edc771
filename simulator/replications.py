"""Replications: one run, or many in a process pool. Same seed -> the same results, whatever W.

A replication is a pure function of (rule files, scenario, run number): its random streams come
from (seed, run, name), the engine's split/holdout seed from (seed, run, "engine"). Several rule
files in one job (a comparison) share one population and the per-lead streams: common random
numbers. Results are collected by run number, so the worker count never changes an output.
A single replication with several workers is split over them (`simulator/shards.py`), which
changes no number either.

A replication's result here is the flat per-run record (`RunMetrics.result`: "scalars",
"weekly", "labels", and on request run 0's "traces" and "leads"); `simulator/api.py` turns the
runs into a typed `Forecast` or `Comparison`. `cancel` (`simulator/cancel.py`) stops the lot:
looked at between replications, inside each, and every 0.1 s while a pool works.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

from dsl.ir import Program
from simulator.cancel import CancelFlag, Cancelled, check, stopped
from simulator.scenario import Scenario
from simulator.shards import engine_seed as engine_seed  # re-exported: the seed of a run
from simulator.shards import run_sharded

Progress = Callable[[float, int], None]  # (runs done, fractions included; runs in all)

_POOL_CANCEL: CancelFlag | None = None  # in a pool's worker process: its owner's flag
_POOL_DONE: Any = None  # in a pool's worker process: each run's fraction done, read by the owner


@dataclass(frozen=True)
class Job:
    programs: tuple[Program, ...]
    scenarios: tuple[Scenario, ...]  # one per program (each completed against its `lead:`)
    run: int
    traces: bool = False  # keep the explain trails of the traced sample (run 0 only)
    shards: int = 1  # processes for each replication (see `simulator/shards.py`)
    leads: bool = False  # keep the simulated leads' table (run 0 only)


def run_one(
    program: Program,
    scenario: Scenario,
    run: int,
    traces: bool = False,
    progress: Callable[[float], None] | None = None,
    shards: int = 1,
    leads: bool = False,
    cancel: CancelFlag | None = None,
) -> dict[str, object]:
    """One replication of one file, in `shards` processes: the per-run metrics (see
    `RunMetrics.result`), with `traces` the explain trail of every lead in the traced sample
    (`scenario.run.trace_sample`), with `leads` the simulated leads (`SimulatedLeads`)."""
    result, model = run_sharded(program, scenario, run, shards, traces, progress, leads, cancel)
    result["labels"] = model.metrics.labels()
    return result


def run_job(
    job: Job,
    progress: Callable[[float], None] | None = None,
    cancel: CancelFlag | None = None,
) -> list[dict[str, object]]:
    cancel = cancel if cancel is not None else _POOL_CANCEL
    if progress is None and _POOL_DONE is not None:
        progress = partial(_POOL_DONE.__setitem__, job.run)
    first = job.run == 0
    n = len(job.programs)
    out = []
    for k, (p, s) in enumerate(zip(job.programs, job.scenarios, strict=True)):
        check(cancel)
        inner = (lambda f, k=k: progress((k + f) / n)) if progress else None
        keep = (job.traces and first, job.leads and first)
        out.append(run_one(p, s, job.run, keep[0], inner, job.shards, keep[1], cancel))
    return out


def default_workers(runs: int) -> int:
    """Every core: one replication each, or, with a single replication, a shard each."""
    cores = os.cpu_count() or 1
    return max(1, min(runs, cores) if runs > 1 else cores)


def run_many(
    programs: list[Program],
    scenarios: list[Scenario],
    runs: int,
    workers: int,
    progress: Progress | None = None,
    traces: bool = False,
    leads: bool = False,
    cancel: CancelFlag | None = None,
) -> list[list[dict[str, object]]]:
    """results[file][run], for `runs` replications of every file on common random numbers.
    Raises `Cancelled` soon after `cancel` is set, with every process it started ended."""
    shards = max(1, workers) if runs == 1 else 1
    jobs = [Job(tuple(programs), tuple(scenarios), r, traces, shards, leads) for r in range(runs)]
    by_run: dict[int, list[dict[str, object]]] = {}
    try:
        if workers <= 1 or runs <= 1:
            for job in jobs:
                inner = (lambda f, r=job.run: progress(r + f, runs)) if progress else None
                by_run[job.run] = run_job(job, inner, cancel)
                if progress:
                    progress(len(by_run), runs)
        else:
            _in_pool(jobs, workers, progress, cancel, by_run)
    except Cancelled:
        raise stopped(list(by_run), runs) from None
    return [[by_run[r][f] for r in range(runs)] for f in range(len(programs))]


def _pool_worker(flag: CancelFlag, done: Any) -> None:
    global _POOL_CANCEL, _POOL_DONE
    _POOL_CANCEL, _POOL_DONE = flag, done
    # Ctrl-C reaches every process of the terminal's group: it is the pool owner's to handle
    # (its caller sets `cancel`, which stops the workers through `flag`); no traceback here
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_pool(
    jobs: list[Job],
    workers: int,
    progress: Progress | None,
    cancel: CancelFlag | None,
    by_run: dict[int, list[dict[str, object]]],
) -> None:
    """The jobs in a pool of `workers` processes, each one's results put in `by_run` as it
    finishes. On `cancel`, the workers are told through a `multiprocessing.Event`, stop within
    their next look at it, and the pool is shut down (its processes joined) before `Cancelled`
    is raised. With `progress`, the runs under way are counted too: each worker writes its run's
    fraction done into a shared array (as a run in this process reports it), read every 0.1 s."""
    context = multiprocessing.get_context()
    flag = context.Event()
    fractions = context.RawArray("d", len(jobs))  # one writer a slot; a stale read is harmless
    args = (flag, fractions)
    with ProcessPoolExecutor(workers, context, initializer=_pool_worker, initargs=args) as pool:
        futures: dict[Future, int] = {pool.submit(run_job, job): job.run for job in jobs}
        pending = set(futures)
        reported = 0.0
        try:
            while pending:
                timeout = 0.1 if cancel is not None or progress is not None else None
                done, pending = wait(pending, timeout, FIRST_COMPLETED)
                for future in sorted(done, key=futures.__getitem__):
                    by_run[futures[future]] = future.result()
                if pending and cancel is not None and cancel.is_set():
                    break
                if progress:
                    # a run still pending counts short of whole: all of `total` means all done
                    running = sum(min(fractions[futures[f]], 0.99) for f in pending)
                    now = len(by_run) + running
                    if now > reported or len(by_run) == len(jobs):
                        reported = now
                        progress(now, len(jobs))
        finally:  # cancelled, or anything else (a KeyboardInterrupt): stop the workers now
            if pending:
                flag.set()
                for future in pending:
                    future.cancel()
    # (the pool is shut down: its processes ended) the replications that ended meanwhile
    for future, run in futures.items():
        if run not in by_run and not future.cancelled() and future.exception() is None:
            by_run[run] = future.result()
    if len(by_run) < len(jobs):
        raise Cancelled
