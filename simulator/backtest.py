"""Backtests: calibrate on one part of a history, forecast the other, and hold the forecast
against what happened.

    result = backtest(program, prior, history, Split(0.7, seed=0), CalibrateOptions(), runs=20)

The part held out is never seen by the fit. The forecast is given what a plan knows of it —
how many leads come and in which weeks, the horizon — and nothing of what they did: the fitted
scenario (personas, behaviour, each parameter's uncertainty) with the held-out part's lead count,
start, horizon and arrival weeks. Each figure of the held-out part (`backtest_actual.py`) is set
beside the forecast's mean and 90% interval (over runs that draw the parameters); it passes
when the actual value lies inside that interval widened by the held-out figure's own sampling
error (1.645 of its standard errors each side). A figure resting on at least 200 conversions
(leads, for a share of leads) is also held to +-15% relative error.

The times to convert are judged only when the history's times are real: not for an
experiment's outcomes (`outcomes_only`), nor with `timed=False` (`--untimed`: times that only
order the events, such as the bank's one call a day, which its data does not date).
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Program
from engine import format_time
from simulator.api import forecast
from simulator.backtest_actual import Actual, actual_figures
from simulator.calibrate import CalibrateOptions, Calibration, _population, calibrate
from simulator.cancel import CancelFlag
from simulator.figures import Stat
from simulator.fit_ml import Z90
from simulator.history import History, HistorySummary
from simulator.replications import Progress
from simulator.results import Forecast
from simulator.scenario import Scenario

TOLERANCE = 0.15
MIN_EVENTS = 200


@dataclass(frozen=True)
class Split:
    """A random share of the leads to fit on (the rest is held out)."""

    share: float
    seed: int = 0

    def apply(self, history: History) -> tuple[History, History]:
        return history.split(self.share, self.seed)

    def words(self) -> str:
        share = f"{self.share:.0%}"
        return f"fitted on a random {share} of the leads (seed {self.seed}), judged on the rest"


@dataclass(frozen=True)
class Before:
    """Everything before an instant to fit on; the leads created from it on are held out."""

    at: float

    def apply(self, history: History) -> tuple[History, History]:
        return history.before(self.at)

    def words(self) -> str:
        return f"fitted on the history before {format_time(self.at)}, judged on the leads after"


@dataclass(frozen=True)
class Judged:
    """One figure: the forecast, what happened, and the verdicts."""

    actual: Actual
    forecast: Stat

    @property
    def error(self) -> float | None:
        if self.forecast.mean is None or not self.actual.value:
            return None
        return self.forecast.mean / self.actual.value - 1

    @property
    def widened(self) -> tuple[float, float] | None:
        if self.forecast.low is None or self.forecast.high is None:
            return None
        pad = Z90 * self.actual.se
        return self.forecast.low - pad, self.forecast.high + pad

    @property
    def inside(self) -> bool | None:
        band = self.widened
        return None if band is None else bool(band[0] <= self.actual.value <= band[1])

    @property
    def held(self) -> bool:
        return bool(self.actual.events >= MIN_EVENTS)

    @property
    def within_tolerance(self) -> bool | None:
        err = self.error
        return None if err is None else bool(abs(err) <= TOLERANCE)

    def to_dict(self) -> dict[str, object]:
        band = self.widened
        return {
            "figure": self.actual.label,
            "name": self.actual.key,
            "actual": float(self.actual.value),
            "actual_se": float(self.actual.se),
            "events": int(self.actual.events),
            "forecast": self.forecast.to_dict(),
            "interval_widened": list(band) if band else None,
            "inside": self.inside,
            "relative_error": self.error,
            "held_to_15_percent": self.held,
            "within_15_percent": self.within_tolerance,
        }


@dataclass(frozen=True)
class Backtest:
    how: str
    fitted_on: HistorySummary
    judged_on: HistorySummary
    calibration: Calibration
    forecast: Forecast
    figures: tuple[Judged, ...]
    untimed: str = ""  # why the times to convert are not judged ("": they are)

    def render(self) -> str:
        from simulator.backtest_report import render

        return render(self)

    def to_dict(self) -> dict[str, object]:
        return {
            "how": self.how,
            "fitted_on": self.fitted_on.to_dict(),
            "judged_on": self.judged_on.to_dict(),
            "forecast": {
                "leads": self.forecast.leads,
                "days": self.forecast.days,
                "runs": self.forecast.runs,
                "seed": self.forecast.seed,
            },
            "figures": [f.to_dict() for f in self.figures],
            "times_not_judged": self.untimed or None,
        }


def test_scenario(fitted: Scenario, test: History, runs: int, seed: int) -> Scenario:
    """The fitted scenario with the held-out part's leads, start, horizon and arrival weeks."""
    population = _population(fitted, test)
    run = fitted.run.model_copy(update={"runs": runs, "seed": seed})
    return fitted.model_copy(update={"population": population, "run": run})


def backtest(
    program: Program,
    prior: Scenario,
    history: History,
    how: Split | Before,
    options: CalibrateOptions,
    runs: int = 20,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    timed: bool = True,
) -> Backtest:
    """See the module docstring; `timed=False`: the history's times only order its events."""
    from simulator.calibrate import CalibrationError

    if not history.leads:
        raise CalibrationError(
            f"{history.source}: no leads to fit on or to judge on",
            "a backtest fits on some leads and judges on others: give a history with leads",
        )
    fit, test = how.apply(history)
    if not fit.leads or not test.leads:
        created = [lead.created_at for lead in history.leads]
        span = f"{format_time(min(created))} to {format_time(max(created))}"
        raise CalibrationError(
            f"{how.words()}: {len(fit.leads)} leads to fit on and {len(test.leads)} to judge on",
            "give a split or a date that leaves leads on both sides (the history's leads were "
            f"created {span})",
        )
    calibration = calibrate(program, prior, fit, options)
    scenario = test_scenario(calibration.scenario, test, runs, seed)
    label = f"fitted on {fit.source}"
    result = forecast(program, scenario, label, workers, progress, cancel=cancel)
    untimed = ""  # why the times to convert are not judged
    if options.outcomes_only:
        untimed = "the history holds each lead's outcome, not when (--outcomes-only)"
    elif not timed:
        untimed = "the history's times only order its events (--untimed)"
    figures = tuple(
        Judged(a, result.stat(a.key))
        for a in actual_figures(test, calibration.group_of, not untimed, options.outcomes_only)
    )
    return Backtest(
        how.words(), fit.summary(), test.summary(), calibration, result, figures, untimed
    )
