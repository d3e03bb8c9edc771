"""What the command line and the TUI call: prepare a scenario, forecast a file, compare files,
rebuild a lead's timeline. Results are typed (`simulator/results.py`); their `to_dict()` is the
JSON output."""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Program
from engine import Event, Explanation
from simulator.cancel import CancelFlag
from simulator.forecast import differences, summarise
from simulator.loader import load_scenario
from simulator.population import find_lead_index
from simulator.replications import Progress, run_many
from simulator.results import Comparison, Forecast, Lifecycle, Pair
from simulator.scenario import Scenario
from simulator.shards import shard_model

DEFAULT_SCENARIO = "default scenario (derived from the lead: block)"


@dataclass(frozen=True)
class Overrides:
    """Command-line values that replace the scenario's (None: keep the scenario's)."""

    leads: int | None = None
    days: float | None = None
    runs: int | None = None
    seed: int | None = None


def apply(scenario: Scenario, o: Overrides) -> Scenario:
    pop = scenario.population.model_copy(
        update={k: v for k, v in (("leads", o.leads), ("days", o.days)) if v is not None}
    )
    run = scenario.run.model_copy(
        update={k: v for k, v in (("runs", o.runs), ("seed", o.seed)) if v is not None}
    )
    return scenario.model_copy(update={"population": pop, "run": run})


def prepare(program: Program, scenario_path: str | None, o: Overrides) -> Scenario:
    """The scenario for `program` (raises `ScenarioError`), with the overrides applied."""
    return apply(load_scenario(scenario_path, program), o)


def _forecast(
    program: Program, scenario: Scenario, scenario_path: str | None, runs: list[dict[str, object]]
) -> Forecast:
    first = runs[0] if runs else {}
    return Forecast(
        file=program.path,
        campaign=program.campaign,
        scenario=scenario_path or DEFAULT_SCENARIO,
        leads=scenario.population.leads,
        days=scenario.population.days,
        runs=scenario.run.runs,
        seed=scenario.run.seed,
        sequence_names=tuple(s.name for s in program.sequences),
        lifecycle=Lifecycle(mql=program.mql is not None, sql=program.sql is not None),
        summary=summarise(runs),
        traces=first.get("traces"),
        lead_table=first.get("leads"),
    )


def forecast(
    program: Program,
    scenario: Scenario,
    scenario_path: str | None,
    workers: int,
    progress: Progress | None = None,
    traces: bool = False,
    leads: bool = False,
    cancel: CancelFlag | None = None,
) -> Forecast:
    """R replications of one file, summarised. With `traces`, `Forecast.traces`: the explain
    trail of each lead of run 0's traced sample (lead id -> entries); with `leads`,
    `Forecast.lead_table`: run 0's simulated leads. Raises `Cancelled` soon after `cancel`
    (e.g. a `threading.Event`) is set from another thread."""
    runs = run_many(
        [program], [scenario], scenario.run.runs, workers, progress, traces, leads, cancel
    )[0]
    return _forecast(program, scenario, scenario_path, runs)


def lead_timeline(
    program: Program, scenario: Scenario, run: int, lead_id: str
) -> tuple[Explanation, list[Event]]:
    """Any lead's explain trail and synthetic events, rebuilt by re-running its replication with
    tracing on for that lead (same seed, same numbers). KeyError if the lead never arrived."""
    index = find_lead_index(lead_id)
    if index is None or index >= scenario.population.leads:
        raise KeyError(lead_id)
    model = shard_model(program, scenario, run, record=True, traced={index})
    model.run()
    if model.ids[index] is None:
        raise KeyError(lead_id)
    events = [e for e in model.log or [] if isinstance(e, Event) and e.lead == lead_id]
    return model.engine.explain(lead_id), events


def compare(
    programs: list[Program],
    scenarios: list[Scenario],
    scenario_path: str | None,
    workers: int,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Comparison:
    """Every file on the same leads and streams; differences of each file against the first."""
    first = scenarios[0]
    results = run_many(programs, scenarios, first.run.runs, workers, progress, cancel=cancel)
    files = tuple(
        _forecast(p, s, scenario_path, r)
        for p, s, r in zip(programs, scenarios, results, strict=True)
    )
    pairs = tuple(
        Pair(
            programs[0].path,
            p.path,
            differences(results[0], r),
            tuple(s.name for s in programs[0].sequences),
        )
        for p, r in zip(programs[1:], results[1:], strict=True)
    )
    return Comparison(files, pairs)
