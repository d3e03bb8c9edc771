"""`LiveReport`: the actual KPIs of a live database, typed; its `to_dict()` is `--json`.

    r = live.report(files, programs, "live.db", forecast_path="f.json")
    r.figure("mql"), r.interval("lift.trial_onboarding.lift").low
    r.expected("mql").high, r.outside("mql")           # with a forecast
    r.cohorts[0].converted_by, r.survival.share_by(30)
    r.sequences, r.steps("trial_onboarding"), r.splits("trial_onboarding")

Every figure is kept by the flat name a forecast uses (`simulator.Forecast.summary`), so the two
read side by side; NaN is a figure the database cannot give (no SQL yet: no days to SQL).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine import format_time
from live.kpis_stats import NONE, Interval, Survival
from live.kpis_time import MARKS, Cohort
from live.report_forecast import Expected, ForecastColumn


@dataclass(frozen=True)
class StepRow:
    step: int
    content: str
    reached: float
    sent: float
    opened: float
    clicked: float
    held_out: float
    held_back: float  # suppressed for another reason (unsubscribed, bounced, exit, sunset)


@dataclass(frozen=True)
class SequenceInfo:
    name: str
    holdout: bool  # the file holds leads out of it


@dataclass(frozen=True, eq=False)
class LiveReport:
    db: str
    files: tuple[str, ...]
    campaign: str
    clock: float
    since: float | None
    first_arrival: float | None
    leads: int
    figures: dict[str, float]
    intervals: dict[str, Interval]
    labels: dict[str, str]  # "sequence.step" -> the content it sends
    stage_names: tuple[str, ...]
    sequences: tuple[SequenceInfo, ...]
    lifecycle: tuple[bool, bool]  # the files declare an MQL rule, an SQL rule
    weekly: dict[str, list[float]]
    week_start: float
    cohorts: tuple[Cohort, ...]
    survival: Survival
    forecast: ForecastColumn | None = None
    notes: tuple[str, ...] = field(default=())

    # ------------------------------------------------------------ reading

    def figure(self, name: str) -> float:
        return self.figures.get(name, math.nan)

    def interval(self, name: str) -> Interval:
        return self.intervals.get(name, NONE)

    def expected(self, name: str) -> Expected | None:
        return None if self.forecast is None else self.forecast.expected(name)

    def outside(self, name: str) -> bool:
        expected = self.expected(name)
        return expected is not None and expected.outside(self.figure(name))

    @property
    def observed_days(self) -> float:
        return 0.0 if self.first_arrival is None else (self.clock - self.first_arrival) / 86400

    def steps(self, sequence: str) -> list[StepRow]:
        """The sequence's sending steps, in step order (from the funnel figures)."""
        pattern = re.compile(rf"funnel\.{re.escape(sequence)}\.(\d+)\.reached$")
        numbers = sorted(int(m.group(1)) for n in self.figures if (m := pattern.match(n)))
        rows = []
        for number in numbers:
            base = f"funnel.{sequence}.{number}"
            held_back = sum(
                v
                for k, v in self.figures.items()
                if k.startswith(f"{base}.suppressed_") and k != f"{base}.suppressed_holdout"
            )
            rows.append(
                StepRow(
                    step=number,
                    content=self.labels.get(f"{sequence}.{number}", ""),
                    reached=self.figure(f"{base}.reached"),
                    sent=self.figures.get(f"{base}.sent", 0.0),
                    opened=self.figures.get(f"{base}.opened", 0.0),
                    clicked=self.figures.get(f"{base}.clicked", 0.0),
                    held_out=self.figures.get(f"{base}.suppressed_holdout", 0.0),
                    held_back=held_back,
                )
            )
        return rows

    def splits(self, sequence: str) -> list[tuple[int, int]]:
        """(split step, arm) of each split arm the sequence sent, in order."""
        pattern = re.compile(rf"arm\.{re.escape(sequence)}\.(\d+)\.(\d+)\.n$")
        found = [
            (int(m.group(1)), int(m.group(2))) for n in self.figures if (m := pattern.match(n))
        ]
        return sorted(found)

    def exits(self, sequence: str) -> dict[str, float]:
        prefix = f"seq.{sequence}.exited."
        return {
            k[len(prefix) :]: v for k, v in sorted(self.figures.items()) if k.startswith(prefix)
        }

    # ------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, object]:
        """`nurture report --json`: times as `YYYY-MM-DDTHH:MM:SSZ`, NaN as null."""
        out: dict[str, object] = {
            "db": self.db,
            "files": list(self.files),
            "campaign": self.campaign,
            "clock": format_time(self.clock),
            "since": None if self.since is None else format_time(self.since),
            "first_arrival": None
            if self.first_arrival is None
            else format_time(self.first_arrival),
            "observed_days": round(self.observed_days, 4),
            "leads": self.leads,
            "stages": list(self.stage_names),
            "sequences": [{"name": s.name, "holdout": s.holdout} for s in self.sequences],
            "actual": {
                "scalars": {k: _num(v) for k, v in sorted(self.figures.items())},
                "intervals": {k: v.to_dict() for k, v in sorted(self.intervals.items())},
                "labels": dict(sorted(self.labels.items())),
                "weekly": {"start": format_time(self.week_start), **self.weekly},
            },
            "cohorts": {"marks": list(MARKS), "weeks": [c.to_dict() for c in self.cohorts]},
            "time_to_convert": {
                "days": list(self.survival.days),
                "converted": [round(x, 6) for x in self.survival.converted],
                "low": [round(x, 6) for x in self.survival.low],
                "high": [round(x, 6) for x in self.survival.high],
                "at_risk": list(self.survival.at_risk),
            },
            "notes": list(self.notes),
        }
        if self.forecast is not None:
            beside = {}
            for name in sorted(self.figures):
                expected = self.expected(name)
                if expected is not None:
                    beside[name] = {**expected.to_dict(), "outside": self.outside(name)}
            out["forecast"] = {**self.forecast.to_dict(), "figures": beside}
        return out


def _num(x: float) -> float | None:
    return None if isinstance(x, float) and math.isnan(x) else x
