"""The stage funnel (leads that reached each of the file's stages), the sales backlog week by
week, and progress from a pool's runs under way: by hand, and against a run's own leads table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsl import load_program
from simulator import FunnelStage, Overrides, Stat, apply, forecast
from simulator.forecast import Summary
from simulator.loader import load_scenario
from simulator.metrics import RunMetrics
from simulator.population import DAY
from simulator.results import Forecast, Lifecycle
from simulator.sales import SalesDesk
from simulator.scenario import Sales

RULES = "rules/b2b_saas_trial.nurture"  # stages awareness, consideration, decision
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
PROGRAM = load_program(RULES)
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
HOUR = 3600.0


def _metrics(ends: list[str]) -> RunMetrics:
    """Metrics of len(ends) leads arrived on day 0, lead i at stage ends[i] at the end."""
    m = RunMetrics(PROGRAM, START, 28, len(ends))
    for i in range(len(ends)):
        m.arrival(i, START)
    m.stages_at_end(ends)
    return m


ENDS = ["decision", "awareness", "consideration", "consideration", "awareness", "awareness"]


def test_a_stage_counts_the_leads_in_it_or_further():
    s = _metrics(ENDS).result({})["scalars"]
    # awareness: all 6; consideration: the 2 in it and the 1 in decision; decision: 1
    assert (s["stage.awareness"], s["stage.consideration"], s["stage.decision"]) == (6, 3, 1)
    assert s["stage_rate.awareness"] == 1.0
    assert s["stage_rate.consideration"] == 0.5
    assert s["stage_rate.decision"] == 1 / 6


def test_stage_counts_of_shards_merge_to_the_whole():
    whole = _metrics(ENDS).result({})["scalars"]
    a = RunMetrics(PROGRAM, START, 28, 6)
    b = RunMetrics(PROGRAM, START, 28, 6)
    for i in range(6):
        (a if i % 2 else b).arrival(i, START)
    a.stages_at_end(ENDS[1::2])
    b.stages_at_end(ENDS[0::2])
    a.merge(b)
    merged = a.result({})["scalars"]
    assert {k: v for k, v in merged.items() if k.startswith("stage")} == {
        k: v for k, v in whole.items() if k.startswith("stage")
    }


def test_the_forecast_reads_its_stages_in_the_files_order():
    stats = {
        "stage.awareness": Stat(6, 6, 6, 2),
        "stage.consideration": Stat(3, 2, 4, 2),
        "stage.decision": Stat(1, 0, 2, 2),
        "stage_rate.awareness": Stat(1.0, 1.0, 1.0, 2),
        "stage_rate.consideration": Stat(0.5, 0.4, 0.6, 2),
        "stage_rate.decision": Stat(0.2, 0.0, 0.3, 2),
    }
    f = Forecast(
        "x.nurture",
        "x",
        "s.toml",
        6,
        28.0,
        2,
        0,
        (),
        Lifecycle(False, False),
        Summary(stats, {}, {}),
        stage_names=("awareness", "consideration", "decision"),
    )
    assert f.stages == (
        FunnelStage("awareness", Stat(6, 6, 6, 2), Stat(1.0, 1.0, 1.0, 2)),
        FunnelStage("consideration", Stat(3, 2, 4, 2), Stat(0.5, 0.4, 0.6, 2)),
        FunnelStage("decision", Stat(1, 0, 2, 2), Stat(0.2, 0.0, 0.3, 2)),
    )


def _desk(reps: int) -> SalesDesk:
    # 8 tasks a rep a day: 3 h a task; first contact no sooner than 2 h after the task; 10 days
    spec = Sales(reps=reps, tasks_per_rep_per_day=8, response_hours=2, close_rate=0.5)
    return SalesDesk(spec, 0.0, 10 * DAY)


def test_without_reps_the_backlog_grows_week_by_week():
    desk = _desk(0)
    desk.hand_over([(1 * DAY, 1, 0, None), (1 * DAY, 2, 0, None)])
    desk.hand_over([(8 * DAY, 3, 0, None)])
    desk.run_until(10 * DAY)
    assert desk.backlog_by_week(2) == [2.0, 3.0]  # at day 7; at the end (day 10)


def test_the_backlog_at_a_weeks_end_is_what_waits_then():
    desk = _desk(1)
    # three tasks an hour before the end of week 1: none reaches a rep before day 7, 1 h
    at = 7 * DAY - HOUR
    desk.hand_over([(at, 1, 0, None), (at, 2, 0, None), (at, 3, 0, None)])
    desk.run_until(10 * DAY)
    assert desk.backlog_by_week(2) == [3.0, 0.0]
    assert desk.summary()["backlog_end"] == 0.0


@pytest.fixture(scope="module")
def small_run() -> Forecast:
    scenario = apply(
        load_scenario(SCENARIO, PROGRAM), Overrides(leads=400, days=30, runs=1, seed=4)
    )
    return forecast(PROGRAM, scenario, SCENARIO, 1, leads=True)


def test_a_runs_stage_figures_agree_with_its_leads_table(small_run: Forecast):
    """Two ways to the same count: the metrics' stage of each lead at the end (the engine's
    last call), and the leads table's stage (the engine's view at the horizon's end)."""
    t = small_run.lead_table
    at_or_past = [int(np.count_nonzero(t.stage >= k)) for k in range(len(t.stages))]
    assert [s.count.mean for s in small_run.stages] == at_or_past
    assert small_run.stages[0].count.mean == small_run.kpis.leads.mean == len(t)
    assert [s.name for s in small_run.stages] == ["awareness", "consideration", "decision"]
    assert 0 < at_or_past[2] < at_or_past[1] < at_or_past[0]  # the run moves some leads on


def test_a_runs_weekly_backlog_ends_at_the_backlog_at_the_end(small_run: Forecast):
    backlog = small_run.weekly.sales_backlog
    assert len(backlog) == math.ceil(30 / 7)  # 5 weeks, the last one short
    assert backlog.mean[-1] == small_run.sales.backlog_end.mean
    assert small_run.sales.peak_backlog.mean >= max(backlog.mean)


def test_a_pool_reports_the_runs_under_way():
    scenario = apply(
        load_scenario(SCENARIO, PROGRAM), Overrides(leads=1500, days=60, runs=3, seed=1)
    )
    seen: list[tuple[float, int]] = []
    forecast(PROGRAM, scenario, SCENARIO, 2, progress=lambda d, t: seen.append((d, t)))
    done = [d for d, _ in seen]
    assert {t for _, t in seen} == {3}
    assert done == sorted(done)  # never goes back
    assert done[-1] == 3
    assert done.count(3) == 1  # all of it once: when every run is back, not before
    assert any(d != int(d) for d in done)  # a run's fraction, before it ended
