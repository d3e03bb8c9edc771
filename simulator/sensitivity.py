"""Sensitivity: which assumption drives each headline KPI — a tornado table.

    result = sensitivity(program, scenario, "x.scenario.toml", workers=2)

Each knob is set, one at a time, to the low and the high end of its uncertainty — a fitted
knob's 90% interval (`[fit]`), else its value -20% and +20% — with every other knob at its
value (the fitted parameters at their estimates, not drawn). Every point runs the same
replications as the baseline (run r: same population, same per-lead streams), so each KPI's
change is the knob's doing: the mean paired difference over runs, with its 90% interval.
The knobs: every fitted one, and every nonzero number of the behaviour model the file can use
(the rates of the channels its contents use, the behaviour and sales knobs, each persona's
organic rates, overrides and constant readiness) — not a global knob every persona overrides,
nor the relevance of stages when no content has one: moving those changes nothing, and each
knob costs two points of `runs` replications.

Size: every point is a forecast, so a sensitivity costs (2 knobs + 1) x runs replications
(43 knobs x 4 runs: 348). Unless the leads are given, it runs on at most LEADS leads
(`sized`): the changes are paired (the same leads and streams at every point), so a rate's
change keeps its sign and size on fewer leads, and the report says the size it ran at.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Program
from simulator.backends import Backend, Cluster, Progress, execute
from simulator.cancel import CancelFlag
from simulator.figures import Difference, Stat
from simulator.forecast import column, paired, stat
from simulator.knobs import set_knob, upper_bound
from simulator.metrics import RunRecord
from simulator.replications import Job, run_job
from simulator.scenario import Scenario
from simulator.uncertainty import fixed, knob_value

LEADS = 1000  # leads a sensitivity runs on unless told (`sized`)
RELEVANCE = ("relevance_bonus", "irrelevance_factor")  # act only on content with a stage
KPIS = ("customers", "conversion_rate", "revenue", "sql", "visit_rate", "unsubscribe_rate")
SPREAD = 0.2
_SCALARS = (
    "relevance_bonus",
    "irrelevance_factor",
    "fatigue_free_touches",
    "fatigue_per_touch",
    "fatigue_half_life_days",
    "unsubscribe_fatigue",
    "readiness_gain_click",
    "readiness_gain_reply",
    "conversion_per_visit",
    "conversion_per_day",
    "deal_readiness",
    "deal_nurture",
    "task_answer",
    "task_refuse",
    "task_fatigue",
    "task_refuse_fatigue",
)
_RATES = ("open", "click", "reply", "bounce", "unsubscribe")
_SALES = ("close_rate", "cooling_days", "tasks_per_rep_per_day", "response_hours")


@dataclass(frozen=True)
class Knob:
    path: str
    value: float
    low: float
    high: float
    basis: str  # "fitted 90% interval" or "±20%"


@dataclass(frozen=True)
class Swing:
    """One knob at its two ends: each KPI's paired change against the baseline."""

    knob: Knob
    low: dict[str, Difference]
    high: dict[str, Difference]

    def reach(self, kpi: str) -> float:
        """How far the KPI moves at either end (the tornado's bar)."""
        ends = [d.mean for d in (self.low.get(kpi), self.high.get(kpi)) if d and d.mean is not None]
        return max((abs(x) for x in ends), default=0.0)


@dataclass(frozen=True)
class Sensitivity:
    file: str
    scenario: str
    leads: int
    runs: int
    seed: int
    kpis: tuple[str, ...]
    baseline: dict[str, Stat]
    swings: tuple[Swing, ...]
    size_note: str = ""  # how the leads were scaled down (`sized`), or ""

    def ranked(self, kpi: str) -> list[Swing]:
        return sorted(self.swings, key=lambda s: -s.reach(kpi))

    def render(self, top: int = 10) -> str:
        from simulator.sensitivity_report import render

        return render(self, top)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "scenario": self.scenario,
            "leads": self.leads,
            "runs": self.runs,
            "seed": self.seed,
            "size_note": self.size_note,
            "baseline": {k: s.to_dict() for k, s in self.baseline.items()},
            "knobs": [
                {
                    "path": s.knob.path,
                    "value": s.knob.value,
                    "low": s.knob.low,
                    "high": s.knob.high,
                    "basis": s.knob.basis,
                    "change_at_low": {k: d.to_dict() for k, d in s.low.items()},
                    "change_at_high": {k: d.to_dict() for k, d in s.high.items()},
                }
                for s in self.swings
            ],
        }


def knobs(program: Program, scenario: Scenario, spread: float = SPREAD) -> list[Knob]:
    """The knobs a sensitivity varies (see the module docstring), in a fixed order."""
    out: dict[str, Knob] = {}
    if scenario.fit is not None:
        for p in scenario.fit.parameters:
            if p.low != p.high:
                out[p.path] = Knob(p.path, p.estimate, p.low, p.high, "fitted 90% interval")
    channels = sorted({c.channel for c in program.contents if c.channel != "task"})
    paths = [f"behaviour.{k}" for k in _SCALARS if _global_in_force(program, scenario, k)]
    paths += [f"behaviour.{r}.{ch}" for r in _RATES for ch in channels]
    paths += [f"sales.{k}" for k in _SALES if scenario.sales.reps > 0]
    for persona in scenario.personas:
        base = f"personas.{persona.name}"
        paths += [f"{base}.organic.{o.event}.per_day" for o in persona.organic]
        if persona.behaviour is not None:
            paths += [
                f"{base}.behaviour.{k}"
                for k in _SCALARS
                if getattr(persona.behaviour, k) is not None
            ]
        paths.append(f"{base}.readiness")
    for path in paths:
        value = knob_value(scenario, path)
        if path in out or not value:
            continue
        low, high = value * (1 - spread), value * (1 + spread)
        top = upper_bound(path)
        out[path] = Knob(path, value, low, min(high, top) if top else high, f"±{spread:.0%}")
    return list(out.values())


def _global_in_force(program: Program, scenario: Scenario, knob: str) -> bool:
    """Whether the global `behaviour.knob` acts on some lead: a persona leaves it as it is,
    and (for the relevance of stages) some content has a stage."""
    if knob in RELEVANCE and not any(c.stage for c in program.contents):
        return False
    personas = scenario.personas
    return not personas or any(
        p.behaviour is None or getattr(p.behaviour, knob) is None for p in personas
    )


def sized(scenario: Scenario, leads_given: bool) -> tuple[Scenario, str]:
    """The scenario a sensitivity runs (at most LEADS leads unless `leads_given`), and the
    words for the report's header."""
    leads = scenario.population.leads
    if leads_given or leads <= LEADS:
        return scenario, ""
    population = scenario.population.model_copy(update={"leads": LEADS})
    note = f"the scenario's {leads:,} leads scaled down to {LEADS:,}: --leads {leads} for all"
    return scenario.model_copy(update={"population": population}), note


def sensitivity(
    program: Program,
    scenario: Scenario,
    scenario_path: str | None,
    kpis: tuple[str, ...] = KPIS,
    spread: float = SPREAD,
    workers: int = 1,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    cluster: Cluster | None = None,
    size_note: str = "",
) -> Sensitivity:
    """See the module docstring (`size_note`: what `sized` said). Raises `Cancelled` when
    `cancel` is set."""
    base = fixed(scenario)
    varied = knobs(program, scenario, spread)
    points = [base] + [set_knob(base, k.path, v) for k in varied for v in (k.low, k.high)]
    runs = scenario.run.runs
    jobs = [Job((program,), (s,), r) for s in points for r in range(runs)]
    results: dict[int, RunRecord] = {}

    def keep(index: int, result: list[RunRecord]) -> None:
        results[index] = result[0]

    execute(run_job, jobs, Backend(workers, cluster), progress, cancel, keep)
    per_point = [[results[p * runs + r] for r in range(runs)] for p in range(len(points))]
    baseline = {k: stat(column(per_point[0], k)) for k in kpis}
    swings = []
    for j, knob in enumerate(varied):
        low, high = per_point[1 + 2 * j], per_point[2 + 2 * j]
        swings.append(
            Swing(
                knob,
                {k: paired(column(per_point[0], k), column(low, k)) for k in kpis},
                {k: paired(column(per_point[0], k), column(high, k)) for k in kpis},
            )
        )
    return Sensitivity(
        program.path,
        scenario_path or "default scenario (derived from the lead: block)",
        scenario.population.leads,
        runs,
        scenario.run.seed,
        kpis,
        baseline,
        tuple(swings),
        size_note,
    )
