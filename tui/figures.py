"""Which forecast figures the app shows, where, and in what words: one table per place, read
from the simulator's typed results (`Forecast`, `Comparison`). Nothing is computed here: every
number is the simulator's (a `Stat` — mean and 5th-95th percentile of runs — or, in a comparison,
a `Difference` with its 90% confidence interval). To show another figure, add a line to a table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.formats import (
    Fmt,
    days,
    interval,
    money,
    num,
    num1,
    pct,
    pct2,
    points,
    ratio,
    short_money,
    short_num,
    signed,
    signed0,
    signed_days,
    signed_money,
    signed_ratio,
    value,
    with_interval,
)

if TYPE_CHECKING:
    from simulator import Comparison, Forecast, Stat


@dataclass(frozen=True)
class Kpi:
    key: str  # the card's id: kpi-KEY
    label: str
    get: Callable[[Forecast], Stat]
    fmt: Fmt
    band: Fmt  # the interval's form (short, to fit a card at 80 columns)
    note: str  # what the figure means, under the card


KPIS: tuple[Kpi, ...] = (
    Kpi("mql", "MQL", lambda f: f.kpis.mql, num, short_num, "leads"),
    Kpi("sql", "SQL", lambda f: f.kpis.sql, num, short_num, "leads"),
    Kpi("customers", "Customers", lambda f: f.kpis.customers, num, short_num, "leads who buy"),
    Kpi("conversion", "Conversion", lambda f: f.kpis.conversion_rate, pct, pct, "of leads"),
    Kpi("revenue", "Revenue", lambda f: f.kpis.revenue, money, short_money, "every sale"),
    Kpi("roi", "ROI", lambda f: f.kpis.roi, ratio, ratio, "(rev-cost)/cost"),
    Kpi("unsubscribes", "Unsubscribes", lambda f: f.kpis.unsubscribes, num, short_num, "leads"),
    Kpi("lift", "Holdout lift", lambda f: f.lift.customers, signed, signed, "customers added"),
)


def watch_text(f: Forecast) -> str:
    """The report's "Watch" notes, one sentence, as the simulator words them."""
    if not f.watch:
        return "Watch: nothing flagged."
    return "Watch: " + "; ".join(f.watch) + "."


def header_text(f: Forecast) -> str:
    from simulator.formatting import horizon  # loaded with the forecast already

    return f"{f.leads:,} leads · {horizon(f.days)} days · {f.runs} runs · seed {f.seed}"


@dataclass(frozen=True)
class FunnelRow:
    group: str  # "Stages" or "Lifecycle"
    label: str
    count: Stat
    share: Stat


def funnel_rows(f: Forecast) -> list[FunnelRow]:
    """The leads that reached each of the file's stages, then MQL, SQL and customers (the
    lifecycle; its first row, every lead, is the first stage's count)."""
    rows = [FunnelRow("Stages", s.name, s.count, s.share) for s in f.stages]
    rows += [FunnelRow("Lifecycle", s.name, s.count, s.share) for s in f.funnel[1:]]
    return rows


CHANNEL_COLUMNS = ("channel", "touches", "open rate", "click rate", "cost")


def channel_rows(f: Forecast) -> list[tuple[str, ...]]:
    """Touches and cost by channel, for the channels the forecast used (task: sales tasks)."""
    return [
        (
            c.name,
            value(c.touches, num),
            value(c.open_rate, pct) if c.open_rate.mean else "-",  # no tracked opens
            value(c.click_rate, pct2),
            value(c.cost, money),
        )
        for c in f.channels.values()
    ]


SALES: tuple[tuple[str, Callable[[Any], Any], Fmt], ...] = (
    ("sales tasks", lambda s: s.tasks, num),
    ("worked", lambda s: s.worked, num),
    ("peak backlog", lambda s: s.peak_backlog, num),
    ("backlog at the end", lambda s: s.backlog_end, num),
    ("mean wait (hours)", lambda s: s.mean_wait_hours, num1),
    ("picked up in time", lambda s: s.within_due_share, pct),
)


def sales_rows(f: Forecast) -> list[tuple[str, str, str]]:
    return [
        (label, value(get(f.sales), fmt), interval(get(f.sales), fmt)) for label, get, fmt in SALES
    ]


# ---------------------------------------------------------------- sequences

STEP_COLUMNS = ("step", "content", "reached", "sent", "opened", "clicked", "held out", "held back")


def step_rows(f: Forecast, seq: str) -> list[tuple[str, ...]]:
    """The step funnel of a sequence, one row per step any lead reached (means over runs);
    'held back': every suppression but the holdout's (limits, quiet hours, exits, ...)."""
    return [
        (
            str(s.step),
            s.content,
            *(value(x, num) for x in (s.reached, s.sent, s.opened, s.clicked, s.held_out)),
            num(s.held_back),
        )
        for s in f.sequences[seq].steps
    ]


def exit_rows(f: Forecast, seq: str) -> list[tuple[str, str, str]]:
    figures = f.sequences[seq]
    out = [("entered", value(figures.entered, num), interval(figures.entered, num))]
    out += [
        (f"exited: {reason}", value(s, num), interval(s, num))
        for reason, s in sorted(figures.exited.items())
    ]
    h = figures.holdout
    for label, s, fmt in (
        ("converted, nurtured", h.nurtured_rate, pct),
        ("converted, holdout", h.holdout_rate, pct),
        ("lift", h.lift, points),
    ):
        if s.n:
            out.append((label, value(s, fmt), interval(s, fmt)))
    return out


ARM_COLUMNS = ("split", "arm", "content", "leads sent", "converted", "90% of runs", "vs arm 1")


def arm_rows(f: Forecast, seq: str) -> list[tuple[str, ...]]:
    """Each split arm: the leads sent it, their conversion, and its difference from arm 1
    (percentage points, with the 90% interval of runs)."""
    return [
        (
            str(a.split),
            str(a.arm),
            a.content,
            value(a.sent, num),
            value(a.converted, pct),
            interval(a.converted, pct),
            with_interval(a.lift, points) if a.lift.n else "",
        )
        for a in f.sequences[seq].arms
    ]


# ---------------------------------------------------------------- the rules tree's details


def _lifecycle(f: Forecast, flag: str) -> list[tuple[str, str]]:
    count, rate = (f.kpis.mql, f.kpis.mql_rate) if flag == "mql" else (f.kpis.sql, f.kpis.sql_rate)
    timing = f.days_to.mql if flag == "mql" else f.days_to.sql
    return [
        (flag.upper(), with_interval(count, num)),
        ("share of leads", with_interval(rate, pct)),
        ("days to it, median", with_interval(timing.median, days)),
        ("days to it, p90", with_interval(timing.p90, days)),
    ]


def _stage(f: Forecast, name: str) -> list[tuple[str, str]]:
    for s in f.stages:
        if s.name == name:
            return [
                ("reached it", with_interval(s.count, num)),
                ("of leads", with_interval(s.share, pct)),
            ]
    return []


def _sequence(f: Forecast, seq: str) -> list[tuple[str, str]]:
    if seq not in f.sequences:
        return []
    return [(label, v + (f"  [{band}]" if band else "")) for label, v, band in exit_rows(f, seq)]


def _step(f: Forecast, seq: str, number: str) -> list[tuple[str, str]]:
    figures = f.sequences.get(seq)
    step = figures.step(int(number)) if figures else None
    if figures is None or step is None:
        return [("", "no lead reached this step in the forecast")]
    rows = [
        (what.replace("_", " "), with_interval(s, num)) for what, s in sorted(step.figures.items())
    ]
    for a in figures.arms:
        if a.split == step.step:
            rows.append((f"arm {a.arm} converted", with_interval(a.converted, pct)))
    return rows


def _handoff(f: Forecast, _: str) -> list[tuple[str, str]]:
    return [(label, with_interval(get(f.sales), fmt)) for label, get, fmt in SALES]


def _segment(f: Forecast, name: str) -> list[tuple[str, str]]:
    t = f.lead_table
    if t is None or name not in t.segments:
        return []
    n = int(t.in_segment[:, t.segments.index(name)].sum())
    return [("in it at the end, run 0", f"{n:,} of {len(t):,} leads")]


ITEM_FIGURES: dict[str, Callable[..., list[tuple[str, str]]]] = {
    "lifecycle": _lifecycle,
    "stage": _stage,
    "segment": _segment,
    "sequence": _sequence,
    "step": _step,
    "handoff": _handoff,
}


def item_figures(f: Forecast | None, key: str | None) -> list[tuple[str, str]]:
    """The forecast figures of a tree item (its key: `step:trial_onboarding:3`), or []."""
    if f is None or not key:
        return []
    kind, _, rest = key.partition(":")
    make = ITEM_FIGURES.get(kind)
    return make(f, *rest.split(":")) if make else []


# ---------------------------------------------------------------- compare

COMPARE_COLUMNS = ("figure", "A", "B", "B - A", "", "90% interval")  # "": * when clear

# (label, the figure of a Forecast or a Pair, format of a value, format of a difference)
COMPARED: tuple[tuple[str, Callable[[Any], Any], Fmt, Fmt], ...] = (
    ("MQL", lambda x: x.kpis.mql, num, signed),
    ("SQL", lambda x: x.kpis.sql, num, signed),
    ("customers", lambda x: x.kpis.customers, num, signed),
    ("conversion rate", lambda x: x.kpis.conversion_rate, pct, points),
    ("revenue", lambda x: x.kpis.revenue, money, signed_money),
    ("cost", lambda x: x.kpis.cost, money, signed_money),
    ("ROI", lambda x: x.kpis.roi, ratio, signed_ratio),
    ("touches", lambda x: x.kpis.touches, num, signed0),
    ("unsubscribes", lambda x: x.kpis.unsubscribes, num, signed),
    ("lift vs holdout", lambda x: x.lift.customers, signed, signed),
    ("days to customer", lambda x: x.days_to.customer.median, num1, signed_days),
    ("sales peak backlog", lambda x: x.sales.peak_backlog, num, signed),
    ("sales backlog, end", lambda x: x.sales.backlog_end, num, signed),
)


def compare_rows(c: Comparison) -> list[tuple[str, ...]]:
    """Each compared figure: A, B, their paired difference, '*' when its 90% interval is clear
    of zero (the simulator's verdict), and the interval; then each stage's leads."""
    a, b, pair = c.files[0], c.files[1], c.pairs[0]
    rows = [(label, get(a), get(b), get(pair), fmt, dfmt) for label, get, fmt, dfmt in COMPARED]
    stages = zip(a.stages, b.stages, pair.stages, strict=False)
    rows += [(f"stage {x.name}", x.count, y.count, d.count, num, signed) for x, y, d in stages]
    out: list[tuple[str, ...]] = []
    for label, sa, sb, d, fmt, dfmt in rows:
        if sa.mean is None and sb.mean is None:
            continue
        band = f"{dfmt(d.low)} .. {dfmt(d.high)}" if d.low is not None else ""
        clear = "*" if d.clear else ""
        out.append((label, value(sa, fmt), value(sb, fmt), value(d, dfmt), clear, band))
    return out
