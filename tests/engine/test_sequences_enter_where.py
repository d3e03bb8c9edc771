"""`enter on EVENT where COND`: only an event whose properties meet COND enrols (text compared
ignoring case and spaces, a missing property false), in a one-program engine (generated event
functions) and a two-program one (the general path)."""

from __future__ import annotations

from enginekit import T0, Run, program

from engine import Engine, Event, Lead

BODY = 'sequence s:\n  enter on submitted where form == "webinar"\n  send x\n'


def test_only_a_matching_event_enrols() -> None:
    run = Run(BODY).lead("L1").lead("L2").lead("L3")
    run.event("L1", "submitted", T0 + 60, form="contact")
    run.event("L2", "submitted", T0 + 60, form=" Webinar ")
    run.event("L3", "submitted", T0 + 60)  # no form: missing, so false
    assert [(r["lead"], r["action"]) for r in run.rows()] == [
        ("L2", "enrolled"),
        ("L2", "send"),
        ("L2", "exited"),
    ]


def test_a_later_matching_event_enrols_a_lead_an_earlier_one_did_not() -> None:
    run = Run(BODY).lead("L1")
    run.event("L1", "submitted", T0 + 60, form="contact")
    run.event("L1", "submitted", T0 + 120, form="webinar")
    assert [r["action"] for r in run.rows()] == ["enrolled", "send", "exited"]


def test_two_programs_decide_alike() -> None:
    engine = Engine([program(BODY, path="a.nurture"), program(BODY, path="b.nurture")])
    engine.add_lead(Lead("L1", T0, {}), T0)
    assert engine.ingest(Event("e1", "L1", "submitted", T0 + 1, {"form": "contact"}), T0 + 1) == []
    acts = engine.ingest(Event("e2", "L1", "submitted", T0 + 2, {"form": "webinar"}), T0 + 2)
    assert [(a.program, a.action) for a in acts] == [
        ("a.nurture", "enrolled"),
        ("a.nurture", "send"),
        ("a.nurture", "exited"),
        ("b.nurture", "enrolled"),
        ("b.nurture", "send"),
        ("b.nurture", "exited"),
    ]
