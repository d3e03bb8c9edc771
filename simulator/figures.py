"""The figures a forecast is made of: a number over the replications, a paired difference, a
weekly series. Each has `to_dict()`, the form the JSON output holds.

A figure no run could measure (no SQL at all, say, for a days-to-SQL) has `mean` None and
`n` 0; `Stat.MISSING` and `Difference.MISSING` stand for a figure not measured at all, so a
reader never has to test for a missing key: `forecast.kpis.sql.mean` is a number or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Stat:
    """One figure over the replications: the point forecast `mean` (the runs' mean; for a
    median or 90th percentile figure the runs' median, `forecast.stat`), and the 5th-95th
    percentile of the runs (the 90% interval: where a single campaign's outcome is expected to
    fall). `n`: the runs in which
    it was measurable. Rounded to 6 decimals."""

    mean: float | None
    low: float | None
    high: float | None
    n: int

    MISSING: ClassVar[Stat]

    @property
    def has_interval(self) -> bool:
        """Whether the runs disagree (a report prints the interval only then)."""
        return self.low is not None and self.low != self.high

    @property
    def spread(self) -> tuple[float, float, float] | None:
        """(mean, low, high) when measured: a Stat has all three or none."""
        if self.mean is None or self.low is None or self.high is None:
            return None
        return self.mean, self.low, self.high

    def to_dict(self) -> dict[str, object]:
        return {"mean": self.mean, "lo": self.low, "hi": self.high, "n": self.n}


@dataclass(frozen=True, slots=True)
class Difference:
    """other - base, paired by replication (same leads, same random streams): the mean over the
    runs and its 90% confidence interval (Student t); `clear` when that interval excludes 0.
    With one run there is no interval (`low`, `high` None) and nothing is clear."""

    mean: float | None
    low: float | None
    high: float | None
    n: int
    clear: bool

    MISSING: ClassVar[Difference]

    def to_dict(self) -> dict[str, object]:
        return {
            "mean": self.mean,
            "lo": self.low,
            "hi": self.high,
            "n": self.n,
            "clear": self.clear,
        }


@dataclass(frozen=True, slots=True)
class Series:
    """A weekly series: per week (week 0 starts at the horizon's start), the mean over the runs
    and the 5th-95th percentile of the runs."""

    mean: tuple[float | None, ...]
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]

    EMPTY: ClassVar[Series]

    def __len__(self) -> int:
        return len(self.mean)

    def to_dict(self) -> dict[str, object]:
        return {"mean": list(self.mean), "lo": list(self.low), "hi": list(self.high)}


Stat.MISSING = Stat(None, None, None, 0)
Difference.MISSING = Difference(None, None, None, 0, False)
Series.EMPTY = Series((), (), ())
