"""The sweep report (`nurture sweep --html OUT`): what each value does, and the best point.

The headline says which point is best for the objective and how sure the runs are that it beats
the current values. Then the curves: with one axis, the objective and the main KPIs against it
(mean, with the 90% band of the runs; the current value marked in the table); with two axes, heat
maps of the objective and of customers; with more, the objective of each point with its
interval. Then the table of every point, and the assumptions.
"""

from __future__ import annotations

from htmlreport import charts
from htmlreport.assumptions import assumptions
from htmlreport.blocks import Card, Fmt, cards, count, money, one_decimal, share, stat_cell, table
from htmlreport.blocks import times as times_fmt
from htmlreport.page import Html, Page, figure, grid, paragraph, tag
from simulator.figures import Stat
from simulator.formatting import horizon, num
from simulator.scenario import Scenario
from simulator.sweep_report import best_sentences
from simulator.sweep_result import SweepPoint, SweepResult

MAX_BARS = 30
CURVE_WIDTH = 360  # two curves side by side on a laptop

# (title, Kpis field or "objective", format) of the curves of a one-axis sweep
CURVES: tuple[tuple[str, str, Fmt], ...] = (
    ("customers", "customers", count),
    ("SQL", "sql", count),
    ("unsubscribes", "unsubscribes", count),
    ("cost", "cost", money),
    ("ROI", "roi", times_fmt),
)


def _figure(p: SweepPoint, field: str) -> Stat:
    return p.objective if field == "objective" else getattr(p.forecast.kpis, field)


def _curves(r: SweepResult) -> list[tuple[str, str, Fmt]]:
    sql = bool(r.points) and r.points[0].forecast.lifecycle.sql
    kept = [c for c in CURVES if c[1] != "sql" or sql]
    return [(f"objective: {r.objective}", "objective", one_decimal), *kept]


def curve(r: SweepResult, title: str, field: str, k: int) -> charts.Chart:
    axis = r.axes[0]
    rows = [
        {"value": p.values[0], "mean": s.mean, "low": s.low, "high": s.high}
        for p in sorted(r.points, key=lambda p: p.values[0])
        if (s := _figure(p, field)).mean is not None
    ]
    fmt = "$,.0f" if field in ("cost", "revenue") else ",.1f" if field == "roi" else ",.0f"
    ticks = axis.values if len(axis.values) <= 12 else None
    return charts.line_band(
        rows,
        "value",
        axis.heading,
        title,
        f"curve-{k}",
        y_format=fmt,
        width=CURVE_WIDTH,
        ticks=ticks,
        marker=(axis.current, "now"),
    )


def heat(r: SweepResult, title: str, field: str, k: int) -> charts.Chart:
    a, b = r.axes[0], r.axes[1]
    rows = [
        {a.name: a.text(p.values[0]), b.name: b.text(p.values[1]), "value": _figure(p, field).mean}
        for p in r.points
    ]
    orders = (
        [a.text(v) for v in sorted({p.values[0] for p in r.points})],
        [b.text(v) for v in sorted({p.values[1] for p in r.points})],
    )
    return charts.heatmap(
        rows, a.name, b.name, "value", a.name, b.name, title, f"heat-{k}", orders=orders
    )


def point_bars(r: SweepResult) -> charts.Chart:
    top = sorted(r.points, key=lambda p: -(p.objective.mean or float("-inf")))[:MAX_BARS]
    rows = [
        {
            "point": f"{p.index}: {p.label(r.axes)}",
            "mean": p.objective.mean,
            "low": p.objective.low,
            "high": p.objective.high,
            "kind": "current" if p.current else "best" if _is_best(r, p) else "other",
        }
        for p in top
    ]
    return charts.bars(
        rows, "point", "mean", r.objective, "points", value_format=",.1f", color_field="kind"
    )


def _is_best(r: SweepResult, p: SweepPoint) -> bool:
    return r.best is not None and r.best.point == p.index


def chart_parts(r: SweepResult) -> list[Html]:
    """The curves (one axis), heat maps (two) or bars of the points (more)."""
    if not r.points:
        return []
    if len(r.axes) == 1:
        figures = [
            figure(
                curve(r, title, field, k),
                f"{title} against {r.axes[0].name}: mean, and the band where 90% of runs fall.",
            )
            for k, (title, field, _) in enumerate(_curves(r))
        ]
        return [grid(*figures)]
    if len(r.axes) == 2:
        return [
            figure(
                heat(r, f"objective: {r.objective}", "objective", 0),
                "The objective's mean at each point.",
            ),
            figure(heat(r, "customers", "customers", 1), "Customers (mean) at each point."),
        ]
    return [
        figure(point_bars(r), f"The objective at the best {MAX_BARS} points, with 90% of runs.")
    ]


def sweep_charts(r: SweepResult) -> int:
    """How many charts the sweep page draws for `r`."""
    if not r.points:
        return 0
    return len(_curves(r)) if len(r.axes) == 1 else 2 if len(r.axes) == 2 else 1


def points_table(r: SweepResult) -> Html:
    head = [
        "point",
        *(a.name for a in r.axes),
        "objective",
        "customers",
        "conversion",
        "SQL",
        "unsubscribes",
        "cost",
    ]
    rows, classes = [], []
    for p in r.points:
        k = p.forecast.kpis
        mark = " (best)" if _is_best(r, p) else ""
        mark += " (current)" if p.current else ""
        rows.append(
            [
                f"{p.index}{mark}",
                *(a.text(v) for a, v in zip(r.axes, p.values, strict=True)),
                stat_cell(p.objective, one_decimal),
                stat_cell(k.customers, count),
                stat_cell(k.conversion_rate, share),
                stat_cell(k.sql, count),
                stat_cell(k.unsubscribes, count),
                stat_cell(k.cost, money),
            ]
        )
        classes.append("best" if _is_best(r, p) else "current" if p.current else "")
    return table(head, rows, text_columns=1, row_classes=classes)


def headline_cards(r: SweepResult) -> Html | None:
    if r.best is None:
        return None
    items = [Card("best objective", r.best.objective, one_decimal, r.objective)]
    cur = r.current
    if cur is not None:
        items.append(Card("current objective", cur.objective, one_decimal, cur.label(r.axes)))
        if r.best.point != cur.index:
            items.append(
                Card("best − current", r.best.against_current, one_decimal, "paired by run")
            )
            share_won = r.best.share_of_wins
            items.append(
                Card(
                    "runs it beats current",
                    Stat(share_won, None, None, r.best.runs),
                    share,
                    f"{r.best.wins} of {r.best.runs} runs",
                )
            )
    return cards(items)


def sweep_page(r: SweepResult, scenario: Scenario | None = None, footer: str = "") -> str:
    runs = f"{r.runs} run{'s' if r.runs != 1 else ''} a point"
    subtitle = (
        f"{r.file} · {r.scenario} · {num(r.leads)} leads over {horizon(r.days)} days · {runs} · "
        f"seed {r.seed} · {r.design} of {r.planned} points"
    )
    note = (
        "Every point ran on the same simulated leads and random numbers, so differences between "
        "points are the varied values' doing. Figures: mean over the runs, with 90% of runs."
    )
    page = Page(f"Sweep: {r.campaign}", subtitle, note, footer)
    varied_params = {a.name for a in r.axes if a.kind == "param"}
    kept = [str(p) for p in r.params if p.name not in varied_params]
    if kept:
        page.params = ("Params: " + ", ".join(kept),)
    head: list[Html] = []
    if not r.complete:
        head.append(
            paragraph(f"Interrupted: {len(r.points)} of {r.planned} points finished.", "headline")
        )
    head += [paragraph(s, "headline") for s in best_sentences(r)]
    cards_html = headline_cards(r)
    if cards_html is not None:
        head.append(cards_html)
    page.section("Headline", *head)
    varied = [
        f"{a.name}{' (a param of the file)' if a.kind == 'param' else ''}: "
        f"{', '.join(a.text(v) for v in a.values)} (now {a.text(a.current)})"
        for a in r.axes
    ]
    page.section(
        "What was varied", tag("ul", *(tag("li", v) for v in varied), cls="plain"), key="axes"
    )
    page.section("Curves", *chart_parts(r), key="curves")
    page.section("Points", points_table(r), key="points")
    if scenario is not None:
        page.section("Assumptions", assumptions(scenario), key="assumptions")
    return page.render()
