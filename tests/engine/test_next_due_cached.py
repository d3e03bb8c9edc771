"""next_due answers again without looking while nothing decides it changed, and sees every change
that kills a queued timer without queueing another (an exit, a wait until that holds)."""

from __future__ import annotations

from enginekit import DAY, HOUR, T0, program

from engine import Engine, Event, Lead

EXIT = "sequence s:\n  enter on signed_up\n  exit when customer\n  send x\n  wait 1d\n  send y\n"
UNTIL = "sequence s:\n  enter on signed_up\n  send x\n  wait until clicked or 2d\n"


def _enrolled(body: str) -> Engine:
    eng = Engine([program(body)], trace=False)
    eng.add_lead(Lead("L1", T0, {}), T0)
    eng.ingest(Event("e1", "L1", "signed_up", T0, {}), T0)
    return eng


def test_an_exit_by_event_removes_the_wait_from_next_due() -> None:
    eng = _enrolled(EXIT)
    assert eng.next_due() == T0 + DAY
    assert eng.next_due() == T0 + DAY
    eng.ingest(Event("e2", "L1", "opened", T0 + HOUR, {}), T0 + HOUR)  # changes nothing
    assert eng.next_due() == T0 + DAY
    eng.ingest(Event("e3", "L1", "converted", T0 + 2 * HOUR, {}), T0 + 2 * HOUR)
    assert eng.next_due() is None


def test_a_wait_until_that_holds_removes_its_timeout_from_next_due() -> None:
    eng = _enrolled(UNTIL)
    assert eng.next_due() == T0 + 2 * DAY
    acts = eng.ingest(Event("e2", "L1", "clicked", T0 + HOUR, {}), T0 + HOUR)
    assert [a.action for a in acts] == ["exited"]
    assert eng.next_due() is None
