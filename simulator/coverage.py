"""Coverage trials: does a forecast's 90% interval hold a real campaign's outcome, with the
fitted parameters drawn per run and with them fixed at their estimates?

A trial simulates a small history of `truth` (the known parameters), calibrates on it, forecasts
a larger campaign from the fitted scenario (its runs drawing the parameters; the same runs at
the estimates come with it, `Forecast.uncertainty`), and runs one fresh campaign of `truth`
with another seed: the outcome the forecast is meant to hold. With few leads to fit on, the
parameters are uncertain and the fixed intervals too narrow; drawn, they widen to hold it.
`bench/validate_calibration.py --coverage` runs many trials; a test runs a few.
"""

from __future__ import annotations

from collections.abc import Callable

from dsl.ir import Program
from simulator.calibrate import CalibrateOptions, calibrate
from simulator.history_sim import simulated_history
from simulator.scenario import Scenario

KPIS = ("customers", "conversion_rate", "visit_rate", "unsubscribe_rate", "revenue")


def _sized(scenario: Scenario, leads: int, runs: int, seed: int) -> Scenario:
    population = scenario.population.model_copy(update={"leads": leads})
    run = scenario.run.model_copy(update={"runs": runs, "seed": seed})
    return scenario.model_copy(update={"population": population, "run": run})


def coverage_trial(
    program: Program,
    truth: Scenario,
    seed: int,
    workers: int,
    forecast: Callable,
    history_leads: int = 400,
    campaign_leads: int = 3000,
    runs: int = 20,
    by: str | None = "source",
) -> dict[bool, dict[str, bool]]:
    """{parameters drawn?: {KPI: whether the fresh campaign lies in the 90% interval}}."""
    history = simulated_history(program, _sized(truth, history_leads, 1, seed), 0)
    fitted = calibrate(program, truth, history, CalibrateOptions(by=by)).scenario
    days = truth.population.days
    population = fitted.population.model_copy(
        update={"leads": campaign_leads, "days": days, "arrivals": "steady", "weekly": []}
    )
    fitted = _sized(
        fitted.model_copy(update={"population": population}), campaign_leads, runs, seed
    )
    made = forecast(program, fitted, None, workers)
    actual = forecast(program, _sized(truth, campaign_leads, 1, seed + 1_000_000), None, 1)
    fixed = {w.name: w.simulation for w in made.uncertainty}
    out: dict[bool, dict[str, bool]] = {True: {}, False: {}}
    for kpi in KPIS:
        value = actual.stat(kpi).mean
        if value is None:
            continue
        for draw, s in ((True, made.stat(kpi)), (False, fixed.get(kpi))):
            if s is not None and s.low is not None:
                out[draw][kpi] = s.low <= value <= s.high
    return out
