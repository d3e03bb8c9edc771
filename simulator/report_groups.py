"""The forecast report's sections by group of leads: nurtured against holdout with the seed's
ratios, each split arm, each persona and segment, leads by contacts received, and what the
headline rests on. Each function appends lines to a `Report` (`simulator/report.py`); a section
with nothing to say is left out.

Tables show the mean over the runs; the differences and ratios show their 90% interval (5th -
95th percentile of the runs) as every other figure of the report does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.breakdowns import GroupFigures
from simulator.figures import Stat
from simulator.formatting import money, num, pct

if TYPE_CHECKING:
    from simulator.report import Report

Fmt = Callable[[float], str]
HEAD = (
    f"{'leads':>8}{'visited':>9}{'MQL':>8}{'SQL':>8}{'bought':>8}{'revenue':>11}{'cost':>10}"
    f"{'per SQL':>9}{'per cust.':>10}"
)
# (label, figure name, format) of the nurtured - holdout differences
DIFFERENCES: tuple[tuple[str, str, Fmt], ...] = (
    ("visit rate", "visit_rate", lambda x: f"{100 * x:+.1f} pts"),
    ("MQL rate", "mql_rate", lambda x: f"{100 * x:+.1f} pts"),
    ("SQL rate", "sql_rate", lambda x: f"{100 * x:+.1f} pts"),
    ("conversion rate", "conversion_rate", lambda x: f"{100 * x:+.2f} pts"),
    ("unsubscribe rate", "unsubscribe_rate", lambda x: f"{100 * x:+.2f} pts"),
    ("revenue per lead", "revenue_per_lead", lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.2f}"),
    ("cost per SQL", "cost_per_sql", lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.2f}"),
    ("cost per customer", "cost_per_customer", lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
    ("deal size", "deal_size", lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
)
# (label, ratio name, what the seed claims)
RATIOS = (
    ("sales-ready leads (SQL per lead)", "sql_rate", 1.5),
    ("cost per sales-ready lead", "cost_per_sql", 0.67),
    ("purchase size (revenue per customer)", "deal_size", 1.47),
)


def _m(s: Stat) -> float | None:
    return s.mean


def _money(x: float | None) -> str:
    return "-" if x is None else money(x)


WIDTH = 20  # of a table row's label


def row(label: str, g: GroupFigures[Stat], width: int = WIDTH) -> str:
    """One group as a table row: counts and rates as a share of its leads, money."""
    return (
        f"  {label[:width]:<{width}}{num(_m(g.leads)):>8}{pct(_m(g.visit_rate)):>9}"
        f"{pct(_m(g.mql_rate)):>8}{pct(_m(g.sql_rate)):>8}{pct(_m(g.conversion_rate), 2):>8}"
        f"{_money(_m(g.revenue)):>11}{_money(_m(g.cost)):>10}"
        f"{_money(_m(g.cost_per_sql)):>9}{_money(_m(g.cost_per_customer)):>10}"
    )


def _interval(s: Stat, how: Fmt) -> str:
    if s.mean is None:
        return "-"
    if s.low is None or s.high is None or s.low == s.high:  # an interval has both ends
        return how(s.mean)
    return f"{how(s.mean)}  [{how(s.low)} – {how(s.high)}]"


def holdout_arms(r: Report) -> None:
    for seq, arms in r.f.arms.items():
        if not arms.holdout.leads.mean:
            continue
        r.title(f"Nurtured against holdout: {seq}   (rates: share of the arm's leads)")
        r.lines.append(f"  {'arm':<{WIDTH}}{HEAD}")
        r.lines.append(row("nurtured", arms.nurtured))
        r.lines.append(row("holdout", arms.holdout))
        r.lines.append("  nurtured - holdout, run by run:")
        for label, name, how in DIFFERENCES:
            r.lines.append(f"    {label:<40}{_interval(arms.difference[name], how)}")
        r.lines.append("  the seed's claims, nurtured / holdout (1.00x: no difference):")
        for label, name, claimed in RATIOS:
            s = getattr(arms.ratios, name)
            text = _interval(s, lambda x: f"{x:.2f}x")
            r.lines.append(f"    {label:<40}{text:<26}claimed {claimed:.2f}x")


def split_arms(r: Report) -> None:
    arms = [a for a in r.f.split_arms if a.figures.leads.mean]
    if not arms:
        return
    r.title("Split arms   (rates: share of the leads sent the arm)")
    r.lines.append(f"  {'arm':<{WIDTH}}{HEAD}")
    labels = r.f.summary.labels
    for a in arms:
        content = labels.get(f"{a.sequence}.{a.split}.arm{a.arm}", "")
        r.lines.append(row(f"{a.split}.{a.arm} {content}", a.figures))


def named(r: Report, title: str, groups: dict[str, GroupFigures[Stat]]) -> None:
    shown = {k: g for k, g in groups.items() if g.leads.mean}
    if not shown:
        return
    r.title(title)
    r.lines.append(f"  {'':<{WIDTH}}{HEAD}")
    for name, g in shown.items():
        r.lines.append(row(name, g))


def contacts(r: Report) -> None:
    buckets = [b for b in r.f.contacts if b.figures.leads.mean]
    if not buckets:
        return
    r.title("By contacts received (touches sent + sales tasks worked): the fatigue curve")
    r.lines.append(
        f"  {'contacts':<10}{'leads':>8}{'share':>8}{'bought':>9}{'unsubscribed':>14}"
        f"{'deal size':>11}"
    )
    for b in buckets:
        g = b.figures
        r.lines.append(
            f"  {b.label:<10}{num(_m(g.leads)):>8}{pct(_m(b.share)):>8}"
            f"{pct(_m(g.conversion_rate), 2):>9}{pct(_m(g.unsubscribe_rate), 2):>14}"
            f"{_money(_m(g.deal_size)):>11}"
        )


def assumptions(r: Report) -> None:
    if not r.f.assumptions:
        return
    r.title("What the headline rests on")
    for sentence in r.f.assumptions:
        r.say(sentence)
