"""Recovery trials: calibrate on a history the simulator made with known parameters, and see
whether each true value falls inside its fitted 90% interval.

    hits = recovery_trial(program, truth, seed=7, by="source")   # path -> (true, low, high, in)

A trial simulates one replication of `truth` with `seed` (`history_sim.py`), calibrates on it
with `truth` itself as the prior (the prior gives only the model's shape and the knobs the
history cannot identify; every fitted knob is estimated from the history alone), and compares.
`bench/validate_calibration.py --recovery` runs 100 trials; a test runs a few.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Program
from simulator.calibrate import CalibrateOptions, calibrate
from simulator.history_sim import simulated_history
from simulator.scenario import Scenario
from simulator.uncertainty import knob_value


@dataclass(frozen=True)
class Recovered:
    true: float
    estimate: float
    low: float
    high: float
    se: float = 0.0  # the standard error (observed information), whatever the interval
    profile: bool = False  # the interval is the profile likelihood's, not estimate +- Z90 se

    @property
    def inside(self) -> bool:
        return self.low <= self.true <= self.high


def true_value(truth: Scenario, path: str) -> float | None:
    """The knob's value in `truth` (a persona's behaviour knob it does not set: the global)."""
    value = knob_value(truth, path)
    if value is None and path.startswith("personas.") and ".behaviour." in path:
        value = knob_value(truth, "behaviour." + path.split(".behaviour.", 1)[1])
    return value


def recovery_trial(
    program: Program, truth: Scenario, seed: int, by: str | None = None, leads: int | None = None
) -> dict[str, Recovered]:
    """One trial (see the module docstring): each fitted knob with a true value."""
    return recovery_run(program, truth, seed, by, leads)[0]


def recovery_run(
    program: Program, truth: Scenario, seed: int, by: str | None = None, leads: int | None = None
) -> tuple[dict[str, Recovered], dict[str, str]]:
    """One trial: (each fitted knob with a true value, each knob with a true value the fit
    did not fit -> why: kept at the prior's or set at a bound, in the fit's words)."""
    run = truth.run.model_copy(update={"seed": seed})
    scenario = truth.model_copy(update={"run": run})
    if leads is not None:
        population = scenario.population.model_copy(update={"leads": leads})
        scenario = scenario.model_copy(update={"population": population})
    history = simulated_history(program, scenario, 0)
    fitted = calibrate(program, scenario, history, CalibrateOptions(by=by))
    out = {}
    fit = fitted.fit
    for p in fit.parameters:
        true = true_value(truth, p.path)
        if true is not None:
            out[p.path] = Recovered(true, p.estimate, p.low, p.high, p.se, p.interval == "profile")
    apart = {k.path: f"kept: {k.reason}" for k in fit.kept} | {
        s.path: f"set: {s.reason}" for s in fit.set
    }
    return out, {k: v for k, v in apart.items() if k not in out}
