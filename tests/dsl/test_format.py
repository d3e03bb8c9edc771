"""The canonical printer: exact layout, comments kept, idempotent, and meaning-preserving."""

from __future__ import annotations

import glob
from typing import Any

import pytest

from dsl import compile_source
from dsl.diagnostics import DiagnosticError
from dsl.format import format_source

EXAMPLES = sorted(glob.glob("rules/*.nurture") + glob.glob("../shared/examples/*.nurture"))


def _without_spans(value: Any) -> Any:
    """A program as plain data with every source position dropped."""
    if isinstance(value, dict):
        return {k: _without_spans(v) for k, v in value.items() if not k.endswith("span")}
    if isinstance(value, list | tuple):
        return [_without_spans(v) for v in value]
    return value


def _meaning(text: str) -> Any:
    return _without_spans(compile_source(text, "x.nurture").model_dump())


@pytest.mark.parametrize("path", EXAMPLES)
def test_format_is_idempotent(path: str) -> None:
    once = format_source(open(path, encoding="utf-8").read())
    assert format_source(once) == once


@pytest.mark.parametrize("path", EXAMPLES)
def test_format_keeps_the_meaning(path: str) -> None:
    source = open(path, encoding="utf-8").read()
    assert _meaning(format_source(source)) == _meaning(source)


@pytest.mark.parametrize("path", EXAMPLES)
def test_format_keeps_every_comment(path: str) -> None:
    source = open(path, encoding="utf-8").read()
    formatted = format_source(source)
    for line in source.splitlines():
        if "#" in line and '"' not in line.split("#", 1)[0]:
            assert "#" + line.split("#", 1)[1].rstrip() in formatted


MESSY = """\
# header comment
campaign   "Messy"
stages a,b ,  c
lead:
    size :number
    kind: one of "x","y"
content hello email stage a cost 0.50
content longer_name   sms
segment big : size>=10 and(kind=="x" or kind == "y")   # trailing
segment s2: not size in [1,2]
score  s:
    +1 on opened cap 3 per 7d
    decay 10% every 30d
    -2.5   when big
stage b when s>= 1
stage c when (s + 1) * 2 > 3 - (1 - 2)
policy:
    quiet 22:00-07:30
sequence q:
    enter on created
    # a step comment
    send hello
    wait until opened or clicked or 1d
    split:
        50% -> send hello when big
        50% -> wait 2h
"""

EXPECTED = """\
# header comment
campaign "Messy"

stages a, b, c

lead:
  size: number
  kind: one of "x", "y"

content hello       email stage a cost 0.5
content longer_name sms

segment big: size >= 10 and (kind == "x" or kind == "y")  # trailing
segment s2:  not size in [1, 2]

score s:
  +1   on opened cap 3 per 7d
  decay 10% every 30d
  -2.5 when big

stage b when s >= 1
stage c when (s + 1) * 2 > 3 - (1 - 2)

policy:
  quiet 22:00-07:30

sequence q:
  enter on created

  # a step comment
  send hello
  wait until opened or clicked or 1d
  split:
    50% -> send hello when big
    50% -> wait 2h
"""


def test_canonical_layout_of_a_messy_file() -> None:
    assert format_source(MESSY) == EXPECTED


def test_canonical_layout_keeps_meaning_of_a_messy_file() -> None:
    assert _meaning(EXPECTED) == _meaning(MESSY)


def test_crlf_and_missing_final_newline_are_normalised() -> None:
    assert format_source('campaign "x"\r\nstages a, b') == 'campaign "x"\n\nstages a, b\n'


def test_text_escapes_are_printed_back() -> None:
    source = 'campaign "say \\"hi\\" \\\\ bye"\nstages a\n'
    assert format_source(source) == 'campaign "say \\"hi\\" \\\\ bye"\n\nstages a\n'


def test_a_file_that_does_not_parse_is_refused() -> None:
    with pytest.raises(DiagnosticError) as err:
        format_source('campaign "x"\nstages a\nwait 3d\n')
    assert [(d.span.line, d.span.column) for d in err.value.diagnostics] == [(3, 1)]
