"""The live KPIs of groups of leads: each sequence's nurtured leads against its holdout, each split
arm, each segment (as the leads stand at the clock), each bucket of contacts received; by the
names a forecast gives them (`arm.trial_onboarding.holdout.sql_rate`, `segment.trial.leads`).

A group's figures are the simulator's (`simulator/metrics_groups.py`): leads, visited, MQL, SQL,
customers, unsubscribes, revenue, cost and their rates per lead, cost per SQL and per customer,
deal size. The differences nurtured - holdout and arm k - arm 1 carry their observed 90%
interval: Newcombe's for a difference of rates, Welch's for revenue per lead (`kpis_stats.py`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from dsl.ir import If, Split
from live.kpis_stats import Interval, newcombe, welch

if TYPE_CHECKING:
    from dsl.ir import Program
    from live.kpis import Measured
    from live.kpis_leads import Answers, LeadColumns
    from live.report_read import History

BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-5", 4, 5),
    ("6-10", 6, 10),
    ("11+", 11, 1 << 30),
)
RATES = ("visit_rate", "mql_rate", "sql_rate", "conversion_rate", "unsubscribe_rate")
_COUNT_OF = {
    "visit_rate": "visited",
    "mql_rate": "mql",
    "sql_rate": "sql",
    "conversion_rate": "customer",
    "unsubscribe_rate": "unsubscribed",
}


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def outcome_flags(cols: LeadColumns) -> dict[str, np.ndarray]:
    return {
        "visited": cols.visited,
        "mql": ~np.isnan(cols.mql_at),
        "sql": ~np.isnan(cols.sql_at),
        "customer": ~np.isnan(cols.customer_at),
        "unsubscribed": cols.unsubscribed,
    }


def figures(cols: LeadColumns, members: np.ndarray, prefix: str, out: dict[str, float]) -> None:
    """The figures of the leads in `members` (a bool mask), named `prefix.figure`."""
    n = int(np.count_nonzero(members))
    flags = outcome_flags(cols)
    counts = {name: int(np.count_nonzero(members & flag)) for name, flag in flags.items()}
    revenue = math.fsum(cols.revenue[members].tolist())
    cost = math.fsum(cols.spent[members].tolist())
    out[f"{prefix}.leads"] = float(n)
    for name, plural in (("visited", "visited"), ("mql", "mql"), ("sql", "sql")):
        out[f"{prefix}.{plural}"] = float(counts[name])
    out[f"{prefix}.customers"] = float(counts["customer"])
    out[f"{prefix}.unsubscribes"] = float(counts["unsubscribed"])
    out[f"{prefix}.revenue"] = revenue
    out[f"{prefix}.cost"] = cost
    for rate in RATES:
        out[f"{prefix}.{rate}"] = _div(counts[_COUNT_OF[rate]], n)
    out[f"{prefix}.revenue_per_lead"] = _div(revenue, n)
    out[f"{prefix}.cost_per_sql"] = _div(cost, counts["sql"])
    out[f"{prefix}.cost_per_customer"] = _div(cost, counts["customer"])
    out[f"{prefix}.deal_size"] = _div(revenue, counts["customer"])


def differences(cols: LeadColumns, a: np.ndarray, b: np.ndarray, prefix: str, m: Measured) -> None:
    """a - b for each rate (Newcombe) and revenue per lead (Welch), named `prefix.NAME`."""
    flags = outcome_flags(cols)
    na, nb = int(np.count_nonzero(a)), int(np.count_nonzero(b))
    for rate in RATES:
        flag = flags[_COUNT_OF[rate]]
        ka, kb = int(np.count_nonzero(a & flag)), int(np.count_nonzero(b & flag))
        interval = newcombe(ka, na, kb, nb)
        m.figures[f"{prefix}.{rate}"] = interval.estimate
        m.intervals[f"{prefix}.{rate}"] = interval
    money = welch(cols.revenue[a], cols.revenue[b])
    m.figures[f"{prefix}.revenue_per_lead"] = money.estimate
    m.intervals[f"{prefix}.revenue_per_lead"] = money


# The seed's claims: nurtured leads give 50% more sales-ready leads (sql_rate), at 33% lower
# cost per sales-ready lead (cost_per_sql), and make 47% larger purchases (deal_size).
RATIOS = ("sql_rate", "cost_per_sql", "deal_size")


def ratios(seq: str, f: dict[str, float]) -> None:
    """Per-lead money differences without an interval, and the seed's ratios, nurtured against
    holdout (as the forecast names them)."""
    for name in ("cost_per_sql", "cost_per_customer", "deal_size"):
        a, b = f[f"arm.{seq}.nurtured.{name}"], f[f"arm.{seq}.holdout.{name}"]
        f[f"arm.{seq}.difference.{name}"] = a - b
    for name in RATIOS:
        a, b = f[f"arm.{seq}.nurtured.{name}"], f[f"arm.{seq}.holdout.{name}"]
        f[f"ratio.{seq}.{name}"] = a / b if b and not math.isnan(b) else math.nan


def group_figures(
    history: History, programs: list[Program], cols: LeadColumns, found: Answers, m: Measured
) -> None:
    _holdouts(history, cols, m)
    _split_arms(history, programs, cols, m)
    for name, members in sorted(history.standing.segments.items()):
        figures(cols, members, f"segment.{name}", m.figures)
    everyone = cols.n
    for label, low, high in BUCKETS:
        members = (cols.contacts >= low) & (cols.contacts <= high)
        figures(cols, members, f"contacts.{label}", m.figures)
        m.figures[f"contacts.{label}.share"] = _div(m.figures[f"contacts.{label}.leads"], everyone)
    del found


def _members(history: History, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(history.n, dtype=bool)
    out[history.act_lead[rows]] = True
    return out


def _holdouts(history: History, cols: LeadColumns, m: Measured) -> None:
    """Each sequence with held-out leads: nurtured (enrolled, never held out) against holdout."""
    kinds, f = history.kinds, m.figures
    code = history.act_code
    sequences = sorted({k.sequence for k in kinds if k.action == "enrolled" and k.sequence})
    extra, low, high, customer = math.nan, 0.0, 0.0, ~np.isnan(cols.customer_at)
    for seq in sequences:
        enrolled_codes = [
            c for c, k in enumerate(kinds) if k.action == "enrolled" and k.sequence == seq
        ]
        held_codes = [c for c in enrolled_codes if kinds[c].reason == "holdout"]
        enrolled = _members(history, np.isin(code, enrolled_codes))
        holdout = _members(history, np.isin(code, held_codes))
        nurtured = enrolled & ~holdout
        n_a, n_b = int(nurtured.sum()), int(holdout.sum())
        k_a, k_b = int((nurtured & customer).sum()), int((holdout & customer).sum())
        f[f"lift.{seq}.nurtured_rate"] = _div(k_a, n_a)
        f[f"lift.{seq}.holdout_rate"] = _div(k_b, n_b)
        f[f"lift.{seq}.nurtured_n"] = float(n_a)
        f[f"lift.{seq}.holdout_n"] = float(n_b)
        if not (n_a and n_b):
            f[f"lift.{seq}.lift"] = math.nan
            continue
        lift = newcombe(k_a, n_a, k_b, n_b)
        f[f"lift.{seq}.lift"] = lift.estimate
        m.intervals[f"lift.{seq}.lift"] = lift
        figures(cols, nurtured, f"arm.{seq}.nurtured", f)
        figures(cols, holdout, f"arm.{seq}.holdout", f)
        differences(cols, nurtured, holdout, f"arm.{seq}.difference", m)
        ratios(seq, f)
        extra = (0.0 if math.isnan(extra) else extra) + lift.estimate * n_a
        low += ((lift.estimate - lift.low) * n_a) ** 2
        high += ((lift.high - lift.estimate) * n_a) ** 2
    f["incremental.customers"] = extra
    if not math.isnan(extra):
        m.intervals["incremental.customers"] = Interval(
            extra, extra - math.sqrt(low), extra + math.sqrt(high)
        )
        bought = int(customer.sum())
        value = _div(f.get("revenue", 0.0), bought)
        f["incremental.revenue"] = extra * value if bought else math.nan
        cost = f.get("cost", 0.0)
        revenue = f["incremental.revenue"]
        f["incremental.roi"] = (
            (revenue - cost) / cost if cost and not math.isnan(revenue) else math.nan
        )


def split_steps(program: Program) -> dict[tuple[str, int], int]:
    """(sequence, step number) -> the number of the `split` step that holds it; steps numbered
    as the engine numbers them (the same walk as `simulator/metrics_parts.split_steps`, which
    live may not import: 1-based, file order, nested steps right after the step holding them)."""
    out: dict[tuple[str, int], int] = {}

    def number(name: str, steps: tuple, split: int | None, last: int) -> int:
        for step in steps:
            last += 1
            here = last
            if split is not None:
                out[(name, here)] = split
            if isinstance(step, If):
                last = number(name, step.then, split, last)
                last = number(name, step.otherwise, split, last)
            elif isinstance(step, Split):
                last = number(name, tuple(arm.step for arm in step.arms), here, last)
        return last

    for seq in program.sequences:
        number(seq.name, seq.steps, None, 0)
    return out


def _split_arms(history: History, programs: list[Program], cols: LeadColumns, m: Measured) -> None:
    """Each split arm: the leads sent it, their figures, and arm k - arm 1 with its interval."""
    splits = {p.path: split_steps(p) for p in programs}
    first = programs[0].path if programs else ""
    arms: dict[tuple[str, int, int], list[int]] = {}
    for code, kind in enumerate(history.kinds):
        if kind.action != "send" or kind.arm is None or kind.sequence is None:
            continue
        split = splits.get(kind.program or first, {}).get((kind.sequence, kind.step or 0))
        arms.setdefault((kind.sequence, split or kind.step or 0, kind.arm), []).append(code)
    customer = ~np.isnan(cols.customer_at)
    members = {
        key: _members(history, np.isin(history.act_code, codes)) for key, codes in arms.items()
    }
    for (seq, split, arm), sent in sorted(members.items()):
        key = f"arm.{seq}.{split}.{arm}"
        n = int(sent.sum())
        m.figures[f"{key}.n"] = float(n)
        m.figures[f"{key}.rate"] = _div(int((sent & customer).sum()), n)
        figures(cols, sent, key, m.figures)
        base = members.get((seq, split, 1))
        if arm != 1 and base is not None and base.any():
            lift = newcombe(
                int((sent & customer).sum()), n, int((base & customer).sum()), int(base.sum())
            )
            m.figures[f"{key}.lift"] = lift.estimate
            m.intervals[f"{key}.lift"] = lift
