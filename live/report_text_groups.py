"""The live report's sections about groups of leads: each sequence (its steps, its holdout, its
split arms), the segments and the contacts received (the fatigue curve)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from live.kpis_groups import BUCKETS
from live.report_format import money, num, pct, pts

if TYPE_CHECKING:
    from live.report_text import Text


def _pct2(x: float) -> str:
    return pct(x, 2)


GROUP_HEAD = "                         leads  visited     MQL     SQL  bought    revenue      cost"


def _group_line(t: Text, label: str, prefix: str) -> str:

    def fig(name: str) -> float:
        return t.r.figure(f"{prefix}.{name}")

    return (
        f"  {label:<22}{num(fig('leads')):>7}  {pct(fig('visit_rate')):>7} "
        f"{pct(fig('mql_rate')):>7} {pct(fig('sql_rate')):>7} {pct(fig('conversion_rate'), 2):>7}"
        f" {money(fig('revenue')):>10} {money(fig('cost')):>9}"
    )


def sequence_section(t: Text, seq: str) -> None:

    r = t.r
    entered = r.figures.get(f"seq.{seq}.entered")
    if entered is None:
        return
    t.title(f"Sequence {seq}")
    t.row("entered", f"seq.{seq}.entered")
    exits = r.exits(seq)
    if exits:
        t.lines.append(
            f"  {'exited':<26}" + ", ".join(f"{reason} {num(n)}" for reason, n in exits.items())
        )
    _steps(t, seq)
    if not math.isnan(r.figure(f"lift.{seq}.lift")):
        t.row("converted, nurtured", f"lift.{seq}.nurtured_rate", _pct2)
        t.row("converted, holdout", f"lift.{seq}.holdout_rate", _pct2)
        lift = r.interval(f"lift.{seq}.lift")
        t.row("lift", f"lift.{seq}.lift", pts)
        t.say(
            "the lift is clear of zero at 90%"
            if lift.clear
            else "the data cannot yet tell this lift from zero (its interval holds 0)"
        )
        _holdout_table(t, seq)
    for split, arm in r.splits(seq):
        key = f"arm.{seq}.{split}.{arm}"
        sent = num(r.figure(f"{key}.n"))
        t.row(
            f"split {split}, arm {arm}", f"{key}.rate", _pct2, f"converted ({sent} leads sent it)"
        )
        if arm != 1 and not math.isnan(r.figure(f"{key}.lift")):
            t.row(f"  arm {arm} vs arm 1", f"{key}.lift", pts)


def _steps(t: Text, seq: str) -> None:

    r = t.r
    rows = r.steps(seq)
    if not rows:
        return
    head = "  step  content               reached     sent   opened  clicked held out held back"
    t.lines.append(head + ("   sent, forecast" if r.forecast else ""))
    for s in rows:
        line = (
            f"  {s.step:<5} {s.content:<20} {num(s.reached):>8} {num(s.sent):>8} "
            f"{num(s.opened):>8} {num(s.clicked):>8} {num(s.held_out):>8} {num(s.held_back):>9}"
        )
        if r.forecast is not None:
            line += "   " + t.beside(f"funnel.{seq}.{s.step}.sent", num)
        t.lines.append(line)


def _holdout_table(t: Text, seq: str) -> None:
    t.lines.append(GROUP_HEAD.replace(" " * 24, "  against the holdout   ", 1))
    t.lines.append(_group_line(t, "nurtured", f"arm.{seq}.nurtured"))
    t.lines.append(_group_line(t, "holdout", f"arm.{seq}.holdout"))
    t.lines.append("  nurtured - holdout  [90% interval]:")
    names = (
        ("visit rate", "visit_rate", pts),
        ("MQL rate", "mql_rate", pts),
        ("SQL rate", "sql_rate", pts),
        ("conversion rate", "conversion_rate", pts),
        ("unsubscribe rate", "unsubscribe_rate", pts),
        ("revenue per lead", "revenue_per_lead", money),
    )
    for label, name, how in names:
        t.row(f"  {label}", f"arm.{seq}.difference.{name}", how)


def segments_section(t: Text) -> None:
    prefix = "segment."
    names = sorted({k.split(".")[1] for k in t.r.figures if k.startswith(prefix)})
    if not names:
        return
    t.title("By segment, as the leads stand now")
    t.lines.append(GROUP_HEAD)
    for name in names:
        t.lines.append(_group_line(t, name, f"segment.{name}"))


def contacts_section(t: Text) -> None:

    r = t.r
    t.title("By contacts received (touches and sales tasks): the fatigue curve")
    t.lines.append("  contacts     leads   share   bought  unsubscribed  deal size")
    for label, _, _ in BUCKETS:
        p = f"contacts.{label}"
        if not r.figure(f"{p}.leads"):
            continue
        unsubscribed = pct(r.figure(f"{p}.unsubscribe_rate"), 2)
        t.lines.append(
            f"  {label:<8}{num(r.figure(f'{p}.leads')):>10} {pct(r.figure(f'{p}.share')):>7} "
            f"{pct(r.figure(f'{p}.conversion_rate'), 2):>8} "
            f"{unsubscribed:>13} {money(r.figure(f'{p}.deal_size')):>10}"
        )
