"""The live report's parts about touches and sequences: touches and cost by channel, and each
sequence (its step funnel; nurtured against its holdout, each difference with its observed 90%
interval; its split arms). Made of the forecast page's blocks and charts."""

from __future__ import annotations

import math

from htmlreport import charts
from htmlreport.blocks import count, money, share, stat_cell, table
from htmlreport.live_figures import beside, num_or_none, stat
from htmlreport.page import Html, figure, paragraph, tag
from live import LiveReport


def channel_parts(r: LiveReport) -> list[Html]:
    channels = sorted(
        {k.split(".", 1)[1] for k in r.figures if k.startswith(("touches.", "cost."))}
    )
    if not channels:
        return []
    rows = []
    bars = []
    for ch in channels:
        name = "tasks" if ch == "task" else f"touches.{ch}"
        opens = stat_cell(stat(r, f"open_rate.{ch}"), share) if f"opens.{ch}" in r.figures else "–"
        rows.append(
            [
                ch,
                stat_cell(stat(r, name), count),
                opens,
                stat_cell(stat(r, f"click_rate.{ch}"), share),
                stat_cell(stat(r, f"cost.{ch}"), money),
                beside(r, name, count),
            ]
        )
        bars.append({"name": ch, "mean": num_or_none(r.figures.get(name, 0.0))})
    chart = charts.bars(
        bars, "name", "mean", "touches (sales: tasks)", "live-channels", with_interval=False
    )
    head = ["channel", "touches", "open rate", "click rate", "cost", "forecast of touches"]
    return [figure(chart, "Touches sent on each channel (sales: tasks)."), table(head, rows)]


def sequence_parts(r: LiveReport, name: str) -> list[Html]:
    if f"seq.{name}.entered" not in r.figures:
        return []
    parts: list[Html] = [tag("h3", f"Sequence {name}")]
    facts = [f"entered: {count(r.figure(f'seq.{name}.entered'))}"]
    exits = r.exits(name)
    if exits:
        facts.append("exited: " + ", ".join(f"{w} {count(n)}" for w, n in exits.items()))
    parts.append(paragraph(" · ".join(facts)))
    steps = r.steps(name)
    if steps:
        rows = [
            {"step": f"{s.step} {s.content}".strip(), "what": what, "leads": value}
            for s in steps
            for what, value in (
                ("reached", s.reached),
                ("sent", s.sent),
                ("opened", s.opened),
                ("clicked", s.clicked),
            )
        ]
        chart = charts.grouped_bars(rows, "step", "what", "leads", "leads", f"live-steps-{name}")
        parts.append(figure(chart, f"Each step of {name}: leads reached, sent, opened, clicked."))
    if not math.isnan(r.figure(f"lift.{name}.lift")):
        parts += holdout_parts(r, name)
    arms = r.splits(name)
    if arms:
        rows2 = []
        for split, arm in arms:
            key = f"arm.{name}.{split}.{arm}"
            lift = stat_cell(stat(r, f"{key}.lift"), _points) if f"{key}.lift" in r.figures else "–"
            rows2.append(
                [
                    f"split {split}, arm {arm}",
                    count(r.figure(f"{key}.n")),
                    stat_cell(stat(r, f"{key}.rate"), share),
                    lift,
                ]
            )
        parts.append(table(["arm", "leads sent it", "converted", "vs arm 1 (90% interval)"], rows2))
    return parts


def _points(x: float) -> str:
    return f"{100 * x:+.1f} pts"


def holdout_parts(r: LiveReport, name: str) -> list[Html]:
    base = f"arm.{name}.difference"
    labels = (
        ("visit rate", "visit_rate"),
        ("MQL rate", "mql_rate"),
        ("SQL rate", "sql_rate"),
        ("conversion rate", "conversion_rate"),
        ("unsubscribe rate", "unsubscribe_rate"),
    )
    rows = []
    for label, key in labels:
        interval = r.interval(f"{base}.{key}")
        if math.isnan(interval.estimate):
            continue
        verdict = (
            "unclear" if not interval.clear else ("higher" if interval.estimate > 0 else "lower")
        )
        rows.append(
            {
                "name": label,
                "mean": 100 * interval.estimate,
                "low": 100 * interval.low,
                "high": 100 * interval.high,
                "verdict": verdict,
            }
        )
    chart = charts.intervals(
        rows, "name", f"live-holdout-{name}", "nurtured - holdout (points)", ",.1f"
    )
    table_rows = [
        [
            label,
            stat_cell(stat(r, f"arm.{name}.nurtured.{key}"), share),
            stat_cell(stat(r, f"arm.{name}.holdout.{key}"), share),
            stat_cell(stat(r, f"{base}.{key}"), _points, signed=False),
        ]
        for label, key in labels
    ]
    return [
        figure(
            chart,
            f"{name}: nurtured leads against its holdout; each difference with its 90% interval.",
        ),
        table(["rate", "nurtured", "holdout", "difference (90% interval)"], table_rows),
    ]
