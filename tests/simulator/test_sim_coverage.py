"""The interval with parameter uncertainty on and off: a forecast fitted on a small history,
its parameters drawn per run, has wider intervals than the same runs at the estimates, by the
parameters' share of the variance. How often each interval holds a fresh campaign of the true
parameters (the coverage itself) is counted by `bench/validate_calibration.py --coverage`:
too slow for the suite."""

from __future__ import annotations

from dsl import load_program
from simulator.api import Overrides, forecast, prepare
from simulator.calibrate import CalibrateOptions, calibrate
from simulator.history_sim import simulated_history

RULES = "rules/validation/recovery.nurture"
TRUTH = "rules/validation/recovery.scenario.toml"


def test_drawn_parameters_widen_the_interval_by_their_share() -> None:
    program = load_program(RULES)
    truth = prepare(program, TRUTH, Overrides(leads=300, runs=1))
    fitted = calibrate(
        program, truth, simulated_history(program, truth, 0), CalibrateOptions(by="source")
    ).scenario
    population = fitted.population.model_copy(update={"leads": 600, "arrivals": "steady"})
    run = fitted.run.model_copy(update={"runs": 8, "seed": 3})
    scenario = fitted.model_copy(update={"population": population, "run": run})
    made = forecast(program, scenario, None, 1)
    split = {w.name: w for w in made.uncertainty}
    assert set(split) >= {"customers", "conversion_rate", "visit_rate", "revenue"}
    for name in ("customers", "conversion_rate", "revenue"):
        w = split[name]
        assert w.total.mean == made.stat(name).mean  # the forecast's figure is the drawn one
        assert w.parameter_share is not None and w.parameter_share > 0.3, (name, w)
        assert w.total.high - w.total.low > w.simulation.high - w.simulation.low, name
