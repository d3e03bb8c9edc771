"""The figures of a forecast (or of a paired difference) grouped by what they are about.

A `Summary` keeps every figure by its flat dotted name (`funnel.trial_onboarding.3.sent`), which
is what the JSON holds and what makes aggregation one loop. A reader wants them by meaning:
`forecast.kpis.mql`, `forecast.sequences["trial_onboarding"].steps[0].sent`. Each group here is
built from a lookup `get(name) -> F` (F: `Stat` for a forecast, `Difference` for a comparison)
and the names present; a figure not measured is `F.MISSING` (mean None, n 0). Figures a group
does not name stay reachable by name (`Forecast.stat`, `Pair.difference`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

from dsl.ir import CHANNELS, SALES_CHANNEL
from simulator.figures import Difference, Stat

F = TypeVar("F", Stat, Difference)
Get = Callable[[str], F]


def missing(get: Get[F]) -> F:
    """The "not measured" figure of the kind `get` gives (`Stat.MISSING`, `Difference.MISSING`)."""
    return type(get("leads")).MISSING


@dataclass(frozen=True)
class Kpis(Generic[F]):
    """The headline figures (counts per forecast; rates are shares of the leads)."""

    leads: F
    mql: F
    sql: F
    customers: F
    mql_rate: F
    sql_rate: F
    conversion_rate: F
    unsubscribes: F
    unsubscribe_rate: F
    touches: F  # sends on every channel (sales tasks are `tasks`)
    tasks: F
    handoffs: F
    sunsets: F
    opens: F
    clicks: F
    replies: F
    bounces: F
    visits: F  # organic `visited` events (not leads who visited)
    visited: F  # leads who visited: on their own (a `visited` event) or by a click
    visit_rate: F  # visited, as a share of the leads
    revenue: F  # every conversion's deal value, nurtured or not
    cost: F  # of touches and sales tasks
    roi: F  # (revenue - cost) / cost
    customers_by: dict[str, F] = field(default_factory=dict)  # what made them buy -> customers


_KPI_NAMES = {
    "handoffs": "handoff",
    "sunsets": "sunset",
    "visits": "organic.visited",
}


def kpis(get: Get, names: Iterable[str]) -> Kpis:
    values = {
        f.name: get(_KPI_NAMES.get(f.name, f.name))
        for f in fields(Kpis)
        if f.name != "customers_by"
    }
    by = sorted(n for n in names if n.startswith("customers.by."))
    return Kpis(**values, customers_by={n.removeprefix("customers.by."): get(n) for n in by})


@dataclass(frozen=True)
class FunnelStage(Generic[F]):
    """A step of a funnel — a lifecycle stage, or one of the file's stages — how many leads
    reached it, and their share of leads."""

    name: str  # "leads", "MQL", "SQL", "customers"; or a stage's name
    count: F
    share: F  # of the leads (for "leads": MISSING)


def funnel(get: Get, mql: bool, sql: bool) -> tuple[FunnelStage, ...]:
    """leads -> MQL -> SQL -> customers, the stages the file declares (MQL/SQL are optional)."""
    stages = [FunnelStage("leads", get("leads"), missing(get))]
    stages += [FunnelStage("MQL", get("mql"), get("mql_rate"))] if mql else []
    stages += [FunnelStage("SQL", get("sql"), get("sql_rate"))] if sql else []
    return (*stages, FunnelStage("customers", get("customers"), get("conversion_rate")))


def stages(get: Get, names: Iterable[str]) -> tuple[FunnelStage, ...]:
    """The file's stages in order, each with the leads that reached it by the horizon's end
    (in it or a later one: stages only move forward) and their share of the leads."""
    return tuple(FunnelStage(n, get(f"stage.{n}"), get(f"stage_rate.{n}")) for n in names)


@dataclass(frozen=True)
class Timing(Generic[F]):
    """Days from arrival to reaching a stage, over the leads that reached it."""

    median: F
    p90: F


@dataclass(frozen=True)
class DaysTo(Generic[F]):
    mql: Timing[F]
    sql: Timing[F]
    customer: Timing[F]


def days_to(get: Get) -> DaysTo:
    def timing(key: str) -> Timing:
        return Timing(get(f"days_to_{key}.median"), get(f"days_to_{key}.p90"))

    return DaysTo(timing("mql"), timing("sql"), timing("customers"))


@dataclass(frozen=True)
class Channel(Generic[F]):
    """One channel's touches, responses and cost ("task": sales tasks, cost per task)."""

    name: str
    touches: F
    cost: F
    opens: F
    clicks: F
    replies: F
    bounces: F
    unsubscribes: F
    open_rate: F  # of touches (channels without tracked opens: MISSING or 0)
    click_rate: F


def channels(get: Get) -> dict[str, Channel]:
    """The channels used (touched or costed), in `CHANNELS` order."""
    out = {}
    for c in CHANNELS:
        touches = get("sales.tasks") if c == SALES_CHANNEL else get(f"touches.{c}")
        cost = get(f"cost.{c}")
        if not (get(f"touches.{c}").mean or cost.mean):
            continue
        out[c] = Channel(
            c,
            touches,
            cost,
            get(f"opens.{c}"),
            get(f"clicks.{c}"),
            get(f"replies.{c}"),
            get(f"bounces.{c}"),
            get(f"unsubscribes.{c}"),
            get(f"open_rate.{c}"),
            get(f"click_rate.{c}"),
        )
    return out


@dataclass(frozen=True)
class Lift(Generic[F]):
    """What nurture adds against the holdout, summed over the sequences with one: the nurtured
    minus the holdout conversion rate, times the nurtured leads; revenue at the mean deal value."""

    customers: F
    revenue: F
    roi: F


def lift(get: Get) -> Lift:
    return Lift(*(get(f"incremental.{k}") for k in ("customers", "revenue", "roi")))


@dataclass(frozen=True)
class SalesQueue(Generic[F]):
    tasks: F
    worked: F
    peak_backlog: F
    backlog_end: F
    mean_wait_hours: F
    within_due_share: F  # of the tasks picked up, the share picked up by their due time


def sales(get: Get) -> SalesQueue:
    return SalesQueue(*(get(f"sales.{f.name}") for f in fields(SalesQueue)))
