"""DSL.md "Order at one instant": events first, then timers by due time, sequence order in the
file and lead id; within each, points, fit, stages, flags, handoff, exits, enrolments, steps."""

from __future__ import annotations

from enginekit import DAY, T0, Run


def test_phases_of_one_event_come_in_order() -> None:
    body = (
        "score e:\n  +50 on demo_requested\n"
        "stage c when e >= 50\n"
        "mql when e >= 10\nsql when stage == c\n"
        "handoff when sql:\n  send call within 1d\n"
        "sequence early:\n  enter on created\n  exit when mql\n  send x\n  wait 5d\n"
        "sequence late:\n  enter when sql\n  send y\n"
    )
    run = Run(body).lead("L1").event("L1", "demo_requested", T0 + 60)
    assert [(r["action"], r.get("content") or r.get("sequence")) for r in run.rows()] == [
        ("enrolled", "early"),
        ("send", "x"),  # at creation
        ("mql", None),
        ("sql", None),
        ("handoff", None),
        ("task", "call"),
        ("exited", "early"),
        ("enrolled", "late"),
        ("send", "y"),
        ("exited", "late"),
    ]
    stages = [e for e in run.engine.explain("L1").entries if e.kind in ("points", "stage")]
    assert [e.kind for e in stages] == ["points", "stage"]


def test_timers_at_one_instant_run_by_sequence_order_then_lead_id() -> None:
    body = (
        "sequence first:\n  enter on signed_up\n  wait 1d\n  send x\n"
        "sequence second:\n  enter on signed_up\n  wait 1d\n  send y\n"
    )
    run = Run(body).lead("L2").lead("L1")
    run.event("L2", "signed_up", T0).event("L1", "signed_up", T0).through(T0 + DAY)
    assert [(r["lead"], r["content"]) for r in run.rows("send")] == [
        ("L1", "x"),
        ("L2", "x"),
        ("L1", "y"),
        ("L2", "y"),
    ]


def test_timers_at_one_instant_run_by_original_due_time_first() -> None:
    # L2's send fell due earlier (postponed by quiet hours since 21:00), L1's at 07:00: both go
    # at 08:00, L2 first although L1 sorts first by id.
    from enginekit import ts

    body = "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n  send x\n"
    run = Run(body).lead("L1", ts("2026-01-05T20:30:00Z")).lead("L2", ts("2026-01-05T20:30:00Z"))
    run.event("L2", "signed_up", ts("2026-01-05T21:00:00Z"))
    run.event("L1", "signed_up", ts("2026-01-06T07:00:00Z"))
    run.through(ts("2026-01-06T09:00:00Z"))
    assert [(r["lead"], r["at"]) for r in run.rows("send")] == [
        ("L2", "2026-01-06T08:00:00Z"),
        ("L1", "2026-01-06T08:00:00Z"),
    ]


def test_events_at_an_instant_come_before_timers_due_then() -> None:
    body = "sequence s:\n  enter on signed_up\n  exit when customer\n  wait 1d\n  send x\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "converted", T0 + DAY, value=1).through(T0 + DAY)
    assert run.sends() == []
    assert run.rows("exited")[0]["reason"] == "exit when"


def test_next_due_reports_the_earliest_timer() -> None:
    run = Run("sequence s:\n  enter on signed_up\n  send x\n  wait 2d\n  send y\n").lead("L1")
    run.event("L1", "signed_up", T0)
    assert run.engine.next_due() == T0 + 2 * DAY
    run.through(T0 + 2 * DAY)
    assert run.engine.next_due() is None
