"""The forecast a live report is read against: the JSON `nurture simulate --json` writes
(`simulator.Forecast.to_dict()`), read as data (live never imports the simulator).

A forecast is of `leads` leads over `days` days; a live database has its own number of leads. So
the forecast's counts (leads, MQL, touches, cost, each step's sends, ...) are scaled to the
database's leads (mean and interval times actual leads / forecast leads); rates, days, shares,
ROI and differences are compared as they are. An actual figure is *outside* when it lies below
the interval's low end or above its high end.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from dsl.errors import NurtureError

# a figure's last name part that makes it a rate, a time or a ratio: never scaled
_NOT_COUNTS = {
    "rate",
    "lift",
    "roi",
    "median",
    "p90",
    "share",
    "revenue_per_lead",
    "cost_per_sql",
    "cost_per_customer",
    "deal_size",
    "were_mql",
    "were_sql",
    "mean_wait_hours",
    "within_due_share",
    "peak_backlog",
    "backlog_end",
}


class ForecastError(NurtureError):
    """The forecast file cannot be read as a forecast."""


@dataclass(frozen=True)
class Expected:
    """A forecast figure, scaled to the database's leads when it is a count."""

    mean: float
    low: float
    high: float
    scaled: bool

    def outside(self, actual: float) -> bool:
        if math.isnan(actual) or math.isnan(self.low) or math.isnan(self.high):
            return False
        slack = 1e-6 * max(1.0, abs(self.low), abs(self.high))  # the JSON keeps 6 decimals
        return bool(actual < self.low - slack or actual > self.high + slack)

    def to_dict(self) -> dict[str, object]:
        return {
            "mean": _num(self.mean),
            "low": _num(self.low),
            "high": _num(self.high),
            "scaled": self.scaled,
        }


@dataclass(frozen=True)
class ForecastColumn:
    path: str
    file: str
    campaign: str
    leads: float
    days: float
    runs: int
    scale: float  # database leads / forecast leads
    stats: dict[str, tuple[float, float, float]] = field(repr=False)  # name -> mean, low, high
    weekly: dict[str, list[float]] = field(repr=False, default_factory=dict)  # means

    def expected(self, name: str) -> Expected | None:
        found = self.stats.get(name)
        if found is None:
            return None
        mean, low, high = found
        if is_count(name):
            return Expected(mean * self.scale, low * self.scale, high * self.scale, True)
        return Expected(mean, low, high, False)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "file": self.file,
            "campaign": self.campaign,
            "leads": self.leads,
            "days": self.days,
            "runs": self.runs,
            "scale": self.scale,
        }


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def is_count(name: str) -> bool:
    parts = name.split(".")
    if parts[0] in ("ratio", "roi") or "difference" in parts or name == "incremental.roi":
        return False
    last = parts[-1]
    return last not in _NOT_COUNTS and not last.endswith("_rate") and not last.startswith("days")


def read_forecast(path: str, actual_leads: int) -> ForecastColumn:
    """The forecast in `path` (the JSON of `nurture simulate --json`); raises ForecastError
    naming what is wrong and what to give instead."""
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except FileNotFoundError:
        raise ForecastError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ForecastError(f"{path}: is a directory, not a forecast file") from None
    except UnicodeDecodeError:
        raise ForecastError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise ForecastError(
            f"{path}:{err.lineno}:{err.colno}: not JSON ({err.msg}); give the file "
            "`nurture simulate FILE --json OUT` wrote"
        ) from None
    scalars = _dig(data, "forecast", "scalars")
    if not isinstance(scalars, dict) or not isinstance(data.get("leads"), (int, float)):
        raise ForecastError(
            f"{path}: not a forecast (no 'forecast.scalars' and 'leads'); give the file "
            "`nurture simulate FILE --json OUT` wrote"
        )
    leads = float(data["leads"])
    stats = {name: _stat(value) for name, value in scalars.items() if isinstance(value, dict)}
    weekly = _dig(data, "forecast", "weekly")
    means = {}
    if isinstance(weekly, dict):
        for name, series in weekly.items():
            if isinstance(series, dict) and isinstance(series.get("mean"), list):
                means[name] = [
                    float(x) if isinstance(x, (int, float)) else math.nan for x in series["mean"]
                ]
    return ForecastColumn(
        path=path,
        file=str(data.get("file", "")),
        campaign=str(data.get("campaign", "")),
        leads=leads,
        days=float(data.get("days", math.nan)),
        runs=int(data.get("runs", 0)),
        scale=actual_leads / leads if leads else math.nan,
        stats=stats,
        weekly=means,
    )


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _stat(value: dict[str, object]) -> tuple[float, float, float]:
    def num(key: str) -> float:
        x = value.get(key)
        return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else math.nan

    return num("mean"), num("lo"), num("hi")


FEW_RUNS = 20  # below it, a forecast's 90% interval is little wider than its runs' range


def few_runs_note(runs: int) -> str:
    """A caution when the forecast rests on few runs ("" from 20 on). With R runs, a new draw of
    the same model falls outside the runs' range with probability 2 / (R + 1) (it is equally
    likely to rank anywhere among R + 1), and the 5th-95th percentile band of R runs is narrower
    still: said, so that an outside mark is not read as news."""
    if runs >= FEW_RUNS or runs < 1:
        return ""
    return (
        f"With {runs} run{'s' if runs != 1 else ''} the interval is little wider than the runs "
        f"themselves: a figure of the very model forecast falls outside it at least "
        f"{2 / (runs + 1):.0%} of the time by chance alone; forecast with --runs {FEW_RUNS} or "
        "more to judge."
    )
