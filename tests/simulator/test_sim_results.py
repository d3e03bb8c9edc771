"""The typed results: figures grouped by meaning from their flat names, the JSON as their dump."""

from __future__ import annotations

import json

import pytest

from dsl import load_program
from simulator import (
    Difference,
    Forecast,
    Lifecycle,
    Overrides,
    Series,
    Stat,
    apply,
    compare,
    forecast,
)
from simulator.forecast import Summary
from simulator.loader import load_scenario

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def _made(stats: dict[str, Stat], labels: dict[str, str] | None = None, **kw) -> Forecast:
    """A forecast made by hand from flat figures (no simulation)."""
    header = dict(
        file="x.nurture",
        campaign="x",
        scenario="s.toml",
        leads=100,
        days=28.0,
        runs=2,
        seed=0,
        sequence_names=("drip", "unused"),
        lifecycle=Lifecycle(mql=True, sql=False),
    )
    header.update(kw)
    return Forecast(**header, summary=Summary(stats, {}, labels or {}))


def s(mean: float, low: float | None = None, high: float | None = None, n: int = 2) -> Stat:
    return Stat(mean, mean if low is None else low, mean if high is None else high, n)


# ---------------------------------------------------------------------- grouping by hand


def test_kpis_and_funnel_read_their_flat_names():
    f = _made(
        {
            "leads": s(100),
            "mql": s(30, 28, 32),
            "mql_rate": s(0.3),
            "customers": s(5),
            "conversion_rate": s(0.05),
            "handoff": s(4),
            "organic.visited": s(250),
            "customers.by.visit": s(3),
            "customers.by.background": s(2),
        }
    )
    assert f.kpis.mql == Stat(30, 28, 32, 2)
    assert f.kpis.handoffs == s(4)
    assert f.kpis.visits == s(250)
    assert f.kpis.sql is Stat.MISSING  # not measured: mean None, n 0
    assert list(f.kpis.customers_by) == ["background", "visit"]  # by name
    # the file declares MQL and no SQL: the funnel has no SQL stage
    assert [(st.name, st.count.mean, st.share.mean) for st in f.funnel] == [
        ("leads", 100, None),
        ("MQL", 30, 0.3),
        ("customers", 5, 0.05),
    ]


def test_a_sequence_groups_entries_exits_steps_and_arms():
    f = _made(
        {
            "seq.drip.entered": s(80),
            "seq.drip.exited.completed": s(60),
            "seq.drip.exited.exit when": s(7),
            "funnel.drip.1.reached": s(80),
            "funnel.drip.1.sent": s(70),
            "funnel.drip.1.opened": s(20),
            "funnel.drip.1.suppressed_holdout": s(8),
            "funnel.drip.1.suppressed_limit": s(1.5),
            "funnel.drip.1.suppressed_quiet": s(0.5),
            "funnel.drip.10.sent": s(9),
            "funnel.drip.9.sent": s(12),
            "arm.drip.10.2.rate": s(0.1),
            "arm.drip.10.2.n": s(4),
            "arm.drip.10.2.lift": s(-0.05),
            "arm.drip.10.1.rate": s(0.15),
            "arm.drip.10.1.n": s(5),
            "arm.drip.9.1.rate": s(0.2),
            "arm.drip.9.1.n": s(6),
        },
        labels={"drip.1": "hello", "drip.10.arm2": "offer"},
    )
    assert list(f.sequences) == ["drip", "unused"]  # the file's, in file order
    drip = f.sequences["drip"]
    assert drip.entered == s(80)
    assert drip.exited == {"completed": s(60), "exit when": s(7)}
    assert [st.step for st in drip.steps] == [1, 9, 10]  # by number, not by name
    one = drip.steps[0]
    assert (one.content, one.sent, one.opened, one.held_out) == ("hello", s(70), s(20), s(8))
    assert one.clicked is Stat.MISSING
    assert one.suppressed == {"limit": s(1.5), "quiet": s(0.5)}
    assert one.held_back == 2.0
    assert drip.step(9).sent == s(12) and drip.step(2) is None
    assert [(a.split, a.arm, a.content, a.sent.mean) for a in drip.arms] == [
        (9, 1, "", 6),
        (10, 1, "", 5),
        (10, 2, "offer", 4),
    ]
    assert drip.arms[2].lift == s(-0.05) and drip.arms[1].lift is Stat.MISSING
    unused = f.sequences["unused"]
    assert (unused.entered, unused.steps, unused.arms) == (Stat.MISSING, (), ())


def test_channels_are_those_used_in_channel_order_and_tasks_count_sales_tasks():
    f = _made(
        {
            "touches.sms": s(10),
            "touches.email": s(100),
            "opens.email": s(30),
            "open_rate.email": s(0.3),
            "cost.email": s(0.2),
            "cost.sms": s(0.3),
            "cost.task": s(50),
            "sales.tasks": s(2),
        }
    )
    assert list(f.channels) == ["email", "sms", "task"]
    assert f.channels["email"].opens == s(30) and f.channels["email"].open_rate == s(0.3)
    assert f.channels["task"].touches == s(2) and f.channels["task"].cost == s(50)


def test_watch_notes_name_what_to_look_at():
    quiet = _made({"mql": s(3), "unsubscribe_rate": s(0.02)})
    assert quiet.watch == ()
    loud = _made(
        {
            "unsubscribe_rate": s(0.05),
            "sales.within_due_share": s(0.5),
            "sales.tasks": s(40),
            "sales.backlog_end": s(5),
        },
        lifecycle=Lifecycle(mql=True, sql=True),
    )
    assert loud.watch == (
        "5.0% of leads unsubscribe",
        "sales picks up only 50.0% of handoffs in time",
        "5 handoffs still wait at the end",
        "no lead reaches MQL or SQL (can the rules' points reach the thresholds with this "
        "population's behaviour?)",
        "no sales capacity: handoffs are never worked",
    )


def test_a_backlog_that_rounds_to_nothing_is_no_note():
    # 0.4 of 2 tasks is over a tenth of them, but "0 handoffs still wait" would say nothing
    def notes(backlog: float) -> list[str]:
        made = _made({"sales.tasks": s(2), "sales.backlog_end": s(backlog)})
        return [note for note in made.watch if "still wait" in note]

    assert notes(0.4) == []
    assert notes(0.6) == ["1 handoffs still wait at the end"]


def test_weekly_series_are_attributes_and_empty_when_absent():
    summary = Summary({}, {"customers": Series((1.0, 2.0), (0.0, 1.0), (2.0, 3.0))}, {})
    f = Forecast("x", "x", "s", 1, 14.0, 2, 0, (), Lifecycle(False, False), summary)
    assert f.weekly.customers.mean == (1.0, 2.0) and len(f.weekly.customers) == 2
    assert f.weekly.mql is Series.EMPTY


def test_the_dump_of_a_figure_is_the_json_form():
    assert Stat(1.5, 1.0, 2.0, 3).to_dict() == {"mean": 1.5, "lo": 1.0, "hi": 2.0, "n": 3}
    assert Difference(-1.0, -2.0, None, 1, False).to_dict() == {
        "mean": -1.0,
        "lo": -2.0,
        "hi": None,
        "n": 1,
        "clear": False,
    }


# ---------------------------------------------------------------------- against a real run


@pytest.fixture(scope="module")
def small():
    program = load_program(RULES)
    scenario = apply(
        load_scenario(SCENARIO, program), Overrides(leads=400, days=45, runs=3, seed=4)
    )
    result = forecast(program, scenario, SCENARIO, 1)
    return result, json.loads(json.dumps(result.to_dict()))


def _same(stat: Stat, figure: dict) -> bool:
    return stat.to_dict() == figure


def test_the_header_is_the_json_header(small):
    f, j = small
    assert (f.file, f.campaign, f.scenario) == (RULES, "B2B SaaS trial nurture", SCENARIO)
    assert (f.leads, f.days, f.runs, f.seed) == (400, 45.0, 3, 4)
    assert j["sequences"] == list(f.sequence_names) == ["trial_onboarding", "win_back"]
    assert j["lifecycle"] == {"mql": True, "sql": True}


def test_the_typed_figures_are_the_json_figures(small):
    f, j = small
    scalars = j["forecast"]["scalars"]
    k = f.kpis
    for field, name in (
        ("leads", "leads"),
        ("mql", "mql"),
        ("sql", "sql"),
        ("customers", "customers"),
        ("conversion_rate", "conversion_rate"),
        ("unsubscribes", "unsubscribes"),
        ("touches", "touches"),
        ("handoffs", "handoff"),
        ("revenue", "revenue"),
        ("cost", "cost"),
        ("roi", "roi"),
    ):
        assert _same(getattr(k, field), scalars[name]), field
    assert k.leads.mean == 400 and k.mql.mean > 0 and k.customers.mean > 0
    assert _same(f.days_to.customer.median, scalars["days_to_customers.median"])
    assert _same(f.channels["email"].touches, scalars["touches.email"])
    assert _same(f.lift.customers, scalars["incremental.customers"])
    assert _same(f.sales.peak_backlog, scalars["sales.peak_backlog"])
    onboarding = f.sequences["trial_onboarding"]
    assert _same(onboarding.entered, scalars["seq.trial_onboarding.entered"])
    assert _same(onboarding.holdout.lift, scalars["lift.trial_onboarding.lift"])
    steps = [n for n in scalars if n.startswith("funnel.trial_onboarding.")]
    assert len({int(n.split(".")[2]) for n in steps}) == len(onboarding.steps)
    for step in onboarding.steps:
        for what, figure in step.figures.items():
            assert _same(figure, scalars[f"funnel.trial_onboarding.{step.step}.{what}"])
    first = onboarding.steps[0]
    assert (first.step, first.content) == (1, "welcome")
    assert _same(first.sent, scalars["funnel.trial_onboarding.1.sent"])
    assert list(f.weekly.customers.mean) == j["forecast"]["weekly"]["customers"]["mean"]
    assert len(f.weekly.customers) == 7  # 45 days: 7 weeks


def test_a_comparison_pairs_every_file_with_the_first(small):
    program = load_program(RULES)
    other = load_program("rules/b2c_browse_abandon.nurture")
    scenarios = [
        apply(load_scenario(None, p), Overrides(leads=200, days=20, runs=2, seed=1))
        for p in (program, other)
    ]
    result = compare([program, other], scenarios, None, 1)
    j = json.loads(json.dumps(result.to_dict()))
    assert [f.file for f in result.files] == [RULES, "rules/b2c_browse_abandon.nurture"]
    (pair,) = result.pairs
    assert (pair.base, pair.other) == (RULES, "rules/b2c_browse_abandon.nurture")
    diffs = j["comparisons"][0]["differences"]
    assert pair.kpis.touches.to_dict() == diffs["touches"]
    assert pair.days_to.customer.median.to_dict() == diffs["days_to_customers.median"]
    assert pair.kpis.sql.to_dict() == diffs["sql"]
    assert pair.difference("touches").mean == (
        result.files[1].kpis.touches.mean - result.files[0].kpis.touches.mean
    )
