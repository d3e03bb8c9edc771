"""DSL.md "Meaning / Stages" and "Lifecycle": forward-only stages, mql/sql, handoff."""

from __future__ import annotations

from enginekit import DAY, T0, Run, program

from engine import Engine, Lead, format_time

# HEAD is 10 lines, so the first line after SCORING is line 14
SCORING = "score e:\n  +10 on clicked\n  decay 50% every 1d\n"


def test_stage_moves_to_the_furthest_holding_stage() -> None:
    run = Run(SCORING + "stage b when e >= 5\nstage c when e >= 10\n").lead("L1")
    run.event("L1", "clicked", T0 + 60)
    assert run.view("L1", T0 + 60).stage == "c"
    moves = [e.message for e in run.engine.explain("L1").entries if e.kind == "stage"]
    assert moves == ["stage a -> c"]


def test_stages_only_move_forward() -> None:
    run = Run(SCORING + "stage b when e >= 5\n").lead("L1").event("L1", "clicked", T0 + 60)
    run.through(T0 + 10 * DAY)
    assert run.view("L1", T0 + 10 * DAY).scores["e"] < 1
    assert run.view("L1", T0 + 10 * DAY).stage == "b"


def test_every_lead_starts_in_the_first_stage() -> None:
    assert Run(SCORING).lead("L1").view("L1", T0).stage == "a"


def test_mql_and_sql_become_true_once_with_their_time() -> None:
    run = Run(SCORING + "mql when e >= 5\nsql when e >= 15\n").lead("L1")
    run.event("L1", "clicked", T0 + 60).event("L1", "clicked", T0 + 120)
    run.through(T0 + 10 * DAY).event("L1", "clicked", T0 + 10 * DAY)
    assert run.rows("mql", "sql") == [
        {"lead": "L1", "at": format_time(T0 + 60), "action": "mql", "rule": "t.nurture:14"},
        {"lead": "L1", "at": format_time(T0 + 120), "action": "sql", "rule": "t.nurture:15"},
    ]
    view = run.view("L1", T0 + 10 * DAY)
    assert (view.mql, view.sql, view.mql_at, view.sql_at) == (True, True, T0 + 60, T0 + 120)


def test_handoff_fires_once_with_a_task_due_within_its_duration() -> None:
    body = SCORING + "sql when e >= 5\nhandoff when sql:\n  send call within 1d\n"
    run = Run(body).lead("L1").event("L1", "clicked", T0 + 60)
    run.through(T0 + 5 * DAY).event("L1", "clicked", T0 + 5 * DAY)
    assert run.rows("handoff", "task") == [
        {"lead": "L1", "at": format_time(T0 + 60), "action": "handoff", "rule": "t.nurture:15"},
        {
            "lead": "L1",
            "at": format_time(T0 + 60),
            "action": "task",
            "content": "call",
            "channel": "task",
            "due": format_time(T0 + 60 + DAY),
            "rule": "t.nurture:16",
        },
    ]


def test_handoff_tasks_are_not_touches() -> None:
    body = (
        SCORING + "sql when e >= 5\nhandoff when sql:\n  send call within 1d\n"
        "policy:\n  limit 1 per 7d\nsequence s:\n  enter on clicked\n  send x\n"
    )
    run = Run(body).lead("L1").event("L1", "clicked", T0 + 60)
    assert [r["action"] for r in run.rows()] == [
        "sql",
        "handoff",
        "task",
        "enrolled",
        "send",
        "exited",
    ]


def test_converted_makes_a_customer_and_unsubscribed_sets_the_flag() -> None:
    run = Run("segment keen: customer and unsubscribed\n").lead("L1")
    run.event("L1", "converted", T0 + 1, value=10).event(
        "L1", "unsubscribed", T0 + 2, channel="sms"
    )
    view = run.view("L1", T0 + 3)
    assert (view.customer, view.unsubscribed, view.segments) == (True, True, ["keen"])


def test_created_event_at_created_at_else_now() -> None:
    eng = Engine([program("sequence s:\n  enter on created\n  send x\n")])
    acts = eng.add_lead(Lead("L1", None, {}), T0)
    assert [a.to_dict()["at"] for a in acts] == [format_time(T0)] * 3
    acts = eng.add_lead(Lead("L2", T0 - DAY, {}), T0)
    assert acts[0].at == T0 and acts[0].late is True
