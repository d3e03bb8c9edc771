"""DSL.md "Meaning / Values": text comparisons, missing attributes, regexes, days_since."""

from __future__ import annotations

import pytest
from enginekit import DAY, HOUR, T0, Run

from engine.compiler.regexguard import MAX_TEXT, UnsafePattern, compile_pattern


def segments(body: str, at: float = T0, **attrs: object) -> list[str]:
    run = Run(body).lead("L1", T0, **attrs)
    return run.view("L1", at).segments


def test_text_equality_ignores_case_and_surrounding_spaces() -> None:
    assert segments('segment acme: name == "Acme Corp"\n', name="  ACME corp ") == ["acme"]


def test_text_in_list_ignores_case() -> None:
    body = 'segment big: name in ["Finance", "Health"]\nsegment other: name not in ["finance"]\n'
    assert segments(body, name=" FINANCE") == ["big"]


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [
        ("contains", "ACME", True),
        ("startswith", "the", True),
        ("endswith", "INC", True),
        ("contains", "zzz", False),
        ("startswith", "acme", False),
    ],
)
def test_text_operators_ignore_case(op: str, value: str, holds: bool) -> None:
    body = f'segment s: name {op} "{value}"\n'
    assert segments(body, name="The Acme Inc ") == (["s"] if holds else [])


def test_missing_attribute_makes_every_comparison_false() -> None:
    body = (
        "segment eq: size == 1\nsegment neq: size != 1\nsegment lt: size < 5\n"
        'segment notq: not (size == 1)\nsegment txt: name != "x"\n'
    )
    assert segments(body) == ["notq"]


def test_empty_text_is_missing() -> None:
    assert segments('segment s: name != "x"\nsegment t: not (name == "x")\n', name="   ") == ["t"]


def test_number_attribute_given_as_text_is_a_number() -> None:
    assert segments("segment big: size >= 500\n", size="750") == ["big"]


def test_matches_is_a_case_sensitive_search_unless_flagged() -> None:
    body = (
        'segment exec: title matches "\\\\bVP\\\\b"\n'
        'segment any: title matches "(?i)\\\\bvp\\\\b"\n'
    )
    assert segments(body, title="Senior VP, Sales") == ["exec", "any"]
    assert segments(body, title="senior vp") == ["any"]


def test_nested_quantifier_pattern_is_refused() -> None:
    with pytest.raises(UnsafePattern):
        compile_pattern("(a+)+$")
    compile_pattern("(ab)+c")  # a single repetition is fine


def test_matches_reads_only_the_first_max_text_characters() -> None:
    body = 'segment late: title matches "needle"\n'
    assert segments(body, title="x" * (MAX_TEXT - 10) + "needle") == ["late"]
    assert segments(body, title="x" * MAX_TEXT + "needle") == []


def test_days_since_is_a_real_number_of_days() -> None:
    body = "segment quiet: days_since(last_engagement) >= 1.5\n"
    run = Run(body).lead("L1", T0)
    assert run.view("L1", T0 + 36 * HOUR - 1).segments == []
    assert run.view("L1", T0 + 36 * HOUR).segments == ["quiet"]


def test_days_since_counts_from_the_latest_such_event() -> None:
    body = "segment fresh: days_since(clicked) < 1\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + 3 * DAY, content="x")
    assert run.view("L1", T0 + 3.5 * DAY).segments == ["fresh"]
    assert run.view("L1", T0 + 4 * DAY).segments == []


def test_count_window_includes_its_end_and_excludes_its_start() -> None:
    body = "segment busy: count(clicked, 1d) >= 1\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + HOUR)
    assert run.view("L1", T0 + HOUR).segments == ["busy"]
    assert run.view("L1", T0 + HOUR + DAY - 1).segments == ["busy"]
    assert run.view("L1", T0 + HOUR + DAY).segments == []


def test_count_where_filters_on_event_properties_ignoring_case() -> None:
    body = 'segment pricing: count(visited where page == "pricing", 7d) >= 2\n'
    run = Run(body).lead("L1", T0)
    run.event("L1", "visited", T0 + 1, page=" Pricing").event("L1", "visited", T0 + 2, page="home")
    assert run.view("L1", T0 + 3).segments == []
    run.event("L1", "visited", T0 + 4, page="PRICING")
    assert run.view("L1", T0 + 5).segments == ["pricing"]


def test_arithmetic_on_counts() -> None:
    body = "segment active: count(clicked, 7d) + count(opened, 7d) * 2 >= 3\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + 1)
    assert run.view("L1", T0 + 2).segments == []
    run.event("L1", "opened", T0 + 3)
    assert run.view("L1", T0 + 4).segments == ["active"]


def test_division_by_zero_is_missing_not_a_crash() -> None:
    body = "segment ratio: count(clicked, 7d) / count(opened, 7d) >= 1\n"
    assert segments(body) == []


def test_content_checks_are_ever() -> None:
    body = "segment fan: clicked(x) and not opened(y)\n"
    run = Run(body).lead("L1", T0).event("L1", "clicked", T0 + 1, content=" X ", channel="email")
    assert run.view("L1", T0 + 400 * DAY).segments == ["fan"]
