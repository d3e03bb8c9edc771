"""What the command line and the TUI call: prepare a scenario, forecast a file, compare files,
rebuild a lead's timeline. Results are typed (`simulator/results.py`); their `to_dict()` is the
JSON output."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dsl.ir import Program
from dsl.params import params_in_force
from engine import Event, Explanation
from simulator import compare_population
from simulator.assumptions import headline
from simulator.backends import Cluster
from simulator.cancel import CancelFlag
from simulator.forecast import differences, summarise
from simulator.loader import complete, load_scenario, read_scenario
from simulator.metrics import RunRecord
from simulator.population import find_lead_index
from simulator.replications import Progress, run_many
from simulator.results import Comparison, Forecast, Lifecycle, Pair
from simulator.scenario import Scenario
from simulator.shards import shard_model
from simulator.uncertainty import fixed, has_draws, width_split

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


def prepare_compare(
    programs: list[Program], scenario_path: str | None, o: Overrides
) -> tuple[list[Scenario], tuple[str, ...]]:
    """The scenario of each file of a comparison (checked against each; raises
    `ScenarioError`) on one population: where the `lead:` blocks differ, the first file's
    (`simulator/compare_population.py`); and the lines saying so (none when they agree)."""
    written = [read_scenario(scenario_path, p) for p in programs]
    own = [apply(complete(w, p), o) for w, p in zip(written, programs, strict=True)]
    first = own[0]
    scenarios = [first] + [
        compare_population.follow_first(w, first, s, programs[0], p)
        for w, s, p in zip(written[1:], own[1:], programs[1:], strict=True)
    ]
    return scenarios, compare_population.differences(programs, scenario_path, written[0])


def forecast_of_runs(
    program: Program, scenario: Scenario, scenario_path: str | None, runs: list[RunRecord]
) -> Forecast:
    """The typed forecast of replications already run (`run_many`'s per-run records)."""
    first: RunRecord = runs[0] if runs else {"scalars": {}, "weekly": {}}
    summary = summarise(runs)
    stats = {name: s.to_dict() for name, s in summary.stats.items()}
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
        summary=summary,
        traces=first.get("traces"),
        lead_table=first.get("leads"),
        assumptions=tuple(headline(program, scenario, stats, scenario_path is None)),
        stage_names=tuple(s.name for s in program.stages),
        params=tuple(params_in_force(program)),
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
    cluster: Cluster | None = None,
) -> Forecast:
    """R replications of one file, summarised. With `traces`, `Forecast.traces`: the explain
    trail of each lead of run 0's traced sample (lead id -> entries); with `leads`,
    `Forecast.lead_table`: run 0's simulated leads. Raises `Cancelled` soon after `cancel`
    (e.g. a `threading.Event`) is set from another thread. With `cluster`, the replications run
    on Dask (`simulator/backends.py`) instead of `workers` processes: the same numbers.
    A fitted scenario that draws its parameters (`uncertainty.py`) runs every replication
    twice, drawn and at the estimates, on the same leads: `Forecast.uncertainty` says how much
    of each headline interval the parameters make."""
    if not has_draws(scenario):
        runs = run_many(
            [program],
            [scenario],
            scenario.run.runs,
            workers,
            progress,
            traces,
            leads,
            cancel,
            cluster,
        )[0]
        return forecast_of_runs(program, scenario, scenario_path, runs)
    # the fitted parameters drawn per run, and beside them the same runs at the estimates
    runs, at_estimates = run_many(
        [program, program],
        [scenario, fixed(scenario)],
        scenario.run.runs,
        workers,
        progress,
        traces,
        leads,
        cancel,
        cluster,
    )
    result = forecast_of_runs(program, scenario, scenario_path, runs)
    return replace(result, uncertainty=width_split(runs, at_estimates))


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
    population: tuple[str, ...] = (),
    cluster: Cluster | None = None,
) -> Comparison:
    """Every file on the same leads and streams; differences of each file against the first.
    `population`: what `prepare_compare` says about whose `lead:` block the leads follow."""
    first = scenarios[0]
    results = run_many(
        programs, scenarios, first.run.runs, workers, progress, cancel=cancel, cluster=cluster
    )
    files = tuple(
        forecast_of_runs(p, s, scenario_path, r)
        for p, s, r in zip(programs, scenarios, results, strict=True)
    )
    pairs = tuple(
        Pair(
            programs[0].path,
            p.path,
            differences(results[0], r),
            tuple(s.name for s in programs[0].sequences),
            tuple(s.name for s in programs[0].stages),
        )
        for p, r in zip(programs[1:], results[1:], strict=True)
    )
    return Comparison(files, pairs, population)
