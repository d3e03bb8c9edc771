"""Params (DSL.md, Parameters): parsed, checked (kind, range, clash), bound, formatted.

A file with params means exactly the file with the values written in place; values set from
outside replace them without re-parsing; every mistake is named with its line and column, or (a
value set from outside) with the param's name.
"""

from __future__ import annotations

import pytest
from dsl_testkit import HEADER, HEADER_LINES, bare

from dsl import ParamError, Rules, check_source, ir
from dsl.format import format_source

LINE = HEADER_LINES + 1

WITH_PARAMS = """\
param mql_at = 50 in 30..80
param bonus = 5
param first_wait = 2d in 1d..7d
param share = 10% in 0%..30%
param weekly = 3
param win = 7d

score e:
  +bonus on clicked cap weekly per win
  -bonus on unsubscribed
  decay share every win

mql when score >= mql_at and count(clicked, win) >= 1

policy:
  limit weekly per win

sequence s:
  enter on signed_up
  holdout share
  reenter after win
  send welcome
  wait first_wait
  wait until clicked or opened or first_wait
  split:
    share -> send tips
    90% -> wait first_wait

handoff when sql:
  send call within first_wait
"""
WRITTEN_IN_PLACE = """\
score e:
  +5 on clicked cap 3 per 7d
  -5 on unsubscribed
  decay 10% every 7d

mql when score >= 50 and count(clicked, 7d) >= 1

policy:
  limit 3 per 7d

sequence s:
  enter on signed_up
  holdout 10%
  reenter after 7d
  send welcome
  wait 2d
  wait until clicked or opened or 2d
  split:
    10% -> send tips
    90% -> wait 2d

handoff when sql:
  send call within 2d
"""


def meaning(program: ir.Program) -> ir.Program:
    return bare(program).model_copy(update={"params": (), "path": ""})


def checked(body: str, **settings: str) -> ir.Program:
    program, diags = check_source(HEADER + body, "t.nurture", settings or None)
    assert diags == [] and program is not None, diags
    return program


def errors(body: str) -> list[tuple[int, int, str, str]]:
    program, diags = check_source(HEADER + body, "t.nurture")
    assert program is None
    return [(d.span.line, d.span.column, d.code, d.message) for d in diags]


# ------------------------------------------------------------------ parse and bind


def test_a_param_means_its_value_written_in_place_in_every_kind_of_place() -> None:
    assert meaning(checked(WITH_PARAMS)) == meaning(checked(WRITTEN_IN_PLACE))


def test_the_program_holds_the_params_and_their_values() -> None:
    params = bare(checked(WITH_PARAMS).params)
    assert params[0] == ir.Param(
        name="mql_at", type="number", value=50.0, default=50.0, low=30.0, high=80.0
    )
    assert params[2] == ir.Param(
        name="first_wait",
        type="duration",
        value=ir.Duration(amount=2, unit="d"),
        default=ir.Duration(amount=2, unit="d"),
        low=ir.Duration(amount=1, unit="d"),
        high=ir.Duration(amount=7, unit="d"),
    )
    assert (params[3].type, params[3].value, params[3].low, params[3].high) == (
        "percent",
        10.0,
        0.0,
        30.0,
    )
    assert [p.name for p in params] == ["mql_at", "bonus", "first_wait", "share", "weekly", "win"]


def test_values_set_from_outside_are_in_force_and_marked_set() -> None:
    program = checked(WITH_PARAMS, mql_at="60", first_wait="3d")
    expected = checked(WRITTEN_IN_PLACE.replace(">= 50", ">= 60").replace("2d", "3d"))
    assert meaning(program) == meaning(expected)
    by_name = {p.name: p for p in program.params}
    assert by_name["mql_at"].value == 60.0 and by_name["mql_at"].default == 50.0
    assert by_name["mql_at"].set is True and by_name["bonus"].set is False


def test_a_value_set_from_outside_is_checked_where_it_is_used() -> None:
    # share stands for a decay (above 0%) and a split arm (the arms add up to 100%)
    _, diags = check_source(HEADER + WITH_PARAMS, "t.nurture", {"share": "0%"})
    assert sorted((d.span.line, d.code) for d in diags) == [
        (LINE + 10, "bad-percent"),
        (LINE + 24, "split-total"),
    ]


def test_a_negative_number_and_decimals() -> None:
    program = checked("param floor = -2.5 in -10..0\nsegment low: company_size > floor\n")
    condition = next(s for s in program.segments if s.name == "low").condition
    assert condition.right.value == -2.5  # type: ignore[union-attr]


def test_a_param_may_be_used_before_its_line() -> None:
    checked("mql when score >= mql_at\nparam mql_at = 50\n")


def test_rules_parse_once_and_check_with_each_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules(HEADER + WITH_PARAMS, "t.nurture")
    import dsl.parser

    def no_parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(dsl.parser, "get_parser", no_parse)
    a = rules.program({"mql_at": "40"})
    b = rules.program({"mql_at": "70"})
    assert a.mql.condition.items[0].right.value == 40.0  # type: ignore[union-attr]
    assert b.mql.condition.items[0].right.value == 70.0  # type: ignore[union-attr]
    assert rules.program({"mql_at": "40"}) is a  # the same settings: the same program
    assert [p.name for p in rules.params][:2] == ["mql_at", "bonus"]


# ------------------------------------------------------------------ mistakes in the file


def test_a_duration_param_in_a_condition() -> None:
    assert errors("param first_wait = 2d\nmql when score >= first_wait\n") == [
        (
            LINE + 1,
            19,
            "type",
            "'first_wait' is a duration; only a number param may stand in a condition",
        )
    ]


@pytest.mark.parametrize(
    ("body", "column", "message"),
    [
        (
            "sequence s:\n  enter on signed_up\n  send welcome\n  wait share\n",
            8,
            "'share' is a percentage; a duration goes here",
        ),
        (
            "sequence s:\n  enter on signed_up\n  holdout bonus\n  send welcome\n",
            11,
            "'bonus' is a number; a percentage goes here",
        ),
        (
            "score e:\n  +share on clicked\n",
            4,
            "'share' is a percentage; a number goes here",
        ),
        (
            "sequence s:\n  enter on signed_up\n  send welcome\n  wait until clicked or bonus\n",
            25,
            "'bonus' is a number; a duration goes here",
        ),
    ],
)
def test_a_param_of_the_wrong_kind_is_an_error_where_it_is_used(
    body: str, column: int, message: str
) -> None:
    head = "param share = 10%\nparam bonus = 5\n"
    found = errors(head + body)
    assert [(f[1], f[2], f[3]) for f in found] == [(column, "type", message)]


def test_an_unknown_name_where_a_duration_goes() -> None:
    found = errors("param first_wait = 2d\nsequence s:\n  enter on signed_up\n  wait frist_wait\n")
    assert found == [(LINE + 3, 8, "unknown-name", "unknown param 'frist_wait'")]
    _, diags = check_source(HEADER + "sequence s:\n  enter on signed_up\n  wait soon\n")
    assert [(d.message, d.hint) for d in diags] == [
        ("unknown param 'soon'", "write a duration like 3d, or declare 'param soon = 3d'")
    ]


def test_a_misspelt_param_in_a_condition_suggests_it() -> None:
    _, diags = check_source(HEADER + "param mql_at = 50\nmql when score >= mql_att\n")
    assert [(d.message, d.hint) for d in diags] == [
        ("unknown param 'mql_att'", "did you mean 'mql_at'?")
    ]


def test_a_limit_param_must_be_a_whole_number() -> None:
    found = errors("param weekly = 2.5\npolicy:\n  limit weekly per 7d\n")
    assert found == [
        (
            LINE + 2,
            9,
            "bad-limit",
            "a limit counts whole touches: a whole number of at least 1, not weekly = 2.5",
        )
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("param p = 90 in 30..80", "'p' is 90, outside its range 30..80"),
        ("param p = 50 in 80..30", "the range of 'p' runs backwards: 80..30"),
        ("param p = 2d in 1h..1d", "'p' is 2d, outside its range 1h..1d"),
        (
            "param p = 10% in 0..30",
            "the range of 'p' must be written as percentages, like its value",
        ),
        ("param p = 5 in 1d..7d", "the range of 'p' must be written as numbers, like its value"),
    ],
)
def test_a_range_that_does_not_fit_its_value(line: str, message: str) -> None:
    assert errors(line + "\n") == [(LINE, 7, "param-range", message)]


def test_a_range_in_mixed_units_compares_durations() -> None:
    checked("param p = 90m in 1h..2h\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("param enterprise = 5\n", "'enterprise' is already defined as a segment on line 16"),
        ("param title = 5\n", "'title' is already defined as a lead attribute on line 7"),
        ("param p = 5\nparam p = 6\n", f"'p' is already defined as a param on line {LINE}"),
        ("param page = 5\n", "'page' is already the name of an event property"),
    ],
)
def test_a_param_name_must_differ_from_every_other_name(body: str, message: str) -> None:
    assert message in [f[3] for f in errors(body)]


def test_a_clash_with_a_segment_keeps_the_segment_meaning() -> None:
    found = errors("param trial = 5\nmql when trial\n")
    assert [f[3] for f in found] == ["'trial' is already defined as a segment on line 17"]


@pytest.mark.parametrize("raw", ["9" * 5000 + "d", "9" * 5000, "9" * 5000 + "%"])
def test_a_5000_digit_value_set_from_outside_is_out_of_range(raw: str) -> None:
    rules = Rules(HEADER + "param p = 5\nparam d = 1d\nparam s = 1%\n", "t.nurture")
    name = "d" if raw.endswith("d") else "s" if raw.endswith("%") else "p"
    with pytest.raises(ParamError) as err:
        rules.check({name: raw})
    assert err.value.message.endswith(
        "longer than 100 years, the longest a duration may be (36500d)"
        if name == "d"
        else "more than 15 digits (the largest number is 999999999999999)"
    )


def test_a_param_value_past_the_limits() -> None:
    assert [f[2] for f in errors("param p = " + "9" * 400 + "\n")] == ["number-range"]
    assert [f[2] for f in errors("param p = 36501d\n")] == ["duration-range"]


# ------------------------------------------------------------------ values set from outside


@pytest.mark.parametrize(
    ("settings", "message", "hint"),
    [
        (
            {"mql_at": "3d"},
            "--set mql_at=3d: 'mql_at' (line 21 of t.nurture) is a number, not a duration",
            "like --set mql_at=50",
        ),
        (
            {"mql_at": "90"},
            "--set mql_at=90: 'mql_at' (line 21 of t.nurture) may be from 30 to 80",
            "its range is declared on line 21; the file's value is 50",
        ),
        (
            {"share": "lots"},
            "--set share=lots: 'share' (line 24 of t.nurture) is a percentage; 'lots' is not a "
            "number, a duration or a percentage",
            "like --set share=10%",
        ),
        (
            {"mq_at": "60"},
            "--set mq_at=60: t.nurture has no param 'mq_at'",
            "did you mean 'mql_at'?",
        ),
        (
            {"first_wait": "99999d"},
            "--set first_wait=99999d: 'first_wait' (line 23 of t.nurture) is a duration; "
            "'99999d' is longer than 100 years, the longest a duration may be (36500d)",
            "like --set first_wait=3d",
        ),
    ],
)
def test_a_value_set_from_outside_that_does_not_fit_names_the_param(
    settings: dict[str, str], message: str, hint: str
) -> None:
    with pytest.raises(ParamError) as err:
        check_source(HEADER + WITH_PARAMS, "t.nurture", settings)
    assert (err.value.message, err.value.hint) == (message, hint)


# ------------------------------------------------------------------ the formatter


def test_params_format_aligned_with_their_comments_and_read_back_the_same() -> None:
    text = (
        HEADER
        + "# the numbers to tune\n"
        + "param   mql_at=50   in 30 .. 80 # MQL\n"
        + "param first_wait = 2d\n"
        + "param share=10%  in  0%..30%\n"
        + "param floor = -3\n"
        + "score e:\n  +  bonus on clicked\n  -bonus on opened\n"
        + "param bonus = 5\n"
    )
    out = format_source(text)
    assert out.endswith(
        "\n\n# the numbers to tune\n"
        "param mql_at     = 50  in 30..80  # MQL\n"
        "param first_wait = 2d\n"
        "param share      = 10% in 0%..30%\n"
        "param floor      = -3\n"
        "\n"
        "score e:\n"
        "  +bonus on clicked\n"
        "  -bonus on opened\n"
        "\n"
        "param bonus = 5\n"
    )
    assert format_source(out) == out
    assert meaning(check_source(out)[0]) == meaning(check_source(text)[0])  # type: ignore[arg-type]
