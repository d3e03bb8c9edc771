"""The language's limits (dsl/limits.py): nesting, number and duration ranges.

Each mistake is an error at its line and column that names the limit; nothing in the file can make
the front end, the formatter or the engine recurse without end or overflow. Long `or`/`and` chains
and parentheses alone are not nesting: they check, format and compile.
"""

from __future__ import annotations

import pytest
from dsl_testkit import HEADER, HEADER_LINES

from dsl import check_source
from dsl.diagnostics import DiagnosticError
from dsl.format import format_source
from engine import Engine, Lead

LINE = HEADER_LINES + 1  # the first line after HEADER


def errors(body: str) -> list[tuple[int, int, str, str]]:
    program, diags = check_source(HEADER + body, "t.nurture")
    assert program is None
    return [(d.span.line, d.span.column, d.code, d.message) for d in diags]


def accepted(body: str):  # noqa: ANN201 (a Program)
    program, diags = check_source(HEADER + body, "t.nurture")
    assert diags == [] and program is not None
    return program


# ------------------------------------------------------------------ nesting


def test_200_nested_not_is_nested_200_levels_past_the_limit_of_50() -> None:
    # the caret stands at the 51st `not`: "segment d: " is 11 columns, each "not " 4
    assert errors("segment d: " + "not " * 200 + "enterprise\n") == [
        (LINE, 12 + 50 * 4, "too-deep", "this condition is nested 200 levels deep; the limit is 50")
    ]


def test_500_deep_list_is_an_error_at_the_fiftieth_bracket() -> None:
    # the comparison is level 1, the k-th list level k + 1: the 50th '[' (column 17 + 49) passes
    found = errors("segment d: 1 in " + "[" * 500 + "1" + "]" * 500 + "\n")
    assert (LINE, 66, "too-deep", "this condition is nested 501 levels deep; the limit is 50") in (
        found
    )


def test_a_500_term_sum_is_nested_one_level_per_operator() -> None:
    found = errors("segment d: " + " + ".join(["1"] * 500) + " > 0\n")
    assert [f[2:] for f in found] == [
        ("too-deep", "this condition is nested 500 levels deep; the limit is 50")
    ]


def test_exactly_50_levels_is_accepted_and_51_is_not() -> None:
    accepted("segment d: " + "not " * 48 + "company_size > 1\n")  # 48 + comparison + ... = 49
    accepted("segment d: " + "not " * 49 + "company_size > 1\n")  # 50
    assert errors("segment d: " + "not " * 50 + "company_size > 1\n")[0][2:] == (
        "too-deep",
        "this condition is nested 51 levels deep; the limit is 50",
    )


def test_steps_nested_60_deep_are_an_error_at_the_51st_if() -> None:
    lines = ["sequence s:", "  enter on signed_up"]
    for depth in range(60):
        lines.append("  " * (depth + 1) + "if enterprise:")
    lines.append("  " * 61 + "send welcome")
    found = errors("\n".join(lines) + "\n")
    assert found == [
        (
            LINE + 2 + 50,
            1 + 2 * 51,
            "too-deep",
            "these steps are nested 60 levels deep; the limit is 50",
        )
    ]


def test_a_600_term_or_chain_is_one_level_it_checks_formats_and_runs() -> None:
    chain_text = " or ".join(["sql"] * 599 + ["enterprise"])
    program = accepted(f"segment d: {chain_text}\nmql when d\n")
    chain = next(s.condition for s in program.segments if s.name == "d")
    assert chain.kind == "or" and len(chain.items) == 600
    formatted = format_source(HEADER + f"segment d: {chain_text}\nmql when d\n")
    assert formatted.endswith(f"\nsegment d: {chain_text}\n\nmql when d\n")
    engine = Engine([program])
    actions = engine.add_lead(Lead("L1", 0.0, {"company_size": 900}), 0.0)
    assert [a.action for a in actions] == ["mql"]


def test_500_parentheses_alone_open_no_level_and_format_away() -> None:
    body = "segment d: " + "(" * 500 + "sql" + ")" * 500 + "\n"
    accepted(body)
    assert format_source(HEADER + body).endswith("\nsegment d: sql\n")


def test_segments_count_where_they_are_used_reported_where_the_limit_is_first_passed() -> None:
    # s0 uses s1 ... uses s60; each use opens a level: s11 is the first past 50 (51 levels)
    body = "".join(f"segment s{i}: s{i + 1}\n" for i in range(60))
    body += "segment s60: days_since(last_engagement) > 1\nmql when s0\n"
    assert errors(body) == [
        (
            LINE + 11,
            14,
            "too-deep",
            "with the segments it uses, this segment condition is nested 51 levels deep; "
            "the limit is 50",
        )
    ]


def test_forty_segments_inside_one_another_compile_and_run() -> None:
    body = "".join(f"segment s{i}: s{i + 1}\n" for i in range(40))
    body += "segment s40: days_since(last_engagement) > 1\nmql when s0 and s3\n"
    engine = Engine([accepted(body)])
    engine.add_lead(Lead("L1", 0.0, {}), 0.0)
    assert [a.action for a in engine.advance(2 * 86400.0)] == ["mql"]


# ------------------------------------------------------------------ numbers and durations

WAIT = "sequence s:\n  enter on signed_up\n  send welcome\n  wait {}\n"


@pytest.mark.parametrize("amount", ["36501d", "5215w", "876001h", "52560001m", "9" * 400 + "d"])
def test_a_duration_past_100_years_is_an_error_at_the_duration(amount: str) -> None:
    assert errors(WAIT.format(amount)) == [
        (
            LINE + 3,
            8,
            "duration-range",
            "this duration is longer than 100 years, the longest a duration may be",
        )
    ]


@pytest.mark.parametrize("amount", ["36500d", "5214w", "876000h", "52560000m"])
def test_100_years_is_the_longest_duration(amount: str) -> None:
    accepted(WAIT.format(amount))


def test_a_5000_digit_wait_is_an_error_with_the_longest_duration_in_the_hint() -> None:
    _, diags = check_source(HEADER + WAIT.format("9" * 5000 + "d"))
    (d,) = diags
    assert (d.span.line, d.span.column, d.span.end_column) == (LINE + 3, 8, 8 + 5001)
    assert d.hint == (
        "the longest duration is 36500d, 100 years (or 5214w, 876000h, 52560000m): a longer "
        "wait never ends within a campaign, and the date it ends on could not be written"
    )


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("handoff when sql:\n  send call within {}\n", 20),
        ("policy:\n  limit 3 per {}\n", 15),
        ("segment d: count(clicked, {}) >= 1\n", 27),
        ("score e:\n  +2 on opened cap 10 per {}\n", 27),
        ("score e:\n  +2 on opened\n  decay 20% every {}\n", 19),
        ("sequence s:\n  enter on signed_up\n  reenter after {}\n  send welcome\n", 17),
        ("sequence s:\n  enter on signed_up\n  send welcome\n  wait until sql or {}\n", 21),
    ],
)
def test_every_duration_has_the_range(body: str, column: int) -> None:
    found = errors(body.format("9" * 400 + "w"))
    assert [f[2] for f in found] == ["duration-range"]
    assert found[0][1] == column


@pytest.mark.parametrize(
    ("body", "line", "column", "digits"),
    [
        ("mql when score > 1{}\n", 0, 18, 401),
        ("mql when score > 1{}.5\n", 0, 18, 401),
        ("score e:\n  +1{} when sql\n", 1, 3, 401),
        ("score e:\n  -1{} on opened\n", 1, 3, 401),
        ("score e:\n  +1 on opened cap 1{} per 1d\n", 1, 20, 401),
        ("content big email cost 1{}\n", 0, 24, 401),
        ("policy:\n  limit 1{} per 7d\n", 1, 9, 401),
    ],
)
def test_a_number_past_15_digits_is_an_error_at_the_number(
    body: str, line: int, column: int, digits: int
) -> None:
    assert errors(body.format("0" * 400)) == [
        (
            LINE + line,
            column,
            "number-range",
            f"this number has {digits} digits before the point; the most is 15",
        )
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "sequence s:\n  enter on signed_up\n  holdout 1{}%\n  send welcome\n",
            "a holdout is a percentage from 0% to below 100%",
        ),
        (
            "score e:\n  +2 on opened\n  decay 1{}% every 30d\n",
            "decay is a percentage above 0% and below 100%",
        ),
    ],
)
def test_a_huge_percentage_is_out_of_its_range(body: str, message: str) -> None:
    assert [f[3] for f in errors(body.format("0" * 5000))] == [message]


def test_a_5000_digit_integer_and_the_largest_number() -> None:
    assert [f[2] for f in errors("mql when score > " + "9" * 5000 + "\n")] == ["number-range"]
    program = accepted("mql when score > 999999999999999\n")
    assert program.mql is not None and program.mql.condition.right.value == 999999999999999.0


def test_the_number_hint_says_why() -> None:
    _, (d,) = check_source(HEADER + "mql when score > 1" + "0" * 20 + "\n")
    assert d.hint == (
        "the largest number is 999999999999999: numbers are held as 64-bit floats, exact only "
        "up to 15 digits"
    )


def test_tiny_decimals_format_without_an_exponent_and_read_back() -> None:
    body = "score e:\n  +0.00001 when sql\n"
    out = format_source(HEADER + body)
    assert out.endswith("\n\nscore e:\n  +0.00001 when sql\n")
    program, diags = check_source(out)
    assert diags == [] and program is not None
    assert program.scores[-1].rules[0].points == 0.00001


def test_the_formatter_refuses_what_check_refuses() -> None:
    with pytest.raises(DiagnosticError) as err:
        format_source(HEADER + "mql when score > 1" + "0" * 400 + "\n")
    assert [d.code for d in err.value.diagnostics] == ["number-range"]


def test_a_mistake_on_a_long_line_shows_a_window_of_it_around_the_caret() -> None:
    from dsl.diagnostics import render_all

    text = HEADER + "segment d: " + "sql or " * 100 + "qqq\n"
    _, diags = check_source(text, "t.nurture")
    rendered = render_all(diags, text).split("\n")
    col = 11 + 7 * 100 + 1  # 'qqq'
    assert rendered[0] == f"t.nurture:{LINE}:{col}: unknown name 'qqq'"
    shown, caret = rendered[1], rendered[2]
    assert len(shown) <= 8 + 160 and shown.startswith(f"{LINE:>5} | …")
    assert shown[caret.index("^") : caret.index("^") + 3] == "qqq"
    assert caret.endswith("^^^")
