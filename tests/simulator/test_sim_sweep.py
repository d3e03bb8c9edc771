"""Sweeps: the design (grid, Latin hypercube), common random numbers (a point at the current values
is exactly `forecast`), the best point against the current values, and a cancelled sweep."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import pytest

from dsl import Rules, load_program
from simulator import Overrides, forecast, prepare
from simulator.figures import Stat
from simulator.objective import parse_objective
from simulator.sweep import best_point, design, plan_axes, point_scenario, sweep
from simulator.sweep_result import SweepPoint
from simulator.sweep_spec import Axis, SweepError

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.fixture(scope="module")
def setup():
    program = load_program(RULES)
    scenario = prepare(program, SCENARIO, Overrides(leads=150, days=45, runs=3))
    return program, scenario


def _axis(name: str, values: tuple, current: float) -> Axis:
    return Axis(name, name, "scenario", values, current)


def test_a_grid_is_every_combination_the_first_axis_slowest() -> None:
    axes = (_axis("a", (1, 2), 1), _axis("b", (10, 20, 30), 10))
    assert design(axes, None, 0) == [(1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)]


def test_a_latin_hypercube_takes_each_value_once_when_samples_match_the_values() -> None:
    axes = (_axis("a", (1, 2, 3, 4), 1), _axis("b", (10, 20, 30, 40), 10))
    points = design(axes, 4, seed=7)
    assert sorted(p[0] for p in points) == [1, 2, 3, 4]
    assert sorted(p[1] for p in points) == [10, 20, 30, 40]
    assert design(axes, 4, seed=7) == points  # same seed, same points


def test_a_grid_past_the_limit_is_refused() -> None:
    axes = (_axis("a", tuple(range(101)), 0), _axis("b", tuple(range(100)), 0))
    with pytest.raises(SweepError) as caught:
        design(axes, None, 0)
    assert caught.value.message == "the grid has 10,100 points; a sweep takes at most 10,000"


def test_a_point_that_breaks_the_scenario_is_named(setup) -> None:
    program, scenario = setup
    axes = plan_axes(program, scenario, ["personas.smb_trial.share=0.5"])
    with pytest.raises(SweepError) as caught:
        point_scenario(scenario, axes, (0.5,))
    assert caught.value.message == (
        "the point personas.smb_trial.share=0.5 is not a valid scenario: "
        "persona shares must sum to 1 (they sum to 0.95)"
    )


def test_the_current_values_give_exactly_the_simulate_numbers(setup) -> None:
    program, scenario = setup
    axes = plan_axes(program, scenario, ["behaviour.click.email=0.03,0.12"])
    result = sweep(program, scenario, SCENARIO, axes, parse_objective("customers"), workers=1)
    # the current value, the calibrated 0.068, is added first
    assert [p.values for p in result.points] == [(0.068,), (0.03,), (0.12,)]
    assert [(p.current, p.in_design) for p in result.points] == [
        (True, False),
        (False, True),
        (False, True),
    ]
    alone = forecast(program, scenario, SCENARIO, workers=1)
    same = result.points[0].forecast
    assert json.dumps(same.to_dict(), sort_keys=True) == json.dumps(alone.to_dict(), sort_keys=True)
    assert result.points[0].objective_runs == tuple(
        float(c) for c in [r["scalars"]["customers"] for r in _runs(program, scenario)]
    )


def test_with_a_param_axis_too_the_current_values_give_exactly_the_simulate_numbers(setup) -> None:
    program, scenario = setup
    rules = Rules(Path(RULES).read_text(), RULES)
    axes = plan_axes(program, scenario, ["sql_at=60,100", "behaviour.click.email=0.05"])
    result = sweep(
        program, scenario, SCENARIO, axes, parse_objective("sql"), workers=1, rules=rules
    )
    assert [p.values for p in result.points] == [(80.0, 0.068), (60.0, 0.05), (100.0, 0.05)]
    alone = forecast(program, scenario, SCENARIO, workers=1)
    same = result.points[0].forecast
    assert json.dumps(same.to_dict(), sort_keys=True) == json.dumps(alone.to_dict(), sort_keys=True)
    in_force = [{p.name: p.value for p in q.forecast.params}["sql_at"] for q in result.points]
    assert in_force == ["80", "60", "100"]


def _runs(program, scenario):
    from simulator.replications import run_many

    return run_many([program], [scenario], scenario.run.runs, 1)[0]


def test_every_point_runs_on_the_same_leads(setup) -> None:
    program, scenario = setup
    axes = plan_axes(program, scenario, ["sales.reps=1,2"])
    result = sweep(program, scenario, SCENARIO, axes, parse_objective("leads"), workers=1)
    # arrivals come from the population's streams, which no assumption here changes
    assert [p.objective_runs for p in result.points] == [result.points[0].objective_runs] * len(
        result.points
    )
    assert result.points[0].forecast.kpis.leads.mean == 150


def _point(index: int, runs: tuple[float, ...], current: bool = False) -> SweepPoint:
    mean = sum(runs) / len(runs)
    return SweepPoint(
        index, (index,), None, Stat(mean, min(runs), max(runs), len(runs)), runs, current, True
    )  # type: ignore[arg-type]


def test_the_best_point_is_measured_against_the_current_values_run_by_run() -> None:
    current = _point(0, (10.0, 12.0, 11.0, 9.0), current=True)
    better = _point(1, (12.0, 12.0, 14.0, 10.0))
    worse = _point(2, (8.0, 9.0, 7.0, 8.0))
    best = best_point([current, better, worse])
    assert best is not None
    assert best.point == 1
    assert (best.wins, best.ties, best.runs) == (3, 1, 4)  # run 2 ties
    assert best.share_of_wins == 0.875
    d = best.against_current
    # differences 2, 0, 3, 1: mean 1.5, sd 1.290994, t(3) 2.353: half-width 1.518855
    assert (d.mean, d.low, d.high, d.n, d.clear) == (1.5, -0.018855, 3.018855, 4, False)


def test_among_equal_points_the_current_values_are_best() -> None:
    current = _point(1, (5.0, 6.0), current=True)
    same = _point(0, (6.0, 5.0))
    assert best_point([same, current]).point == 1  # type: ignore[union-attr]


def test_points_without_a_measurable_objective_cannot_be_best() -> None:
    nan = SweepPoint(0, (0,), None, Stat.MISSING, (math.nan,), True, True)  # type: ignore[arg-type]
    assert best_point([nan]) is None


def test_a_cancelled_sweep_returns_the_points_finished(setup) -> None:
    program, scenario = setup
    axes = plan_axes(program, scenario, ["behaviour.click.email=0.03,0.05,0.08,0.12"])
    stop = threading.Event()
    runs = scenario.run.runs

    def progress(done: float, total: int) -> None:
        if done >= 2 * runs:  # two points finished: stop
            stop.set()

    result = sweep(
        program,
        scenario,
        SCENARIO,
        axes,
        parse_objective("customers"),
        workers=1,
        progress=progress,
        cancel=stop,
    )
    assert not result.complete
    assert result.planned == 5  # four values and the current 0.068
    assert [p.values for p in result.points] == [(0.068,), (0.03,)]
