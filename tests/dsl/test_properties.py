"""Property tests: no input, however broken, makes the front end raise anything but DiagnosticError.

Random text and mutated examples (lines deleted, duplicated, swapped; random characters inserted;
indentation turned into tabs; truncation). `check_source` never raises at all; every diagnostic it
returns points inside the file and renders.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import check_source, compile_source
from dsl.diagnostics import DiagnosticError, render_all
from dsl.lines import code_of
from dsl.parser import normalise

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("rules/*.nurture"))]
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz_0123456789 \t\n\r\"\\#%:-+*/<>=!()[],.'@;")
    + [
        "send",
        "wait",
        "until",
        "or",
        "and",
        "not",
        "if",
        "else:",
        "split:",
        "3d",
        "50%",
        "->",
        "score",
        "stage",
        "segment",
        "sequence",
        ":\n  ",
        "\n    ",
        "\x00",
        "é",
        "\u2028",
    ]
)
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_sound(text: str) -> None:
    program, diagnostics = check_source(text, "prop.nurture")
    lines = normalise(text).split("\n")
    for d in diagnostics:
        assert 1 <= d.span.line <= len(lines), d
        assert d.span.column >= 1, d
        if d.code != "missing":  # every other mistake points at a line with text on it
            assert code_of(lines[d.span.line - 1]).strip(" \t"), d
    assert diagnostics == sorted(diagnostics, key=lambda d: d.sort_key())
    assert (program is None) == any(d.severity == "error" for d in diagnostics)
    render_all(diagnostics, text)
    try:
        compile_source(text, "prop.nurture")
    except DiagnosticError as err:
        assert err.diagnostics
    else:
        assert program is not None


@SETTINGS
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_random_text_never_raises(text: str) -> None:
    _assert_sound(text)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(EXAMPLES)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "tab", "indent"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            junk = draw(st.lists(ALPHABET, min_size=1, max_size=4).map("".join))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        elif kind == "tab":
            lines[i] = "\t" + lines[i].lstrip(" ")
        else:
            lines[i] = " " * draw(st.integers(0, 7)) + lines[i].lstrip(" ")
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@SETTINGS
@given(mutated_example())
def test_mutated_examples_never_raise(text: str) -> None:
    _assert_sound(text)
