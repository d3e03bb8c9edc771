"""The forecast and the comparison the app runs: settings in, the simulator's results out.

Only calls of the simulator's public API (`simulator.api`): `prepare` for the scenario with the
form's settings, `forecast` and `compare` for the runs, `lead_timeline` for one lead's trail.
No figure is computed here.

Cancel: the simulator calls a progress function between windows of simulated time (a few
hundredths of a second apart for a small population); the one made here raises `Cancelled` as soon
as `cancelled()` says so, which unwinds the running replication. Replications run in this process
(one worker) so that the unwinding stops all the work at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsl import Program

ProgressReport = Callable[[float, int], None]


class Cancelled(Exception):
    """The person cancelled the running forecast."""


class SettingsError(Exception):
    """The scenario (or the form's settings) is wrong; `messages` says what, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Settings:
    """What the forecast form edits; defaults are the scenario's."""

    leads: int
    days: float
    runs: int
    seed: int


def scenario_settings(program: Program, scenario_path: str | None) -> Settings:
    """The scenario's own leads, days, runs and seed (SettingsError when it has mistakes)."""
    from simulator.api import Overrides, prepare
    from simulator.loader import ScenarioError

    try:
        s = prepare(program, scenario_path, Overrides())
    except ScenarioError as err:
        raise SettingsError(err.messages) from None
    return Settings(s.population.leads, s.population.days, s.run.runs, s.run.seed)


def _scenarios(programs: list[Program], scenario_path: str | None, settings: Settings) -> list[Any]:
    from simulator.api import Overrides, prepare
    from simulator.loader import ScenarioError

    o = Overrides(leads=settings.leads, days=settings.days, runs=settings.runs, seed=settings.seed)
    try:
        return [prepare(p, scenario_path, o) for p in programs]
    except ScenarioError as err:
        raise SettingsError(err.messages) from None


def guarded(
    report: ProgressReport, cancelled: Callable[[], bool], every: float = 0.1
) -> ProgressReport:
    """A progress function for the simulator: raises Cancelled when asked to stop, and passes on
    at most one report each `every` seconds (and always the last)."""
    last = [0.0]

    def progress(done: float, total: int) -> None:
        if cancelled():
            raise Cancelled
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            report(done, total)

    return progress


def run_forecast(
    program: Program,
    scenario_path: str | None,
    settings: Settings,
    progress: ProgressReport,
    traces: bool = True,
) -> Any:
    """The simulator's forecast of one file (with run 0's traced sample)."""
    from simulator.api import forecast

    scenario = _scenarios([program], scenario_path, settings)[0]
    return forecast(program, scenario, scenario_path, 1, progress, traces=traces)


def run_compare(
    programs: list[Program], scenario_path: str | None, settings: Settings, progress: ProgressReport
) -> Any:
    """The simulator's comparison of the files, on common random numbers."""
    from simulator.api import compare

    scenarios = _scenarios(programs, scenario_path, settings)
    return compare(programs, scenarios, scenario_path, 1, progress)


def timeline(
    program: Program, scenario_path: str | None, settings: Settings, lead_id: str
) -> tuple[Any, list[Any]]:
    """A simulated lead's explain trail and events in run 0 (KeyError: no such lead)."""
    from simulator.api import lead_timeline

    scenario = _scenarios([program], scenario_path, settings)[0]
    return lead_timeline(program, scenario, 0, lead_id)
