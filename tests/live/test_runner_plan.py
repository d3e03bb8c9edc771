"""The runner's timeline: time order, input order at one instant, leads first, late events."""

from __future__ import annotations

from live.inputs import EventRow, LeadRow
from live.plan import make_plan


def ev(eid: str, lead: str, at: float) -> EventRow:
    return EventRow(eid, lead, "opened", at, {}, 1)


def lead(lid: str, created: float | None) -> LeadRow:
    return LeadRow(lid, created, {}, 1)


def order(plan: object) -> list[str]:
    return [(i.lead.id if i.lead else i.event.id) for i in plan.items]  # type: ignore[attr-defined]


def test_time_order_then_input_order_and_leads_first() -> None:
    plan = make_plan(
        [lead("L1", 10.0), lead("L2", None)],
        [ev("b", "L1", 20.0), ev("a", "L1", 10.0), ev("c", "L2", 20.0)],
        None,
        None,
    )
    assert order(plan) == ["L1", "a", "L2", "b", "c"]  # L2 comes in at its first event
    assert [i.time for i in plan.items] == [10.0, 10.0, 20.0, 20.0, 20.0]
    assert plan.until == 20.0


def test_events_after_until_are_left_for_later() -> None:
    plan = make_plan([lead("L1", 0.0)], [ev("a", "L1", 5.0), ev("b", "L1", 50.0)], None, 10.0)
    assert order(plan) == ["L1", "a"]
    assert plan.after_until == 1


def test_an_event_older_than_the_clock_is_late_and_applied_at_the_clock() -> None:
    plan = make_plan([], [ev("old", "L1", 5.0), ev("new", "L1", 150.0)], 100.0, None)
    assert [(i.event.id, i.time, i.late) for i in plan.items] == [  # type: ignore[union-attr]
        ("old", 100.0, True),
        ("new", 150.0, False),
    ]
    assert plan.late == 1


def test_a_lead_with_no_time_comes_in_at_the_start() -> None:
    plan = make_plan([lead("L1", None)], [ev("a", "L2", 30.0)], 25.0, None)
    assert [(i.time, bool(i.lead)) for i in plan.items] == [(25.0, True), (30.0, False)]
