"""A lead's wake that moves later (engagement pushes a days_since bound back): next_due and
advance see only the later instant."""

from __future__ import annotations

from enginekit import DAY, T0, program

from engine import Engine, Event, Lead

BODY = (
    "policy:\n  sunset when days_since(last_engagement) > 30\n"
    "sequence s:\n  enter on clicked\n  send x\n  wait 1d\n  send y\n"
)


def _engine() -> Engine:
    eng = Engine([program(BODY)], trace=False)
    eng.add_lead(Lead("L1", T0, {}), T0)
    assert eng.next_due() == T0 + 30 * DAY  # 30 days after creation (checked, then +1 ms)
    eng.ingest(Event("e1", "L1", "clicked", T0 + 10 * DAY, {}), T0 + 10 * DAY)  # enrols
    return eng


def test_next_due_skips_the_wake_that_moved_later() -> None:
    eng = _engine()
    assert eng.next_due() == T0 + 11 * DAY  # the sequence's wait
    assert [a.action for a in eng.advance(T0 + 11 * DAY)] == ["send", "exited"]
    assert eng.next_due() == T0 + 40 * DAY  # 30 days after the click, not after creation


def test_the_sunset_comes_after_the_later_wake_only() -> None:
    eng = _engine()
    assert [a.action for a in eng.advance(T0 + 35 * DAY)] == ["send", "exited"]
    acts = eng.advance(T0 + 41 * DAY)
    assert [(a.action, a.at) for a in acts] == [("sunset", T0 + 40 * DAY + 0.001)]
