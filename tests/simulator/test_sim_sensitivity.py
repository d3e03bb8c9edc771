"""Sensitivity's knobs and size: a knob that cannot move anything is not varied (each costs
two points of every run), and a big scenario runs on at most 1,000 leads unless told."""

from __future__ import annotations

from dsl import load_program
from simulator.api import Overrides, prepare
from simulator.sensitivity import knobs, sized

RULES = "rules/validation/recovery.nurture"
TRUTH = "rules/validation/recovery.scenario.toml"


def test_a_global_knob_every_persona_overrides_and_stage_relevance_are_not_varied() -> None:
    program = load_program(RULES)
    paths = [k.path for k in knobs(program, prepare(program, TRUTH, Overrides()))]
    # both personas set these four: the global value acts on no lead
    for knob in ("conversion_per_visit", "readiness_gain_click", "task_refuse", "task_answer"):
        assert f"behaviour.{knob}" not in paths
        assert f"personas.ads.behaviour.{knob}" in paths
    # no content of recovery.nurture has a stage
    assert "behaviour.relevance_bonus" not in paths
    assert "behaviour.irrelevance_factor" not in paths
    # no persona sets these: varied, at +-20%
    assert "behaviour.task_fatigue" in paths and "behaviour.fatigue_per_touch" in paths
    # 6 global knobs with a value (fatigue free, per touch, half-life, unsubscribe fatigue,
    # a reply's gain, task fatigue), 5 e-mail rates, 4 sales knobs, and per persona its
    # visits, 4 behaviour overrides and readiness (2 x 6)
    assert len(paths) == 6 + 5 + 4 + 12


def test_a_big_scenario_is_scaled_down_to_1000_leads_unless_the_leads_are_given() -> None:
    program = load_program(RULES)
    scenario = prepare(program, TRUTH, Overrides())
    small, note = sized(scenario, leads_given=False)
    assert small.population.leads == 1000
    assert note == "the scenario's 3,000 leads scaled down to 1,000: --leads 3000 for all"
    assert sized(scenario, leads_given=True) == (scenario, "")
    few = prepare(program, TRUTH, Overrides(leads=800))
    assert sized(few, leads_given=False) == (few, "")
