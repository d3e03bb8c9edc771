"""The explain trail: kept for a sample of leads; any other lead's is rebuilt by a re-run."""

from __future__ import annotations

from dsl import load_program
from simulator import Overrides, apply, forecast, lead_timeline
from simulator.loader import load_scenario
from simulator.model import trace_sample


def _setup(sample: int):
    program = load_program("rules/b2b_saas_trial.nurture")
    scenario = apply(
        load_scenario("rules/b2b_saas_trial.scenario.toml", program),
        Overrides(leads=100, days=20, runs=1),
    )
    run = scenario.run.model_copy(update={"trace_sample": sample})
    return program, scenario.model_copy(update={"run": run})


def test_sample_is_evenly_spread_and_of_the_asked_size():
    assert trace_sample(100, 10) == {0, 10, 20, 30, 40, 50, 60, 70, 80, 90}
    assert trace_sample(5, 1000) == {0, 1, 2, 3, 4}
    assert trace_sample(100, 0) == set()


def test_only_the_sample_keeps_a_trail():
    program, scenario = _setup(sample=10)
    result = forecast(program, scenario, None, 1, traces=True)
    assert sorted(result.traces, key=lambda x: int(x[1:])) == [f"L{i}" for i in range(1, 101, 10)]
    assert all(entries for entries in result.traces.values())  # each has its "created"


def test_a_rerun_rebuilds_the_same_trail_for_any_lead():
    program, scenario = _setup(sample=10)
    sampled = forecast(program, scenario, None, 1, traces=True).traces["L11"]
    rebuilt, events = lead_timeline(program, scenario, 0, "L11")
    assert [e.to_dict() for e in rebuilt.entries] == sampled
    assert all(e.lead == "L11" for e in events)
    other, _ = lead_timeline(program, scenario, 0, "L12")  # not in the sample
    assert other.entries[0].kind == "created"
