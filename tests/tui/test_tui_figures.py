"""What the screens show, from typed results made by hand: number forms, the funnel's rows, the
compare table, the tree's details; the text bars and the chart's ticks."""

from __future__ import annotations

import pytest

from simulator import Comparison, Difference, Forecast, Lifecycle, Pair, Stat
from simulator.forecast import Summary
from tui import figures
from tui.formats import short_money, short_num
from tui.widgets.charts import bar_text, nice_ticks


def s(mean: float, low: float | None = None, high: float | None = None) -> Stat:
    return Stat(mean, mean if low is None else low, mean if high is None else high, 3)


def made(stats: dict[str, Stat], **kw: object) -> Forecast:
    header = dict(
        file="x.nurture",
        campaign="x",
        scenario="s.toml",
        leads=1000,
        days=28.0,
        runs=3,
        seed=0,
        sequence_names=("drip",),
        lifecycle=Lifecycle(mql=True, sql=False),
        stage_names=("cold", "warm", "hot"),
    )
    header.update(kw)
    return Forecast(**header, summary=Summary(stats, {}, {}))  # type: ignore[arg-type]


STATS = {
    "leads": s(1000),
    "stage.cold": s(1000),
    "stage.warm": s(420, 400, 440),
    "stage.hot": s(35, 30, 41),
    "stage_rate.cold": s(1.0),
    "stage_rate.warm": s(0.42),
    "stage_rate.hot": s(0.035),
    "mql": s(120, 110, 131),
    "mql_rate": s(0.12),
    "customers": s(12, 9, 15),
    "conversion_rate": s(0.012),
    "days_to_mql.median": s(6.5, 6.0, 7.25),
}


@pytest.mark.parametrize(
    ("x", "num", "money"),
    [
        (9_999, "9,999", "$9,999"),
        (10_000, "10.0k", "$10.0k"),
        (99_949, "99.9k", "$99.9k"),
        (857_800, "858k", "$858k"),
        (999_500, "1.00M", "$1.00M"),
        (12_345_678, "12.3M", "$12.3M"),
        (-20_000, "-20.0k", "-$20.0k"),
        (None, "-", "-"),
    ],
)
def test_short_numbers_fit_a_card(x: float | None, num: str, money: str) -> None:
    assert (short_num(x), short_money(x)) == (num, money)


def test_the_funnel_is_the_stages_then_the_lifecycle_the_file_declares() -> None:
    rows = figures.funnel_rows(made(STATS))
    assert [(r.group, r.label, r.count.mean, r.share.mean) for r in rows] == [
        ("Stages", "cold", 1000, 1.0),
        ("Stages", "warm", 420, 0.42),
        ("Stages", "hot", 35, 0.035),
        ("Lifecycle", "MQL", 120, 0.12),  # no SQL: the file declares none
        ("Lifecycle", "customers", 12, 0.012),
    ]


def test_a_lifecycle_items_details() -> None:
    assert figures.item_figures(made(STATS), "lifecycle:mql") == [
        ("MQL", "120  [110 – 131]"),
        ("share of leads", "12.0%"),
        ("days to it, median", "6.5 d  [6.0 d – 7.2 d]"),  # 7.25 rounds half to even
        ("days to it, p90", "-"),
    ]
    assert figures.item_figures(made(STATS), "stage:hot") == [
        ("reached it", "35  [30 – 41]"),
        ("of leads", "3.5%"),
    ]
    assert figures.item_figures(None, "stage:hot") == []
    assert figures.item_figures(made(STATS), "score:fit") == []


def test_watch_says_the_simulators_notes_or_nothing_flagged() -> None:
    assert figures.watch_text(made(STATS)) == "Watch: nothing flagged."
    unsubscribing = made({**STATS, "unsubscribe_rate": s(0.05)})
    assert figures.watch_text(unsubscribing) == "Watch: 5.0% of leads unsubscribe."


def test_compare_rows_mark_the_differences_clear_of_zero() -> None:
    a = made(STATS)
    b = made({**STATS, "mql": s(150), "stage.hot": s(50)})
    differences = {
        "mql": Difference(30.0, 21.5, 38.5, 3, True),
        "customers": Difference(1.0, -2.0, 4.0, 3, False),
        "stage.hot": Difference(15.0, 12.0, 18.0, 3, True),
    }
    c = Comparison((a, b), (Pair("a", "b", differences, ("drip",), ("cold", "warm", "hot")),))
    rows = {r[0]: r for r in figures.compare_rows(c)}
    assert rows["MQL"] == ("MQL", "120", "150", "+30.0", "*", "+21.5 .. +38.5")
    assert rows["customers"] == ("customers", "12", "12", "+1.0", "", "-2.0 .. +4.0")
    assert rows["stage hot"] == ("stage hot", "35", "50", "+15.0", "*", "+12.0 .. +18.0")
    assert rows["stage cold"] == ("stage cold", "1,000", "1,000", "-", "", "")  # not measured
    assert "SQL" not in rows  # neither file has one


@pytest.mark.parametrize(
    ("size", "longest", "width", "bar"),
    [
        (100, 100, 10, "██████████"),
        (50, 100, 10, "█████"),
        (53, 100, 10, "█████▎"),  # 5.3 cells: 42 eighths
        (0.1, 100, 10, "▏"),  # never less than a sliver
        (0, 100, 10, ""),
    ],
)
def test_bars_are_drawn_in_eighths_of_a_cell(
    size: float, longest: float, width: int, bar: str
) -> None:
    assert bar_text(size, longest, width) == bar


def test_chart_ticks_are_round() -> None:
    assert nice_ticks(23.9) == (30, [0, 10, 20, 30])  # 23.9 / 4 ticks: a step of 10
    assert nice_ticks(3.0) == (3.0, [0.0, 1.0, 2.0, 3.0])
    assert nice_ticks(0.0) == (1.0, [0.0, 0.5, 1.0])
