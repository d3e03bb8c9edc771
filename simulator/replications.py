"""Replications: one run, or many in a process pool. Same seed -> the same results, whatever W.

A replication is a pure function of (rule files, scenario, run number): its random streams come
from (seed, run, name), the engine's split/holdout seed from (seed, run, "engine"). Several rule
files in one job (a comparison) share one population and the per-lead streams: common random
numbers. Results are collected by run number, so the worker count never changes an output.
A single replication with several workers is split over them (`simulator/shards.py`), which
changes no number either.

Where the replications run — this process, a process pool, a Dask cluster — is
`simulator/backends.py`'s business; none changes a number.

A replication's result here is the flat per-run record (`RunMetrics.result`: "scalars",
"weekly", "labels", and on request run 0's "traces" and "leads"); `simulator/api.py` turns the
runs into a typed `Forecast` or `Comparison`. `cancel` (`simulator/cancel.py`) stops the lot:
looked at between replications, inside each, and every 0.1 s while a pool or cluster works.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from dsl.ir import Program
from simulator.backends import Backend, Cluster, Progress, execute, pool_cancel
from simulator.cancel import CancelFlag, Cancelled, check, stopped
from simulator.metrics import RunRecord
from simulator.scenario import Scenario
from simulator.shards import engine_seed as engine_seed  # re-exported: the seed of a run
from simulator.shards import run_sharded


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
) -> RunRecord:
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
) -> list[RunRecord]:
    cancel = cancel if cancel is not None else pool_cancel()
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
    cluster: Cluster | None = None,
) -> list[list[RunRecord]]:
    """results[file][run], for `runs` replications of every file on common random numbers,
    in `workers` processes or on a Dask `cluster` (`simulator/backends.py`). Raises `Cancelled`
    soon after `cancel` is set, with every process it started ended."""
    shards = max(1, workers) if runs == 1 and cluster is None else 1
    jobs = [Job(tuple(programs), tuple(scenarios), r, traces, shards, leads) for r in range(runs)]
    backend = Backend(workers if runs > 1 else 1, cluster)
    by_run: dict[int, list[RunRecord]] = {}
    try:
        execute(run_job, jobs, backend, progress, cancel, by_run.__setitem__)
    except Cancelled:
        raise stopped(list(by_run), runs) from None
    if len(by_run) < len(jobs):
        raise stopped(list(by_run), runs)
    return [[by_run[r][f] for r in range(runs)] for f in range(len(programs))]
