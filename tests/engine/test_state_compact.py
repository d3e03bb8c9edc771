"""Compact lead state: counts compared with a threshold, dropped timers, change tracking."""

from __future__ import annotations

import dsl
from engine import Engine, Event, Lead
from tests.engine.enginekit import DAY, HEAD, HOUR, T0, Run


def test_count_greater_than_a_fraction_needs_the_next_whole_count() -> None:
    body = "segment two: count(clicked, 1d) > 1.5\nsegment one: count(clicked, 1d) >= 0.5\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + 1)
    assert run.view("L1", T0 + 2).segments == ["one"]
    run.event("L1", "clicked", T0 + 3)
    assert run.view("L1", T0 + 4).segments == ["two", "one"]
    # the first click leaves the 1-day window at T0 + 1 + 1d: one click left in it
    assert run.view("L1", T0 + 1 + DAY).segments == ["one"]


def test_count_at_least_counts_a_late_event_by_its_own_time() -> None:
    body = "segment busy: count(clicked, 1d) >= 2\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + 10 * HOUR)
    run.engine.ingest(Event("e9", "L1", "clicked", T0 + HOUR, {}), T0 + 11 * HOUR)
    assert run.view("L1", T0 + 12 * HOUR).segments == ["busy"]
    # the late click (T0 + 1h) leaves the window first, at T0 + 1h + 1d
    assert run.view("L1", T0 + HOUR + DAY).segments == []


def test_count_at_least_zero_always_holds() -> None:
    run = Run("segment any: count(clicked, 1d) >= 0\n").lead("L1", T0)
    assert run.view("L1", T0 + 1).segments == ["any"]


BODY = """score eng:
  +10 on clicked
  decay 50% every 1d
mql when eng >= 15
sequence s:
  enter on clicked
  send x
  wait 1d
  send y
"""


def _drive(compact_at: int | None) -> list[tuple]:
    eng = Engine([dsl.compile_source(HEAD + BODY, "t.nurture")], seed=3, trace=False)
    if compact_at is not None:
        eng._compact_at = compact_at
    out = []
    for i in range(40):
        out += eng.add_lead(Lead(f"L{i}", T0 + i, {"size": i}), T0 + i)
    for k in range(400):
        at = T0 + 100 + k * 997.0
        out += eng.ingest(Event(f"e{k}", f"L{(k * 7) % 40}", "clicked", at, {}), at)
    out += eng.advance(T0 + 30 * DAY)
    return [(a.lead, a.at, a.action, a.content) for a in out]


def test_dropping_replaced_timers_changes_no_action() -> None:
    assert _drive(compact_at=8) == _drive(compact_at=None)


def test_changes_are_kept_only_when_asked() -> None:
    program = dsl.compile_source(HEAD + BODY, "t.nurture")
    quiet = Engine([program], trace=False)
    quiet.add_lead(Lead("L1", T0, {}), T0)
    assert quiet.pop_changed() == set()
    asked = Engine([program], trace=False, track_changes=True)
    asked.add_lead(Lead("L1", T0, {}), T0)
    asked.add_lead(Lead("L2", T0, {}), T0)
    assert asked.pop_changed() == {"L1", "L2"}
    asked.ingest(Event("e1", "L2", "clicked", T0 + 1, {}), T0 + 1)
    assert asked.pop_changed() == {"L2"}
    assert asked.pop_changed() == set()


def test_a_traced_engine_keeps_changes_unless_told_not_to() -> None:
    program = dsl.compile_source(HEAD + BODY, "t.nurture")
    traced = Engine([program], trace=True)
    traced.add_lead(Lead("L1", T0, {}), T0)
    assert traced.pop_changed() == {"L1"}
    untracked = Engine([program], trace=True, track_changes=False)
    untracked.add_lead(Lead("L1", T0, {}), T0)
    assert untracked.pop_changed() == set()


def test_snapshot_after_enrolment_and_exit_restores_the_same_state() -> None:
    program = dsl.compile_source(HEAD + BODY, "t.nurture")
    eng = Engine([program], trace=False)
    eng.add_lead(Lead("L1", T0, {"size": 3, "name": "Ann"}), T0)
    eng.ingest(Event("e1", "L1", "clicked", T0 + 1, {}), T0 + 1)
    eng.advance(T0 + 3 * DAY)
    snap = eng.snapshot("L1")
    assert snap["attrs"] == {"size": 3, "name": "Ann"}
    other = Engine([program], trace=False)
    other.restore(snap)
    assert other.snapshot("L1") == snap


def test_a_cloned_program_state_has_every_field_and_its_own_numbers() -> None:
    from engine.runtime.state import ProgState

    blank = ProgState(2, 2, 1, 1, 2)
    copy = blank.clone()
    assert all(getattr(copy, name) == getattr(blank, name) for name in ProgState.__slots__)
    copy.er[0] = 5.0
    assert blank.er[0] == 0.0 and copy.eng[0] == 5.0


def test_the_trail_writes_event_properties_sorted_by_name() -> None:
    run = Run("segment s: size > 1\n").lead("L1", T0)
    run.event("L1", "clicked", T0 + 1, content="x", channel="email")
    run.event("L1", "clicked", T0 + 2, channel="sms", content="y")
    run.event("L1", "converted", T0 + 3, value=100.0)
    run.event("L1", "visited", T0 + 4, page="home", a=1, z="q")
    texts = [e.message for e in run.engine.explain("L1").entries if e.kind == "event"]
    assert texts == [
        "clicked channel=email content=x",
        "clicked channel=sms content=y",
        "converted value=100.0",
        "visited a=1 page=home z=q",
    ]


def _b2b_run(path: str) -> tuple[list[tuple], list[dict]]:
    """The b2b playbook over a fixed stream, through one of the engine's three event paths."""
    import random
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    eng = Engine(
        [dsl.load_program(str(root / "rules" / "b2b_saas_trial.nurture"))], seed=5, trace=True
    )
    cp = eng.progs[0]
    if path != "full":
        cp.event_full = {}  # recording in the engine, the rest in one function per type
    if path == "general":
        cp.event_fns, cp.event_other = {}, None  # points, round and entry one by one
    rng = random.Random(11)
    out = []
    for i in range(60):
        attrs = {
            "company_size": rng.choice([10, 900]),
            "source": rng.choice(["trial_signup", "x"]),
            "email": rng.choice(["a@gmail.com", "b@acme.com"]),
            "title": "VP Sales",
        }
        out += eng.add_lead(Lead(f"L{i}", T0 + i * 60.0, attrs), T0 + i * 60.0)
    kinds = [
        "opened",
        "clicked",
        "visited",
        "signed_up",
        "demo_requested",
        "unsubscribed",
        "converted",
        "bounced",
        "delivered",
    ]
    at = T0 + HOUR
    for k in range(1500):
        at += rng.uniform(0, 2 * HOUR)
        typ = rng.choice(kinds)
        props = {
            "content": rng.choice(["welcome", "feature_spotlight"]),
            "channel": "email",
            "page": rng.choice(["pricing", "home"]),
        }
        late = at - rng.choice([0.0, 0.0, 0.0, 3 * DAY])
        out += eng.ingest(Event(f"e{k}", f"L{rng.randrange(60)}", typ, late, props), at)
    out += eng.advance(at + 60 * DAY)
    return [tuple(a.to_dict().items()) for a in out], [eng.snapshot(x) for x in eng.lead_ids()]


def test_the_three_event_paths_give_the_same_actions_and_state() -> None:
    full = _b2b_run("full")
    assert len(full[0]) > 100
    assert _b2b_run("fused") == full
    assert _b2b_run("general") == full
