"""The grammar is LALR(1) without a single conflict Lark would otherwise resolve silently."""

from __future__ import annotations

from dsl.parser import get_parser


def test_grammar_builds_in_strict_mode() -> None:
    # strict=True makes Lark raise on any shift/reduce conflict and on terminal collisions
    # (needs the `interegular` package, a dev dependency)
    parser = get_parser(strict=True)
    assert parser.options.parser == "lalr"


def test_keywords_need_a_word_break() -> None:
    from dsl import check_source

    _, diagnostics = check_source(
        'campaign "x"\nstages a\nsequence s:\n  enter on created\n  sendwelcome\n'
    )
    assert [(d.span.line, d.message) for d in diagnostics] == [(5, "unexpected 'sendwelcome'")]


def test_strict_mode_would_catch_the_wait_until_conflict() -> None:
    # The trap DSL.md warns about: `wait until COND or D` with COND an `expr` is a shift/reduce
    # conflict that a non-strict LALR build resolves silently; strict mode must refuse it.
    import pytest
    from lark import Lark
    from lark.exceptions import GrammarError

    from dsl.parser import GRAMMAR_PATH, _make_indenter

    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    assert 'wait_until: "wait" "until" or_expr "or" DURATION' in grammar
    broken = grammar.replace('"until" or_expr "or" DURATION', '"until" expr "or" DURATION')
    with pytest.raises(GrammarError):
        Lark(broken, parser="lalr", lexer="contextual", postlex=_make_indenter(), strict=True)
