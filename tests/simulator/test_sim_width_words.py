"""How a fitted scenario's forecast says where each interval's width comes from: the rows the
text report, the HTML report and the app share (`report_fit.width_rows`), and a forecast's
horizon in days (`formatting.horizon`)."""

from __future__ import annotations

from simulator.figures import Stat
from simulator.formatting import horizon
from simulator.report_fit import width_rows
from simulator.uncertainty import WidthSplit

SPLITS = (
    WidthSplit("customers", Stat(9.5, 5.0, 18.0, 6), Stat(7.0, 5.0, 10.0, 6), 0.85),
    WidthSplit("conversion_rate", Stat(0.02, 0.0104, 0.035, 6), Stat(0.015, 0.011, 0.02, 6), 0.8),
    WidthSplit("revenue", Stat(1.0, 61876.4, 238245.0, 6), Stat(1.0, 55724.0, 127980.2, 6), 0.0),
    WidthSplit("days_to_customers.median", Stat(30.0, 14.0, 47.0, 6), Stat(40, 26, 61, 6), None),
    WidthSplit("stage.decision", Stat(190.0, 180.0, 200.0, 6), Stat(190, 185, 195, 6), 0.125),
)


def test_width_rows_label_and_format_each_figure_as_the_reports_do() -> None:
    assert width_rows(SPLITS) == [
        ("customers", "5 – 18", "5 – 10", "85%"),
        ("conversion", "1.0% – 3.5%", "1.1% – 2.0%", "80%"),
        ("revenue", "$61,876 – $238,245", "$55,724 – $127,980", "0%"),
        ("days to customer", "14 – 47", "26 – 61", "-"),  # the runs did not vary
        ("stage.decision", "180 – 200", "185 – 195", "12%"),  # not a headline label: its name
    ]


def test_a_horizon_is_whole_days_or_a_tenth() -> None:
    assert [horizon(d) for d in (90.0, 89.9293, 89.96, 14, 0.5)] == [
        "90",
        "89.9",
        "90",
        "14",
        "0.5",
    ]
