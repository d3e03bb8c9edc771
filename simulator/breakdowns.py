"""The forecast broken down by group of leads, typed (see `groups.py` for the pattern): each arm
of a holdout and of a split, each persona, each segment, each bucket of contacts received; the
seed's three ratios; how customers came through the funnel; what became of sales calls.

Read from the flat names `RunMetrics` gives them (`simulator/metrics_groups.py`):
`arm.S.{nurtured,holdout}.FIGURE`, `arm.S.difference.FIGURE`, `arm.S.SPLIT.ARM.FIGURE`,
`ratio.S.{sql_rate,cost_per_sql,deal_size}`, `persona.P.FIGURE`, `segment.G.FIGURE`,
`contacts.BUCKET.FIGURE` and `.share`, `customers.were_{mql,sql}`, `days_sql_to_customer.*`,
`calls.{answered,refused,ignored}`. A `Forecast` reads them as `Stat`s, a `Pair` (comparison)
as paired `Difference`s, from the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Generic

from simulator.groups import F, Get, Timing
from simulator.metrics_groups import BUCKETS, DIFFERENCES


@dataclass(frozen=True)
class GroupFigures(Generic[F]):
    """A group of leads: counts, their rates per lead, money (cost: its leads' touches, tasks
    and acquisition), and money per SQL, per customer (deal size) and per lead."""

    leads: F
    visited: F  # leads who visited on their own or by a click
    mql: F
    sql: F
    customers: F
    unsubscribes: F  # leads who unsubscribed from a channel (or refused a sales task)
    revenue: F
    cost: F
    visit_rate: F
    mql_rate: F
    sql_rate: F
    conversion_rate: F
    unsubscribe_rate: F
    revenue_per_lead: F
    cost_per_sql: F
    cost_per_customer: F
    deal_size: F  # revenue per customer


def group(get: Get, prefix: str) -> GroupFigures:
    return GroupFigures(*(get(f"{prefix}.{f.name}") for f in fields(GroupFigures)))


@dataclass(frozen=True)
class SeedRatios(Generic[F]):
    """The seed's claims, nurtured against holdout, as ratios (1.0: no difference): sales-ready
    leads per lead (claimed 1.5), cost per sales-ready lead (claimed 0.67), purchase size
    (claimed 1.47)."""

    sql_rate: F
    cost_per_sql: F
    deal_size: F


@dataclass(frozen=True)
class HoldoutArms(Generic[F]):
    """A sequence's nurtured leads (enrolled, not held out) against its holdout."""

    sequence: str
    nurtured: GroupFigures[F]
    holdout: GroupFigures[F]
    difference: dict[str, F]  # nurtured - holdout, per run, for each of DIFFERENCES
    ratios: SeedRatios[F]


@dataclass(frozen=True)
class SplitArm(Generic[F]):
    """One arm of a split: the leads sent it."""

    sequence: str
    split: int
    arm: int
    figures: GroupFigures[F]


@dataclass(frozen=True)
class ContactBucket(Generic[F]):
    """Leads by how many contacts they received (touches sent plus sales tasks worked)."""

    label: str  # "0", "1", "2-3", "4-5", "6-10", "11+"
    share: F  # of all leads
    figures: GroupFigures[F]


@dataclass(frozen=True)
class FunnelPath(Generic[F]):
    """How customers came through the funnel: the share that were MQL and SQL before they
    bought, and the days from SQL to customer (over customers who were SQL first)."""

    were_mql: F
    were_sql: F
    sql_to_customer: Timing[F]


@dataclass(frozen=True)
class Calls(Generic[F]):
    """Sales tasks worked, by what became of them."""

    answered: F
    refused: F
    ignored: F


def holdout_arms(get: Get, names: Iterable[str]) -> dict[str, HoldoutArms]:
    """Every sequence with a nurtured and a holdout arm, by name."""
    seqs = sorted({n.split(".")[1] for n in names if n.startswith("ratio.")})
    return {
        s: HoldoutArms(
            s,
            group(get, f"arm.{s}.nurtured"),
            group(get, f"arm.{s}.holdout"),
            {d: get(f"arm.{s}.difference.{d}") for d in DIFFERENCES},
            SeedRatios(*(get(f"ratio.{s}.{f.name}") for f in fields(SeedRatios))),
        )
        for s in seqs
    }


def split_arms(get: Get, names: Iterable[str]) -> tuple[SplitArm, ...]:
    """Every arm of every split, by sequence, split and arm."""
    found = set()
    for n in names:
        parts = n.split(".")
        if parts[0] == "arm" and len(parts) == 5 and parts[2].isdigit() and parts[4] == "leads":
            found.add((parts[1], int(parts[2]), int(parts[3])))
    return tuple(
        SplitArm(s, split, arm, group(get, f"arm.{s}.{split}.{arm}"))
        for s, split, arm in sorted(found)
    )


def named_groups(get: Get, names: Iterable[str], kind: str) -> dict[str, GroupFigures]:
    """`persona.NAME` or `segment.NAME` groups, by name (sorted)."""
    head, tail = f"{kind}.", ".leads"  # a persona's name may hold dots: cut at both ends
    found = {n[len(head) : -len(tail)] for n in names if n.startswith(head) and n.endswith(tail)}
    return {name: group(get, f"{kind}.{name}") for name in sorted(found)}


def contacts(get: Get) -> tuple[ContactBucket, ...]:
    return tuple(
        ContactBucket(label, get(f"contacts.{label}.share"), group(get, f"contacts.{label}"))
        for label, _, _ in BUCKETS
    )


def funnel_path(get: Get) -> FunnelPath:
    return FunnelPath(
        get("customers.were_mql"),
        get("customers.were_sql"),
        Timing(get("days_sql_to_customer.median"), get("days_sql_to_customer.p90")),
    )


def calls(get: Get) -> Calls:
    return Calls(*(get(f"calls.{f.name}") for f in fields(Calls)))
