"""Replications: one run, or many in a process pool. Same seed -> the same results, whatever W.

A replication is a pure function of (rule files, scenario, run number): its random streams come
from (seed, run, name), the engine's split/holdout seed from (seed, run, "engine"). Several rule
files in one job (a comparison) share one population and the per-lead streams: common random
numbers. Results are collected by run number, so the worker count never changes an output.
A single replication with several workers is split over them (`simulator/shards.py`), which
changes no number either.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from dsl.ir import Program
from simulator.scenario import Scenario
from simulator.shards import engine_seed as engine_seed  # re-exported: the seed of a run
from simulator.shards import run_sharded

Progress = Callable[[float, int], None]  # (runs done, fractions included; runs in all)


@dataclass(frozen=True)
class Job:
    programs: tuple[Program, ...]
    scenarios: tuple[Scenario, ...]  # one per program (each completed against its `lead:`)
    run: int
    traces: bool = False  # keep the explain trails of the traced sample (run 0 only)
    shards: int = 1  # processes for each replication (see `simulator/shards.py`)


def run_one(
    program: Program,
    scenario: Scenario,
    run: int,
    traces: bool = False,
    progress: Callable[[float], None] | None = None,
    shards: int = 1,
) -> dict[str, object]:
    """One replication of one file, in `shards` processes: the per-run metrics (see
    `RunMetrics.result`), and with `traces` the explain trail of every lead in the traced sample
    (`scenario.run.trace_sample`)."""
    result, model = run_sharded(program, scenario, run, shards, traces, progress)
    result["labels"] = model.metrics.labels()
    return result


def run_job(job: Job, progress: Callable[[float], None] | None = None) -> list[dict[str, object]]:
    keep = job.traces and job.run == 0
    n = len(job.programs)
    out = []
    for k, (p, s) in enumerate(zip(job.programs, job.scenarios, strict=True)):
        inner = (lambda f, k=k: progress((k + f) / n)) if progress else None
        out.append(run_one(p, s, job.run, keep, inner, job.shards))
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
) -> list[list[dict[str, object]]]:
    """results[file][run], for `runs` replications of every file on common random numbers."""
    shards = max(1, workers) if runs == 1 else 1
    jobs = [Job(tuple(programs), tuple(scenarios), r, traces, shards) for r in range(runs)]
    by_run: dict[int, list[dict[str, object]]] = {}
    if workers <= 1 or runs <= 1:
        for job in jobs:
            inner = (lambda f, r=job.run: progress(r + f, runs)) if progress else None
            by_run[job.run] = run_job(job, inner)
            if progress:
                progress(len(by_run), runs)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(run_job, job): job.run for job in jobs}
            for future in as_completed(futures):
                by_run[futures[future]] = future.result()
                if progress:
                    progress(len(by_run), runs)
    return [[by_run[r][f] for r in range(runs)] for f in range(len(programs))]
