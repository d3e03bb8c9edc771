"""Syntax-error recovery: every mistake of a file in one run, none invented by the recovery."""

from __future__ import annotations

from dsl import check_source
from dsl.parser import parse_recovering, parse_text

HEADER = 'campaign "R"\nstages a, b\n\ncontent w email\ncontent t sms\n\n'


def lines_and_codes(text: str) -> list[tuple[int, str]]:
    _, diagnostics = check_source(text)
    return [(d.span.line, d.code) for d in diagnostics]


def test_three_syntax_errors_in_three_blocks_and_a_later_semantic_error() -> None:
    text = HEADER + (
        "segment s1: qq >\n"  # 7  syntax
        "score x:\n  5 on clicked\n"  # 9  syntax (no sign)
        "policy:\n  limit 3 per 7 days\n"  # 11 syntax
        "sequence q:\n  enter on created\n  send ww\n"  # 14 unknown content
    )
    assert lines_and_codes(text) == [
        (7, "syntax"),
        (9, "missing-sign"),
        (11, "bad-duration"),
        (14, "unknown-name"),
    ]


def test_three_syntax_errors_in_one_block() -> None:
    text = HEADER + (
        "sequence q:\n  enter on created\n"
        "  send w when\n"  # 9
        "  wait 2\n"  # 10
        "  send w\n"
        "  wait 1 week\n"  # 12
        "  if true\n    send t\n"  # 13
    )
    assert [line for line, _ in lines_and_codes(text)] == [9, 10, 12, 13]


def test_a_name_lost_with_a_blanked_line_is_not_reported_but_others_are() -> None:
    text = HEADER + "segment big: (\nsegment s: big and nope\n"
    assert [(line, code) for line, code in lines_and_codes(text)] == [
        (7, "unclosed-bracket"),
        (8, "unknown-name"),
    ]
    _, diagnostics = check_source(text)
    assert diagnostics[1].message == "unknown name 'nope'"


def test_a_block_emptied_by_recovery_gives_no_follow_on_error() -> None:
    text = HEADER + (
        "sequence q:\n  enter on created\n  if true:\n    wait 3 weeks later\n  send w\n"
    )
    assert lines_and_codes(text) == [(10, "bad-duration")]


def test_a_broken_block_header_keeps_its_body_checked() -> None:
    text = HEADER + "sequence q extra:\n  enter on created\n  send nope\n"
    assert lines_and_codes(text) == [(7, "syntax"), (9, "unknown-name")]


def test_a_missing_enter_line_is_not_reported_when_the_line_was_blanked() -> None:
    text = HEADER + "sequence q:\n  enter on created now\n  send w\n"
    assert lines_and_codes(text) == [(8, "syntax")]


def test_split_total_is_not_reported_when_an_arm_was_blanked() -> None:
    text = HEADER + (
        "sequence q:\n  enter on created\n  split:\n    50% -> send w\n    50% => send t\n"
    )
    assert lines_and_codes(text) == [(11, "syntax")]


def test_tab_indented_run_is_one_error() -> None:
    text = HEADER + "sequence q:\n\tenter on created\n\tsend w\n\twait 1d\n"
    assert lines_and_codes(text) == [(8, "tab")]


def test_errors_are_capped_at_fifty() -> None:
    text = HEADER + "".join(f"segment s{i}: >\n" for i in range(80))
    _, diagnostics = check_source(text)
    assert len(diagnostics) == 50


def test_recovery_reports_the_lines_it_changed() -> None:
    result = parse_recovering(HEADER + "segment s: >\nsegment t: true\n")
    assert result.tree is not None
    assert result.modified == {7: "segment s: >"}


def test_parse_text_gives_a_tree_only_with_its_errors() -> None:
    tree, diagnostics = parse_text(HEADER)
    assert tree is not None and diagnostics == []
    tree, diagnostics = parse_text(HEADER + "segment s: >\n")
    assert [d.span.line for d in diagnostics] == [7]


def test_same_input_same_diagnostics() -> None:
    text = HEADER + "segment s: (a\nscore x:\n  5 on clicked\n\tsend w\n"
    assert check_source(text) == check_source(text)
