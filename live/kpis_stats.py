"""The statistics of the live report: intervals of observed differences, and time to convert with
leads still in flight (censored) handled as such.

- `wilson(k, n)`: the Wilson score interval of a proportion;
- `newcombe(k1, n1, k2, n2)`: the interval of a difference of two proportions p1 - p2, Newcombe's
  hybrid score method (method 10 of R. G. Newcombe, "Interval estimation for the difference
  between independent proportions", Statistics in Medicine 17, 1998), which keeps its coverage
  with few or no successes, where the Wald interval does not;
- `welch(a, b)`: the normal interval of a difference of two means with unequal variances
  (revenue per lead, nurtured against held out);
- `kaplan_meier(days, converted, at)`: the share converted by each day in `at`, with leads not
  yet converted counted only while they were observed (censored at the database's clock), and
  Greenwood's variance for its interval.

Every interval is a 90% interval, as the forecasts' are (Z is the 95th percentile of N(0, 1)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z = 1.6448536269514722  # two-sided 90%


@dataclass(frozen=True)
class Interval:
    """An estimate and its 90% interval (NaN where it cannot be measured)."""

    estimate: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """The interval excludes zero: a difference the data can tell from none."""
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict[str, float | None]:
        return {"estimate": _num(self.estimate), "low": _num(self.low), "high": _num(self.high)}


NONE = Interval(math.nan, math.nan, math.nan)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def wilson(k: int, n: int) -> Interval:
    if n <= 0:
        return NONE
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def newcombe(k1: int, n1: int, k2: int, n2: int) -> Interval:
    """p1 - p2 and its interval (NaN when either group is empty)."""
    if n1 <= 0 or n2 <= 0:
        return NONE
    a, b = wilson(k1, n1), wilson(k2, n2)
    d = a.estimate - b.estimate
    low = d - math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2)
    high = d + math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2)
    return Interval(d, low, high)


def welch(a: np.ndarray, b: np.ndarray) -> Interval:
    """mean(a) - mean(b) and its normal interval (NaN with fewer than 2 values a side)."""
    if len(a) < 2 or len(b) < 2:
        return NONE
    d = float(a.mean() - b.mean())
    se = math.sqrt(float(a.var(ddof=1)) / len(a) + float(b.var(ddof=1)) / len(b))
    return Interval(d, d - Z * se, d + Z * se)


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier estimate of the share converted by each day of `days`."""

    days: tuple[int, ...]
    converted: tuple[float, ...]  # 1 - S(day)
    low: tuple[float, ...]
    high: tuple[float, ...]
    at_risk: tuple[int, ...]  # leads still observed, not converted, at that day

    def share_by(self, day: int) -> Interval:
        if day not in self.days:
            return NONE
        k = self.days.index(day)
        return Interval(self.converted[k], self.low[k], self.high[k])


def kaplan_meier(duration: np.ndarray, converted: np.ndarray, at: list[int]) -> Survival:
    """`duration`: days from arrival to conversion (converted) or to the clock (not yet: censored);
    the estimate at each day of `at` where someone is still observed (the others are left out)."""
    if len(duration) == 0:
        return Survival((), (), (), (), ())
    times = np.unique(duration[converted])
    order = np.sort(duration)
    at_risk = len(order) - np.searchsorted(order, times, side="left")  # duration >= t
    events = np.bincount(np.searchsorted(times, duration[converted]), minlength=len(times))
    surv = np.cumprod(1.0 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), 0.0)
    greenwood = np.cumsum(terms)
    longest = float(order[-1])
    days, conv, low, high, risk = [], [], [], [], []
    for day in at:
        if day > longest:
            break
        k = int(np.searchsorted(times, day, side="right")) - 1
        s = float(surv[k]) if k >= 0 else 1.0
        se = s * math.sqrt(float(greenwood[k])) if k >= 0 else 0.0
        days.append(day)
        conv.append(1.0 - s)
        low.append(max(0.0, 1.0 - s - Z * se))
        high.append(min(1.0, 1.0 - s + Z * se))
        risk.append(int(len(order) - np.searchsorted(order, day, side="left")))
    return Survival(tuple(days), tuple(conv), tuple(low), tuple(high), tuple(risk))
