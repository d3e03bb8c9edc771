"""DSL.md "Meaning / Values": text comparisons, missing attributes, regexes, days_since."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from enginekit import DAY, HOUR, T0, Run

from engine.compiler.regexguard import CACHE_ENTRIES, Matcher


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


@contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    """A hang becomes a failure (not a timing: RE2 answers these in microseconds; Python's
    backtracking `re` needed longer than the universe's age for some of them)."""

    def fail(signum: int, frame: object) -> None:
        raise AssertionError(f"no answer within {seconds} s: the regex engine backtracks")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    ("pattern", "title", "holds"),
    [
        ("(a|a)*c", "a" * 5000, False),
        ("(a|aa)*c", "a" * 5000, False),
        ("a*a*a*a*a*a*c", "a" * 5000, False),
        (".*.*.*.*.*=", "x" * 5000, False),
        ("(a+)+$", "a" * 5000 + "!", False),  # refused by the old guard; RE2 runs it
        ("(a|aa)*c", "a" * 5000 + "c", True),
    ],
)
def test_patterns_that_backtrack_in_python_answer_at_once(
    pattern: str, title: str, holds: bool
) -> None:
    body = f'segment s: title matches "{pattern}"\n'
    with no_hang():
        assert segments(body, title=title) == (["s"] if holds else [])


def test_matches_searches_the_whole_text() -> None:
    body = 'segment late: title matches "needle$"\n'
    assert segments(body, title="x" * 100_000 + "needle") == ["late"]
    assert segments(body, title="x" * 100_000 + "needle x") == []


def test_case_insensitive_flag_folds_unicode_letters() -> None:
    body = 'segment s: title matches "(?i)^directeur général"\n'
    assert segments(body, title="DIRECTEUR GÉNÉRAL, Europe") == ["s"]


def test_a_matcher_gives_the_same_answer_from_its_cache_and_empties_it_when_full() -> None:
    m = Matcher("(?i)vp")
    assert [m("Senior VP"), m("Senior VP"), m("Manager"), m("Manager")] == [
        True,
        True,
        False,
        False,
    ]
    for i in range(CACHE_ENTRIES + 5):
        assert m(f"vp {i}") is True
    assert m("Senior VP") is True and m("x" * 1000 + "vp") is True and m("\ud800") is False


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
