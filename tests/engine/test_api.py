"""The engine API others build on: actions as JSON, late events, lead updates, explain,
snapshots, several programs on one engine."""

from __future__ import annotations

import json

from enginekit import DAY, HOUR, T0, Run, program

from engine import Action, Engine, Event, Lead, format_time

SEQ = (
    "score e:\n  +5 on clicked\n  decay 10% every 7d\n"
    "sequence s:\n  enter on signed_up\n  send x\n  wait until clicked(x) or 2d\n"
    "  split:\n    50% -> send y\n    50% -> send z\n  wait 1d\n  send x\n"
)


def test_action_json_has_fixed_key_order_utc_seconds_and_no_empty_fields() -> None:
    a = Action(
        "L1",
        T0 + 0.7,
        "send",
        content="x",
        channel="email",
        sequence="s",
        step=1,
        rule="t.nurture:12",
    )
    assert json.dumps(a.to_dict()) == (
        '{"lead": "L1", "at": "2026-01-05T10:00:00Z", "action": "send", "content": "x", '
        '"channel": "email", "sequence": "s", "step": 1, "rule": "t.nurture:12"}'
    )
    assert format_time(0) == "1970-01-01T00:00:00Z"


def test_a_late_event_is_applied_now_keeps_its_time_for_counts_and_is_marked() -> None:
    body = "segment recent: count(clicked, 1d) >= 1\nsequence s:\n  enter on clicked\n  send x\n"
    run = Run(body).lead("L1")
    acts = run.engine.ingest(Event("e1", "L1", "clicked", T0 + HOUR, {}), T0 + 2 * DAY)
    assert [(a.action, a.at, a.late) for a in acts] == [
        ("enrolled", T0 + 2 * DAY, True),
        ("send", T0 + 2 * DAY, True),
        ("exited", T0 + 2 * DAY, True),
    ]
    assert run.view("L1", T0 + 2 * DAY).segments == []  # it happened 47h before: outside 1d
    assert "late" in run.engine.explain("L1").entries[-4].message


def test_update_lead_changes_attribute_rules_and_reevaluates() -> None:
    body = "score fit:\n  +10 when size >= 100\nmql when fit >= 10\n"
    run = Run(body).lead("L1", T0, size=5)
    acts = run.engine.update_lead("L1", {"size": 500}, T0 + DAY)
    assert [(a.action, a.at) for a in acts] == [("mql", T0 + DAY)]
    assert run.view("L1", T0 + DAY).scores == {"fit": 10.0}


def test_stage_reads_the_current_stage_as_view_does() -> None:
    body = "score e:\n  +10 on clicked\nstage b when e >= 10\nstage c when e >= 20\n"
    run = Run(body).lead("L1")
    assert run.engine.stage("L1") == "a"
    run.event("L1", "clicked", T0 + HOUR)
    assert run.engine.stage("L1") == "b" == run.view("L1", T0 + HOUR).stage
    run.event("L1", "clicked", T0 + 2 * HOUR)
    assert run.engine.stage("L1") == "c"


def test_adding_a_known_lead_again_updates_it() -> None:
    run = Run("segment big: size > 10\n").lead("L1", T0, size=1).lead("L1", T0 + 1, size=50)
    assert run.view("L1", T0 + 2).segments == ["big"]
    assert run.engine.lead_ids() == ["L1"]


def test_explain_names_every_rule_by_file_and_line() -> None:
    run = Run(SEQ).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "clicked", T0 + HOUR, content="x")
    entries = run.engine.explain("L1").to_dict()["entries"]
    kinds = [e["kind"] for e in entries]
    assert kinds[:3] == ["created", "event", "enrolled"]
    assert {"points", "send", "step"} <= set(kinds)
    points = next(e for e in entries if e["kind"] == "points")
    assert points == {
        "at": format_time(T0 + HOUR),
        "kind": "points",
        "message": "+5 e on clicked",
        "rule": "t.nurture:12",
    }


def test_trace_off_keeps_no_trail_and_gives_the_same_actions() -> None:
    def actions(trace: bool) -> list[dict]:
        run = Run(SEQ, trace=trace).lead("L1").event("L1", "signed_up", T0)
        return run.through(T0 + 10 * DAY).rows()

    assert actions(True) == actions(False)
    run = Run(SEQ, trace=False).lead("L1")
    assert run.engine.explain("L1").entries == []


def test_snapshot_and_restore_continue_exactly_as_an_uninterrupted_run() -> None:
    def drive(run: Run, until: float) -> None:
        run.through(until)

    whole = Run(SEQ).lead("L1").lead("L2").event("L1", "signed_up", T0)
    whole.event("L2", "signed_up", T0 + HOUR)
    half = Run(SEQ).lead("L1").lead("L2").event("L1", "signed_up", T0)
    half.event("L2", "signed_up", T0 + HOUR)
    drive(whole, T0 + 10 * DAY)
    drive(half, T0 + DAY)
    saved = [json.loads(json.dumps(half.engine.snapshot(i))) for i in half.engine.lead_ids()]
    fresh = Engine([program(SEQ)], seed=0)
    for data in saved:
        fresh.restore(data)
    rest: list[Action] = []
    while (due := fresh.next_due()) is not None and due <= T0 + 10 * DAY:
        rest += fresh.advance(due)
    assert half.rows() + [a.to_dict() for a in rest] == whole.rows()
    assert (
        fresh.explain("L1").entries
        == whole.engine.explain("L1").entries[: len(fresh.explain("L1").entries)]
    )


def two_programs(seq_a: str, seq_b: str) -> Engine:
    head = 'campaign "t"\nstages a\ncontent x email\n'
    return Engine([program(seq_a, head, "a.nurture"), program(seq_b, head, "b.nurture")])


def test_several_programs_share_touches_for_every_limit() -> None:
    eng = two_programs(
        "policy:\n  limit 1 per 1d\nsequence s:\n  enter on signed_up\n  wait 1h\n  send x\n",
        "sequence r:\n  enter on signed_up\n  send x\n",
    )
    acts = eng.add_lead(Lead("L1", T0, {}), T0)
    acts += eng.ingest(Event("e", "L1", "signed_up", T0, {}), T0)
    while (due := eng.next_due()) is not None and due < T0 + 3 * DAY:
        acts += eng.advance(due)
    sends = [(a.program, a.at) for a in acts if a.action == "send"]
    assert sends == [("b.nurture", T0), ("a.nurture", T0 + DAY)]


def test_several_programs_share_unsubscribes_and_sunset() -> None:
    eng = two_programs(
        "policy:\n  sunset when days_since(last_engagement) > 5\n",
        "sequence r:\n  enter on signed_up\n  wait 10d\n  send x\n",
    )
    acts = eng.add_lead(Lead("L1", T0, {}), T0)
    acts += eng.ingest(Event("e", "L1", "signed_up", T0, {}), T0)
    while (due := eng.next_due()) is not None and due < T0 + 20 * DAY:
        acts += eng.advance(due)
    assert [(a.action, a.program, a.reason) for a in acts] == [
        ("enrolled", "b.nurture", None),
        ("sunset", "a.nurture", None),
        ("exited", "b.nurture", "sunset"),
    ]


def test_pop_changed_names_the_leads_touched_since_the_last_call() -> None:
    run = Run("sequence s:\n  enter on signed_up\n  wait 1d\n  send x\n").lead("L1").lead("L2")
    assert run.engine.pop_changed() == {"L1", "L2"}
    run.event("L2", "signed_up", T0)
    assert run.engine.pop_changed() == {"L2"}
    run.through(T0 + DAY)
    assert run.engine.pop_changed() == {"L2"}
    assert run.engine.pop_changed() == set()


def test_snapshot_keeps_a_postponed_send_and_its_original_due_time() -> None:
    from enginekit import ts

    body = "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n  send x\n"
    start = ts("2026-01-05T21:00:00Z")
    run = Run(body).lead("L1", start).event("L1", "signed_up", start)
    data = json.loads(json.dumps(run.engine.snapshot("L1")))
    assert data["progs"][0]["enr"][0]["mode"] == "send"
    fresh = Engine([program(body)], seed=0)
    fresh.restore(data)
    assert fresh.next_due() == ts("2026-01-06T08:00:00Z")
    acts = fresh.advance(ts("2026-01-06T09:00:00Z"))
    assert [(a.action, a.to_dict()["at"]) for a in acts] == [
        ("send", "2026-01-06T08:00:00Z"),
        ("exited", "2026-01-06T08:00:00Z"),
    ]
