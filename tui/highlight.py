"""The rule file as highlighted text, with the checker's and linter's diagnostics inline.

The nurture lexer (Pygments, `lexer()`) colours keywords, names, strings, numbers, durations and
comments; it never fails, so a broken file is highlighted as far as its text goes.
`render_source` lays the file out with line numbers, and under each line that has a diagnostic,
a caret run under the exact columns and the message and hint — as `nurture check` prints them —
and returns where each source line lands on screen, so the rules view can scroll to a
definition."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pygments.token import Comment, Keyword, Name, Number, Operator, String
from rich.text import Text as RichText

if TYPE_CHECKING:
    from pygments.lexer import RegexLexer

    from dsl import Diagnostic
    from dsl.ir import Span

# Words of the grammar that are not reserved names (they may also name things).
_SOFT = (
    "after campaign cap content cost decay event every handoff holdout lead limit mql of one per "
    "policy quiet reenter segment sequence sql sunset number text"
).split()
_FLAGS = ("customer", "unsubscribed")


@cache
def lexer() -> RegexLexer:
    """The nurture lexer, made on first use: Pygments and the language's words (pydantic's
    import among them) are not paid for before the first screen shows the file."""
    from pygments.lexer import RegexLexer, bygroups, words
    from pygments.token import Punctuation, Text

    from dsl.ir import CHANNELS
    from dsl.words import RESERVED

    class NurtureLexer(RegexLexer):
        name = "nurture"
        aliases = ["nurture"]
        filenames = ["*.nurture"]

        tokens = {
            "root": [
                (r"#.*$", Comment.Single),
                (r'"(\\\\|\\"|[^"])*"', String.Double),
                (r"\d+(\.\d+)?%", Number.Float),
                (r"\d+(\.\d+)?[mhdw]\b", Number.Integer),
                (r"\d+:\d\d-\d+:\d\d", Number.Integer),
                (r"[+-]?\d+(\.\d+)?", Number),
                (words(sorted(RESERVED), suffix=r"\b"), Keyword),
                (words(_SOFT, suffix=r"\b"), Keyword.Declaration),
                (words(CHANNELS, suffix=r"\b"), Name.Builtin),
                (words(_FLAGS, suffix=r"\b"), Name.Builtin),
                (r"([a-z_][a-z0-9_]*)(\()", bygroups(Name.Function, Punctuation)),
                (r"[A-Za-z_][A-Za-z0-9_]*", Name),
                (r"->|>=|<=|==|!=|[<>+\-*/]", Operator),
                (r"[:,()\[\]]", Punctuation),
                (r"\s+", Text),
                (r".", Text),
            ]
        }

    return NurtureLexer()


# token type -> style, for a dark and a light background
PALETTES: dict[bool, dict[object, str]] = {
    True: {
        Comment: "italic #7f8c98",
        String: "#a5d6a7",
        Number: "#f9c97c",
        Keyword: "bold #82aaff",
        Keyword.Declaration: "#c792ea",
        Name.Builtin: "#89ddff",
        Name.Function: "#ffcb6b",
        Operator: "#89ddff",
    },
    False: {
        Comment: "italic #6a737d",
        String: "#22863a",
        Number: "#b35900",
        Keyword: "bold #0550ae",
        Keyword.Declaration: "#6f42c1",
        Name.Builtin: "#005cc5",
        Name.Function: "#953800",
        Operator: "#d73a49",
    },
}
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow"}
GUTTER = 6  # "  12 │" then a space


@dataclass(frozen=True)
class Rendered:
    text: RichText
    rows: dict[int, int]  # source line (1-based) -> row on screen (0-based)


def _style(token: object, palette: dict[object, str]) -> str:
    while token is not None:
        if token in palette:
            return palette[token]
        token = getattr(token, "parent", None)
    return ""


def highlight_line(line: str, dark: bool = True) -> RichText:
    palette = PALETTES[dark]
    out = RichText(no_wrap=True)
    for token, value in lexer().get_tokens(line):
        out.append(value.rstrip("\n"), _style(token, palette))
    return out


def _by_line(diagnostics: list[Diagnostic]) -> dict[int, list[Diagnostic]]:
    out: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(max(d.span.line, 1), []).append(d)
    return out


def _note(d: Diagnostic, line_text: str) -> list[RichText]:
    """Under the line: the caret run under the columns, then `error[code]: message`, then hint."""
    style = SEVERITY_STYLE.get(d.severity, "bold")
    pad = " " * GUTTER + "│ "
    col = max(d.span.column, 1)
    width = 1
    if d.span.end_line == d.span.line and d.span.end_column > col:
        width = d.span.end_column - col
    width = max(1, min(width, max(len(line_text) - col + 1, 1)))
    caret = RichText(pad + " " * (col - 1), no_wrap=True)
    caret.append("^" * width, style)
    caret.append(f" {d.severity}[{d.code}]: {d.message}", style)
    rows = [caret]
    if d.hint:
        rows.append(RichText(pad + " " * (col - 1) + f"= {d.hint}", style="italic"))
    return rows


def render_source(
    source: str,
    diagnostics: list[Diagnostic],
    selected: Span | None = None,
    dark: bool = True,
    plain: bool = False,
) -> Rendered:
    """The whole file, numbered, with diagnostics under their lines; `selected` lines marked;
    `plain`: no colours (a file shown before it is checked, which is when the lexer loads)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    notes = _by_line(diagnostics)
    out: list[RichText] = []
    rows: dict[int, int] = {}
    first, last = (selected.line, selected.end_line) if selected else (0, -1)
    for number, line in enumerate(lines, start=1):
        rows[number] = len(out)
        mark = notes.get(number)
        sign = "●" if mark and any(d.severity == "error" for d in mark) else "▲" if mark else " "
        row = RichText(no_wrap=True)
        row.append(f"{sign}{number:>4} ", SEVERITY_STYLE[mark[0].severity] if mark else "dim")
        row.append("│ ", "dim")
        text = line.expandtabs(8)
        row.append_text(RichText(text) if plain else highlight_line(text, dark))
        if first <= number <= last:
            row.stylize("on #2c3e50" if dark else "on #c9dcf0")
        out.append(row)
        for d in mark or []:
            out.extend(_note(d, line))
    for number, ds in sorted(notes.items()):  # past the end (a file that cannot be read)
        if number > len(lines):
            rows[number] = len(out)
            for d in ds:
                style = SEVERITY_STYLE.get(d.severity, "bold")
                out.append(RichText(f"{d.severity}[{d.code}]: {d.message}", style))
                if d.hint:
                    out.append(RichText(f"= {d.hint}", style="italic"))
    return Rendered(RichText("\n").join(out), rows)
