"""The HTML reports: one self-contained file a strategist sends to stakeholders.

    from htmlreport import forecast_page, comparison_page, sweep_page, write_page
    write_page("forecast.html", forecast_page(forecast, scenario))

A page has no script and fetches nothing: charts are Vega-Lite specs made with altair and
rendered to inline SVG by vl-convert when the page is written (why: docs/HTML_REPORT.md); the
style sheet is inline. Same inputs, byte-identical file. It reads well on a laptop and prints.

The parts are made to be reused (a live report, `nurture report --html`, is built from them):

    page.py        Page (header, sections, footer, style sheet), tag/escape/figure helpers
    blocks.py      KPI cards with intervals, tables, cells with an interval under the mean
    charts.py      line with a band, bars with whiskers, grouped bars, intervals, heat map -> SVG
    groups.py      figures by persona / segment / ... as tables (whatever groups exist)
    assumptions.py the scenario's figures as tables
    forecast_page.py, compare_page.py, sweep_page.py   the three reports

Layering: may import dsl, engine, simulator and live; only `cli` imports it.
"""

from htmlreport.compare_page import comparison_charts, comparison_page
from htmlreport.forecast_page import forecast_charts, forecast_page
from htmlreport.page import Page
from htmlreport.sweep_page import sweep_charts, sweep_page
from htmlreport.write import ReportWriteError, check_writable, write_page

__all__ = [
    "Page",
    "ReportWriteError",
    "check_writable",
    "comparison_charts",
    "comparison_page",
    "forecast_charts",
    "forecast_page",
    "sweep_charts",
    "sweep_page",
    "write_page",
]
