"""`Engine.explain(lead, until)`: decay lines, so that a timeline's points add up to the scores at
`until` (issue 11, item 8); an attribute update's fit lines (only the rules that turned)."""

from __future__ import annotations

from enginekit import DAY, HOUR, T0, Run

from engine import TraceEntry, format_time

DECAY = """
score s:
  +10 on clicked
  -4 on opened
  decay 50% every 1d
"""  # lines 12-15 (the head is 10 lines, then a blank one)

T1, T2, T3 = T0 + HOUR, T0 + DAY + HOUR, T0 + 2 * DAY + HOUR
UNTIL = T3 + DAY


def decay(at: float, amount: str, since: float) -> TraceEntry:
    text = f"{amount} s: decay since {format_time(since)} (50% every 1d)"
    return TraceEntry(at, "decay", text, "t.nurture:15")


def test_decay_lines_come_before_each_award_and_at_until() -> None:
    run = Run(DECAY).lead("L").event("L", "clicked", T1).event("L", "opened", T2)
    run.event("L", "clicked", T3)
    # 10 at T1; x 0.5 a day: 5 at T2 (-5.00), -4 -> 1; 0.5 at T3 (-0.50), +10 -> 10.5;
    # 5.25 at UNTIL (-5.25). 10 - 5 - 4 - 0.5 + 10 - 5.25 = 5.25
    assert run.engine.explain("L", until=UNTIL).entries == [
        TraceEntry(T0, "created", "lead created", None),
        TraceEntry(T1, "event", "clicked", None),
        TraceEntry(T1, "points", "+10 s on clicked", "t.nurture:13"),
        TraceEntry(T2, "event", "opened", None),
        decay(T2, "-5.00", T1),
        TraceEntry(T2, "points", "-4 s on opened", "t.nurture:14"),
        TraceEntry(T3, "event", "clicked", None),
        decay(T3, "-0.50", T2),
        TraceEntry(T3, "points", "+10 s on clicked", "t.nurture:13"),
        decay(UNTIL, "-5.25", T3),
    ]
    assert run.view("L", UNTIL).scores == {"s": 5.25}


def test_without_until_the_trail_is_as_recorded() -> None:
    run = Run(DECAY).lead("L").event("L", "clicked", T1).event("L", "opened", T2)
    assert [e.kind for e in run.engine.explain("L").entries] == [
        "created",
        "event",
        "points",
        "event",
        "points",
    ]


def test_negative_points_decay_upwards_and_rounding_adds_up() -> None:
    run = Run(DECAY).lead("L").event("L", "opened", T1)
    until = T1 + DAY / 3  # -4 x 0.5^(1/3) = -3.1748: +0.83 (to 2 decimals, as explain prints)
    assert run.engine.explain("L", until=until).entries[-1] == decay(until, "+0.83", T1)
    assert round(run.view("L", until).score, 2) == -3.17


def test_no_decay_line_when_nothing_decayed_to_a_cent() -> None:
    run = Run(DECAY).lead("L").event("L", "clicked", T1)
    assert run.engine.explain("L", until=T1 + 60).entries[-1].kind == "points"


FIT = """
segment big: size >= 100

score f:
  +15 when big
  +5  when title == "vp"
"""  # lines 12-17


def test_an_update_writes_only_the_fit_rules_that_turned() -> None:
    run = Run(FIT).lead("L", size=500, title="vp")
    run.engine.update_lead("L", {"size": 20, "title": "vp"}, T1)
    assert run.engine.explain("L").entries == [
        TraceEntry(T0, "created", "lead created", None),
        TraceEntry(T0, "fit", "+15 f: fit rule holds", "t.nurture:15"),
        TraceEntry(T0, "fit", "+5 f: fit rule holds", "t.nurture:16"),
        TraceEntry(T1, "updated", "lead attributes updated", None),
        TraceEntry(T1, "fit", "-15 f: fit rule no longer holds", "t.nurture:15"),
    ]
    assert run.view("L", T1).scores == {"f": 5.0}
    run.engine.update_lead("L", {"size": 200, "title": "vp"}, T2)
    assert run.engine.explain("L").entries[-1] == TraceEntry(
        T2, "fit", "+15 f: fit rule now holds", "t.nurture:15"
    )
