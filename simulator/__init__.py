"""The simulator: forecast a rule file on a synthetic population before it goes live.

SimPy drives the real engine with simulated time; no rule is re-implemented here. Callers (the
command line, the TUI) import from `simulator` only — its front door:

    scenario = prepare(program, "x.scenario.toml", Overrides(leads=2000, runs=5))
    result = forecast(program, scenario, "x.scenario.toml", workers=2, cancel=stop_event)
    result.kpis.mql.mean, result.sequences["onboarding"].steps[0].sent.mean, result.to_dict()

    prepare, Overrides, apply    the scenario (raises ScenarioError), with overrides applied
    prepare_compare              the scenarios of a comparison, on one population
    forecast, compare            typed results: Forecast, Comparison (of Pair)
    lead_timeline                any simulated lead's explain trail and events, by a re-run
    export                       a replication's leads and events in the live formats
    Progress, default_workers    the progress callback's shape; processes to use by default
    cluster=, parse_cluster      run on Dask (`local:N`, `tcp://HOST:PORT`) instead of a pool
    cancel=, Cancelled           stop a running forecast from another thread (an Event)
    render_forecast, render_comparison   the text reports
    Stat, Difference, Series, SimulatedLeads, ...   the result types

The modules:

    scenario.py / loader.py   the scenario (pydantic, TOML; errors name field and line)
    calibration.py            every default knob and its source (public data or an assumption)
    scenario_behaviour.py     the [behaviour] section and its per-persona overrides
    default_persona.py        the persona of a forecast without a scenario, from the rules
    distributions.py, empirical.py   value distributions (a table, a CSV column, ...)
    population.py             synthetic leads: personas, attributes, readiness, arrivals
    behaviour.py, organic.py  how leads answer touches and what they do on their own
    sales.py                  sales capacity as a simpy.Resource
    model.py                  one replication: one scheduler process around the engine
    agenda.py, handlers.py    the scheduler's heap of int entries; what each entry does
    streams.py                named random streams from (seed, run, name)
    shards.py                 one replication split over processes, tied by the sales desk
    replications.py           replications as jobs (same seed, same numbers)
    backends.py               where jobs run: here, a process pool, a Dask cluster
    cancel.py                 the cancel flag and where it is looked at
    metrics.py                per-run numbers, by flat dotted name
    metrics_groups.py         per-run figures of each group of leads (arm, persona, ...)
    forecast.py               mean and 90% interval over runs; paired differences
    figures.py                Stat, Difference, Series: one figure, typed
    groups.py, sequence_groups.py, watch.py   the figures grouped by meaning; the Watch notes
    breakdowns.py             the figures by group of leads, typed; the seed's ratios
    assumptions.py            what a headline rests on: each knob's source or "assumption"
    results.py                Forecast, Pair, Comparison: the typed results (JSON: to_dict())
    leadtable.py              the simulated leads of run 0 as columns (for the TUI's table)
    export.py                 a replication's leads, events and actions as live input files
    report.py / compare_report.py, formatting.py   the text a strategist reads
    report_groups.py          the report's sections by group of leads
    api.py                    prepare, forecast, compare, lead_timeline
    sweep_spec.py, sweep.py   what a sweep varies (--vary NAME=SPEC); the design and the runs
    objective.py              the sweep's objective: an expression read by an ast walk
    sweep_result.py           SweepResult, SweepPoint, Best (JSON: to_dict(); CSV: csv_rows())
    sweep_report.py           the sweep as text: table and chart
"""

from simulator.api import (
    DEFAULT_SCENARIO,
    Overrides,
    apply,
    compare,
    forecast,
    lead_timeline,
    prepare,
    prepare_compare,
)
from simulator.backends import Backend, Cluster, ClusterError, parse_cluster
from simulator.breakdowns import (
    Calls,
    ContactBucket,
    FunnelPath,
    GroupFigures,
    HoldoutArms,
    SeedRatios,
    SplitArm,
)
from simulator.cancel import CancelFlag, Cancelled
from simulator.compare_report import render as render_comparison
from simulator.export import Exported, ExportError, export
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
    "Calls",
    "ContactBucket",
    "FunnelPath",
    "GroupFigures",
    "HoldoutArms",
    "SeedRatios",
    "SplitArm",
    "DEFAULT_SCENARIO",
    "Arm",
    "Backend",
    "CancelFlag",
    "Cancelled",
    "Channel",
    "Cluster",
    "ClusterError",
    "Comparison",
    "DaysTo",
    "Difference",
    "ExportError",
    "Exported",
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
    "export",
    "forecast",
    "lead_timeline",
    "parse_cluster",
    "prepare",
    "prepare_compare",
    "render_comparison",
    "render_forecast",
]
