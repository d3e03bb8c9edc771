"""The live report (`nurture report --html OUT`): the actual KPIs of a live database, built of the
forecast page's parts (cards, tables, charts), with the forecast beside each figure when one is
given.

Sections, each left out when it has nothing to show: the headline cards (an observed interval
under a difference; the forecast's mean and interval, and whether the actual is outside it, in
the card's note), the actual against the forecast, week by week (actual, and the forecast's
mean), touches and cost by channel, each sequence (its step funnel; nurtured against holdout,
each difference with its interval; split arms), cohorts by arrival week, the time to convert
(Kaplan-Meier, with its band), notes. `live_charts` says how many charts a report draws.
"""

from __future__ import annotations

import math

from engine import format_time
from htmlreport import charts
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
from htmlreport.live_figures import beside, num_or_none, stat
from htmlreport.live_sequences import channel_parts, sequence_parts
from htmlreport.page import Html, Page, figure, paragraph
from live import LiveReport, few_runs_note
from live.kpis_time import MARKS
from simulator.figures import Stat
from simulator.formatting import horizon

NOTE = (
    "Each figure as the database has it. A difference against a holdout or an arm carries its "
    "observed 90% interval. With a forecast, its mean and 90% interval are beside each figure."
)
HEADLINE = (
    ("customers", "customers", count),
    ("MQL", "mql", count),
    ("SQL", "sql", count),
    ("revenue", "revenue", money),
    ("cost", "cost", money),
    ("ROI", "roi", times),
    ("unsubscribes", "unsubscribes", count),
)


def headline_cards(r: LiveReport) -> Html:
    items = []
    mql, sql = r.lifecycle
    for label, name, how in HEADLINE:
        if (name == "mql" and not mql) or (name == "sql" and not sql):
            continue
        items.append(Card(label, stat(r, name), how, beside(r, name, how)))
    if not math.isnan(r.figure("incremental.customers")):
        items.append(
            Card(
                "customers added",
                stat(r, "incremental.customers"),
                one_decimal,
                "against the holdout",
            )
        )
    return cards(items)


def against_forecast(r: LiveReport) -> Html | None:
    """The headline figures, their forecast, and a mark where the actual is outside."""
    if r.forecast is None:
        return None
    rows, classes = [], []
    names = [
        ("leads", "leads", count),
        ("MQL", "mql", count),
        ("SQL", "sql", count),
        ("customers", "customers", count),
        ("conversion rate", "conversion_rate", share),
        ("days to MQL (median)", "days_to_mql.median", one_decimal),
        ("days to customer (median)", "days_to_customers.median", one_decimal),
        ("touches", "touches", count),
        ("revenue", "revenue", money),
        ("cost", "cost", money),
        ("ROI", "roi", times),
        ("unsubscribes", "unsubscribes", count),
    ]
    for label, name, how in names:
        expected = r.expected(name)
        if expected is None:
            continue
        forecast = Stat(
            num_or_none(expected.mean),
            num_or_none(expected.low),
            num_or_none(expected.high),
            r.forecast.runs,
        )
        outside = r.outside(name)
        rows.append(
            [
                label,
                stat_cell(stat(r, name), how),
                stat_cell(forecast, how),
                "outside" if outside else "",
            ]
        )
        classes.append("current" if outside else "")
    head = ["figure", "actual", "forecast (90% of runs)", ""]
    return table(head, rows, row_classes=classes)


def weekly_chart(r: LiveReport) -> charts.Chart | None:
    if not r.weekly.get("arrivals"):
        return None
    rows = []
    series = [("customers", "customers")]
    if r.lifecycle[1]:
        series.append(("SQL", "sql"))
    if r.lifecycle[0]:
        series.append(("MQL", "mql"))
    for label, key in series:
        for w, value in enumerate(r.weekly.get(key, [])):
            rows.append(
                {"series": label, "week": w + 1, "mean": value, "low": value, "high": value}
            )
        if r.forecast is not None and key in r.forecast.weekly:
            for w, value in enumerate(r.forecast.weekly[key][: len(r.weekly[key])]):
                scaled = None if math.isnan(value) else value * r.forecast.scale
                rows.append(
                    {
                        "series": f"{label}, forecast",
                        "week": w + 1,
                        "mean": scaled,
                        "low": scaled,
                        "high": scaled,
                    }
                )
    return charts.line_band(
        rows,
        "week",
        "week since the first arrival",
        "leads a week",
        "live-weekly",
        series="series",
        x_format="d",
    )


def cohort_table(r: LiveReport) -> Html | None:
    if not r.cohorts:
        return None
    head = ["week of", "leads", "MQL", "SQL", "bought", "open", *(f"by day {d}" for d in MARKS)]
    rows = [
        [
            format_time(c.week)[:10],
            count(c.leads),
            count(c.mql),
            count(c.sql),
            count(c.customers),
            count(c.open),
            *("…" if v is None else share(v) for v in c.converted_by),
        ]
        for c in r.cohorts
    ]
    return table(head, rows)


def survival_chart(r: LiveReport) -> charts.Chart | None:
    s = r.survival
    if not s.days:
        return None
    rows = [
        {"day": d, "mean": 100 * c, "low": 100 * lo, "high": 100 * hi}
        for d, c, lo, hi in zip(s.days, s.converted, s.low, s.high, strict=True)
    ]
    return charts.line_band(
        rows,
        "day",
        "days since arrival",
        "% bought (Kaplan-Meier)",
        "live-survival",
        y_format=",.1f",
    )


def live_charts(r: LiveReport) -> int:
    """How many charts the live page draws for `r`."""
    n = sum(1 for c in (weekly_chart, survival_chart) if c(r) is not None)
    n += 1 if channel_parts(r) else 0
    for seq in r.sequences:
        if f"seq.{seq.name}.entered" in r.figures:
            n += 1 if r.steps(seq.name) else 0
            n += 0 if math.isnan(r.figure(f"lift.{seq.name}.lift")) else 1
    return n


def live_page(r: LiveReport, footer: str = "") -> str:
    """The whole live report."""
    first = "-" if r.first_arrival is None else format_time(r.first_arrival)[:10]
    subtitle = (
        f"{', '.join(r.files)} · {r.db} · {count(r.leads)} leads arrived from {first} · "
        f"clock {format_time(r.clock)}"
    )
    note = NOTE if r.forecast is None else f"{NOTE} {few_runs_note(r.forecast.runs)}".rstrip()
    page = Page(f"Actual KPIs: {r.campaign}", subtitle, note, footer)
    page.section("Headline", headline_cards(r), key="headline")
    vs = against_forecast(r)
    if vs is not None:
        f = r.forecast
        assert f is not None
        page.section(
            "Against the forecast",
            paragraph(
                f"{f.path}: {count(f.leads)} leads over {horizon(f.days)} days, {f.runs} runs; "
                f"counts scaled x{f.scale:.3g} to these leads."
            ),
            vs,
            key="forecast",
        )
    weekly = weekly_chart(r)
    if weekly is not None:
        page.section(
            "Over time", figure(weekly, "Leads reaching each stage week by week."), key="weekly"
        )
    page.section("Touches and cost by channel", *channel_parts(r), key="channels")
    seq_parts: list[Html] = []
    for seq in r.sequences:
        seq_parts += sequence_parts(r, seq.name)
    page.section("Sequences", *seq_parts, key="sequences")
    cohort = cohort_table(r)
    if cohort is not None:
        page.section(
            "Cohorts by arrival week",
            paragraph(
                "Bought by day N is given once every lead of the week is N days old; "
                "'…' until then."
            ),
            cohort,
            key="cohorts",
        )
    survival = survival_chart(r)
    if survival is not None:
        page.section(
            "Time to convert",
            figure(
                survival,
                "Share of leads bought by each day since arrival, leads not yet bought counted "
                "while observed (Kaplan-Meier); the band: 90%.",
            ),
            key="survival",
        )
    if r.notes:
        page.section("Notes", bullet_list(list(r.notes)), key="notes")
    return page.render()
