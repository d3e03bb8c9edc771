"""Small programs and scenarios for the simulator tests (hundreds of leads, short horizons)."""

from __future__ import annotations

from dsl import compile_source
from dsl.ir import Program
from simulator.loader import complete
from simulator.replications import run_one
from simulator.scenario import Scenario

HEADER = """campaign "test"
stages cold, warm
lead:
  kind: one of "a", "b"
"""


def program(body: str, header: str = HEADER) -> Program:
    return compile_source(header + body, "test.nurture")


def scenario(program: Program, **sections: dict) -> Scenario:
    """A scenario from plain dicts (as TOML would give), completed against the program."""
    return complete(Scenario.model_validate(sections), program)


def run(program: Program, scenario: Scenario, run_no: int = 0) -> dict[str, float]:
    """One replication's flat numbers."""
    return run_one(program, scenario, run_no)["scalars"]
