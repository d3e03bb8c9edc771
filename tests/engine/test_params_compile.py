"""Compiling rules whose params changed: a program is compiled with the values in force as its
constants, and programs whose generated code is the same (a param that is a wait, a holdout, a
limit) share its bytecode, each with a namespace of its own."""

from __future__ import annotations

import pickle

from enginekit import DAY, HEAD, T0

from dsl import Rules
from engine import Engine, Event, Lead, compile_count

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


def _sends(engine: Engine, lead: str) -> list[tuple[str, float]]:
    out = engine.add_lead(Lead(lead, T0, {}), T0)
    out += engine.ingest(Event(f"e{lead}", lead, "signed_up", T0, {}), T0)
    out += engine.advance(T0 + 5 * DAY)
    return [(a.content, (a.at - T0) / DAY) for a in out if a.action == "send"]


def test_engines_of_equal_programs_share_one_compiled_program() -> None:
    rules = Rules(HEAD + BODY, "shared.nurture")  # a path no other test compiles
    before = compile_count()
    first = Engine([rules.program({"gap": "2d"})])
    # a program equal to it, made again (as a worker unpickles the next task of a sweep's point)
    again = Engine([pickle.loads(pickle.dumps(rules.program({"gap": "2d"})))])
    assert compile_count() - before == 1
    assert again.progs[0] is first.progs[0]
    other = Engine([rules.program({"gap": "3d"})])  # other values: another program
    assert compile_count() - before == 2
    assert other.progs[0] is not first.progs[0]
    # the same rules as its second program: compiled for that place
    Engine([rules.program(), rules.program({"gap": "2d"})])
    assert compile_count() - before == 4


def test_engines_sharing_a_compiled_program_keep_their_own_leads() -> None:
    rules = Rules(HEAD + BODY, "shared_leads.nurture")
    one, two = Engine([rules.program()]), Engine([rules.program()])
    assert _sends(one, "A") == [("x", 0.0), ("y", 1.0)]
    assert _sends(two, "B") == [("x", 0.0), ("y", 1.0)]
    assert (one.lead_ids(), two.lead_ids()) == (["A"], ["B"])
