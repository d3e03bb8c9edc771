"""`enter on EVENT where COND` (issue 11, item 9): the event's properties decide, as in `count(EVENT
where COND, W)` and `+N on EVENT where COND`. Parsed, checked, formatted; the engine in
tests/engine/test_sequences_enter_where.py."""

from __future__ import annotations

from dsl_testkit import HEADER, HEADER_LINES, bare, compile_with

from dsl import check_source, ir
from dsl.format import format_source

BODY = 'sequence s:\n  enter on submitted where form == "webinar"\n  send welcome\n'


def test_the_where_reads_the_events_properties() -> None:
    enter = bare(compile_with(BODY).sequences[0].enter)
    assert enter == ir.EnterOn(
        event="submitted",
        where=ir.Compare(
            op="==", left=ir.Prop(name="form", type="text"), right=ir.Str(value="webinar")
        ),
    )


def test_a_custom_events_number_property() -> None:
    body = 'sequence s:\n  enter on webinar_attended where minutes >= 30 and topic != "x"\n'
    enter = bare(compile_with(body + "  send welcome\n").sequences[0].enter)
    assert enter.where.items[0] == ir.Compare(  # type: ignore[union-attr]
        op=">=", left=ir.Prop(name="minutes", type="number"), right=ir.Num(value=30)
    )


def test_an_unknown_property_names_the_events_properties() -> None:
    body = BODY.replace("form ==", "from ==")
    _, diags = check_source(HEADER + body, "t.nurture")
    assert [(d.span.line, d.span.column, d.message, d.hint) for d in diags] == [
        (
            HEADER_LINES + 2,
            28,
            "unknown property 'from' of 'submitted'",
            "did you mean 'form'?",
        )
    ]


def test_a_where_that_is_not_a_condition() -> None:
    _, diags = check_source(HEADER + BODY.replace('form == "webinar"', "form"), "t.nurture")
    assert [d.message for d in diags] == ["this 'where' is a text, not true or false"]


def test_it_formats_and_reads_back_the_same() -> None:
    text = (
        HEADER + 'sequence s:\n  enter on   submitted   where (form=="webinar")\n  send welcome\n'
    )
    out = format_source(text)
    assert out.endswith(
        '\nsequence s:\n  enter on submitted where form == "webinar"\n\n  send welcome\n'
    )
    assert bare(check_source(out)[0]) == bare(check_source(text)[0])
