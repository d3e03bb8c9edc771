"""Compiling rules whose params changed: a program is compiled with the values in force as its
constants, and programs whose generated code is the same (a param that is a wait, a holdout, a
limit) share its bytecode, each with a namespace of its own."""

from __future__ import annotations

from enginekit import DAY, HEAD, T0

from dsl import Rules
from engine import Engine, Event, Lead

BODY = """param mql_at = 20
param gap = 1d
score s:
  +10 on clicked
mql when s >= mql_at
sequence q:
  enter on signed_up
  send x
  wait gap
  send y
"""


def compiled(engine: Engine) -> object:
    return engine.progs[0].round_fn.__code__


def test_a_wait_param_shares_bytecode_and_a_threshold_does_not() -> None:
    rules = Rules(HEAD + BODY, "p.nurture")
    base = Engine([rules.program()])
    longer = Engine([rules.program({"gap": "3d"})])
    higher = Engine([rules.program({"mql_at": "30"})])
    assert compiled(longer) is compiled(base)
    assert compiled(higher) is not compiled(base)
    assert base.progs[0].mb.globals is not longer.progs[0].mb.globals


def test_each_engine_acts_with_its_own_values() -> None:
    rules = Rules(HEAD + BODY, "p.nurture")
    sends = {}
    for gap in ("1d", "3d"):
        engine = Engine([rules.program({"gap": gap})])
        engine.add_lead(Lead("L1", T0, {}), T0)
        out = engine.ingest(Event("e1", "L1", "signed_up", T0, {}), T0)
        out += engine.advance(T0 + 5 * DAY)
        sends[gap] = [(a.at - T0) / DAY for a in out if a.action == "send"]
    assert sends == {"1d": [0.0, 1.0], "3d": [0.0, 3.0]}
