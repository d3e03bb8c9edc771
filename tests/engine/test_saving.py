"""The engine's public calls for savers of state and for the simulator's sample: a per-lead
trace switch, the trail from an entry on, the layout of a snapshot, and migrating a lead saved
under other rules."""

from __future__ import annotations

import json

from enginekit import DAY, HOUR, T0, Run, program

from engine import Action, Engine, Lead, TraceEntry

SEQ = """score s:
  +5 on clicked
stage b when s >= 5
sequence welcome:
  enter on signed_up
  send x
  wait 1d
  send y
"""


def test_each_lead_can_keep_or_skip_its_trail_whatever_the_engine_default() -> None:
    eng = Engine([program(SEQ)], trace=False)
    eng.add_lead(Lead("kept", T0, {}), T0, trace=True)
    eng.add_lead(Lead("plain", T0, {}), T0)
    eng.add_lead(Lead("skipped", T0, {}), T0, trace=False)
    assert eng.explain("kept").entries == [TraceEntry(T0, "created", "lead created", None)]
    assert eng.explain("plain").entries == []
    assert eng.explain("skipped").entries == []
    on = Engine([program(SEQ)], trace=True)
    on.add_lead(Lead("skipped", T0, {}), T0, trace=False)
    assert on.explain("skipped").entries == []


def test_trail_gives_the_entries_from_one_on() -> None:
    run = Run(SEQ).lead("L1").event("L1", "clicked", T0 + HOUR)
    assert run.engine.trail("L1", 1) == [
        TraceEntry(T0 + HOUR, "event", "clicked", None),
        TraceEntry(T0 + HOUR, "points", "+5 s on clicked", "t.nurture:12"),
        TraceEntry(T0 + HOUR, "stage", "stage a -> b", "t.nurture:13"),
    ]
    assert run.engine.trail("L1", 4) == []
    assert Run(SEQ, trace=False).lead("L2").engine.trail("L2") == []


def test_layout_says_what_each_position_of_a_snapshot_means() -> None:
    eng = Engine([program(SEQ)])
    assert eng.layout() == [
        {
            "path": "t.nurture",
            "campaign": "test",
            "blocks": ["s"],
            "stages": ["a", "b", "c"],
            "handoffs": 0,
            "sequences": [
                {
                    "name": "welcome",
                    "rule": "t.nurture:14",
                    "steps": [
                        [
                            "send",
                            1,
                            {
                                "content": "x",
                                "channel": "email",
                                "arm": None,
                                "rule": "t.nurture:16",
                            },
                        ],
                        ["wait", 2],
                        [
                            "send",
                            3,
                            {
                                "content": "y",
                                "channel": "email",
                                "arm": None,
                                "rule": "t.nurture:18",
                            },
                        ],
                    ],
                }
            ],
        }
    ]


def test_migrate_keeps_an_enrolment_at_the_same_step_and_evaluates_the_lead_again() -> None:
    old = Run(SEQ).lead("L1").event("L1", "signed_up", T0 + HOUR)
    saved = json.loads(json.dumps(old.engine.snapshot("L1")))
    # the new rules: the same sequence, a stage rule that the lead's 0 points now meet
    new = Engine([program(SEQ.replace("stage b when s >= 5", "stage b when s >= 0"))])
    actions = new.migrate(saved, old.engine.layout(), T0 + 2 * HOUR)
    assert actions == []  # still waiting at step 2 (wait 1d): nothing to do yet
    assert new.view("L1", T0 + 2 * HOUR).stage == "b"
    rest = new.advance(T0 + HOUR + DAY)
    assert [(a.action, a.content, a.step) for a in rest] == [
        ("send", "y", 3),
        ("exited", None, None),
    ]


def test_migrate_exits_a_lead_from_a_sequence_that_is_gone() -> None:
    old = Run(SEQ).lead("L1").event("L1", "signed_up", T0 + HOUR)
    saved = old.engine.snapshot("L1")
    new = Engine([program(SEQ.replace("sequence welcome:", "sequence other:"))])
    actions = new.migrate(saved, old.engine.layout(), T0 + 2 * HOUR)
    assert actions == [
        Action(
            "L1",
            T0 + 2 * HOUR,
            "exited",
            sequence="welcome",
            reason="rules changed",
            rule="t.nurture:14",
        )
    ]
    # the exit in its trail, then the evaluation under the new rules (`other` enrols on a
    # sign-up, which does not come again)
    assert new.explain("L1").entries[-2:] == [
        TraceEntry(T0 + 2 * HOUR, "exited", "left welcome (rules changed)", "t.nurture:14"),
        TraceEntry(T0 + 2 * HOUR, "updated", "lead attributes updated", None),
    ]
