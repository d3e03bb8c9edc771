"""Lint: each known nurture mistake gives its warning, at its place, and clean files give none."""

from __future__ import annotations

from dsl import compile_source
from dsl.lint import lint

BASE = """\
campaign "t"
stages a, b, c
lead:
  size: number
content hello email stage a
content deep  email stage b
content ping  sms   stage a
content call  task  stage c
segment big: size > 10
policy:
  limit 3 per 7d
  sunset when days_since(last_engagement) > 60
handoff when sql:
  send call within 1d
sql when score >= 10
score s:
  +5 on clicked
"""


def findings(extra: str, base: str = BASE) -> list[tuple[str, int, int, str]]:
    program = compile_source(base + extra, "t.nurture")
    return [(d.code, d.span.line, d.span.column, d.message) for d in lint(program)]


CLEAN = """\
sequence one:
  for big
  enter on created
  exit when sql
  send hello
  wait 2d
  send ping
"""


def test_a_sound_file_has_no_warnings() -> None:
    assert findings(CLEAN) == []


def test_sequence_without_audience_or_conditions_sends_the_same_to_every_stage() -> None:
    assert findings(
        "sequence q:\n  enter on created\n  exit when sql\n  send hello\n  wait 1d\n  send ping\n"
    ) == [
        ("unused-segment", 9, 9, "segment 'big' is never used"),
        ("same-for-every-stage", 18, 10, "sequence 'q' sends the same content to every stage"),
    ]


def test_more_touches_than_the_policy_limit_in_its_window() -> None:
    assert findings(
        "sequence q:\n  for big\n  enter on created\n  exit when sql\n"
        "  send hello\n  wait 1d\n  send ping\n  wait 1d\n  send hello\n"
        "  wait 1d\n  send ping\n"
    ) == [
        ("too-aggressive", 18, 10, "sequence 'q' can send 4 touches within 7d; the limit allows 3"),
    ]


def test_more_than_a_touch_a_day_for_a_week_without_limits() -> None:
    base = BASE.replace("  limit 3 per 7d\n", "")
    steps = "".join("  send hello\n  wait 20h\n" for _ in range(8))
    assert findings(
        "sequence q:\n  for big\n  enter on created\n  exit when sql\n" + steps, base
    ) == [
        (
            "too-aggressive",
            10,
            1,
            "the policy has no limit: nothing caps the touches a lead gets from all sequences "
            "together",
        ),
        ("one-channel", 17, 10, "every touch goes by email"),
        (
            "too-aggressive",
            17,
            10,
            "sequence 'q' can send 8 touches within 7d: more than one a day for a week",
        ),
    ]


def test_every_touch_on_one_channel() -> None:
    assert findings(
        "sequence q:\n  for big\n  enter on created\n  exit when sql\n  send hello\n"
    ) == [("one-channel", 18, 10, "every touch goes by email")]


def test_no_handoff() -> None:
    base = BASE.replace("handoff when sql:\n  send call within 1d\n", "")
    assert findings(CLEAN, base) == [
        ("no-handoff", 13, 1, "no 'handoff': ready leads are never passed to sales"),
    ]


def test_nurturing_forever_without_exit_or_sunset() -> None:
    base = BASE.replace("  sunset when days_since(last_engagement) > 60\n", "")
    assert findings(CLEAN.replace("  exit when sql\n", ""), base) == [
        (
            "nurture-forever",
            17,
            10,
            "sequence 'one' has no 'exit when' and the policy has no sunset",
        ),
    ]


def test_later_stage_content_without_a_condition() -> None:
    assert findings(CLEAN + "  wait 7d\n  send deep\n  send deep when stage >= b\n") == [
        ("later-stage-content", 26, 3, "'deep' is b content, sent to leads who may still be in a"),
    ]


def test_audience_stage_floor_allows_later_content() -> None:
    assert findings(CLEAN.replace("for big", "for big and stage >= b") + "  send deep\n") == []


def test_unreachable_steps() -> None:
    assert findings(
        CLEAN + "  wait 7d\n  if false:\n    send hello\n  split:\n    100% -> send ping\n"
        "    0% -> send hello\n"
    ) == [
        ("unreachable", 27, 5, "these steps can never run"),
        ("unreachable", 30, 5, "a 0% arm never runs"),
    ]


def test_segment_never_used() -> None:
    assert findings(CLEAN.replace("for big", "for size > 3")) == [
        ("unused-segment", 9, 9, "segment 'big' is never used"),
    ]


def test_threshold_no_lead_can_reach() -> None:
    base = BASE.replace(
        "  +5 on clicked\n", "  +5 when big\n  +3 when size > 100\n  -4 when size < 2\n"
    )
    assert findings(CLEAN.replace("for big", "for big and s >= 9"), base) == [
        ("unreachable-threshold", 15, 10, "'score' can reach at most 8, so this never holds"),
        ("unreachable-threshold", 21, 15, "'s' can reach at most 8, so this never holds"),
    ]


def test_overlapping_sequences_on_the_same_trigger_and_day() -> None:
    second = "sequence two:\n  for big\n  enter on created\n  exit when sql\n  send ping\n"
    assert findings(CLEAN + second) == [
        (
            "overlapping-sequences",
            25,
            10,
            "sequences 'one' and 'two' both start on 'created' and can both send on day 1",
        ),
    ]


def test_exclusive_audiences_do_not_overlap() -> None:
    second = "sequence two:\n  for not big\n  enter on created\n  exit when sql\n  send ping\n"
    assert findings(CLEAN + second) == []


def test_a_touch_at_the_window_edge_is_in_the_next_window() -> None:
    # limit 3 per 7d; touches at 0, 2d, 4d and 7d: any 7 days hold 3 of them
    steps = (
        "  send hello\n  wait 2d\n  send ping\n  wait 2d\n  send hello\n  wait 3d\n  send ping\n"
    )
    assert findings("sequence q:\n  for big\n  enter on created\n  exit when sql\n" + steps) == []
    shorter = steps.replace("wait 3d", "wait 71h")
    assert findings("sequence q:\n  for big\n  enter on created\n  exit when sql\n" + shorter) == [
        ("too-aggressive", 18, 10, "sequence 'q' can send 4 touches within 7d; the limit allows 3"),
    ]


def test_branches_count_the_path_with_the_most_touches() -> None:
    steps = (
        "  send hello\n  if big:\n    wait 7d\n  else:\n    send ping\n"
        "  split:\n    50% -> send hello\n    50% -> wait 7d\n  send ping\n"
    )
    # the else branch, then the first arm: hello, ping, hello, ping at once
    assert findings("sequence q:\n  for big\n  enter on created\n  exit when sql\n" + steps) == [
        ("too-aggressive", 18, 10, "sequence 'q' can send 4 touches within 7d; the limit allows 3"),
    ]


def test_sales_tasks_in_a_sequence_are_not_touches() -> None:
    steps = "  send hello\n" + "  send call when stage >= c\n" * 3 + "  send ping\n"
    assert findings("sequence q:\n  for big\n  enter on created\n  exit when sql\n" + steps) == []


def test_thousands_of_steps_in_a_row_are_read_without_recursion() -> None:
    steps = "  send hello\n" * 3000
    found = findings("sequence q:\n  for big\n  enter on created\n  exit when sql\n" + steps)
    assert (
        "too-aggressive",
        18,
        10,
        "sequence 'q' can send 3000 touches within 7d; the limit allows 3",
    ) in found


def test_one_allowance_may_name_several_codes_and_stand_above_its_line() -> None:
    base = (
        BASE.replace("handoff when sql:\n  send call within 1d\n", "")
        .replace("content ping  sms   stage a", "content ping  email stage a")
        .replace("  sunset when days_since(last_engagement) > 60\n", "")
    )
    source = base + (
        "# nurture: allow one-channel, nurture-forever  a test campaign, switched off in a week\n"
        "sequence one:\n  for big\n  enter on created\n  send hello\n"
    )
    program = compile_source(source, "t.nurture")
    assert sorted((d.code, d.span.line) for d in lint(program)) == [
        ("no-handoff", 12),
        ("nurture-forever", 16),
        ("one-channel", 16),
    ]
    assert [(d.code, d.span.line) for d in lint(program, source)] == [("no-handoff", 12)]
