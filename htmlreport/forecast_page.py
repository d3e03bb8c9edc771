"""The forecast report (`nurture simulate --html OUT`): one page a strategist sends on.

Sections, each left out when it has nothing to show: the headline in words with KPI cards, the
funnel by stage, conversions week by week with their 90% band, touches and cost by channel,
each sequence's step funnel, the sales queue, the figures by group (persona, segment, ... when
the forecast has them), where each interval's width comes from (a fitted scenario's forecast:
the parameters' part and the simulation's), and the assumptions. Charts: `CHARTS_PER_FORECAST`
tells how many a forecast draws (the browser test counts them).
"""

from __future__ import annotations

from collections.abc import Sequence

from htmlreport import charts
from htmlreport.assumptions import assumptions
from htmlreport.blocks import (
    Card,
    bullet_list,
    cards,
    count,
    money,
    one_decimal,
    share,
    stat_cell,
    table,
    times,
)
from htmlreport.groups import group_tables
from htmlreport.page import Html, Page, figure, paragraph, tag
from simulator.figures import Series, Stat
from simulator.formatting import horizon, num, pct
from simulator.report import headline
from simulator.report_fit import WIDTH_HEAD, WIDTH_WORDS, width_rows
from simulator.results import Forecast
from simulator.scenario import Scenario
from simulator.sequence_groups import SequenceFigures

NOTE = "Each figure: the mean over the runs, with the 90% interval (5th–95th percentile of runs)."


def header(f: Forecast) -> tuple[str, str]:
    runs = f"{f.runs} run{'s' if f.runs != 1 else ''}"
    return (
        f"Forecast: {f.campaign}",
        f"{f.file} · {f.scenario} · {num(f.leads)} leads over {horizon(f.days)} days · {runs} · "
        f"seed {f.seed}",
    )


def params_lines(f: Forecast, name: str = "") -> tuple[str, ...]:
    """`Params: mql_at = 60 (set; the file says 50), ...` (`name`: the file's, before it), or
    nothing when the file has none."""
    if not f.params:
        return ()
    return (f"{name}Params: " + ", ".join(str(p) for p in f.params),)


def kpi_cards(f: Forecast) -> Html:
    k, life = f.kpis, f.lifecycle
    items = [Card("customers", k.customers, count, f"{pct(k.conversion_rate.mean)} of leads")]
    if life.mql:
        items.append(Card("MQL", k.mql, count, f"{pct(k.mql_rate.mean)} of leads"))
    if life.sql:
        items.append(Card("SQL", k.sql, count, f"{pct(k.sql_rate.mean)} of leads"))
    items += [
        Card("revenue", k.revenue, money, "every conversion, nurtured or not"),
        Card("cost", k.cost, money, "touches and sales tasks"),
        Card("ROI", k.roi, times, "(revenue - cost) / cost"),
        Card("unsubscribes", k.unsubscribes, count, f"{pct(k.unsubscribe_rate.mean, 2)} of leads"),
    ]
    if f.lift.customers.n:
        items.append(Card("customers added", f.lift.customers, one_decimal, "against the holdout"))
    return cards(items)


def _row(name: str, s: Stat, **extra: object) -> dict[str, object]:
    return {"name": name, "mean": s.mean, "low": s.low, "high": s.high, **extra}


def funnel_chart(f: Forecast, name: str = "funnel") -> charts.Chart:
    rows = [_row(stage.name, stage.count) for stage in f.funnel]
    return charts.bars(rows, "name", "mean", "leads (mean; whisker: 90% of runs)", name)


def weekly_rows(series: dict[str, Series]) -> list[dict[str, object]]:
    """Rows of a weekly line chart: one per (series, week) with a mean."""
    return [
        {"series": label, "week": w + 1, "mean": s.mean[w], "low": s.low[w], "high": s.high[w]}
        for label, s in series.items()
        for w in range(len(s))
    ]


def weekly_chart(f: Forecast, name: str = "weekly") -> charts.Chart:
    w = f.weekly
    series = {"customers": w.customers}
    if f.lifecycle.sql:
        series["SQL"] = w.sql
    if f.lifecycle.mql:
        series["MQL"] = w.mql
    return charts.line_band(
        weekly_rows(series),
        "week",
        "week of the horizon",
        "leads a week",
        name,
        series="series",
        x_format="d",
    )


def channel_section(f: Forecast) -> list[Html]:
    if not f.channels:
        return []
    touch_rows = [_row(c, ch.touches) for c, ch in f.channels.items()]
    cost_rows = [_row(c, ch.cost) for c, ch in f.channels.items()]
    touches = charts.bars(touch_rows, "name", "mean", "touches (sales: tasks)", "channels-touches")
    cost = charts.bars(cost_rows, "name", "mean", "cost ($)", "channels-cost", value_format="$,.0f")
    rows = [
        [
            c,
            stat_cell(ch.touches, count),
            stat_cell(ch.open_rate, share) if ch.open_rate.mean else "–",
            stat_cell(ch.click_rate, share),
            stat_cell(ch.unsubscribes, count),
            stat_cell(ch.cost, money),
        ]
        for c, ch in f.channels.items()
    ]
    head = ["channel", "touches", "open rate", "click rate", "unsubscribes", "cost"]
    return [
        figure(touches, "Touches sent on each channel (sales: tasks), mean over the runs."),
        figure(cost, "What each channel costs over the horizon."),
        table(head, rows),
    ]


def step_chart(seq: SequenceFigures[Stat]) -> charts.Chart:
    rows = []
    for s in seq.steps:
        label = f"{s.step} {s.content}".strip()
        for what, stat in (
            ("reached", s.reached),
            ("sent", s.sent),
            ("opened", s.opened),
            ("clicked", s.clicked),
        ):
            rows.append({"step": label, "what": what, "leads": stat.mean})
    return charts.grouped_bars(rows, "step", "what", "leads", "leads", f"steps-{seq.name}")


def sequence_part(seq: SequenceFigures[Stat]) -> list[Html]:
    parts: list[Html] = [tag("h3", f"Sequence {seq.name}")]
    facts = [f"entered: {num(seq.entered.mean)}"]
    if seq.exited:
        facts.append("exited: " + ", ".join(f"{w} {num(s.mean)}" for w, s in seq.exited.items()))
    h = seq.holdout
    if h.holdout_rate.n:
        facts.append(
            f"converted {pct(h.nurtured_rate.mean)} nurtured against {pct(h.holdout_rate.mean)} "
            f"held out ({100 * (h.lift.mean or 0):+.1f} points)"
        )
    parts.append(paragraph(" · ".join(facts)))
    if seq.steps:
        parts.append(
            figure(
                step_chart(seq), f"Each step of {seq.name}: leads reached, sent, opened, clicked."
            )
        )
    if seq.arms:
        rows = [
            [
                f"split {a.split}, arm {a.arm}",
                a.content,
                stat_cell(a.sent, count),
                stat_cell(a.converted, share),
                stat_cell(a.lift, lambda x: f"{100 * x:+.1f} pts") if a.lift.n else "–",
            ]
            for a in seq.arms
        ]
        parts.append(table(["arm", "content", "sent", "converted", "vs arm 1"], rows, 2))
    return parts


def sales_cards(f: Forecast) -> Html | None:
    s = f.sales
    if not s.tasks.mean:
        return None
    return cards(
        [
            Card("tasks", s.tasks),
            Card("worked", s.worked),
            Card("peak backlog", s.peak_backlog),
            Card("backlog at the end", s.backlog_end),
            Card("mean wait (hours)", s.mean_wait_hours, one_decimal),
            Card("picked up in time", s.within_due_share, share),
        ]
    )


def uncertainty_part(f: Forecast, scenario: Scenario | None) -> list[Html]:
    """A fitted scenario's forecast: what it was fitted on, what the fit could not settle, and
    each headline interval with the parameters drawn and fixed (nothing for other forecasts)."""
    if not f.uncertainty:
        return []
    fit = scenario.fit if scenario is not None else None
    said = "The scenario was fitted to a history by nurture calibrate"
    if fit is not None and fit.history:
        said += f" (fitted on {fit.history})"
    parts = [paragraph(f"{said}. {WIDTH_WORDS}")]
    if fit is not None and fit.warnings:
        parts.append(bullet_list([f"Warning: {w}" for w in fit.warnings]))
    parts.append(table(WIDTH_HEAD, width_rows(f.uncertainty)))
    return parts


def forecast_charts(f: Forecast) -> int:
    """How many charts the forecast page draws for `f`."""
    with_steps = sum(1 for s in f.sequences.values() if s.entered.n and s.steps)
    return 2 + (2 if f.channels else 0) + with_steps


def add_forecast_sections(page: Page, f: Forecast, scenario: Scenario | None) -> None:
    page.section("Headline", *(paragraph(s, "headline") for s in headline(f)), kpi_cards(f))
    page.section(
        "Funnel",
        figure(funnel_chart(f), "How many leads reach each stage; the whisker: 90% of runs."),
        key="funnel",
    )
    page.section(
        "Over time",
        figure(weekly_chart(f), "Leads reaching each stage week by week; the band: 90% of runs."),
        key="weekly",
    )
    page.section("Touches and cost by channel", *channel_section(f), key="channels")
    seq_parts: list[Html] = []
    for seq in f.sequences.values():
        if seq.entered.n:
            seq_parts += sequence_part(seq)
    page.section("Sequences", *seq_parts, key="sequences")
    sales = sales_cards(f)
    if sales is not None:
        page.section("Sales queue", sales, key="sales")
    page.section("By group", *group_tables(f.summary.stats), key="groups")
    page.section(
        "Where each interval's width comes from", *uncertainty_part(f, scenario), key="uncertainty"
    )
    if scenario is not None:
        extra: Sequence[str] = getattr(f, "assumptions", None) or ()
        page.section("Assumptions", assumptions(scenario, tuple(extra)), key="assumptions")


def forecast_page(f: Forecast, scenario: Scenario | None = None, footer: str = "") -> str:
    """The whole report of a forecast (`scenario`: the assumptions section's figures)."""
    title, subtitle = header(f)
    page = Page(title, subtitle, NOTE if f.runs > 1 else "One run: no intervals.", footer)
    page.params = params_lines(f)
    add_forecast_sections(page, f, scenario)
    return page.render()
