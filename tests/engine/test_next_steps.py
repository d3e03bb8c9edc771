"""`Engine.next_steps`: what is due next for a lead in each sequence, and when; or why nothing is
(issue 11, item 8)."""

from __future__ import annotations

from enginekit import DAY, HOUR, T0, Run, ts

from engine import NextStep

SEQS = """
sequence w:
  for size > 10
  enter on signed_up
  exit when count(clicked, 30d) >= 1
  send x
  wait 2d
  wait until opened or 3d
  send y when size > 100

sequence once:
  enter when size > 50
  send z
"""  # `sequence w:` is line 12, its `wait until` line 18, `sequence once:` line 21

NOT_ONCE = NextStep(
    "once", None, None, "not enrolled: enters when size > 50 turns true", "t.nurture:21"
)


def test_a_wait_names_the_step_after_it_and_when() -> None:
    run = Run(SEQS).lead("L", size=20).event("L", "signed_up", T0 + HOUR)
    assert run.engine.next_steps("L", T0 + 2 * HOUR) == [
        NextStep("w", T0 + HOUR + 2 * DAY, 3, "step 3: wait until opened or 3d", "t.nurture:18"),
        NOT_ONCE,
    ]


def test_a_wait_until_says_its_condition_and_its_timeout() -> None:
    run = Run(SEQS).lead("L", size=20).event("L", "signed_up", T0 + HOUR)
    run.through(T0 + HOUR + 2 * DAY)
    assert run.engine.next_steps("L", T0 + 3 * DAY)[0] == NextStep(
        "w",
        T0 + HOUR + 5 * DAY,
        3,
        "step 3: waiting until opened; goes on at the latest",
        "t.nurture:18",
    )
    run.event("L", "opened", T0 + 3 * DAY)  # the wait is over: step 4 skipped (size 20), done
    assert run.engine.next_steps("L", T0 + 3 * DAY)[0] == NextStep(
        "w",
        None,
        None,
        "not enrolled: went through it (left 2026-01-08T10:00:00Z), once (no reenter)",
        "t.nurture:12",
    )


def test_why_nothing_is_due_before_entering() -> None:
    run = Run(SEQS).lead("L", size=5)
    assert run.engine.next_steps("L", T0) == [
        NextStep(
            "w", None, None, "not enrolled: enters on signed_up (for size > 10)", "t.nurture:12"
        ),
        NOT_ONCE,
    ]


def test_a_sequence_gone_through_without_reenter() -> None:
    run = Run(SEQS).lead("L", size=60)  # `once` enrols on arrival, sends z, completes
    assert run.engine.next_steps("L", T0)[1] == NextStep(
        "once",
        None,
        None,
        "not enrolled: went through it (left 2026-01-05T10:00:00Z), once (no reenter)",
        "t.nurture:21",
    )


REENTER = """
sequence r:
  enter on signed_up
  reenter after 10d
  send x
"""


def test_reenter_says_from_when() -> None:
    run = Run(REENTER).lead("L").event("L", "signed_up", T0)
    assert run.engine.next_steps("L", T0 + DAY) == [
        NextStep(
            "r",
            None,
            None,
            "not enrolled: went through it (left 2026-01-05T10:00:00Z); may enter again from "
            "2026-01-15T10:00:00Z: enters on signed_up",
            "t.nurture:12",
        )
    ]
    assert run.engine.next_steps("L", T0 + 11 * DAY)[0].what == (
        "not enrolled: went through it (left 2026-01-05T10:00:00Z); may enter again: enters on "
        "signed_up"
    )


def test_unsubscribed_and_sunset_leads_enter_nothing() -> None:
    run = Run(REENTER).lead("L").event("L", "unsubscribed", T0)
    assert run.engine.next_steps("L", T0)[0].what == (
        "not enrolled: the lead unsubscribed from every channel"
    )
    sunset = REENTER + "\npolicy:\n  sunset when size < 0\n"
    run = Run(sunset).lead("S", size=-1)
    assert run.engine.next_steps("S", T0)[0].what == (
        "not enrolled: the lead is sunset (all nurture stopped)"
    )


QUIET = """
policy:
  quiet 20:00-08:00

sequence q:
  enter on signed_up
  send x when size > 1
"""  # `send x` is line 17


def test_a_send_postponed_by_policy_says_its_new_time() -> None:
    evening = ts("2026-01-05T21:00:00Z")
    run = Run(QUIET).lead("L", at=evening, size=3).event("L", "signed_up", evening)
    assert run.engine.next_steps("L", evening) == [
        NextStep(
            "q",
            ts("2026-01-06T08:00:00Z"),
            1,
            "step 1: send x by email (postponed by policy)",
            "t.nurture:17",
        )
    ]


def test_to_dict_for_json() -> None:
    step = NextStep("w", T0, 3, "step 3: wait 2d", "t.nurture:18")
    assert step.to_dict() == {
        "sequence": "w",
        "due": "2026-01-05T10:00:00Z",
        "step": 3,
        "what": "step 3: wait 2d",
        "rule": "t.nurture:18",
    }
