"""A forecast: replications summarised as mean and 90% interval, and paired differences.

- `summarise(runs)`: for every measured number, its point forecast over the replications and
  the 5th-95th percentile range (the 90% interval: where a single campaign's outcome is expected
  to fall): a `Summary` of `Stat`s by dotted name, weekly `Series` and the step labels. The
  point forecast is the mean of the runs, except for a figure that is itself a quantile of a
  campaign's leads (a median, a 90th percentile: `is_quantile`), whose point forecast is the
  median of the runs' values (`docs/CALIBRATION.md`, "The forecast of a median").
- `differences(base, other)`: per replication, other - base on the same leads and streams (common
  random numbers); the mean difference and its 90% confidence interval (Student t over runs), a
  `Difference` by dotted name. A difference is *clear of zero* when that interval excludes 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.figures import Difference, Series, Stat
from simulator.metrics import RunRecord

# Keys whose absence in a run means "not measurable" (NaN), not zero.
_RATIO_MARKERS = (
    "rate",
    "median",
    "p90",
    "roi",
    "lift.",
    "arm.",
    "mean_wait",
    "share",
    "incremental.",
    "ratio.",
    "cost_per_",
    "deal_size",
    "per_lead",
    "customers.were_",
    "converted_within.",
)

# Student t 95th percentile by degrees of freedom (a 90% two-sided interval).
_T95 = {
    1: 6.314,
    2: 2.920,
    3: 2.353,
    4: 2.132,
    5: 2.015,
    6: 1.943,
    7: 1.895,
    8: 1.860,
    9: 1.833,
    10: 1.812,
    12: 1.782,
    15: 1.753,
    20: 1.725,
    25: 1.708,
    30: 1.697,
    40: 1.684,
    60: 1.671,
    120: 1.658,
}


def t95(df: int) -> float:
    if df <= 0:
        return math.nan
    for k in sorted(_T95):
        if df <= k:
            return _T95[k]
    return 1.645


def _missing(key: str) -> float:
    return math.nan if any(m in key for m in _RATIO_MARKERS) else 0.0


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


QUANTILES = (".median", ".p90")  # figures that are a quantile of one campaign's leads


def is_quantile(key: str) -> bool:
    """Whether the figure `key` is a quantile of a campaign's leads (days to convert: median)."""
    return key.endswith(QUANTILES)


def stat(values: list[float], key: str = "") -> Stat:
    """The runs' values of figure `key` as a `Stat`: the point forecast (the runs' mean; for a
    quantile figure, `is_quantile`, the runs' median) and the 5th-95th percentile of the runs.

    Why a median's point forecast is the median of the runs: each run is one campaign the
    forecast thinks possible, and a figure's point forecast should be a summary of those
    campaigns' values of that same figure, on the figure's own terms. A mean of per-run
    medians is a median of none of them: it is not kept by a non-linear change of scale, and on
    whole-day values it lands where no campaign can (half the runs at 0 days and half at 1
    give 0.5 days). The median of the runs is the value a campaign's figure is as likely to
    fall under as over, the centre of the same runs' 5th-95th percentile interval, and kept
    by any monotone change of scale. Not the median of all runs' leads pooled: that is the
    median of one lead's days, a figure of the model rather than of a campaign of this size."""
    arr = np.asarray(values, dtype=float)
    ok = arr[~np.isnan(arr)]
    if ok.size == 0:
        return Stat.MISSING
    lo, hi = np.percentile(ok, [5, 95])
    centre = np.median(ok) if is_quantile(key) else ok.mean()
    return Stat(_clean(centre), _clean(lo), _clean(hi), int(ok.size))


def column(runs: list[RunRecord], key: str) -> list[float]:
    return [float(r["scalars"].get(key, _missing(key))) for r in runs]


def keys_of(runs: list[RunRecord]) -> list[str]:
    return sorted({k for r in runs for k in r["scalars"]})


@dataclass(frozen=True)
class Summary:
    """Every figure of a forecast by its dotted name, as `RunMetrics` names them (`mql`,
    `touches.email`, `funnel.trial_onboarding.3.sent`, ...; the JSON's "scalars"), the weekly
    series by name, and `sequence.step` (an arm: `sequence.split.armN`) -> the content it sends."""

    stats: dict[str, Stat]
    weekly: dict[str, Series]
    labels: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        return {
            "scalars": {k: s.to_dict() for k, s in self.stats.items()},
            "weekly": {k: s.to_dict() for k, s in self.weekly.items()},
            "labels": dict(self.labels),
        }


def summarise(runs: list[RunRecord]) -> Summary:
    stats = {key: stat(column(runs, key), key) for key in keys_of(runs)}
    weekly: dict[str, Series] = {}
    for name in runs[0]["weekly"] if runs else []:
        per_week = np.asarray([r["weekly"][name] for r in runs], dtype=float)
        lo, hi = np.percentile(per_week, [5, 95], axis=0)
        weekly[name] = Series(
            tuple(_clean(x) for x in per_week.mean(axis=0)),
            tuple(_clean(x) for x in lo),
            tuple(_clean(x) for x in hi),
        )
    labels: dict[str, str] = {}
    for r in runs:
        for k, v in r.get("labels", {}).items():
            labels.setdefault(k, v)
    return Summary(stats, weekly, dict(sorted(labels.items())))


def paired(base: list[float], other: list[float]) -> Difference:
    d = np.asarray(other, dtype=float) - np.asarray(base, dtype=float)
    d = d[~np.isnan(d)]
    if d.size == 0:
        return Difference.MISSING
    mean = float(d.mean())
    half = t95(d.size - 1) * float(d.std(ddof=1)) / math.sqrt(d.size) if d.size > 1 else math.nan
    lo, hi = mean - half, mean + half
    clear = bool(d.size > 1 and not math.isnan(half) and (lo > 0 or hi < 0))
    return Difference(_clean(mean), _clean(lo), _clean(hi), int(d.size), clear)


def differences(base: list[RunRecord], other: list[RunRecord]) -> dict[str, Difference]:
    keys = sorted(set(keys_of(base)) | set(keys_of(other)))
    return {k: paired(column(base, k), column(other, k)) for k in keys}
