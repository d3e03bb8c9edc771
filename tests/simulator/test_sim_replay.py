"""The simulator produces exactly the actions the engine produces for the same leads and events.

A small replication is recorded (every lead and synthetic event, in the order the simulator fed
them), then fed through a fresh Engine in time order, with `advance()` up to each instant between
them and to the end of the horizon. The two action lists must be identical, field by field.
"""

from __future__ import annotations

from dsl import load_program
from engine import Engine, Lead
from simulator import Overrides, apply
from simulator.loader import load_scenario
from simulator.model import Model
from simulator.population import generate
from simulator.replications import engine_seed
from simulator.streams import Streams


def _record(rules: str, scenario_path: str, leads: int, days: float):
    program = load_program(rules)
    scenario = apply(load_scenario(scenario_path, program), Overrides(leads=leads, days=days))
    streams = Streams(scenario.run.seed, 0)
    population = generate(scenario, leads, streams)
    model = Model(program, scenario, population, streams, engine_seed(0, 0), record=True)
    model.run()
    return program, model


def _replay(program, model) -> list:
    engine = Engine([program], seed=engine_seed(0, 0), trace=False)
    out = []
    for item in model.log:
        t = item.created_at if isinstance(item, Lead) else item.at
        while (due := engine.next_due()) is not None and due < t:
            out += engine.advance(due)
        out += engine.add_lead(item, t) if isinstance(item, Lead) else engine.ingest(item, t)
    while (due := engine.next_due()) is not None and due <= model.end:
        out += engine.advance(due)
    return out


def test_b2b_replay_gives_the_same_actions():
    program, model = _record(
        "rules/b2b_saas_trial.nurture", "rules/b2b_saas_trial.scenario.toml", 200, 45
    )
    assert len(model.actions) > 200  # a real run: sends, tasks, exits...
    assert any(a.action == "task" for a in model.actions)
    replayed = _replay(program, model)
    assert [a.to_dict() for a in replayed] == [a.to_dict() for a in model.actions]
    assert [a.at for a in replayed] == [a.at for a in model.actions]


def test_b2c_replay_with_quiet_hours_and_timezones():
    program, model = _record(
        "rules/b2c_browse_abandon.nurture", "rules/b2c_browse_abandon.scenario.toml", 150, 14
    )
    assert any(a.action == "send" for a in model.actions)
    replayed = _replay(program, model)
    assert [(a.to_dict(), a.at) for a in replayed] == [(a.to_dict(), a.at) for a in model.actions]
