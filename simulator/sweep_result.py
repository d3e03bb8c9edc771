"""What `sweep` returns: a typed `SweepResult`, whose `to_dict()` is the JSON output and
`csv_rows()` the CSV.

    r.axes[0].values                      what was varied, and its current value
    r.points[k].values, .forecast         each point: its values and its whole forecast
    r.points[k].objective                 the objective over the runs (mean, 90% of runs)
    r.best.point, r.best.against_current  the best point, its paired difference to the current
    r.best.wins, r.best.runs              in how many runs it beat the current values
    r.complete, r.planned                 False after a cancel: the points finished so far
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.params import InForce
from simulator.figures import Difference, Stat
from simulator.results import Forecast
from simulator.sweep_spec import Axis

# KPI columns of the CSV and the table: (label, Kpis field)
KPI_COLUMNS = (
    "customers",
    "conversion_rate",
    "mql",
    "sql",
    "unsubscribes",
    "touches",
    "revenue",
    "cost",
    "roi",
)


@dataclass(frozen=True, eq=False)
class SweepPoint:
    """One point of the sweep: a value per axis, its forecast and its objective."""

    index: int
    values: tuple[float, ...]  # in the order of `SweepResult.axes`
    forecast: Forecast
    objective: Stat
    objective_runs: tuple[float, ...]  # per run (NaN: not measurable)
    current: bool  # every value is the current one (the file's and scenario's)
    in_design: bool  # False for the current point added beside the grid or samples

    def label(self, axes: tuple[Axis, ...]) -> str:
        return ", ".join(f"{a.name}={a.text(v)}" for a, v in zip(axes, self.values, strict=True))

    def to_dict(self, axes: tuple[Axis, ...]) -> dict[str, object]:
        return {
            "index": self.index,
            "values": {a.name: v for a, v in zip(axes, self.values, strict=True)},
            "current": self.current,
            "in_design": self.in_design,
            "objective": self.objective.to_dict(),
            "objective_runs": [None if v != v else v for v in self.objective_runs],
            "forecast": self.forecast.to_dict(),
        }


@dataclass(frozen=True)
class Best:
    """The point with the highest mean objective, against the current values on the same runs."""

    point: int  # its index in `SweepResult.points`
    objective: Stat
    against_current: Difference  # best - current, paired by run, 90% confidence interval
    wins: int  # runs in which it beat the current values
    ties: int
    runs: int  # runs compared

    @property
    def share_of_wins(self) -> float | None:
        """The share of runs it beat the current values in (ties count half)."""
        return (self.wins + 0.5 * self.ties) / self.runs if self.runs else None

    def to_dict(self) -> dict[str, object]:
        return {
            "point": self.point,
            "objective": self.objective.to_dict(),
            "against_current": self.against_current.to_dict(),
            "wins": self.wins,
            "ties": self.ties,
            "runs": self.runs,
            "share_of_wins": self.share_of_wins,
        }


@dataclass(frozen=True, eq=False)
class SweepResult:
    file: str
    campaign: str
    scenario: str
    leads: int
    days: float
    runs: int
    seed: int
    design: str  # "grid" or "latin hypercube"
    axes: tuple[Axis, ...]
    objective: str
    points: tuple[SweepPoint, ...]  # finished points, in plan order
    planned: int  # points planned (the current point included)
    best: Best | None
    complete: bool = True
    params: tuple[InForce, ...] = ()  # the file's params at the current values (`--set` too)

    @property
    def current(self) -> SweepPoint | None:
        return next((p for p in self.points if p.current), None)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "file": self.file,
            "campaign": self.campaign,
            "scenario": self.scenario,
            "leads": self.leads,
            "days": self.days,
            "runs": self.runs,
            "seed": self.seed,
            "design": self.design,
        }
        if self.params:
            out["params"] = {p.name: p.to_dict() for p in self.params}
        out |= {
            "axes": [a.to_dict() for a in self.axes],
            "objective": self.objective,
            "complete": self.complete,
            "planned": self.planned,
            "best": self.best.to_dict() if self.best else None,
            "points": [p.to_dict(self.axes) for p in self.points],
        }
        return out

    def csv_rows(self) -> list[list[object]]:
        """A header and one row per point: values, objective, each KPI's mean, low and high."""
        head: list[object] = ["point", *(a.name for a in self.axes), "current", "best"]
        head += ["objective", "objective_low", "objective_high"]
        for k in KPI_COLUMNS:
            head += [k, f"{k}_low", f"{k}_high"]
        rows = [head]
        best = self.best.point if self.best else None
        for p in self.points:
            row: list[object] = [p.index, *p.values, int(p.current), int(p.index == best)]
            row += [_cell(p.objective.mean), _cell(p.objective.low), _cell(p.objective.high)]
            for k in KPI_COLUMNS:
                s: Stat = getattr(p.forecast.kpis, k)
                row += [_cell(s.mean), _cell(s.low), _cell(s.high)]
            rows.append(row)
        return rows


def _cell(x: float | None) -> object:
    return "" if x is None else x
