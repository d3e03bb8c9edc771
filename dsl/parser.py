"""Text → Lark tree, with every syntax mistake of a file turned into a diagnostic.

One cached LALR parser (contextual lexer, an indenter, positions kept), built lazily so that a
command that never parses does not pay for Lark. Error recovery re-parses with the offending line
(and the lines it governs) blanked out, so line numbers never move and later mistakes are still
reported; a mistake that only follows from an earlier blanking is not reported twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsl.diagnostics import Diagnostic
from dsl.ir import Span

if TYPE_CHECKING:
    from lark import Lark, Tree

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")
MAX_SYNTAX_ERRORS = 50

RESERVED = frozenset(
    "and or not in true false contains startswith endswith matches where when on score stage "
    "stages send wait until if else split for enter exit within".split()
)


class _LayoutError(Exception):
    """A tab or an inconsistent dedent found by the indenter."""

    def __init__(self, line: int, column: int, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


def _make_indenter() -> Any:
    from lark.indenter import Indenter

    class NurtureIndenter(Indenter):
        NL_type = "_NL"
        OPEN_PAREN_types = ["LPAR", "LSQB"]
        CLOSE_PAREN_types = ["RPAR", "RSQB"]
        INDENT_type = "_INDENT"
        DEDENT_type = "_DEDENT"
        tab_len = 8

        def handle_NL(self, token: Any) -> Any:  # noqa: N802 (Lark's name)
            indent_str = token.rsplit("\n", 1)[1]
            if "\t" in indent_str and self.paren_level == 0:
                col = indent_str.index("\t") + 1
                raise _LayoutError(
                    token.end_line, col, "a tab in the indentation",
                    "indent with spaces only",
                )
            indent = len(indent_str)
            if self.paren_level == 0 and indent < self.indent_level[-1] and (
                indent not in self.indent_level
            ):
                raise _LayoutError(
                    token.end_line, indent + 1,
                    "this line's indentation matches no enclosing block",
                    f"indent it to one of columns {', '.join(str(i + 1) for i in self.indent_level)}",
                )
            yield from super().handle_NL(token)

    return NurtureIndenter()


@lru_cache(maxsize=1)
def get_parser() -> Lark:
    from lark import Lark

    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_make_indenter(),
        propagate_positions=True,
        maybe_placeholders=True,
        strict=False,
    )


def bare_parse(text: str) -> Tree:
    """Lark alone, no recovery: used by the benchmark as the floor."""
    return get_parser().parse(text)


def normalise(text: str) -> str:
    """CRLF line ends become LF (columns unchanged), and the last line gets its newline."""
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text


def parse_text(text: str, file: str = "<rules>") -> tuple[Tree | None, list[Diagnostic]]:
    """Parse, recovering from syntax errors; returns the tree of what could be read and the errors."""
    from lark.exceptions import UnexpectedInput

    text = normalise(text)
    lines = text.split("\n")
    original = list(lines)
    diagnostics: list[Diagnostic] = []
    blanked_until = 0  # the last line (1-based) of the most recent blanked region
    for _ in range(MAX_SYNTAX_ERRORS * 2):
        try:
            return get_parser().parse("\n".join(lines)), diagnostics
        except _LayoutError as err:
            line, diag = err.line, Diagnostic(
                "syntax", err.message, _point(err.line, err.column), err.hint, file=file
            )
        except UnexpectedInput as err:
            line = err.line if err.line > 0 else len(original)
            diag = _describe(err, original, file)
        cascade = _is_cascade(lines, line, blanked_until)
        if cascade:
            start, end = _top_level_block(lines, original, line)
        else:
            diagnostics.append(diag)
            start, end = _governed(lines, line)
        if start > end or all(not lines[i - 1].strip() for i in range(start, end + 1)):
            start, end = _top_level_block(lines, original, line)
            if all(not lines[i - 1].strip() for i in range(start, end + 1)):
                break
        for i in range(start, end + 1):
            lines[i - 1] = ""
        blanked_until = end
        if len(diagnostics) >= MAX_SYNTAX_ERRORS:
            break
    return None, diagnostics


def _point(line: int, column: int, width: int = 1) -> Span:
    return Span(line=line, column=column, end_line=line, end_column=column + width)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _is_cascade(lines: list[str], line: int, blanked_until: int) -> bool:
    """True when `line` is the first non-blank line after the last blanked region."""
    if blanked_until == 0 or line <= blanked_until:
        return line <= blanked_until and blanked_until > 0
    return all(not lines[i - 1].strip() for i in range(blanked_until + 1, line))


def _governed(lines: list[str], line: int) -> tuple[int, int]:
    """The line and the more-indented lines after it (a block header and its body)."""
    line = min(max(line, 1), len(lines))
    while line > 1 and not lines[line - 1].strip():
        line -= 1
    base = _indent(lines[line - 1])
    end = line
    for i in range(line + 1, len(lines) + 1):
        text = lines[i - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if _indent(text) <= base:
            break
        end = i
    return line, end


def _top_level_block(lines: list[str], original: list[str], line: int) -> tuple[int, int]:
    """The whole top-level block around `line`, by the original text's indentation."""
    line = min(max(line, 1), len(original))
    start = line
    while start > 1 and (not original[start - 1].strip() or _indent(original[start - 1]) > 0):
        start -= 1
    end = line
    for i in range(line + 1, len(original) + 1):
        text = original[i - 1]
        if text.strip() and _indent(text) == 0 and not text.startswith("#"):
            break
        end = i
    return start, end


# ------------------------------------------------------------------ messages in the user's words

_TERMINAL_WORDS = {
    "_NL": "the end of the line",
    "NAME": "a name",
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "DURATION": "a duration like 3d",
    "PERCENT": "a percentage like 10%",
    "POINTS": "points with their sign, like +5",
    "QUIET_RANGE": "hours like 20:00-08:00",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "COMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "LIFECYCLE": "'mql' or 'sql'",
    "TEXT_OP": "a comparison",
    "NOT_IN": "'not in'",
    "$END": "the end of the file",
}
_TOP_LEVEL = {"CAMPAIGN", "STAGES", "LEAD", "EVENT", "CONTENT", "SEGMENT", "SCORE", "POLICY"}
_EXPR_START = {"NAME", "NUMBER", "STRING", "LPAR", "LSQB", "NOT", "MINUS", "TRUE", "FALSE"}
_UNIT_WORD = re.compile(
    r"(\d+)[ \t]*(minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?)\b", re.I
)
_UNIT_LETTER = {"min": "m", "hou": "h", "hrs": "h", "hr": "h", "day": "d", "wee": "w", "wks": "w"}


def _terminal_word(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    parser = get_parser()
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return name.lower()


def _expected_words(expected: set[str]) -> str:
    names = {e for e in expected if e not in {"_DEDENT"}} or set(expected)
    if names & _TOP_LEVEL and len(names) > 6:
        return "a top-level line such as 'segment', 'score', 'sequence' or 'policy'"
    if {"SEND", "WAIT"} <= names and "FOR" in names:
        return "a sequence line such as 'for', 'enter', 'exit when', 'send' or 'wait'"
    if {"SEND", "WAIT"} <= names:
        return "a step such as 'send', 'wait', 'if' or 'split'"
    if len(names & _EXPR_START) >= 4:
        return "a condition or a value"
    if {"COMP_OP", "_NL"} <= names or {"AND", "OR"} <= names:
        extra = [w for w in ("WHERE", "COLON", "CAP", "RPAR", "COMMA") if w in names]
        words = [_terminal_word(e) for e in extra]
        return ", ".join(["an operator", *words, "or the end of the line"][: 1 + len(words)]) + (
            " or the end of the line" if "_NL" in names else ""
        )
    words = sorted({_terminal_word(e) for e in names})
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _describe(err: Any, lines: list[str], file: str) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = err.line if err.line > 0 else max(1, len(lines) - 1)
    column = err.column if err.column > 0 else 1
    text = lines[line - 1] if line <= len(lines) else ""
    rest = text[column - 1 :]

    unit = _UNIT_WORD.match(rest)
    if unit:
        amount, word = unit.group(1), unit.group(2).lower()
        if word.startswith(("month", "year")):
            return Diagnostic(
                "bad-duration", f"'{unit.group(0)}' is not a duration", _point(line, column,
                len(unit.group(0))), f"there are no months or years; write days or weeks, "
                f"like {int(amount) * 30}d", file=file,
            )
        letter = _UNIT_LETTER.get(word[:3], word[0])
        return Diagnostic(
            "bad-duration", f"'{unit.group(0)}' is not a duration",
            _point(line, column, len(unit.group(0))), f"write {amount}{letter}", file=file,
        )
    if isinstance(err, UnexpectedCharacters):
        char = rest[:1]
        if char == '"':
            return Diagnostic(
                "unclosed-string", "this text has no closing quote", _point(line, column),
                'end the text with " on the same line', file=file,
            )
        if re.match(r"\d+[A-Za-z_]", rest):
            word = re.match(r"\d+[A-Za-z0-9_]*", rest).group(0)  # type: ignore[union-attr]
            return Diagnostic(
                "bad-number", f"'{word}' is not a number or a duration",
                _point(line, column, len(word)),
                "durations are a whole number and one of m, h, d, w, like 3d", file=file,
            )
        allowed = set(err.allowed or ())
        return Diagnostic(
            "syntax", f"unexpected character {char!r}", _point(line, column),
            f"expected {_expected_words(allowed)}" if allowed else None, file=file,
        )
    if isinstance(err, UnexpectedToken):
        token = err.token
        expected = set(err.expected)
        width = max(1, len(str(token)))
        if token.type == "_INDENT":
            return Diagnostic(
                "bad-indent", "unexpected indentation", _point(line, column),
                "indent only the lines inside a block (after a line ending in ':')", file=file,
            )
        if token.type == "_NL" or token.type == "$END":
            if expected == {"_INDENT"}:
                return Diagnostic(
                    "syntax", "expected an indented block after ':'", _point(line, column), None,
                    file=file,
                )
            col = len(text.split("#", 1)[0].rstrip()) + 1 if token.type == "_NL" else column
            return Diagnostic(
                "syntax", f"this line ends too early: expected {_expected_words(expected)}",
                _point(line, col), None, file=file,
            )
        value = str(token)
        if "NAME" in expected and value in RESERVED:
            return Diagnostic(
                "reserved-word", f"'{value}' is a reserved word and cannot be used as a name",
                _point(line, column, width), None, file=file,
            )
        if token.type == "NUMBER" and "POINTS" in expected:
            return Diagnostic(
                "missing-sign", "score points need their sign", _point(line, column, width),
                f"write +{value} or -{value}", file=file,
            )
        if token.type == "NUMBER" and "DURATION" in expected:
            return Diagnostic(
                "bad-duration", f"'{value}' has no unit", _point(line, column, width),
                f"write a duration like {value}d (m, h, d or w)", file=file,
            )
        return Diagnostic(
            "syntax", f"unexpected {_token_word(token)}: expected {_expected_words(expected)}",
            _point(line, column, width), None, file=file,
        )
    if isinstance(err, UnexpectedEOF):
        return Diagnostic(
            "syntax", "the file ends in the middle of a line", _point(line, column), None,
            file=file,
        )
    return Diagnostic("syntax", "cannot read this line", _point(line, column), None, file=file)


def _token_word(token: Any) -> str:
    value = str(token)
    if token.type in ("_DEDENT", "$END"):
        return "end of the block"
    if token.type == "STRING":
        return f"text {value}"
    return f"'{value}'"
