"""The simulator: forecast a rule file on a synthetic population before it goes live.

SimPy drives the real engine with simulated time; no rule is re-implemented here. Callers (the
command line, the TUI) import from `simulator` only — its front door:

    scenario = prepare(program, "x.scenario.toml", Overrides(leads=2000, runs=5))
    result = forecast(program, scenario, "x.scenario.toml", workers=2, cancel=stop_event)
    result.kpis.mql.mean, result.sequences["onboarding"].steps[0].sent.mean, result.to_dict()

    prepare, Overrides, apply    the scenario (raises ScenarioError), with overrides applied
    forecast, compare            typed results: Forecast, Comparison (of Pair)
    lead_timeline                any simulated lead's explain trail and events, by a re-run
    Progress, default_workers    the progress callback's shape; processes to use by default
    cancel=, Cancelled           stop a running forecast from another thread (an Event)
    render_forecast, render_comparison   the text reports
    Stat, Difference, Series, SimulatedLeads, ...   the result types

The modules:

    scenario.py / loader.py   the scenario (pydantic, TOML; errors name field and line)
    calibration.py            default behaviour figures and the public data they come from
    population.py             synthetic leads: personas, attributes, readiness, arrivals
    behaviour.py, organic.py  how leads answer touches and what they do on their own
    sales.py                  sales capacity as a simpy.Resource
    model.py                  one replication: one scheduler process around the engine
    agenda.py, handlers.py    the scheduler's heap of int entries; what each entry does
    streams.py                named random streams from (seed, run, name)
    shards.py                 one replication split over processes, tied by the sales desk
    replications.py           replications in a process pool (same seed, same numbers)
    cancel.py                 the cancel flag and where it is looked at
    metrics.py                per-run numbers, by flat dotted name
    forecast.py               mean and 90% interval over runs; paired differences
    figures.py                Stat, Difference, Series: one figure, typed
    groups.py, sequence_groups.py, watch.py   the figures grouped by meaning; the Watch notes
    results.py                Forecast, Pair, Comparison: the typed results (JSON: to_dict())
    leadtable.py              the simulated leads of run 0 as columns (for the TUI's table)
    report.py / compare_report.py, formatting.py   the text a strategist reads
    api.py                    prepare, forecast, compare, lead_timeline
"""

from simulator.api import (
    DEFAULT_SCENARIO,
    Overrides,
    apply,
    compare,
    forecast,
    lead_timeline,
    prepare,
)
from simulator.cancel import CancelFlag, Cancelled
from simulator.compare_report import render as render_comparison
from simulator.figures import Difference, Series, Stat
from simulator.groups import CHANNELS, Channel, DaysTo, FunnelStage, Kpis, Lift, SalesQueue, Timing
from simulator.leadtable import SimulatedLeads
from simulator.loader import ScenarioError
from simulator.replications import Progress, default_workers
from simulator.report import render as render_forecast
from simulator.results import Comparison, Forecast, Lifecycle, Pair, Weekly
from simulator.scenario import Scenario
from simulator.sequence_groups import Arm, HoldoutLift, SequenceFigures, Step

__all__ = [
    "CHANNELS",
    "DEFAULT_SCENARIO",
    "Arm",
    "CancelFlag",
    "Cancelled",
    "Channel",
    "Comparison",
    "DaysTo",
    "Difference",
    "Forecast",
    "FunnelStage",
    "HoldoutLift",
    "Kpis",
    "Lifecycle",
    "Lift",
    "Overrides",
    "Pair",
    "Progress",
    "SalesQueue",
    "Scenario",
    "ScenarioError",
    "SequenceFigures",
    "Series",
    "SimulatedLeads",
    "Stat",
    "Step",
    "Timing",
    "Weekly",
    "apply",
    "compare",
    "default_workers",
    "forecast",
    "lead_timeline",
    "prepare",
    "render_comparison",
    "render_forecast",
]
