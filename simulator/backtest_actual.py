"""What actually happened in a history, as the figures a forecast gives: each with its
forecast name, the value, its sampling error and the events it rests on.

Figures (each named as `RunMetrics` names the forecast's): conversion overall
(`conversion_rate`) and by persona (`persona.P.conversion_rate`, the `--by` groups), days to
convert (`days_to_customers.median`, `.p90`), the cumulative conversion at 7, 30 and 90 days
(`converted_within.D`: of the leads seen at least D days), the share who visited
(`visit_rate`), unsubscribes a lead (`unsubscribe_rate`), revenue, and by number of contacts
received (touches and calls: `contacts.B.share`, `.conversion_rate`, `.visit_rate`).

Sampling errors: a share's binomial sqrt(p (1 - p) / n); a count a lead's (unsubscribes,
revenue) the sum's sqrt(n) * sd; a median's and a 90th percentile's the distribution-free
order-statistic interval's half width over 1.96.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.history import DAY, TOUCH_TYPES, History

BUCKETS = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-5", 4, 5),
    ("6-10", 6, 10),
    ("11+", 11, 10**9),
)
WITHIN = (7, 30, 90)


@dataclass(frozen=True)
class Actual:
    label: str  # in words
    key: str  # the forecast's name for it
    value: float
    se: float  # its sampling error
    events: int  # conversions (or leads, for a share of leads) it rests on
    kind: str  # "share", "count", "days" or "money"


def _share(label: str, key: str, hits: float, n: int, events: int | None = None) -> Actual | None:
    if n == 0:
        return None
    p = hits / n
    return Actual(
        label, key, p, math.sqrt(p * (1 - p) / n), int(hits if events is None else events), "share"
    )


def _quantile(label: str, key: str, days: np.ndarray, q: float) -> Actual | None:
    n = len(days)
    if n < 2:
        return None
    ordered = np.sort(days)
    half = 1.96 * math.sqrt(n * q * (1 - q))
    lo = ordered[max(0, math.floor(n * q - half))]
    hi = ordered[min(n - 1, math.ceil(n * q + half))]
    return Actual(label, key, float(np.quantile(days, q)), float(hi - lo) / (2 * 1.96), n, "days")


def actual_figures(
    history: History,
    group_of: Callable[[dict[str, object]], str],
    timed: bool = True,
    outcomes_only: bool = False,
) -> list[Actual]:
    """Every figure of the module docstring that the history holds: revenue only when its
    purchases have values, the times to convert only when `timed` (its times are real: not a
    history of each lead's outcome, nor times that only order the events), the unsubscribes
    unless an experiment's outcomes (`outcomes_only`) record none."""
    n = len(history.leads)
    index = {lead.id: k for k, lead in enumerate(history.leads)}
    created = np.asarray([lead.created_at for lead in history.leads])
    converted_at = np.full(n, np.nan)
    value = np.zeros(n)
    visited = np.zeros(n, dtype=bool)
    unsubscribes = np.zeros(n)
    contacts = np.zeros(n, dtype=np.int64)
    for e in history.events:
        i = index.get(e.lead)
        if i is None:
            continue
        if e.type == "converted" and math.isnan(converted_at[i]):
            converted_at[i] = e.at
            v = e.props.get("value")
            value[i] = float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0
        elif e.type in ("visited", "clicked"):
            visited[i] = True
        elif e.type == "unsubscribed":
            unsubscribes[i] += 1
        elif e.type in TOUCH_TYPES and e.type == "delivered":
            contacts[i] += 1
    bought = ~np.isnan(converted_at)
    out: list[Actual | None] = [_share("conversion", "conversion_rate", bought.sum(), n)]
    if visited.any():
        out.append(_share("visited", "visit_rate", visited.sum(), n, int(visited.sum())))
    if n and (not outcomes_only or unsubscribes.any()):  # outcomes may not record them
        out.append(
            Actual(
                "unsubscribes a lead",
                "unsubscribe_rate",
                float(unsubscribes.mean()),
                float(unsubscribes.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
                int(unsubscribes.sum()),
                "count",
            )
        )
    if n and value.any():
        out.append(
            Actual(
                "revenue",
                "revenue",
                float(value.sum()),
                float(value.std(ddof=1) * math.sqrt(n)) if n > 1 else 0.0,
                int(bought.sum()),
                "money",
            )
        )
    days = (converted_at[bought] - created[bought]) / DAY
    if timed:
        out.append(_quantile("days to convert: median", "days_to_customers.median", days, 0.5))
        out.append(
            _quantile("days to convert: 90th percentile", "days_to_customers.p90", days, 0.9)
        )
    seen = (history.end - created) / DAY
    for d in WITHIN if timed else ():
        eligible = seen >= d
        hits = np.sum(bought & eligible & ((converted_at - created) <= d * DAY))
        out.append(
            _share(f"converted within {d} days", f"converted_within.{d}", hits, int(eligible.sum()))
        )
    groups = np.asarray([group_of(lead.attrs) for lead in history.leads])
    for name in sorted(set(groups.tolist())):
        mine = groups == name
        out.append(
            _share(
                f"conversion, {name}",
                f"persona.{name}.conversion_rate",
                bought[mine].sum(),
                int(mine.sum()),
            )
        )
    if contacts.any():
        for label, low, high in BUCKETS:
            mine = (contacts >= low) & (contacts <= high)
            k = int(mine.sum())
            if not k:
                continue
            out.append(
                _share(f"{label} contacts: share of leads", f"contacts.{label}.share", k, n, k)
            )
            out.append(
                _share(
                    f"{label} contacts: converted",
                    f"contacts.{label}.conversion_rate",
                    bought[mine].sum(),
                    k,
                )
            )
            if visited.any():
                out.append(
                    _share(
                        f"{label} contacts: visited",
                        f"contacts.{label}.visit_rate",
                        visited[mine].sum(),
                        k,
                    )
                )
    return [a for a in out if a is not None]
