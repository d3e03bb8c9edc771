"""Expressions: every operator, precedence, values and built-in functions, as resolved IR."""

from __future__ import annotations

import pytest
from dsl_testkit import attr, compile_with, days, num, segment, text

from dsl import ir

SIZE = attr("company_size")
TITLE = attr("title", "text")
SOURCE = attr("source", "text")


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_number_comparisons(op: str) -> None:
    assert segment(f"company_size {op} 10") == ir.Compare(op=op, left=SIZE, right=num(10))


@pytest.mark.parametrize("op", ["contains", "startswith", "endswith"])
def test_text_operators(op: str) -> None:
    assert segment(f'title {op} "vp"') == ir.Compare(op=op, left=TITLE, right=text("vp"))


def test_matches_keeps_the_pattern_with_its_escapes_resolved() -> None:
    assert segment(r'title matches "(?i)\\bvp\\b"') == ir.Compare(
        op="matches", left=TITLE, right=text(r"(?i)\bvp\b")
    )


def test_quote_escape_in_text() -> None:
    assert segment(r'title == "say \"hi\""') == ir.Compare(
        op="==", left=TITLE, right=text('say "hi"')
    )


def test_in_and_not_in_a_list() -> None:
    names = ir.ListLit(items=(text("finance"), text("health")))
    assert segment('industry in ["finance", "health"]') == ir.Compare(
        op="in", left=attr("industry", "text"), right=names
    )
    assert segment('industry not in ["finance", "health"]') == ir.Compare(
        op="not in", left=attr("industry", "text"), right=names
    )


def test_number_list() -> None:
    assert segment("company_size in [1, 2, 3]") == ir.Compare(
        op="in", left=SIZE, right=ir.ListLit(items=(num(1), num(2), num(3)))
    )


def test_not_binds_looser_than_in() -> None:
    # DSL.md: `not x in [1, 2]` means `not (x in [1, 2])`
    assert segment("not company_size in [1, 2]") == ir.Not(
        operand=ir.Compare(op="in", left=SIZE, right=ir.ListLit(items=(num(1), num(2))))
    )


def test_and_binds_tighter_than_or() -> None:
    big = ir.Compare(op=">", left=SIZE, right=num(1))
    small = ir.Compare(op="<", left=SIZE, right=num(9))
    vp = ir.Compare(op="==", left=TITLE, right=text("vp"))
    assert segment('company_size > 1 or company_size < 9 and title == "vp"') == ir.Or(
        items=(big, ir.And(items=(small, vp)))
    )


def test_or_and_and_chains_are_flat() -> None:
    e, t = ir.SegmentRef(name="enterprise"), ir.SegmentRef(name="trial")
    assert segment("enterprise or trial or enterprise") == ir.Or(items=(e, t, e))
    assert segment("enterprise and trial and enterprise") == ir.And(items=(e, t, e))


def test_parentheses_override_precedence() -> None:
    e, t = ir.SegmentRef(name="enterprise"), ir.SegmentRef(name="trial")
    assert segment("(enterprise or trial) and not trial") == ir.And(
        items=(ir.Or(items=(e, t)), ir.Not(operand=t))
    )


def test_not_not() -> None:
    assert segment("not not trial") == ir.Not(operand=ir.Not(operand=ir.SegmentRef(name="trial")))


def test_arithmetic_precedence_and_left_association() -> None:
    # 1 + 2 * 3 - 4 / 2  ==  (1 + (2 * 3)) - (4 / 2)
    left = ir.Arith(op="+", left=num(1), right=ir.Arith(op="*", left=num(2), right=num(3)))
    right = ir.Arith(op="/", left=num(4), right=num(2))
    assert segment("1 + 2 * 3 - 4 / 2 > company_size") == ir.Compare(
        op=">", left=ir.Arith(op="-", left=left, right=right), right=SIZE
    )


def test_unary_minus_on_a_number_is_a_negative_number() -> None:
    assert segment("company_size > -3") == ir.Compare(op=">", left=SIZE, right=num(-3))


def test_unary_minus_on_a_name() -> None:
    assert segment("-company_size < 0.5") == ir.Compare(
        op="<", left=ir.Neg(operand=SIZE), right=num(0.5)
    )


def test_arithmetic_on_scores() -> None:
    assert segment("fit * 2 >= score") == ir.Compare(
        op=">=",
        left=ir.Arith(op="*", left=ir.ScoreRef(name="fit"), right=num(2)),
        right=ir.ScoreRef(name=None),
    )


def test_booleans() -> None:
    assert segment("true") == ir.Bool(value=True)
    assert segment("false or trial") == ir.Or(
        items=(ir.Bool(value=False), ir.SegmentRef(name="trial"))
    )


def test_stage_comparison_uses_funnel_index() -> None:
    assert segment("stage >= consideration") == ir.Compare(
        op=">=", left=ir.StageVar(), right=ir.StageConst(name="consideration", index=1)
    )


@pytest.mark.parametrize("flag", ["mql", "sql", "customer", "unsubscribed", "sunset"])
def test_lifecycle_flags(flag: str) -> None:
    assert segment(flag) == ir.Flag(name=flag)


def test_timezone_is_a_text_attribute_even_undeclared() -> None:
    assert segment('timezone == "Europe/Paris"') == ir.Compare(
        op="==", left=attr("timezone", "text"), right=text("Europe/Paris")
    )


def test_count_with_where_and_window() -> None:
    assert segment('count(visited where page == "pricing", 14d) >= 1') == ir.Compare(
        op=">=",
        left=ir.Count(
            event="visited",
            where=ir.Compare(
                op="==", left=ir.Prop(name="page", type="text"), right=text("pricing")
            ),
            window=days(14),
        ),
        right=num(1),
    )


def test_count_of_a_custom_event_with_a_number_property() -> None:
    assert segment("count(webinar_attended where minutes > 30, 2w) > 0") == ir.Compare(
        op=">",
        left=ir.Count(
            event="webinar_attended",
            where=ir.Compare(op=">", left=ir.Prop(name="minutes", type="number"), right=num(30)),
            window=ir.Duration(amount=2, unit="w"),
        ),
        right=num(0),
    )


def test_where_may_read_lead_attributes_too() -> None:
    cond = segment("count(clicked where company_size > 5, 12h) >= 1")
    assert cond.left.where == ir.Compare(op=">", left=SIZE, right=num(5))
    assert cond.left.window == ir.Duration(amount=12, unit="h")


def test_count_without_where() -> None:
    assert segment("count(clicked, 30m) >= 2").left == ir.Count(
        event="clicked", where=None, window=ir.Duration(amount=30, unit="m")
    )


def test_days_since() -> None:
    assert segment("days_since(last_engagement) > 60") == ir.Compare(
        op=">", left=ir.DaysSince(event="last_engagement"), right=num(60)
    )
    assert segment("days_since(visited) <= 1").left == ir.DaysSince(event="visited")


@pytest.mark.parametrize("action", ["opened", "clicked", "replied"])
def test_content_checks(action: str) -> None:
    assert segment(f"{action}(welcome)") == ir.ContentCheck(action=action, content="welcome")


def test_in_sequence() -> None:
    program = compile_with(
        "segment busy: in_sequence(onboarding)\n"
        "sequence onboarding:\n  enter on signed_up\n  send welcome\n"
    )
    assert program.segments[-1].condition == ir.InSequence(
        sequence="onboarding", span=program.segments[-1].condition.span
    )


def test_a_name_may_be_used_before_its_line() -> None:
    program = compile_with("segment a: b\nsegment b: trial\n")
    assert [s.name for s in program.segments] == ["enterprise", "trial", "a", "b"]
    assert program.segments[2].condition.name == "b"


def test_spans_point_at_the_source() -> None:
    program = compile_with("segment s: company_size >= 500\n")
    cond = program.segments[-1].condition
    line = program.segments[-1].span.line
    assert (cond.span.line, cond.span.column) == (line, 12)
    assert (cond.right.span.column, cond.right.span.end_column) == (28, 31)
    assert program.path == "test.nurture"


@pytest.mark.parametrize(
    ("event", "prop", "type_", "value"),
    [
        ("converted", "value", "number", "100"),
        ("submitted", "form", "text", '"demo"'),
        ("unsubscribed", "channel", "text", '"sms"'),
        ("bounced", "content", "text", '"welcome"'),
        ("delivered", "channel", "text", '"email"'),
        ("replied", "content", "text", '"welcome"'),
    ],
)
def test_built_in_event_properties_in_where(event: str, prop: str, type_: str, value: str) -> None:
    cond = segment(f"count({event} where {prop} == {value}, 30d) >= 1")
    expected = num(100) if type_ == "number" else text(value.strip('"'))
    assert cond.left == ir.Count(
        event=event,
        window=days(30),
        where=ir.Compare(op="==", left=ir.Prop(name=prop, type=type_), right=expected),
    )


def test_a_property_shadows_a_lead_attribute_inside_where() -> None:
    # inside `where`, the event's own properties come first (DSL.md)
    program = compile_with(
        "event form_sent(company_size: number)\n"
        "segment s: count(form_sent where company_size > 5, 1d) >= 1\n"
    )
    assert program.segments[-1].condition.left.where.left == ir.Prop(  # type: ignore[union-attr]
        name="company_size",
        type="number",
        span=program.segments[-1].condition.left.where.left.span,  # type: ignore[union-attr]
    )
