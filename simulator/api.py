"""What the command line and the TUI call: prepare a scenario, forecast a file, compare files."""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Program
from engine import Event, Explanation
from simulator.forecast import differences, summarise
from simulator.loader import load_scenario
from simulator.population import find_lead_index
from simulator.replications import Progress, run_many
from simulator.scenario import Scenario
from simulator.shards import shard_model


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


def _header(program: Program, scenario: Scenario, scenario_path: str | None) -> dict[str, object]:
    return {
        "file": program.path,
        "campaign": program.campaign,
        "scenario": scenario_path or "default scenario (derived from the lead: block)",
        "leads": scenario.population.leads,
        "days": scenario.population.days,
        "runs": scenario.run.runs,
        "seed": scenario.run.seed,
        "sequences": [s.name for s in program.sequences],
        "lifecycle": {"mql": program.mql is not None, "sql": program.sql is not None},
    }


def forecast(
    program: Program,
    scenario: Scenario,
    scenario_path: str | None,
    workers: int,
    progress: Progress | None = None,
    traces: bool = False,
) -> dict[str, object]:
    """R replications of one file, summarised (JSON-ready). With `traces`, also "traces": the
    explain trail of each lead of run 0's traced sample (lead id -> entries)."""
    runs = run_many([program], [scenario], scenario.run.runs, workers, progress, traces)[0]
    out = {**_header(program, scenario, scenario_path), "forecast": summarise(runs)}
    if traces:
        out["traces"] = runs[0].get("traces", {})
    return out


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
) -> dict[str, object]:
    """Every file on the same leads and streams; differences of each file against the first."""
    first = scenarios[0]
    results = run_many(programs, scenarios, first.run.runs, workers, progress)
    files = [
        {**_header(p, s, scenario_path), "forecast": summarise(r)}
        for p, s, r in zip(programs, scenarios, results, strict=True)
    ]
    diffs = [
        {"base": programs[0].path, "other": p.path, "differences": differences(results[0], r)}
        for p, r in zip(programs[1:], results[1:], strict=True)
    ]
    return {"files": files, "comparisons": diffs}
