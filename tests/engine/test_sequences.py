"""DSL.md "Meaning / Sequences": audience, enter, exit, re-entry, steps, waits, splits, holdout."""

from __future__ import annotations

from enginekit import DAY, HOUR, T0, Run

from engine import format_time


def at(t: float) -> str:
    return format_time(t)


def test_enter_on_event_enrols_leads_in_the_audience_only() -> None:
    run = Run("sequence s:\n  for size >= 10\n  enter on signed_up\n  send x\n")
    run.lead("big", T0, size=50).lead("small", T0, size=5)
    run.event("big", "signed_up", T0 + 60).event("small", "signed_up", T0 + 60)
    assert [(r["lead"], r["action"]) for r in run.rows()] == [
        ("big", "enrolled"),
        ("big", "send"),
        ("big", "exited"),
    ]
    assert run.rows("exited")[0]["reason"] == "completed"


def test_step_numbers_count_every_step_in_file_order() -> None:
    body = (
        "sequence s:\n  enter on clicked\n  send x\n  if size > 1:\n    send y\n  else:\n"
        "    send z\n  wait 1h\n  send y\n"
    )
    run = Run(body).lead("L1", T0, size=0).event("L1", "clicked", T0).through(T0 + HOUR)
    assert [(r["content"], r["step"]) for r in run.rows("send")] == [("x", 1), ("z", 4), ("y", 6)]


def test_enter_when_fires_on_a_turn_from_false_to_true_only() -> None:
    body = "sequence s:\n  enter when count(clicked, 1d) >= 1\n  reenter after 1m\n  send x\n"
    run = Run(body).lead("L1")
    run.event("L1", "clicked", T0 + HOUR)  # turn: enrols, sends, completes
    run.event("L1", "clicked", T0 + 2 * HOUR)  # still true: no turn
    run.through(T0 + 3 * DAY)  # the window empties: false again
    run.event("L1", "clicked", T0 + 3 * DAY)  # a new turn
    assert run.sends() == [(at(T0 + HOUR), "x"), (at(T0 + 3 * DAY), "x")]


def test_enter_when_already_true_when_added_counts_as_a_turn() -> None:
    run = Run("sequence s:\n  enter when size > 1\n  send x\n").lead("L1", T0, size=5)
    assert run.sends() == [(at(T0), "x")]


def test_no_reentry_without_reenter_after() -> None:
    run = Run("sequence s:\n  enter on clicked\n  send x\n").lead("L1")
    run.event("L1", "clicked", T0 + 1).event("L1", "clicked", T0 + 30 * DAY)
    assert run.sends() == [(at(T0 + 1), "x")]


def test_reenter_after_counts_from_the_last_exit() -> None:
    run = Run("sequence s:\n  enter on clicked\n  reenter after 2d\n  send x\n  wait 1d\n")
    run.lead("L1").event("L1", "clicked", T0)  # exits at T0 + 1d
    run.event("L1", "clicked", T0 + 2 * DAY)  # 1d after the exit: too soon
    run.event("L1", "clicked", T0 + 3 * DAY)  # 2d after the exit: again
    assert run.sends() == [(at(T0), "x"), (at(T0 + 3 * DAY), "x")]


def test_a_lead_is_in_a_sequence_at_most_once_at_a_time() -> None:
    run = Run("sequence s:\n  enter on clicked\n  reenter after 1m\n  send x\n  wait 5d\n")
    run.lead("L1").event("L1", "clicked", T0).event("L1", "clicked", T0 + DAY)
    assert len(run.rows("enrolled")) == 1


def test_a_lead_whose_exit_already_holds_does_not_enter() -> None:
    run = Run("sequence s:\n  enter on clicked\n  exit when size > 1\n  send x\n")
    run.lead("L1", T0, size=5).event("L1", "clicked", T0)
    assert run.rows() == []


def test_exit_in_the_middle_of_a_wait_cancels_it() -> None:
    body = (
        "sequence s:\n  enter on signed_up\n  exit when customer\n  send x\n  wait 2d\n  send y\n"
    )
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "converted", T0 + DAY, value=5).through(T0 + 10 * DAY)
    assert run.sends() == [(at(T0), "x")]
    assert run.rows("exited") == [
        {
            "lead": "L1",
            "at": at(T0 + DAY),
            "action": "exited",
            "sequence": "s",
            "reason": "exit when",
            "rule": "t.nurture:13",
        }
    ]


def test_exit_is_checked_before_every_step_even_by_time_alone() -> None:
    body = (
        "sequence s:\n  enter on signed_up\n  exit when days_since(signed_up) > 1\n"
        "  send x\n  wait 3d\n  send y\n"
    )
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 10 * DAY)
    assert run.sends() == [(at(T0), "x")]
    assert run.rows("exited")[0]["at"] == at(T0 + DAY)


def test_wait_until_ends_when_the_condition_comes_true() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait until clicked(x) or 3d\n  send y\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "clicked", T0 + 5 * HOUR, content="x", channel="email")
    assert run.sends() == [(at(T0), "x"), (at(T0 + 5 * HOUR), "y")]


def test_wait_until_times_out() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait until clicked(x) or 3d\n  send y\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 5 * DAY)
    assert run.sends() == [(at(T0), "x"), (at(T0 + 3 * DAY), "y")]


def test_wait_until_that_already_holds_ends_at_once() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait until size > 1 or 3d\n  send y\n"
    run = Run(body).lead("L1", T0, size=5).event("L1", "signed_up", T0)
    assert run.sends() == [(at(T0), "x"), (at(T0), "y")]


def test_bare_event_in_wait_until_means_one_arrived_since_the_wait_began() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait until clicked or 3d\n  send y\n"
    run = Run(body).lead("L1").event("L1", "clicked", T0 - 1 + 1).event("L1", "signed_up", T0)
    assert run.sends() == [(at(T0), "x")]  # the click before the wait does not count
    run.event("L1", "clicked", T0 + HOUR)
    assert run.sends() == [(at(T0), "x"), (at(T0 + HOUR), "y")]


def test_if_else_branches_on_the_state_at_that_moment() -> None:
    body = (
        "sequence s:\n  enter on signed_up\n  wait 1d\n  if clicked(x):\n    send y\n"
        "  else:\n    send z\n"
    )
    run = Run(body).lead("A").lead("B").event("A", "signed_up", T0).event("B", "signed_up", T0)
    run.event("A", "clicked", T0 + HOUR, content="x").through(T0 + 2 * DAY)
    assert [(r["lead"], r["content"]) for r in run.rows("send")] == [("A", "y"), ("B", "z")]


def test_send_when_false_skips_the_send() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x when size > 100\n  send y\n"
    run = Run(body).lead("L1", T0, size=5).event("L1", "signed_up", T0)
    assert run.sends() == [(at(T0), "y")]


def test_split_arm_is_stable_for_a_lead_and_seed_and_spreads_leads() -> None:
    body = "sequence s:\n  enter on signed_up\n  split:\n    50% -> send x\n    50% -> send y\n"

    def arms(seed: int) -> dict[str, int]:
        run = Run(body, seed=seed)
        for i in range(200):
            run.lead(f"L{i}").event(f"L{i}", "signed_up", T0)
        return {r["lead"]: r["arm"] for r in run.rows("send")}

    first, again, other = arms(1), arms(1), arms(2)
    assert first == again
    assert 70 < sum(1 for a in first.values() if a == 1) < 130
    assert first != other


def test_split_arm_is_reported_on_the_send() -> None:
    body = "sequence s:\n  enter on signed_up\n  split:\n    100% -> send x\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    assert run.rows("send")[0]["arm"] == 1 and run.rows("send")[0]["step"] == 2


def test_holdout_lead_walks_every_step_with_sends_suppressed() -> None:
    body = "sequence s:\n  enter on signed_up\n  holdout 99%\n  send x\n  wait 1d\n  send y\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 2 * DAY)
    assert [(r["action"], r["at"], r.get("content"), r.get("reason")) for r in run.rows()] == [
        ("enrolled", at(T0), None, "holdout"),
        ("suppressed", at(T0), "x", "holdout"),
        ("suppressed", at(T0 + DAY), "y", "holdout"),
        ("exited", at(T0 + DAY), None, "completed"),
    ]


def test_holdout_membership_is_stable_and_near_its_share() -> None:
    body = "sequence s:\n  enter on signed_up\n  holdout 30%\n  send x\n"

    def held() -> set[str]:
        run = Run(body, seed=3)
        for i in range(300):
            run.lead(f"L{i}").event(f"L{i}", "signed_up", T0)
        return {r["lead"] for r in run.rows("suppressed")}

    first = held()
    assert first == held()
    assert 60 < len(first) < 120
