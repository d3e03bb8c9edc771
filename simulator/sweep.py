"""What-if sweeps: one rule file forecast at many points of its assumptions, on common random
numbers.

    axes = plan_axes(program, scenario, ["behaviour.click.email=0.05..0.12 step 0.01"])
    result = sweep(program, scenario, path, axes, parse_objective("customers"), workers=2)

The points are a grid (every combination of the axes' values, the first axis slowest) or, with
`samples`, a Latin hypercube: N points whose values of each axis fall in N equal strata of that
axis's values, drawn from the master seed (same seed, same points). The current values (the
scenario's and the file's) are a point too — added beside the design when it lacks them — so
each point is measured against them.

Every point runs the same replications (run r of every point: the same seed, the same
population, the same per-lead random streams), so differences between points are the
assumptions' doing, not noise; and a point equal to the current values gives exactly what
`forecast` gives. Tasks are (point, run) pairs run on any backend (`simulator/backends.py`);
the rule file is compiled once per task's engine, never re-checked. Cancelled (or Ctrl-C), the
sweep returns the points whose every run finished, with `complete` False.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsl import Rules
from dsl.ir import Program
from dsl.params import params_in_force
from simulator.api import forecast_of_runs
from simulator.backends import Backend, Cluster, Progress, execute
from simulator.cancel import CancelFlag, Cancelled
from simulator.forecast import paired, stat
from simulator.metrics import RunRecord
from simulator.objective import Objective
from simulator.replications import Job, run_job
from simulator.scenario import Scenario
from simulator.streams import stream_key
from simulator.sweep_params import param_axis, point_program, point_settings
from simulator.sweep_result import Best, SweepPoint, SweepResult
from simulator.sweep_spec import Axis, SweepError, scenario_axis, set_at, split_vary

MAX_POINTS = 10_000


def plan_axes(program: Program, scenario: Scenario, varies: Sequence[str]) -> tuple[Axis, ...]:
    """The axes of `--vary NAME=SPEC` texts, checked against the scenario and the file: a bare
    NAME that the file declares as a param is that param (`simulator/sweep_params.py`), a
    dotted one a scenario field."""
    data = scenario.model_dump()
    params = {p.name: p for p in program.params}
    axes: list[Axis] = []
    for text in varies:
        name, spec = split_vary(text)
        if name in params:
            axis = param_axis(name, spec, params[name], program.path)
        else:
            if "." not in name and name not in data:
                _no_such_param(name, list(params), program.path)
            axis = scenario_axis(name, spec, data)
        if any(a.path == axis.path for a in axes):
            raise SweepError(f"--vary {name}: {axis.path} is varied twice")
        axes.append(axis)
    if not axes:
        raise SweepError("give at least one --vary NAME=SPEC")
    return tuple(axes)


def _no_such_param(name: str, params: list[str], file: str) -> None:
    """A bare name close to a param's is a misspelt param (else: the scenario's message)."""
    near = difflib.get_close_matches(name, params, n=1, cutoff=0.6)
    if near:
        raise SweepError(
            f"--vary {name}: {file} has no param {name!r}", hint=f"did you mean {near[0]!r}?"
        )


def design(axes: tuple[Axis, ...], samples: int | None, seed: int) -> list[tuple[float, ...]]:
    """The points: the grid, or `samples` Latin-hypercube points (duplicates dropped)."""
    if samples is None:
        size = math.prod(len(a.values) for a in axes)
        if size > MAX_POINTS:
            raise SweepError(
                f"the grid has {size:,} points; a sweep takes at most {MAX_POINTS:,}",
                hint="use fewer values, or --samples N for N points at random",
            )
        return list(itertools.product(*(a.values for a in axes)))
    rng = np.random.default_rng(stream_key(seed, 0, "sweep.latin_hypercube"))
    columns = []
    for a in axes:
        strata = (rng.permutation(samples) + rng.random(samples)) / samples  # one per stratum
        columns.append([a.values[min(int(u * len(a.values)), len(a.values) - 1)] for u in strata])
    return list(dict.fromkeys(zip(*columns, strict=True)))


def point_scenario(
    scenario: Scenario, axes: tuple[Axis, ...], values: tuple[float, ...]
) -> Scenario:
    """The scenario with each axis set to its value (a `SweepError` if the result is invalid);
    the scenario itself at the current values."""
    from pydantic import ValidationError

    if all(v == a.current for a, v in zip(axes, values, strict=True) if a.kind == "scenario"):
        return scenario  # (also where only params change: the same scenario, the same leads)
    data = copy.deepcopy(scenario.model_dump())
    for a, v in zip(axes, values, strict=True):
        if a.kind == "scenario":
            set_at(data, a.path, v)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        what = "; ".join(_problem(e) for e in err.errors())
        label = ", ".join(f"{a.name}={a.text(v)}" for a, v in zip(axes, values, strict=True))
        raise SweepError(f"the point {label} is not a valid scenario: {what}") from None


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def sweep(
    program: Program,
    scenario: Scenario,
    scenario_path: str | None,
    axes: tuple[Axis, ...],
    objective: Objective,
    workers: int = 1,
    samples: int | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    cluster: Cluster | None = None,
    rules: Rules | None = None,
    settings: Mapping[str, str] | None = None,
) -> SweepResult:
    """Every point of the design, `scenario.run.runs` replications each (module docstring).
    With param axes, `rules` is the file as read (`dsl.Rules`) and `settings` the values
    `program` was checked with (`--set`): each point's program is the file checked with them
    and the point's values."""
    plan = _plan(program, scenario, axes, samples, rules, settings or {})
    runs = plan.runs
    pairs = zip(plan.programs, plan.scenarios, strict=True)
    jobs = [Job((p,), (s,), r) for p, s in pairs for r in range(runs)]
    finished: dict[int, RunRecord] = {}

    def keep(index: int, result: list[RunRecord]) -> None:
        finished[index] = result[0]

    try:
        execute(run_job, jobs, Backend(workers, cluster), progress, cancel, keep)
        complete = True
    except (Cancelled, KeyboardInterrupt):
        complete = False
    out = _finished_points(scenario_path, objective, plan, finished)
    return SweepResult(
        program.path,
        program.campaign,
        scenario_path or "default scenario (derived from the lead: block)",
        scenario.population.leads,
        scenario.population.days,
        runs,
        scenario.run.seed,
        "grid" if samples is None else "latin hypercube",
        axes,
        objective.text,
        tuple(out),
        len(plan.points),
        best_point(out),
        complete,
        tuple(params_in_force(program)),
    )


@dataclass(frozen=True)
class _Plan:
    points: list[tuple[float, ...]]
    scenarios: list[Scenario]
    programs: list[Program]  # each point's: the same object wherever only the scenario changes
    in_design: list[bool]
    current: tuple[float, ...]
    runs: int


def _plan(
    program: Program,
    scenario: Scenario,
    axes: tuple[Axis, ...],
    samples: int | None,
    rules: Rules | None,
    settings: Mapping[str, str],
) -> _Plan:
    """The points (the current values added first when the design lacks them), and each
    point's scenario and program, all checked before anything runs."""
    current = tuple(a.current for a in axes)
    points = design(axes, samples, scenario.run.seed)
    in_design = [True] * len(points)
    if current not in points:
        points.insert(0, current)
        in_design.insert(0, False)
    scenarios = [point_scenario(scenario, axes, v) for v in points]
    programs = []
    for values in points:
        point = point_settings(axes, values)
        label = ", ".join(f"{a.name}={a.text(v)}" for a, v in zip(axes, values, strict=True))
        programs.append(point_program(rules, program, settings, point, label))
    return _Plan(points, scenarios, programs, in_design, current, scenario.run.runs)


def _finished_points(
    scenario_path: str | None,
    objective: Objective,
    plan: _Plan,
    finished: dict[int, RunRecord],
) -> list[SweepPoint]:
    """The points whose every run finished (task k * runs + r is run r of point k)."""
    out = []
    for k, (values, s, p) in enumerate(
        zip(plan.points, plan.scenarios, plan.programs, strict=True)
    ):
        results = [finished.get(k * plan.runs + r) for r in range(plan.runs)]
        if any(r is None for r in results):
            continue
        runs = [r for r in results if r is not None]
        per_run = objective.per_run(runs)
        out.append(
            SweepPoint(
                k,
                values,
                forecast_of_runs(p, s, scenario_path, runs),
                stat(per_run),
                tuple(per_run),
                values == plan.current,
                plan.in_design[k],
            )
        )
    return out


def best_point(points: list[SweepPoint]) -> Best | None:
    """The point of highest mean objective, against the current point (of equals: the current
    point, else the first)."""
    scored = [p for p in points if p.objective.mean is not None]
    if not scored:
        return None
    best = max(scored, key=lambda p: (p.objective.mean, p.current))  # max keeps the first
    base = next((p for p in points if p.current), None)
    if base is None:
        return Best(best.index, best.objective, paired([], []), 0, 0, 0)
    pairs = [
        (b, c)
        for b, c in zip(best.objective_runs, base.objective_runs, strict=True)
        if not (math.isnan(b) or math.isnan(c))
    ]
    wins = sum(1 for b, c in pairs if b > c)
    ties = sum(1 for b, c in pairs if b == c)
    diff = paired(list(base.objective_runs), list(best.objective_runs))
    return Best(best.index, best.objective, diff, wins, ties, len(pairs))
