"""The point forecast of a figure: the runs' mean, and for a median or 90th percentile of a
campaign's leads the runs' median (docs/CALIBRATION.md, "The forecast of a median")."""

from __future__ import annotations

from simulator.figures import Stat
from simulator.forecast import is_quantile, stat, summarise


def test_a_median_figure_is_forecast_by_the_median_of_the_runs():
    # five runs' medians of whole days: 0, 1, 1, 0, 1 -> the median of runs is 1 day (the mean,
    # 0.6 days, is a median no run had); the interval is the runs' 5th-95th percentile
    runs = [0.0, 1.0, 1.0, 0.0, 1.0]
    assert stat(runs, "days_to_customers.median") == Stat(1.0, 0.0, 1.0, 5)
    assert stat(runs, "days_to_customers.p90") == Stat(1.0, 0.0, 1.0, 5)
    assert stat(runs, "conversion_rate") == Stat(0.6, 0.0, 1.0, 5)
    assert stat(runs) == Stat(0.6, 0.0, 1.0, 5)


def test_runs_that_could_not_measure_a_median_are_left_out():
    assert stat([2.0, float("nan"), 4.0, 9.0], "days_sql_to_customer.median") == Stat(
        4.0, 2.2, 8.5, 3
    )


def test_which_figures_are_quantiles():
    assert is_quantile("days_to_customers.median")
    assert is_quantile("days_sql_to_customer.p90")
    assert not is_quantile("customers")
    assert not is_quantile("deal_value.median_of")


def test_summarise_takes_each_figure_on_its_own_terms():
    def run(median: float, customers: float) -> dict:
        scalars = {"days_to_customers.median": median, "customers": customers}
        return {"scalars": scalars, "weekly": {}}

    summary = summarise([run(0.0, 10.0), run(1.0, 11.0), run(1.0, 15.0)])
    assert summary.stats["days_to_customers.median"].mean == 1.0
    assert summary.stats["customers"].mean == 12.0
