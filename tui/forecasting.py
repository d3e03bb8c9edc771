"""The forecasts, comparisons and lead timelines the app asks of the simulator, through its front
door (`simulator`): settings in, typed results out. No figure is computed here.

A forecast runs on every core (`default_workers`: a process per replication, or, with one run,
its leads split over processes), reports progress — the runs done, fractions of those under way
included — and stops when its `stop` event is set: the simulator raises `Cancelled` within a
fraction of a second, with every process it started ended (`simulator/cancel.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl import Program
    from engine import Event, Explanation
    from simulator import Comparison, Forecast, Scenario

Report = Callable[[float, int], None]


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


@dataclass
class Job:
    """One forecast or comparison under way: `stop` cancels it (from any thread)."""

    what: str  # "forecast" or "comparison"
    runs: int
    workers: int
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)


def _prepare(program: Program, scenario_path: str | None, settings: Settings | None) -> Scenario:
    from simulator import Overrides, ScenarioError, prepare

    o = (
        Overrides()
        if settings is None
        else Overrides(settings.leads, settings.days, settings.runs, settings.seed)
    )
    try:
        return prepare(program, scenario_path, o)
    except ScenarioError as err:
        raise SettingsError(err.messages) from None


def scenario_settings(program: Program, scenario_path: str | None) -> Settings:
    """The scenario's own leads, days, runs and seed (SettingsError when it has mistakes)."""
    s = _prepare(program, scenario_path, None)
    return Settings(s.population.leads, s.population.days, s.run.runs, s.run.seed)


def workers_for(runs: int) -> int:
    from simulator import default_workers

    return default_workers(runs)


def throttled(report: Report, every: float = 0.1) -> Report:
    """A progress function for the simulator that passes on at most one report each `every`
    seconds (and always the last): the simulator may report hundreds a second."""
    last = [0.0]

    def progress(done: float, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            report(done, total)

    return progress


def run_forecast(
    program: Program, scenario_path: str | None, settings: Settings, job: Job, report: Report
) -> Forecast:
    """The simulator's forecast of one file, with run 0's leads (the leads table). Raises
    `simulator.Cancelled` once `job.stop` is set, `SettingsError` or a `NurtureError` for a
    mistake in the input."""
    from simulator import forecast

    scenario = _prepare(program, scenario_path, settings)
    progress = throttled(report)
    return forecast(
        program, scenario, scenario_path, job.workers, progress, leads=True, cancel=job.stop
    )


def run_compare(
    programs: list[Program],
    scenario_path: str | None,
    settings: Settings,
    job: Job,
    report: Report,
) -> Comparison:
    """The simulator's comparison of the files on common random numbers (as `run_forecast`)."""
    from simulator import compare

    scenarios = [_prepare(p, scenario_path, settings) for p in programs]
    return compare(
        programs, scenarios, scenario_path, job.workers, throttled(report), cancel=job.stop
    )


def timeline(
    program: Program, scenario_path: str | None, settings: Settings, lead_id: str
) -> tuple[Explanation, list[Event]]:
    """A simulated lead's explain trail and events in run 0, rebuilt by the simulator (KeyError:
    no such lead)."""
    from simulator import lead_timeline

    return lead_timeline(program, _prepare(program, scenario_path, settings), 0, lead_id)


def settings_of(f: Forecast) -> Settings:
    """The settings a forecast was run with (to rebuild one of its leads)."""
    return Settings(f.leads, f.days, f.runs, f.seed)
