"""The comparison report (`nurture compare --html OUT`): files forecast on the same leads.

The headline says, for each file after the first, what it changes against the first and how
sure the runs are (a paired difference whose 90% confidence interval excludes zero is *clear*).
Then: the differences as a chart (each KPI's change in % of the first file's mean, with its
interval), the KPIs side by side, the funnels, conversions week by week, touches by channel,
each sequence's step funnel side by side, and the assumptions.
"""

from __future__ import annotations

from pathlib import Path

from htmlreport import charts
from htmlreport.assumptions import assumptions
from htmlreport.blocks import (
    Card,
    Fmt,
    cards,
    count,
    money,
    one_decimal,
    share,
    stat_cell,
    table,
    times,
)
from htmlreport.forecast_page import params_lines, weekly_rows
from htmlreport.page import Html, Page, figure, paragraph, tag
from simulator.figures import Difference, Stat
from simulator.formatting import horizon, num
from simulator.results import Comparison, Forecast, Pair
from simulator.scenario import Scenario

# (label, KPI field, format) of the figures compared
KPIS: tuple[tuple[str, str, Fmt], ...] = (
    ("customers", "customers", count),
    ("conversion rate", "conversion_rate", share),
    ("MQL", "mql", count),
    ("SQL", "sql", count),
    ("revenue", "revenue", money),
    ("cost", "cost", money),
    ("ROI", "roi", times),
    ("unsubscribes", "unsubscribes", count),
    ("touches", "touches", count),
)


def _kpis(f: Forecast) -> list[tuple[str, str, Fmt]]:
    declared = {"mql": f.lifecycle.mql, "sql": f.lifecycle.sql}
    return [k for k in KPIS if declared.get(k[1], True)]


def _diff_format(how: Fmt) -> Fmt:
    """Differences of counts read better with one decimal (a mean of -0.2, not -0)."""
    return one_decimal if how is count else how


def verdict(d: Difference) -> str:
    if not d.clear or d.mean is None:
        return "unclear"
    return "higher" if d.mean > 0 else "lower"


def pair_sentence(p: Pair, base: Forecast) -> str:
    d = p.kpis.customers
    if d.mean is None:
        return f"{p.other} against {p.base}: customers not measured."
    if d.low is None:
        sure = "one run cannot tell how sure that is"
    elif d.clear:
        sure = "clear of zero: the runs agree on the direction"
    else:
        sure = "not clear of zero: the runs cannot tell it from no change"
    return (
        f"{p.other} against {p.base}: {d.mean:+,.1f} customers (90% confidence "
        f"{num(d.low, 1)} to {num(d.high, 1)}; {sure}), on the same {num(base.leads)} leads."
    )


def relative_rows(p: Pair, base: Forecast) -> list[dict[str, object]]:
    """Each KPI's paired difference in % of the base file's mean (None when that mean is 0)."""
    rows = []
    for label, field, _ in _kpis(base):
        d: Difference = getattr(p.kpis, field)
        b: Stat = getattr(base.kpis, field)
        if d.mean is None or not b.mean:
            continue
        scale = 100 / abs(b.mean)
        rows.append(
            {
                "kpi": label,
                "mean": d.mean * scale,
                "low": None if d.low is None else d.low * scale,
                "high": None if d.high is None else d.high * scale,
                "verdict": verdict(d),
            }
        )
    return rows


def difference_table(p: Pair, base: Forecast) -> Html:
    rows = [
        [
            label,
            stat_cell(getattr(base.kpis, field), how),
            stat_cell(getattr(p.kpis, field), how, True),
        ]
        for label, field, how in _kpis(base)
    ]
    return table(["", f"{p.base}", f"{p.other} − {p.base}"], rows)


def side_by_side(c: Comparison) -> Html:
    base = c.files[0]
    rows = [
        [label, *(stat_cell(getattr(f.kpis, field), how) for f in c.files)]
        for label, field, how in _kpis(base)
    ]
    return table(["", *(f.file for f in c.files)], rows)


def short_names(c: Comparison) -> dict[str, str]:
    """Each file by its name alone when the names differ, else by its path."""
    names = [Path(f.file).name for f in c.files]
    unique = len(set(names)) == len(names)
    return {f.file: (n if unique else f.file) for f, n in zip(c.files, names, strict=True)}


def _names(c: Comparison) -> list[str]:
    name = short_names(c)
    return [f"{k + 1}. {name[f.file]}" for k, f in enumerate(c.files)]


def funnel_chart(c: Comparison) -> charts.Chart:
    rows = [
        {"stage": stage.name, "file": name, "leads": stage.count.mean}
        for name, f in zip(_names(c), c.files, strict=True)
        for stage in f.funnel
    ]
    return charts.grouped_bars(rows, "stage", "file", "leads", "leads", "compare-funnel")


def weekly_chart(c: Comparison) -> charts.Chart:
    series = {name: f.weekly.customers for name, f in zip(_names(c), c.files, strict=True)}
    return charts.line_band(
        weekly_rows(series),
        "week",
        "week of the horizon",
        "customers a week",
        "compare-weekly",
        series="series",
        x_format="d",
    )


def channels_chart(c: Comparison) -> charts.Chart | None:
    rows = [
        {"channel": ch, "file": name, "touches": figures.touches.mean}
        for name, f in zip(_names(c), c.files, strict=True)
        for ch, figures in f.channels.items()
    ]
    if not rows:
        return None
    return charts.grouped_bars(rows, "channel", "file", "touches", "touches", "compare-channels")


def steps_table(c: Comparison) -> list[Html]:
    parts: list[Html] = []
    for name in c.files[0].sequence_names:
        rows: dict[tuple[int, str], list[str]] = {}  # (step, content) -> sent, per file
        for k, f in enumerate(c.files):
            seq = f.sequences.get(name)
            for s in seq.steps if seq else ():
                rows.setdefault((s.step, s.content), ["–"] * len(c.files))[k] = num(s.sent.mean)
        if rows:
            body = [
                [f"{step} {content}".strip(), *v] for (step, content), v in sorted(rows.items())
            ]
            parts += [
                tag("h3", f"Sequence {name}: leads sent each step"),
                table(["step", *(f.file for f in c.files)], body),
            ]
    return parts


def comparison_charts(c: Comparison) -> int:
    """How many charts the comparison page draws for `c`."""
    with_rows = sum(1 for p in c.pairs if relative_rows(p, c.files[0]))
    return with_rows + 2 + (1 if any(f.channels for f in c.files) else 0)


def comparison_page(c: Comparison, scenario: Scenario | None = None, footer: str = "") -> str:
    base = c.files[0]
    title = "Comparison: " + " vs ".join(f.campaign for f in c.files)
    runs = f"{base.runs} run{'s' if base.runs != 1 else ''}"
    subtitle = (
        f"{' · '.join(f.file for f in c.files)} · {base.scenario} · {num(base.leads)} leads over "
        f"{horizon(base.days)} days · {runs} · seed {base.seed}"
    )
    note = (
        "Every file ran on the same simulated leads and random numbers, so a difference is the "
        "rules' doing. A difference: mean over the runs with its 90% confidence interval."
    )
    page = Page(title, subtitle, note, footer)
    page.params = tuple(line for f in c.files for line in params_lines(f, f"{f.file}: "))
    head: list[Html] = [paragraph(pair_sentence(p, base), "headline") for p in c.pairs]
    name = short_names(c)
    for p in c.pairs:
        head.append(tag("h3", f"{name[p.other]} − {name[p.base]}"))
        head.append(
            cards([Card(label, getattr(p.kpis, f), how) for label, f, how in _kpis(base)[:6]])
        )
    page.section("Headline", *head)
    diffs: list[Html] = []
    for p in c.pairs:
        rows = relative_rows(p, base)
        if rows:
            chart = charts.intervals(
                rows,
                "kpi",
                f"diff-{len(diffs)}",
                f"{name[p.other]} − {name[p.base]}, % of {name[p.base]}",
                ",.1f",
            )
            diffs.append(
                figure(
                    chart,
                    "Each figure's change in % of the first file's mean, with its 90% confidence "
                    "interval; coloured: clear of zero, grey: not.",
                )
            )
        diffs.append(difference_table(p, base))
    page.section("Differences", *diffs, key="differences")
    page.section("Side by side", side_by_side(c), key="kpis")
    page.section(
        "Funnel", figure(funnel_chart(c), "Leads reaching each stage in each file."), key="funnel"
    )
    page.section(
        "Over time",
        figure(weekly_chart(c), "Customers week by week in each file; the band: 90% of runs."),
        key="weekly",
    )
    ch = channels_chart(c)
    if ch is not None:
        page.section(
            "Touches by channel",
            figure(ch, "Touches on each channel in each file."),
            key="channels",
        )
    page.section("Sequences", *steps_table(c), key="sequences")
    if scenario is not None:
        page.section("Assumptions", assumptions(scenario), key="assumptions")
    return page.render()
