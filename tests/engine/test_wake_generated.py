"""The generated wake of a program gives the very instant `timecross.next_wake` gives."""

from __future__ import annotations

from pathlib import Path

from enginekit import DAY, HOUR, T0, program

import dsl
from engine import Engine, Event, Lead
from engine.compiler.timecross import next_wake

RULES = Path(__file__).resolve().parents[2] / "rules"

BODY = """score e:
  +5 on clicked
  -30 on opened
  decay 10% every 7d
segment quiet: days_since(clicked) > 3 and count(opened, 2d) < 2
stage b when e >= 4 or 2 * days_since(opened) > 5
mql when e < -10
sequence s:
  enter when quiet
  exit when count(clicked, 1d) >= 2
  send x
  wait until clicked or 2d
  send y
"""


def _same(eng: Engine, times: list[float]) -> int:
    n = 0
    for L in eng.leads.values():
        for cp, P in zip(eng.progs, L.progs, strict=True):
            for t in times:
                assert cp.wake_fn(L, P, t) == next_wake(cp, L, P, cp.time_sources, t)
                n += 1
    return n


def _drive(eng: Engine, types: list[str]) -> list[float]:
    times = []
    for i in range(12):
        t = T0 + i * 7 * HOUR
        eng.add_lead(Lead(f"L{i}", t, {"size": i * 50, "company_size": i * 90}), t)
        for k, typ in enumerate(types):
            at = t + (k + 1) * (i + 1) * 5 * HOUR
            eng.ingest(Event(f"e{i}.{k}", f"L{i}", typ, at, {"content": "x"}), at)
        times += [t, t + 3 * DAY + 0.5, t + 40 * DAY]
    return times


def test_an_inline_program_with_every_kind_of_time_source() -> None:
    eng = Engine([program(BODY)], trace=False)
    assert {s[0] for s in eng.progs[0].time_sources} >= {"days", "count", "score", "root"}
    assert _same(eng, _drive(eng, ["opened", "clicked", "opened", "clicked"])) > 0


def test_the_playbooks_in_rules() -> None:
    for path in sorted(RULES.glob("*.nurture")):
        eng = Engine([dsl.load_program(str(path))], trace=False)
        assert _same(eng, _drive(eng, ["visited", "opened", "clicked", "signed_up"])) > 0
