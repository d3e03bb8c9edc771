"""Same seed -> identical JSON, whatever the number of worker processes; other seeds differ."""

from __future__ import annotations

import json

from dsl import load_program
from simulator import Overrides, apply, forecast
from simulator.loader import load_scenario

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def _forecast(seed: int, workers: int) -> str:
    program = load_program(RULES)
    scenario = apply(
        load_scenario(SCENARIO, program), Overrides(leads=150, days=30, runs=2, seed=seed)
    )
    return json.dumps(forecast(program, scenario, SCENARIO, workers).to_dict(), sort_keys=True)


def test_same_seed_same_json():
    assert _forecast(7, 1) == _forecast(7, 1)


def test_one_worker_equals_two_workers():
    assert _forecast(3, 1) == _forecast(3, 2)


def test_different_seeds_differ():
    a = json.loads(_forecast(1, 1))["forecast"]["scalars"]
    b = json.loads(_forecast(2, 1))["forecast"]["scalars"]
    assert a["touches"]["mean"] != b["touches"]["mean"] or a["opens"] != b["opens"]
