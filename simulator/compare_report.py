"""A comparison as text: each file's headline figures, then the differences against the first file.

Differences are paired by replication (same leads, same random streams), so noise shared by both
files cancels; `*` marks a difference whose 90% interval is clear of zero. It reads a typed
`Comparison` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import overload

from simulator.figures import Difference, Stat
from simulator.formatting import horizon, money, num, pct
from simulator.groups import Kpis
from simulator.report import params_lines
from simulator.results import Comparison, Forecast, Pair

Fmt = Callable[[float], str]


@overload
def _headline(f: Forecast) -> tuple[Stat, ...]: ...
@overload
def _headline(f: Pair) -> tuple[Difference, ...]: ...
def _headline(
    f: Forecast | Pair,
) -> tuple[Stat | Difference, ...]:
    """The compared figures of a forecast or of a pair, in `HEADLINE` order."""
    k: Kpis = f.kpis
    return (
        k.mql,
        k.sql,
        k.customers,
        k.conversion_rate,
        k.visit_rate,
        f.funnel_path.were_sql,
        k.revenue,
        k.cost,
        k.roi,
        k.touches,
        k.unsubscribes,
        f.days_to.customer.median,
        f.sales.peak_backlog,
    )


# (label, formatter of a value, formatter of a difference), in `_headline` order
HEADLINE: tuple[tuple[str, Fmt, Fmt], ...] = (
    ("MQL", num, lambda x: f"{x:+,.1f}"),
    ("SQL", num, lambda x: f"{x:+,.1f}"),
    ("customers", num, lambda x: f"{x:+,.1f}"),
    ("conversion rate", pct, lambda x: f"{100 * x:+.2f} pts"),
    ("visited (share of leads)", pct, lambda x: f"{100 * x:+.1f} pts"),
    ("customers who were SQL", pct, lambda x: f"{100 * x:+.1f} pts"),
    ("revenue", money, lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
    ("cost", money, lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
    ("ROI", lambda x: f"{x:,.1f}x", lambda x: f"{x:+,.2f}x"),
    ("touches", num, lambda x: f"{x:+,.0f}"),
    ("unsubscribes", num, lambda x: f"{x:+,.1f}"),
    ("days to customer (median)", lambda x: num(x, 1), lambda x: f"{x:+.1f}"),
    ("sales peak backlog", num, lambda x: f"{x:+,.1f}"),
)


def render(result: Comparison) -> str:
    files = result.files
    first = files[0]
    lines = [
        f"Comparison on common random numbers: {len(files)} files, "
        f"{num(first.leads)} leads over {horizon(first.days)} days, {first.runs} "
        f"run{'s' if first.runs != 1 else ''}, "
        f"seed {first.seed}",
        f"Scenario: {first.scenario}",
        *result.population,
        "Each difference: mean over paired runs [90% interval]; * = clear of zero.",
    ]
    for label, f in zip("ABCDEFGHIJ", files, strict=False):
        lines.append(f"  {label} = {f.file}  ({f.campaign})")
        lines += params_lines(f, indent="      ")
    for pair, (label, other) in zip(
        result.pairs, zip("BCDEFGHIJ", files[1:], strict=False), strict=False
    ):
        lines += ["", f"{label} vs A", f"  {'':<28}{'A':>12}{label:>12}   {label} - A"]
        rows = zip(HEADLINE, _headline(first), _headline(other), _headline(pair), strict=True)
        for (name, fmt, dfmt), a, b, d in rows:
            if a.mean is None and b.mean is None:
                continue
            lines.append(
                f"  {name:<28}{_or(fmt, a.mean):>12}{_or(fmt, b.mean):>12}   {_diff(d, dfmt)}"
            )
        lines += _lift_lines(pair)
        lines += _group_lines(first, other, pair)
    return "\n".join(lines) + "\n"


_PTS = lambda x: f"{100 * x:+.2f} pts"  # noqa: E731
_X = lambda x: f"{x:.2f}x"  # noqa: E731
_DX = lambda x: f"{x:+.2f}x"  # noqa: E731
Row = tuple[str, Stat, Stat, Difference, Fmt, Fmt]


def _group_lines(first: Forecast, other: Forecast, pair: Pair) -> list[str]:
    """Each holdout's arms and the seed's ratios; each persona's conversion; the share of leads
    in each bucket of contacts received."""
    blocks: list[tuple[str, list[Row]]] = []
    for seq, d in pair.arms.items():
        a, b = first.arms.get(seq), other.arms.get(seq)
        if a is None or b is None:
            continue
        rows: list[Row] = []
        for arm in ("nurtured", "holdout"):
            ga, gb, gd = getattr(a, arm), getattr(b, arm), getattr(d, arm)
            rows.append((f"{arm}: SQL rate", ga.sql_rate, gb.sql_rate, gd.sql_rate, pct, _PTS))
            rows.append(
                (
                    f"{arm}: conversion",
                    ga.conversion_rate,
                    gb.conversion_rate,
                    gd.conversion_rate,
                    pct,
                    _PTS,
                )
            )
        for label, name in (
            ("SQL per lead", "sql_rate"),
            ("cost per SQL", "cost_per_sql"),
            ("purchase size", "deal_size"),
        ):
            rows.append(
                (
                    f"ratio: {label}",
                    getattr(a.ratios, name),
                    getattr(b.ratios, name),
                    getattr(d.ratios, name),
                    _X,
                    _DX,
                )
            )
        blocks.append((f"{seq}: nurtured against holdout", rows))
    rows = [
        (
            name,
            first.personas[name].conversion_rate,
            other.personas[name].conversion_rate,
            d.conversion_rate,
            pct,
            _PTS,
        )
        for name, d in pair.personas.items()
        if name in first.personas and name in other.personas
    ]
    blocks.append(("by persona: conversion rate", rows))
    rows = [
        (f"{ba.label} contacts", ba.share, bb.share, bd.share, pct, lambda x: f"{100 * x:+.1f} pts")
        for ba, bb, bd in zip(first.contacts, other.contacts, pair.contacts, strict=True)
        if ba.share.mean or bb.share.mean
    ]
    blocks.append(("by contacts received: share of leads", rows))
    out = []
    for title, rows in blocks:
        shown = [r for r in rows if r[1].mean is not None or r[2].mean is not None]
        if shown:
            out.append(f"  {title}")
            out += [
                f"    {label[:26]:<26}{_or(fmt, a.mean):>12}{_or(fmt, b.mean):>12}   "
                f"{_diff(d, dfmt)}"
                for label, a, b, d, fmt, dfmt in shown
            ]
    return out


def _or(fmt: Fmt, x: float | None) -> str:
    return "-" if x is None else fmt(x)


def _diff(d: Difference, dfmt: Fmt) -> str:
    if d.mean is None:
        return "-"
    if d.low is None or d.high is None:  # one run: no interval (both ends or neither)
        return dfmt(d.mean)
    mark = " *" if d.clear else ""
    return f"{dfmt(d.mean)}  [{dfmt(d.low)} .. {dfmt(d.high)}]{mark}"


def _lift_lines(pair: Pair) -> list[str]:
    out = []
    # the sequences with a lift figure (measurable or not), in name order
    for name in sorted(pair.sequences):
        if f"lift.{name}.lift" not in pair.differences:
            continue
        d = pair.sequences[name].holdout.lift
        out.append(f"  {'lift of ' + name:<52}{_diff(d, lambda x: f'{100 * x:+.2f} pts')}")
    return out
