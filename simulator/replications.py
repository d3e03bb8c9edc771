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
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from dsl.ir import Program
from simulator.cancel import CancelFlag, Cancelled, check
from simulator.scenario import Scenario
from simulator.shards import engine_seed as engine_seed  # re-exported: the seed of a run
from simulator.shards import run_sharded

Progress = Callable[[float, int], None]  # (runs done, fractions included; runs in all)

_POOL_CANCEL: CancelFlag | None = None  # in a pool's worker process: its owner's flag


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
    if workers <= 1 or runs <= 1:
        by_run: dict[int, list[dict[str, object]]] = {}
        for job in jobs:
            inner = (lambda f, r=job.run: progress(r + f, runs)) if progress else None
            by_run[job.run] = run_job(job, inner, cancel)
            if progress:
                progress(len(by_run), runs)
    else:
        by_run = _in_pool(jobs, workers, progress, cancel)
    return [[by_run[r][f] for r in range(runs)] for f in range(len(programs))]


def _pool_worker(flag: CancelFlag) -> None:
    global _POOL_CANCEL
    _POOL_CANCEL = flag


def _in_pool(
    jobs: list[Job], workers: int, progress: Progress | None, cancel: CancelFlag | None
) -> dict[int, list[dict[str, object]]]:
    """The jobs in a pool of `workers` processes: run -> results. On `cancel`, the workers are
    told through a `multiprocessing.Event`, stop within their next look at it, and the pool is
    shut down (its processes joined) before `Cancelled` is raised."""
    context = multiprocessing.get_context()
    flag = context.Event()
    by_run: dict[int, list[dict[str, object]]] = {}
    with ProcessPoolExecutor(workers, context, initializer=_pool_worker, initargs=(flag,)) as pool:
        futures: dict[Future, int] = {pool.submit(run_job, job): job.run for job in jobs}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, 0.1 if cancel else None, FIRST_COMPLETED)
            if cancel is not None and cancel.is_set():
                flag.set()
                for future in pending:
                    future.cancel()
                break
            for future in sorted(done, key=futures.__getitem__):
                by_run[futures[future]] = future.result()
                if progress:
                    progress(len(by_run), len(jobs))
    if len(by_run) < len(jobs):
        raise Cancelled
    return by_run
