"""Sequences and handoff: headers, every step form, nesting, and the `wait until` timeout rule."""

from __future__ import annotations

from dsl_testkit import HEADER_LINES, bare, compile_with, days, num

from dsl import ir

TRIAL, ENTERPRISE = ir.SegmentRef(name="trial"), ir.SegmentRef(name="enterprise")
DECISION = ir.StageConst(name="decision", index=2)


def steps(body: str) -> tuple[ir.Step, ...]:
    """The steps of a sequence holding `body` (lines indented by two spaces)."""
    program = compile_with("sequence s:\n  enter on signed_up\n" + body)
    return bare(program.sequences[0].steps)


def test_every_header() -> None:
    program = bare(
        compile_with(
            "sequence onboarding:\n"
            "  for trial and not enterprise\n"
            "  enter on signed_up\n"
            "  exit when customer or sql or unsubscribed\n"
            "  holdout 10%\n"
            "  reenter after 90d\n"
            "  limit 3 per 7d\n"
            "\n"
            "  send welcome\n"
        )
    )
    assert program.sequences[0] == ir.Sequence(
        name="onboarding",
        audience=ir.And(items=(TRIAL, ir.Not(operand=ENTERPRISE))),
        enter=ir.EnterOn(event="signed_up"),
        exit=ir.Or(
            items=(ir.Flag(name="customer"), ir.Flag(name="sql"), ir.Flag(name="unsubscribed"))
        ),
        holdout=10.0,
        reenter_after=days(90),
        limit=ir.Limit(count=3, window=days(7)),
        steps=(ir.Send(content="welcome"),),
    )


def test_headers_in_any_order_and_enter_when() -> None:
    program = bare(
        compile_with(
            "sequence s:\n  limit 1 per 1d\n  enter when enterprise\n  for trial\n  send welcome\n"
        )
    )
    seq = program.sequences[0]
    assert seq.enter == ir.EnterWhen(condition=ENTERPRISE)
    assert seq.audience == TRIAL and seq.holdout == 0.0 and seq.reenter_after is None


def test_enter_on_custom_event() -> None:
    program = compile_with("sequence s:\n  enter on webinar_attended\n  send welcome\n")
    assert program.sequences[0].enter.event == "webinar_attended"  # type: ignore[union-attr]


def test_send_wait_and_send_when() -> None:
    assert steps("  send welcome\n  wait 2d\n  send tips when stage == decision\n") == (
        ir.Send(content="welcome"),
        ir.Wait(duration=days(2)),
        ir.Send(content="tips", when=ir.Compare(op="==", left=ir.StageVar(), right=DECISION)),
    )


def test_wait_until_with_a_content_check() -> None:
    assert steps("  wait until clicked(welcome) or 3d\n") == (
        ir.WaitUntil(
            condition=ir.ContentCheck(action="clicked", content="welcome"), timeout=days(3)
        ),
    )


def test_wait_until_bare_event_is_event_since() -> None:
    assert steps("  wait until clicked or 1h\n") == (
        ir.WaitUntil(
            condition=ir.EventSince(event="clicked"), timeout=ir.Duration(amount=1, unit="h")
        ),
    )


def test_wait_until_timeout_is_after_the_last_top_level_or() -> None:
    # `a or b or 5d`: the condition is `a or b`, the timeout 5d
    assert steps("  wait until clicked or opened or 5d\n") == (
        ir.WaitUntil(
            condition=ir.Or(items=(ir.EventSince(event="clicked"), ir.EventSince(event="opened"))),
            timeout=days(5),
        ),
    )


def test_wait_until_with_and_and_parenthesised_or() -> None:
    assert steps("  wait until (replied or clicked) and trial or 2w\n") == (
        ir.WaitUntil(
            condition=ir.And(
                items=(
                    ir.Or(items=(ir.EventSince(event="replied"), ir.EventSince(event="clicked"))),
                    TRIAL,
                )
            ),
            timeout=ir.Duration(amount=2, unit="w"),
        ),
    )


def test_wait_until_with_a_count_window_inside() -> None:
    assert steps("  wait until count(clicked, 7d) >= 2 or 30m\n") == (
        ir.WaitUntil(
            condition=ir.Compare(
                op=">=", left=ir.Count(event="clicked", where=None, window=days(7)), right=num(2)
            ),
            timeout=ir.Duration(amount=30, unit="m"),
        ),
    )


def test_if_else() -> None:
    body = "  if clicked(welcome):\n    send tips\n  else:\n    send welcome\n    wait 1d\n"
    assert steps(body) == (
        ir.If(
            condition=ir.ContentCheck(action="clicked", content="welcome"),
            then=(ir.Send(content="tips"),),
            otherwise=(ir.Send(content="welcome"), ir.Wait(duration=days(1))),
        ),
    )


def test_if_without_else() -> None:
    assert steps("  if trial:\n    send tips\n  wait 1d\n") == (
        ir.If(condition=TRIAL, then=(ir.Send(content="tips"),)),
        ir.Wait(duration=days(1)),
    )


def test_nested_if_in_else() -> None:
    assert steps(
        "  if trial:\n    send tips\n  else:\n    if enterprise:\n      send welcome\n"
        "    else:\n      wait 1d\n"
    ) == (
        ir.If(
            condition=TRIAL,
            then=(ir.Send(content="tips"),),
            otherwise=(
                ir.If(
                    condition=ENTERPRISE,
                    then=(ir.Send(content="welcome"),),
                    otherwise=(ir.Wait(duration=days(1)),),
                ),
            ),
        ),
    )


def test_split_inside_if() -> None:
    assert steps(
        "  if stage >= consideration:\n"
        "    split:\n"
        "      50% -> send welcome\n"
        "      25% -> send tips when stage == decision\n"
        "      25% -> wait 1d\n"
    ) == (
        ir.If(
            condition=ir.Compare(
                op=">=", left=ir.StageVar(), right=ir.StageConst(name="consideration", index=1)
            ),
            then=(
                ir.Split(
                    arms=(
                        ir.SplitArm(percent=50.0, step=ir.Send(content="welcome")),
                        ir.SplitArm(
                            percent=25.0,
                            step=ir.Send(
                                content="tips",
                                when=ir.Compare(op="==", left=ir.StageVar(), right=DECISION),
                            ),
                        ),
                        ir.SplitArm(percent=25.0, step=ir.Wait(duration=days(1))),
                    )
                ),
            ),
        ),
    )


def test_split_with_decimal_percentages() -> None:
    (split,) = steps("  split:\n    33.5% -> send welcome\n    66.5% -> send tips\n")
    assert [arm.percent for arm in split.arms] == [33.5, 66.5]  # type: ignore[union-attr]


def test_step_count_counts_nested_steps() -> None:
    program = compile_with(
        "sequence s:\n  enter on signed_up\n  send welcome\n"
        "  if trial:\n    send tips\n  else:\n    split:\n      50% -> send tips\n"
        "      50% -> wait 1d\n"
    )
    assert program.step_count() == 6  # send, if, send, split, send, wait


def test_handoff() -> None:
    program = bare(
        compile_with("handoff when sql:\n  send call within 1d\n  send call within 12h\n")
    )
    assert program.handoffs == (
        ir.Handoff(
            condition=ir.Flag(name="sql"),
            sends=(
                ir.HandoffSend(content="call", within=days(1)),
                ir.HandoffSend(content="call", within=ir.Duration(amount=12, unit="h")),
            ),
        ),
    )


def test_step_spans_carry_their_line() -> None:
    program = compile_with("sequence s:\n  enter on signed_up\n\n  send welcome\n  wait 2d\n")
    send, wait = program.sequences[0].steps
    assert (send.span.line, wait.span.line) == (HEADER_LINES + 4, HEADER_LINES + 5)
    assert send.content_span.column == 8
