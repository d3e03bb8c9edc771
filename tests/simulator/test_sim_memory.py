"""A run makes no reference cycles, so running with the cyclic garbage collector off (as
`Model.run` does, see dsl/collector.py) cannot grow memory."""

from __future__ import annotations

import gc
from pathlib import Path

from dsl import load_program
from simulator import Overrides, apply
from simulator.loader import load_scenario
from simulator.model import Model
from simulator.population import generate
from simulator.replications import engine_seed
from simulator.streams import Streams

RULES = Path(__file__).resolve().parents[2] / "rules"


def _model(leads: int) -> Model:
    program = load_program(str(RULES / "b2b_saas_trial.nurture"))
    scenario = apply(
        load_scenario(str(RULES / "b2b_saas_trial.scenario.toml"), program),
        Overrides(leads=leads, days=30, runs=1),
    )
    streams = Streams(scenario.run.seed, 0)
    return Model(
        program,
        scenario,
        generate(scenario, leads, streams),
        streams,
        engine_seed(scenario.run.seed, 0),
    )


def _garbage_after_run(leads: int) -> int:
    model = _model(leads)
    gc.collect()
    assert gc.isenabled()
    result = model.run()
    assert gc.isenabled()  # switched back on after the run
    assert result["scalars"]["sql"] > 0 and result["scalars"]["touches"] > 0
    return gc.collect()


def test_a_run_leaves_no_cyclic_garbage_per_lead_and_restores_the_collector() -> None:
    # every kind of event, sales tasks and their interrupts included; the first run in a process
    # leaves a few dozen objects of library helpers initialised once, so that one is a warm-up
    _garbage_after_run(300)
    assert _garbage_after_run(1500) == 0


def test_a_run_leaves_the_collector_off_when_it_was_off() -> None:
    model = _model(50)
    gc.disable()
    try:
        model.run()
        assert not gc.isenabled()
    finally:
        gc.enable()
