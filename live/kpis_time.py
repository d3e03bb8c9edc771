"""Leads still in flight: cohorts by arrival week and the time to convert, censored.

A lead that has not bought yet is not a lead that failed: it may still buy. So conversion is
read two ways that respect that:

- cohorts: leads by the week they arrived (Monday 00:00 UTC), each with its MQL, SQL and
  customer counts so far, the leads still open (neither customer, sunset nor unsubscribed), and
  the share converted within 7, 30, 60 and 90 days of arrival, given only when every lead of the
  cohort has been observed that long (else the cohort is still in flight for that mark);
- the Kaplan-Meier curve of the time to convert: each lead counts as observed from its arrival to
  its first conversion, or to the database's clock if it has not bought (censored there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from live.kpis_leads import DAY, LeadColumns
from live.kpis_stats import Survival, kaplan_meier

MARKS = (7, 30, 60, 90)  # days after arrival
WEEK = 7 * DAY


@dataclass(frozen=True)
class Cohort:
    week: float  # its Monday, 00:00 UTC
    leads: int
    mql: int
    sql: int
    customers: int
    open: int  # neither customer, sunset nor unsubscribed
    observed_days: float  # how long its last lead has been observed
    converted_by: tuple[float | None, ...]  # at each of MARKS; None: still in flight

    def to_dict(self) -> dict[str, object]:
        from engine import format_time

        return {
            "week": format_time(self.week),
            "leads": self.leads,
            "mql": self.mql,
            "sql": self.sql,
            "customers": self.customers,
            "open": self.open,
            "observed_days": round(self.observed_days, 2),
            "converted_by": {
                str(day): value for day, value in zip(MARKS, self.converted_by, strict=True)
            },
        }


def cohorts(cols: LeadColumns, start: float, clock: float) -> list[Cohort]:
    """One cohort a week from the week of `start` (a Monday) to the clock's, in order."""
    if not cols.n:
        return []
    week = ((cols.arrival - start) // WEEK).astype(np.int64)
    bought = ~np.isnan(cols.customer_at)
    days_to_buy = np.where(bought, (cols.customer_at - cols.arrival) / DAY, np.inf)
    open_ = ~bought & ~cols.sunset & ~cols.unsubscribed
    out = []
    for w in range(int(week.max()) + 1):
        members = week == w
        n = int(members.sum())
        if not n:
            continue
        observed = (clock - float(cols.arrival[members].max())) / DAY
        by = tuple(
            float(np.count_nonzero(days_to_buy[members] <= day)) / n if observed >= day else None
            for day in MARKS
        )
        out.append(
            Cohort(
                week=start + w * WEEK,
                leads=n,
                mql=int(np.count_nonzero(members & ~np.isnan(cols.mql_at))),
                sql=int(np.count_nonzero(members & ~np.isnan(cols.sql_at))),
                customers=int(np.count_nonzero(members & bought)),
                open=int(np.count_nonzero(members & open_)),
                observed_days=observed,
                converted_by=by,
            )
        )
    return out


def time_to_convert(cols: LeadColumns, clock: float) -> Survival:
    """The share converted by each day since arrival, every day up to the longest observed."""
    bought = ~np.isnan(cols.customer_at)
    end = np.where(bought, cols.customer_at, clock)
    duration = np.maximum(end - cols.arrival, 0.0) / DAY
    longest = int(math.floor(float(duration.max()))) if cols.n else 0
    return kaplan_meier(duration, bought, list(range(longest + 1)))
