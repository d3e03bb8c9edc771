"""Figures per group of leads: each arm of a holdout or a split, each persona, each segment, each
bucket of contacts received; and the seed's three headline ratios (nurtured against holdout).

`RunMetrics.result` (simulator/metrics.py) hands over one replication's leads as columns
(`Leads`, numpy, one row a lead) and gets flat dotted names back, as every other figure:
`arm.trial_onboarding.nurtured.sql_rate`, `persona.smb_trial.conversion_rate`,
`contacts.2-3.share`. Every figure is a pure
function of the columns, so shards merged first give the very same numbers: a column holds the
same values in the same (lead) order whatever the shards, and a group's deals are summed with
`math.fsum`, its costs with numpy's sum in lead order.

A group's figures (`figures`): leads, visited (leads who visited the site on their own or by a
click) and visit_rate, mql, sql, customers and their rates per lead, unsubscribes (leads) and
unsubscribe_rate, revenue, cost (its leads' touches and tasks, plus what acquiring them cost),
cost_per_sql, cost_per_customer and deal_size (revenue per customer). NaN where the denominator
is 0 (no SQL: no cost per SQL).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics_parts import mask, median_p90
from simulator.population import DAY

if TYPE_CHECKING:
    from simulator.metrics import RunMetrics

# Buckets of contacts received (touches sent to the lead plus sales tasks worked on it): the
# bank data's campaign buckets, with 0 for the leads nothing reached.
BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-5", 4, 5),
    ("6-10", 6, 10),
    ("11+", 11, 1 << 30),
)
# The figures whose nurtured - holdout difference is reported (rates and per-lead money).
DIFFERENCES = (
    "visit_rate",
    "mql_rate",
    "sql_rate",
    "conversion_rate",
    "unsubscribe_rate",
    "revenue_per_lead",
    "cost_per_sql",
    "cost_per_customer",
    "deal_size",
)
# The seed's claims: nurtured leads give 50% more sales-ready leads (sql_rate), at 33% lower
# cost per sales-ready lead (cost_per_sql), and make 47% larger purchases (deal_size).
RATIOS = ("sql_rate", "cost_per_sql", "deal_size")


@dataclass(frozen=True)
class Leads:
    """One replication's leads as columns (numpy arrays of length n)."""

    came: np.ndarray  # bool: arrived within the horizon
    visited: np.ndarray  # bool
    mql: np.ndarray  # bool
    sql: np.ndarray  # bool
    customer: np.ndarray  # bool
    unsubscribed: np.ndarray  # bool
    buyers: np.ndarray  # int: the customers, in lead order
    deals: np.ndarray  # float: their deal values, in the same order
    spent: np.ndarray  # float: touches and tasks spent on each lead
    acquisition: float  # what acquiring a lead costs
    contacts: np.ndarray  # int: touches sent plus sales tasks worked


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def rate(members: np.ndarray, outcome: np.ndarray) -> float:
    """The share of `members` with `outcome` (NaN: no members)."""
    n = int(np.count_nonzero(members))
    return int(np.count_nonzero(members & outcome)) / n if n else math.nan


def figures(leads: Leads, members: np.ndarray, prefix: str, out: dict[str, float]) -> None:
    """The figures of the leads in `members` (a bool mask), named `prefix.figure`."""
    g = members & leads.came
    n = int(np.count_nonzero(g))
    counts = {
        name: int(np.count_nonzero(g & getattr(leads, name)))
        for name in ("visited", "mql", "sql", "customer", "unsubscribed")
    }
    revenue = math.fsum(leads.deals[g[leads.buyers]].tolist())  # a few deals, exactly
    cost = float(np.sum(leads.spent[g])) + leads.acquisition * n  # numpy's sum, in lead order
    customers, sql = counts["customer"], counts["sql"]
    out[f"{prefix}.leads"] = float(n)
    out[f"{prefix}.visited"] = float(counts["visited"])
    out[f"{prefix}.mql"] = float(counts["mql"])
    out[f"{prefix}.sql"] = float(sql)
    out[f"{prefix}.customers"] = float(customers)
    out[f"{prefix}.unsubscribes"] = float(counts["unsubscribed"])
    out[f"{prefix}.revenue"] = revenue
    out[f"{prefix}.cost"] = cost
    out[f"{prefix}.visit_rate"] = _div(counts["visited"], n)
    out[f"{prefix}.mql_rate"] = _div(counts["mql"], n)
    out[f"{prefix}.sql_rate"] = _div(sql, n)
    out[f"{prefix}.conversion_rate"] = _div(customers, n)
    out[f"{prefix}.unsubscribe_rate"] = _div(counts["unsubscribed"], n)
    out[f"{prefix}.revenue_per_lead"] = _div(revenue, n)
    out[f"{prefix}.cost_per_sql"] = _div(cost, sql)
    out[f"{prefix}.cost_per_customer"] = _div(cost, customers)
    out[f"{prefix}.deal_size"] = _div(revenue, customers)


def holdout_arms(
    leads: Leads, seq: str, nurtured: np.ndarray, holdout: np.ndarray, out: dict[str, float]
) -> None:
    """A sequence's nurtured and holdout arms, their differences and the seed's ratios."""
    base = f"arm.{seq}"
    figures(leads, nurtured, f"{base}.nurtured", out)
    figures(leads, holdout, f"{base}.holdout", out)
    for name in DIFFERENCES:
        a, b = out[f"{base}.nurtured.{name}"], out[f"{base}.holdout.{name}"]
        out[f"{base}.difference.{name}"] = a - b
    for name in RATIOS:
        a, b = out[f"{base}.nurtured.{name}"], out[f"{base}.holdout.{name}"]
        out[f"ratio.{seq}.{name}"] = a / b if b and not math.isnan(b) else math.nan


def by_contacts(leads: Leads, out: dict[str, float]) -> None:
    """The fatigue curve: leads by how many contacts they received, with each bucket's share of
    all leads and its outcomes."""
    everyone = int(np.count_nonzero(leads.came))
    for label, low, high in BUCKETS:
        members = (leads.contacts >= low) & (leads.contacts <= high)
        figures(leads, members, f"contacts.{label}", out)
        out[f"contacts.{label}.share"] = _div(out[f"contacts.{label}.leads"], everyone)


def named(leads: Leads, kind: str, masks: dict[str, np.ndarray], out: dict[str, float]) -> None:
    """The figures of each named group (`persona.NAME`, `segment.NAME`)."""
    for name, members in masks.items():
        figures(leads, members, f"{kind}.{name}", out)


def columns(m: RunMetrics) -> Leads:
    """A replication's leads as columns, for the group figures."""
    n = m.n

    def flags(leads: Iterable[int]) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        out[list(leads)] = True
        return out

    buyers = np.array(sorted(m.revenue), dtype=np.int64)
    return Leads(  # the flags are views of the byte columns (each byte 0 or 1): no copy
        came=np.frombuffer(m.came, dtype=np.bool_),
        visited=np.frombuffer(m.visited, dtype=np.bool_),
        mql=flags(m.reached["mql"]),
        sql=flags(m.reached["sql"]),
        customer=flags(m.reached["customer"]),
        unsubscribed=np.frombuffer(m.unsubscribed, dtype=np.bool_),
        buyers=buyers,
        deals=np.array([m.revenue[i] for i in buyers.tolist()], dtype=np.float64),
        spent=np.frombuffer(m.spent, dtype=np.float64),
        acquisition=m.cost_per_lead,
        contacts=np.frombuffer(m.touched, dtype=np.int32) + np.frombuffer(m.called, dtype=np.int32),
    )


def of_run(m: RunMetrics, out: dict[str, float]) -> None:
    """Every group's figures of a replication (arms: holdout, nurtured, split arms; personas,
    segments, contacts; the seed's ratios; the funnel path), into `out`, whose counts, revenue
    and cost are already there."""
    leads = columns(m)
    none = np.zeros(m.n, dtype=bool)
    extra = math.nan  # customers the nurture added, summed over sequences with a holdout
    for seq in m.sequences:
        holdout = mask(m.holdout.get(seq))
        holdout = none if holdout is None else holdout
        enrolled = mask(m.enrolled.get(seq))
        nurtured = none if enrolled is None else enrolled & ~holdout
        n_nurtured, n_holdout = int(nurtured.sum()), int(holdout.sum())
        if not n_holdout and not n_nurtured:
            continue
        a = rate(nurtured, leads.customer)
        b = rate(holdout, leads.customer)
        out[f"lift.{seq}.nurtured_rate"] = a
        out[f"lift.{seq}.holdout_rate"] = b
        out[f"lift.{seq}.lift"] = a - b
        out[f"lift.{seq}.nurtured_n"] = n_nurtured
        out[f"lift.{seq}.holdout_n"] = n_holdout
        if n_holdout and n_nurtured:
            extra = (0.0 if math.isnan(extra) else extra) + (a - b) * n_nurtured
            holdout_arms(leads, seq, nurtured, holdout, out)
    n_customers = len(m.reached["customer"])
    revenue, cost = out.get("revenue", 0.0), out.get("cost", 0.0)
    value = revenue / n_customers if n_customers else math.nan
    out["incremental.customers"] = extra
    out["incremental.revenue"] = extra * value if n_customers else math.nan
    out["incremental.roi"] = (
        (out["incremental.revenue"] - cost) / cost
        if cost and not math.isnan(out["incremental.revenue"])
        else math.nan
    )
    for (seq, step, arm), members in sorted(m.arms.items()):
        sent = mask(members)
        key = f"arm.{seq}.{step}.{arm}"
        out[f"{key}.rate"] = rate(sent, leads.customer)
        out[f"{key}.n"] = int(sent.sum())
        figures(leads, sent, key, out)
        first = mask(m.arms.get((seq, step, 1)))
        if arm != 1 and first is not None and first.any():  # lift over the first arm
            out[f"{key}.lift"] = out[f"{key}.rate"] - rate(first, leads.customer)
    if m.personas is not None:
        persona, names = m.personas
        named(leads, "persona", {nm: persona == k for k, nm in enumerate(names)}, out)
    named(leads, "segment", {s: mask(g) for s, g in sorted(m.segments.items())}, out)
    by_contacts(leads, out)
    out["visited"] = float(np.count_nonzero(leads.visited & leads.came))
    out["visit_rate"] = out["visited"] / out["leads"] if out.get("leads") else math.nan
    funnel_path(m, out)


def funnel_path(m: RunMetrics, out: dict[str, float]) -> None:
    """How customers came through the funnel: the share that were MQL and SQL before they
    bought, and the days from SQL to customer."""
    bought = m.reached["customer"]
    if not bought:
        return
    for flag in ("mql", "sql"):
        was = m.reached[flag]
        before = sum(1 for i, t in bought.items() if i in was and was[i] <= t)
        out[f"customers.were_{flag}"] = before / len(bought)
    sql = m.reached["sql"]
    days = [(t - sql[i]) / DAY for i, t in bought.items() if i in sql and sql[i] <= t]
    out["days_sql_to_customer.median"], out["days_sql_to_customer.p90"] = median_p90(days)
