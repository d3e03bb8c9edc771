"""The actual KPIs of a live database, by the flat names a forecast uses.

`measure(history, programs)` gives every figure `nurture simulate --json` has where the database
can say it, by the same name (`mql`, `days_to_sql.median`, `touches.email`,
`funnel.trial_onboarding.3.opened`, `arm.trial_onboarding.holdout.sql_rate`, ...), so the
forecast column of `nurture report --forecast` is a lookup by name; the observed intervals
(lifts, differences) beside them; the weekly series; cohorts and the time to convert with leads
in flight censored (`kpis_time.py`). How each figure is counted is in docs/LIVE_REPORT.md; where
it differs from the simulator's, that page says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from live.kpis_groups import group_figures
from live.kpis_leads import (
    DAY,
    RESPONSE_TYPES,
    Answers,
    LeadColumns,
    answers,
    cost_of,
    lead_columns,
)
from live.kpis_stats import Interval

if TYPE_CHECKING:
    from dsl.ir import Program
    from live.report_read import ActionKind, History

WEEK = 7 * DAY


@dataclass
class Measured:
    figures: dict[str, float] = field(default_factory=dict)  # NaN: not measurable
    intervals: dict[str, Interval] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # "seq.step" -> content
    weekly: dict[str, list[float]] = field(default_factory=dict)
    week_start: float = 0.0  # the Monday 00:00 UTC the weeks count from
    unmatched: int = 0  # responses naming a content no earlier touch sent


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def median_p90(values: np.ndarray) -> tuple[float, float]:
    if not len(values):
        return math.nan, math.nan
    return float(np.median(values)), float(np.percentile(values, 90))


def measure(history: History, programs: list[Program], cols: LeadColumns | None = None) -> Measured:
    """The figures; `cols`: the history's `lead_columns`, when the caller has them already."""
    if cols is None:
        cols = lead_columns(history, programs)
    found = answers(history)
    out = Measured(unmatched=found.unmatched)
    f = out.figures
    _outcomes(cols, f)
    _days(cols, f)
    _actions(history.counts, f)
    costs = cost_of(programs)
    price = np.array([costs.get(k.content or "", 0.0) for k in history.kinds] or [0.0])
    _money(found, price, f, out.labels)
    _responses(found, f)
    _stages(history, programs, f)
    f["cost"] = math.fsum(v for k, v in f.items() if k.startswith("cost."))
    f["roi"] = _div(f.get("revenue", 0.0) - f["cost"], f["cost"])
    group_figures(history, programs, cols, found, out)
    _weekly(cols, found, history, price, out)
    out.figures = {name: float(value) for name, value in out.figures.items()}
    return out


def _outcomes(cols: LeadColumns, f: dict[str, float]) -> None:
    leads = float(cols.n)
    f["leads"] = leads
    for name, times in (
        ("mql", cols.mql_at),
        ("sql", cols.sql_at),
        ("customers", cols.customer_at),
    ):
        f[name] = float(np.count_nonzero(~np.isnan(times)))
        f[f"{name}_rate"] = _div(f[name], leads)
    f["conversion_rate"] = f.pop("customers_rate")
    f["revenue"] = math.fsum(cols.revenue.tolist())
    f["deals"] = float(cols.deals)
    f["unsubscribes"] = float(np.count_nonzero(cols.unsubscribed))
    for channel, n in sorted(cols.unsubscribed_by.items()):
        f[f"unsubscribes.{channel}"] = float(n)
    f["unsubscribe_rate"] = _div(f["unsubscribes"], leads)
    f["sunset"] = float(np.count_nonzero(cols.sunset))
    f["visited"] = float(np.count_nonzero(cols.visited))
    f["visit_rate"] = _div(f["visited"], leads)
    bought = ~np.isnan(cols.customer_at)
    if bought.any():
        for flag, times in (("mql", cols.mql_at), ("sql", cols.sql_at)):
            before = np.count_nonzero(times[bought] <= cols.customer_at[bought])
            f[f"customers.were_{flag}"] = before / int(bought.sum())


def _days(cols: LeadColumns, f: dict[str, float]) -> None:
    """Days from arrival to MQL, SQL and customer (median and p90 of the leads that got there),
    and from SQL to customer."""
    for key, times in (("mql", cols.mql_at), ("sql", cols.sql_at), ("customers", cols.customer_at)):
        got = ~np.isnan(times)
        days = (times[got] - cols.arrival[got]) / DAY
        f[f"days_to_{key}.median"], f[f"days_to_{key}.p90"] = median_p90(days)
    both = ~np.isnan(cols.sql_at) & ~np.isnan(cols.customer_at)
    both &= cols.sql_at <= np.where(both, cols.customer_at, 0.0)
    days = (cols.customer_at[both] - cols.sql_at[both]) / DAY
    f["days_sql_to_customer.median"], f["days_sql_to_customer.p90"] = median_p90(days)


def _actions(counts: dict[ActionKind, int], f: dict[str, float]) -> None:
    """Touches and tasks by channel, handoffs, suppressions, entries and exits."""

    def add(name: str, n: float) -> None:
        f[name] = f.get(name, 0.0) + n

    for kind, n in sorted(counts.items(), key=lambda item: tuple(map(str, item[0]))):
        if kind.action == "send":
            add("touches", n)
            add(f"touches.{kind.channel}", n)
        elif kind.action == "task":
            add("tasks", n)
        elif kind.action == "handoff":
            add("handoff", n)
        elif kind.action == "suppressed":
            add(f"suppressed.{kind.reason}", n)
        elif kind.action == "enrolled":
            add(f"seq.{kind.sequence}.entered", n)
        elif kind.action == "exited":
            add(f"seq.{kind.sequence}.exited.{kind.reason}", n)
        if kind.sequence is not None and kind.action in ("send", "suppressed"):
            base = f"funnel.{kind.sequence}.{kind.step}"
            add(f"{base}.reached", n)
            add(f"{base}.sent" if kind.action == "send" else f"{base}.suppressed_{kind.reason}", n)


def _money(found: Answers, price: np.ndarray, f: dict[str, float], labels: dict[str, str]) -> None:
    """Cost by channel (sends and tasks at their content's cost; tasks as channel `task`) and
    the content each sequence step sends (its label)."""
    kinds = found.kind_of
    for code, n in _count(found.touch_code, len(kinds)):
        kind = kinds[code]
        channel = "task" if kind.action == "task" else kind.channel
        f[f"cost.{channel}"] = f.get(f"cost.{channel}", 0.0) + n * float(price[code])
        if kind.sequence is not None and kind.action == "send":
            labels.setdefault(f"{kind.sequence}.{kind.step}", kind.content or "")


_PLURAL = {
    "opened": "opens",
    "clicked": "clicks",
    "replied": "replies",
    "bounced": "bounces",
    "unsubscribed": "",  # leads who unsubscribed are counted from the events (`unsubscribes`)
}


def _responses(found: Answers, f: dict[str, float]) -> None:
    """Touches answered (opened, clicked, replied, bounced), by channel and by sequence step."""
    kinds, width = found.kind_of, len(RESPONSE_TYPES)
    codes = found.touch_code[found.answered_touch]
    for code_type, n in _count(codes * width + found.answered_type, None):
        kind, what = kinds[code_type // width], RESPONSE_TYPES[code_type % width]
        plural = _PLURAL[what]
        if kind.action == "task":  # a sales call: answered (a reply) or refused (unsubscribed)
            call = {"replied": "calls.answered", "unsubscribed": "calls.refused"}.get(what)
            if call:
                f[call] = f.get(call, 0.0) + n
        elif plural:
            f[plural] = f.get(plural, 0.0) + n
            f[f"{plural}.{kind.channel}"] = f.get(f"{plural}.{kind.channel}", 0.0) + n
        if kind.sequence is not None:
            name = f"funnel.{kind.sequence}.{kind.step}.{what}"
            f[name] = f.get(name, 0.0) + n
    for channel in sorted({k.channel for k in kinds if k.action == "send" and k.channel}):
        sent = f.get(f"touches.{channel}", 0.0)
        if sent:
            f[f"open_rate.{channel}"] = f.get(f"opens.{channel}", 0.0) / sent
            f[f"click_rate.{channel}"] = f.get(f"clicks.{channel}", 0.0) / sent


def _count(codes: np.ndarray, size: int | None) -> list[tuple[int, int]]:
    counts = np.bincount(codes, minlength=size or 0) if len(codes) else np.zeros(0, np.int64)
    return [(c, int(n)) for c, n in enumerate(counts.tolist()) if n]


def _stages(history: History, programs: list[Program], f: dict[str, float]) -> None:
    """`stage.S`: leads that reached stage S (in it or a later one) under the first file."""
    if not programs:
        return
    program = programs[0]
    column = history.standing.stage.get(program.path)
    if column is None:
        column = next(iter(history.standing.stage.values()), np.zeros(0, dtype=np.int16))
    for k, stage in enumerate(program.stages):
        f[f"stage.{stage.name}"] = float(np.count_nonzero(column >= k))
        f[f"stage_rate.{stage.name}"] = _div(f[f"stage.{stage.name}"], float(history.n))


def week_start(first: float) -> float:
    """The Monday 00:00 UTC on or before `first` (1970-01-05 was a Monday)."""
    monday = 4 * DAY
    return first - ((first - monday) % WEEK)


def _weekly(
    cols: LeadColumns, found: Answers, history: History, price: np.ndarray, out: Measured
) -> None:
    """Each week's arrivals, touches, opens, clicks, MQLs, SQLs, customers, unsubscribes,
    revenue and cost, weeks from the Monday before the first arrival to the clock's week."""
    if not cols.n:
        return
    start = out.week_start = week_start(float(cols.arrival.min()))
    weeks = int((history.clock - start) // WEEK) + 1

    def week_of(times: np.ndarray) -> np.ndarray:
        index = ((times - start) // WEEK).astype(np.int64)
        return np.where((index >= 0) & (index < weeks), index, weeks)  # `weeks`: outside

    def per_week(times: np.ndarray) -> list[float]:
        counts = np.bincount(week_of(times[~np.isnan(times)]), minlength=weeks + 1)
        return counts[:weeks].astype(float).tolist()

    def money(times: np.ndarray, values: np.ndarray) -> list[float]:
        """Each week's sum of `values`, correctly rounded (as the simulator sums money)."""
        parts: list[list[float]] = [[] for _ in range(weeks + 1)]
        for w, value in zip(week_of(times).tolist(), values.tolist(), strict=True):
            parts[w].append(value)
        return [math.fsum(p) for p in parts[:weeks]]

    kinds = found.kind_of
    sends = np.array([k.action == "send" for k in kinds] or [False])[found.touch_code]
    answered = found.answered_at
    w = out.weekly
    w["arrivals"] = per_week(cols.arrival)
    w["touches"] = per_week(found.touch_at[sends])
    w["opens"] = per_week(answered[found.answered_type == 0])
    w["clicks"] = per_week(answered[found.answered_type == 1])
    w["mql"], w["sql"] = per_week(cols.mql_at), per_week(cols.sql_at)
    w["customers"] = per_week(cols.customer_at)
    ev_types = [k.type for k in history.ev_kinds]
    unsub = np.array([t == "unsubscribed" for t in ev_types] or [False])[history.ev_code]
    w["unsubscribes"] = per_week(_first_per_lead(history.ev_lead[unsub], history.ev_at[unsub]))
    bought = np.array([t == "converted" for t in ev_types] or [False])[history.ev_code]
    w["revenue"] = money(history.ev_at[bought], history.ev_value[bought])
    w["cost"] = _weekly_cost(week_of(found.touch_at), found.touch_code, price, weeks)


def _first_per_lead(lead: np.ndarray, at: np.ndarray) -> np.ndarray:
    order = np.lexsort((at, lead))
    first = np.ones(len(order), dtype=bool)
    first[1:] = lead[order][1:] != lead[order][:-1]
    return at[order][first]


def _weekly_cost(week: np.ndarray, code: np.ndarray, price: np.ndarray, weeks: int) -> list[float]:
    """Each week's cost: touches of each kind counted per week, times the kind's price, summed
    correctly rounded (`week` == `weeks`: outside the weeks)."""
    counts = np.zeros((len(price), weeks + 1), dtype=np.int64)
    np.add.at(counts, (code, week), 1)
    return [math.fsum((counts[:, w] * price).tolist()) for w in range(weeks)]
