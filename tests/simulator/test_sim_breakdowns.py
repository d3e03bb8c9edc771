"""The forecast by group of leads (issue 13): the typed groups read from their flat names, the
report's sections, the comparison's lines, and what the headline rests on."""

from __future__ import annotations

import json

from simhelpers import program, scenario

from dsl import load_program
from simulator import Lifecycle, Overrides, Stat, compare, forecast, prepare, render_forecast
from simulator.assumptions import headline
from simulator.compare_report import render as render_comparison
from simulator.forecast import Summary
from simulator.results import Forecast

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def s(mean: float, low: float | None = None, high: float | None = None) -> Stat:
    return Stat(mean, mean if low is None else low, mean if high is None else high, 2)


def _made(stats: dict[str, Stat], assumptions: tuple[str, ...] = ()) -> Forecast:
    return Forecast(
        file="x.nurture",
        campaign="x",
        scenario="s.toml",
        leads=1000,
        days=28.0,
        runs=2,
        seed=0,
        sequence_names=("drip",),
        lifecycle=Lifecycle(mql=True, sql=True),
        summary=Summary(stats, {}, {"drip.4.arm1": "offer"}),
        assumptions=assumptions,
    )


ARM = {"leads": 900.0, "sql": 90.0, "sql_rate": 0.1, "cost": 450.0, "cost_per_sql": 5.0}
HELD = {"leads": 100.0, "sql": 5.0, "sql_rate": 0.05, "cost": 10.0, "cost_per_sql": 2.0}


def _arms() -> dict[str, Stat]:
    stats = {f"arm.drip.nurtured.{k}": s(v) for k, v in ARM.items()}
    stats |= {f"arm.drip.holdout.{k}": s(v) for k, v in HELD.items()}
    stats["arm.drip.difference.sql_rate"] = s(0.05, 0.02, 0.08)
    stats["ratio.drip.sql_rate"] = s(2.0, 1.5, 2.6)
    stats["ratio.drip.cost_per_sql"] = s(2.5)
    stats["arm.drip.4.1.leads"] = s(450.0)
    stats["persona.smb.co.leads"] = s(600.0)  # a persona's name may hold a dot
    stats["persona.smb.co.conversion_rate"] = s(0.02)
    stats["contacts.2-3.share"] = s(0.4)
    stats["contacts.2-3.leads"] = s(400.0)
    stats["customers.were_sql"] = s(0.8)
    stats["calls.refused"] = s(7.0)
    return stats


def test_holdout_arms_and_the_seeds_ratios_are_read_from_their_names():
    f = _made(_arms())
    (name,) = f.arms
    arms = f.arms[name]
    assert name == "drip"
    assert (arms.nurtured.leads.mean, arms.nurtured.sql_rate.mean) == (900.0, 0.1)
    assert (arms.holdout.sql.mean, arms.holdout.cost_per_sql.mean) == (5.0, 2.0)
    assert arms.difference["sql_rate"] == s(0.05, 0.02, 0.08)
    assert arms.ratios.sql_rate == s(2.0, 1.5, 2.6)
    assert arms.ratios.deal_size == Stat.MISSING  # not measured: no figure, not 0
    (split,) = f.split_arms
    assert (split.sequence, split.split, split.arm, split.figures.leads.mean) == (
        "drip",
        4,
        1,
        450.0,
    )


def test_personas_contacts_funnel_path_and_calls():
    f = _made(_arms())
    assert list(f.personas) == ["smb.co"]
    assert f.personas["smb.co"].conversion_rate.mean == 0.02
    buckets = {b.label: b for b in f.contacts}
    assert list(buckets) == ["0", "1", "2-3", "4-5", "6-10", "11+"]
    assert (buckets["2-3"].share.mean, buckets["2-3"].figures.leads.mean) == (0.4, 400.0)
    assert buckets["0"].share == Stat.MISSING
    assert f.funnel_path.were_sql.mean == 0.8
    assert f.calls.refused.mean == 7.0


def test_the_report_shows_the_arms_the_ratios_and_what_the_headline_rests_on():
    f = _made(_arms(), assumptions=("80% of customers come from sales tasks (close_rate = 0.6).",))
    text = render_forecast(f)
    lines = text.splitlines()
    assert "Nurtured against holdout: drip   (rates: share of the arm's leads)" in lines
    assert any(line.startswith("  nurtured                 900") for line in lines)
    assert "    SQL rate                                +5.0 pts  [+2.0 pts – +8.0 pts]" in lines
    assert any(
        line.startswith("    sales-ready leads (SQL per lead)        2.00x  [1.50x – 2.60x]")
        and line.endswith("claimed 1.50x")
        for line in lines
    )
    assert "What the headline rests on" in lines
    assert "  80% of customers come from sales tasks (close_rate = 0.6)." in lines


def test_assumptions_name_each_path_with_its_knob_and_source():
    prog = program("content offer email\nsequence s:\n  enter on created\n  send offer\n")
    sc = scenario(prog, behaviour={"conversion_per_day": 0.01})
    stats = {
        "customers": {"mean": 100.0},
        "customers.by.background": {"mean": 31.0},
        "customers.by.click": {"mean": 69.0},
    }
    lines = headline(prog, sc, stats, derived=False)
    assert lines[0] == (
        "31% of customers come from buying without a visit or a click (conversion_per_day = "
        "0.01, set in the scenario)."
    )
    assert lines[1] == (
        "69% of customers come from clicks on touches (click.email = 0.068: Hillstrom e-mail "
        "test: e-mailed 16.70% visited vs 10.62%: 6.8% came for the e-mail; "
        "conversion_per_visit = 0.186: Hillstrom e-mail test: 5.11% of visits bought (no "
        "e-mail), at mean readiness 0.275)."
    )
    assert lines[2].startswith("Revenue rests on the default deal value, lognormal with median")
    assert "an assumption for any other market" in lines[2]
    assert lines[3].startswith("Assumed defaults in force: open.email = 0.2; ")
    assert "fatigue_half_life_days = 14" in lines[3]
    assert "task_answer" not in lines[3]  # the file makes no sales task


def test_a_forecast_without_a_scenario_says_its_population_and_deal_sizes_are_assumed():
    prog = load_program(RULES)
    sc = prepare(prog, None, Overrides(leads=200, days=30, runs=1))
    result = forecast(prog, sc, None, workers=1)
    said = " ".join(result.assumptions)
    assert "The population is derived from the lead: block" in said
    assert "Revenue rests on the default deal value" in said
    assert json.loads(json.dumps(result.to_dict()))["assumptions"] == list(result.assumptions)


def test_a_comparison_shows_each_arm_persona_and_contacts_bucket():
    prog = load_program(RULES)
    sc = prepare(prog, SCENARIO, Overrides(leads=300, days=30, runs=2))
    result = compare([prog, prog], [sc, sc], SCENARIO, workers=1)
    text = render_comparison(result)
    assert "  trial_onboarding: nurtured against holdout" in text
    assert "    nurtured: SQL rate" in text and "    holdout: conversion" in text
    assert "  by persona: conversion rate" in text
    assert "    smb_trial" in text
    assert "  by contacts received: share of leads" in text
    # the same file twice: every paired difference is exactly 0
    pair = result.pairs[0]
    assert pair.personas["smb_trial"].conversion_rate.mean == 0
    assert all(b.share.mean in (0, None) for b in pair.contacts)
