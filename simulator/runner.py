"""Replications: one run, or many in a process pool. Same seed -> the same results, whatever W.

A replication is a pure function of (rule files, scenario, run number): its random streams come
from (seed, run, name), the engine's split/holdout seed from (seed, run, "engine"). Several rule
files in one job (a comparison) share one population and the per-lead streams: common random
numbers. Results are collected by run number, so the worker count never changes an output.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from dsl.ir import Program
from simulator.model import Model
from simulator.population import generate
from simulator.scenario import Scenario
from simulator.streams import Streams, stream_key

Progress = Callable[[float, int], None]  # (runs done, fractions included; runs in all)


@dataclass(frozen=True)
class Job:
    programs: tuple[Program, ...]
    scenarios: tuple[Scenario, ...]  # one per program (each completed against its `lead:`)
    run: int
    traces: bool = False  # keep the explain trails of the traced sample (run 0 only)


def engine_seed(seed: int, run: int) -> int:
    return stream_key(seed, run, "engine") % (2**31)


def run_one(program: Program, scenario: Scenario, run: int, traces: bool = False,
            progress: Callable[[float], None] | None = None) -> dict[str, object]:
    """One replication of one file: the per-run metrics (see `RunMetrics.result`), and with
    `traces` the explain trail of every lead in the traced sample (`scenario.run.trace_sample`)."""
    seed = scenario.run.seed
    streams = Streams(seed, run)
    population = generate(scenario, scenario.population.leads, streams)
    model = Model(program, scenario, population, streams, engine_seed(seed, run))
    result = model.run(progress)
    result["labels"] = model.metrics.labels()
    if traces:
        result["traces"] = {population.lead_id(i): model.engine.explain(population.lead_id(i))
                            .to_dict()["entries"] for i in sorted(model.traced)
                            if i < model.arrived}
    return result


def run_job(job: Job, progress: Callable[[float], None] | None = None) -> list[dict[str, object]]:
    keep = job.traces and job.run == 0
    n = len(job.programs)
    out = []
    for k, (p, s) in enumerate(zip(job.programs, job.scenarios, strict=True)):
        inner = (lambda f, k=k: progress((k + f) / n)) if progress else None
        out.append(run_one(p, s, job.run, keep, inner))
    return out


def default_workers(runs: int) -> int:
    return max(1, min(runs, os.cpu_count() or 1))


def run_many(programs: list[Program], scenarios: list[Scenario], runs: int, workers: int,
             progress: Progress | None = None,
             traces: bool = False) -> list[list[dict[str, object]]]:
    """results[file][run], for `runs` replications of every file on common random numbers."""
    jobs = [Job(tuple(programs), tuple(scenarios), r, traces) for r in range(runs)]
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
