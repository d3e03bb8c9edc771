"""Lark's syntax errors, said in a strategist's words: what is wrong, where, and what would fit."""

from __future__ import annotations

import re
from typing import Any

from dsl import codes
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.expected import expected_words, in_context, join_words, open_brackets, word
from dsl.fastnode import new
from dsl.ir import Span
from dsl.lines import code_of, first_word
from dsl.words import RESERVED, keywords

_UNIT_WORD = re.compile(
    r"(\d+)[ \t]*(minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|mo|y)"
    r"(?![A-Za-z0-9_])",
    re.I,
)
_FRACTION_DURATION = re.compile(r"(\d+)\.(\d+)([mhdw])(?![A-Za-z0-9_])")
_STUCK = re.compile(r"\d+[A-Za-z_][A-Za-z0-9_]*")
_WAIT_UNTIL = re.compile(r"[ \t]*wait[ \t]+until\b")
_DURATION_WORD = re.compile(r"(?<![A-Za-z0-9_.])\d+[mhdw](?![A-Za-z0-9_])")
_TIMEOUT = re.compile(r"\bor[ \t]+\d+[mhdw][ \t]*$")
_BARE_TIMEOUT = re.compile(r"\bor[ \t]+(\d+(\.\d+)?)[ \t]*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_CHAR_HINTS = {
    "'": 'texts are written in double quotes, like "pricing"',
    "=": "to compare, write '=='",
    "!": "to say 'not equal', write '!='",
    "&": "write 'and'",
    "|": "write 'or'",
    ";": "write one construct per line, without ';'",
}


def _span(line: int, column: int, width: int = 1) -> Span:
    return new(Span, line=line, column=column, end_line=line, end_column=column + max(width, 1))


def _token_word(token: Any) -> str:
    if token.type in ("_DEDENT", "$END"):
        return "the end of the block"
    if token.type == "STRING":
        return f"text {token}"
    return f"'{token}'"


def _line_end(text: str) -> int:
    return len(code_of(text)) + 1


# ------------------------------------------------------------------ the messages


def no_body(text: str, line: int, file: str) -> Diagnostic:
    col = len(code_of(text))
    return Diagnostic(
        codes.NO_BODY,
        f"nothing is indented under this '{first_word(text)}' line",
        _span(line, col),
        "indent the lines that belong to it, by 2 spaces more than this line",
        file=file,
    )


def glued(err: Any, file: str) -> Diagnostic:
    word = err.keyword + err.rest
    return Diagnostic(
        codes.SYNTAX,
        f"unexpected '{word}'",
        _span(err.line, err.column, len(word)),
        _split_hint(err.keyword, err.rest),
        file=file,
    )


def layout(err: Any, text: str, file: str) -> Diagnostic:
    if err.kind == "tab":
        return Diagnostic(
            codes.TAB,
            "a tab in the indentation",
            _span(err.line, err.column),
            "indent with spaces only",
            file=file,
        )
    levels = [str(level) for level in err.levels]
    return Diagnostic(
        codes.BAD_INDENT,
        "this line's indentation matches no enclosing block",
        _span(err.line, 1, err.column - 1 if err.column > 1 else 1),
        f"line it up with a block above: indent it by {join_words(levels)} spaces",
        file=file,
    )


def describe(err: Any, text: str, line: int, file: str) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    column = err.column if err.column >= 1 else _line_end(text)
    found = _duration_mistake(text, line, column, file)
    if found is not None:
        return found
    if _WAIT_UNTIL.match(text):
        code = text.split("#")[0].rstrip()
        if not _TIMEOUT.search(code):
            return missing_timeout(text, line, file)
        inner = [m for m in _DURATION_WORD.finditer(code) if not open_brackets(code[: m.start()])][
            :-1
        ]
        if inner:
            m = inner[0]
            return Diagnostic(
                codes.BAD_DURATION,
                "a duration may only be the time limit, after the last 'or'",
                _span(line, m.start() + 1, len(m.group(0))),
                "to wait for one of several things, join them with 'or' before the limit: "
                "wait until clicked or opened or 3d",
                file=file,
            )
    glued = _mid_word(text, line, column, file)
    if glued is not None:
        return glued
    expected = set(getattr(err, "allowed", None) or getattr(err, "expected", None) or ())
    if "QUIET_RANGE" in expected:
        word = text[column - 1 :].split("#")[0].strip().split(" ")[0] or " "
        return Diagnostic(
            codes.BAD_TIME,
            f"'{word}' is not a range of hours",
            _span(line, column, len(word)),
            "write 24-hour times, like 20:00-08:00",
            file=file,
        )
    if isinstance(err, UnexpectedCharacters) or (
        isinstance(err, UnexpectedToken)
        and str(err.token) in _PARAM_SIGNS
        and first_word(text) != "param"
    ):  # '=' and '..' are signs of `param` lines only: anywhere else, a stray character
        return _with_top_level_hint(_bad_character(err, text, line, column, file), text)
    if isinstance(err, UnexpectedToken):
        return _with_top_level_hint(_bad_token(err, text, line, column, file), text)
    return Diagnostic(
        codes.SYNTAX, "this line cannot be read", _span(line, column), None, file=file
    )


_PARAM_SIGNS = frozenset(("=", ".."))
_SUFFIXES = frozenset({"s", "es", "ed", "er", "ers", "ing", "ings"})


_TOP_LEVEL_LINE = re.compile(
    r"[ \t]+((campaign|stages|event|content|segment|policy|sequence|handoff|mql|sql)\b"
    r"|(score|stage)[ \t]+\w+[ \t]*(:|when\b))"
)


def _with_top_level_hint(diag: Diagnostic, text: str) -> Diagnostic:
    """An indented top-level line (`  segment x: ...` inside a block): say where it belongs."""
    m = _TOP_LEVEL_LINE.match(text)
    if m is None or diag.hint is not None:
        return diag
    word = first_word(text)
    hint = f"'{word}' starts a top-level line: write it at the first column, outside any block"
    return Diagnostic(diag.code, diag.message, diag.span, hint, diag.severity, diag.file)


def _mid_word(text: str, line: int, column: int, file: str) -> Diagnostic | None:
    """A keyword the lexer cut off the front of a longer word (`waiting`, `sendwelcome`)."""

    def wordy(i: int) -> bool:
        return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")

    if column < 2 or not wordy(column - 2) or not wordy(column - 1):
        return None
    start = column - 1
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = column - 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    word, keyword, rest = text[start:end], text[start : column - 1], text[column - 1 : end]
    if not keyword.isalpha():
        return None
    return Diagnostic(
        codes.SYNTAX,
        f"unexpected '{word}'",
        _span(line, start + 1, len(word)),
        _split_hint(keyword, rest),
        file=file,
    )


def _split_hint(keyword: str, rest: str) -> str | None:
    """`sendwelcome` → 'send welcome'; `sends`, `waitt` → the nearest keyword."""
    if len(rest) >= 3 and rest.lower() not in _SUFFIXES:
        return f"did you mean '{keyword} {rest}'?"
    return did_you_mean(keyword + rest, keywords())


def _duration_mistake(text: str, line: int, column: int, file: str) -> Diagnostic | None:
    rest = text[column - 1 :]
    unit = _UNIT_WORD.match(rest)
    if unit:
        amount, word = int(unit.group(1)), unit.group(2).lower()
        where = _span(line, column, len(unit.group(0)))
        if word.startswith(("mo", "y")):
            return Diagnostic(
                codes.BAD_DURATION,
                f"'{unit.group(0)}' is not a duration: there are no months or years",
                where,
                f"write days or weeks, like {amount * (365 if word[0] == 'y' else 30)}d",
                file=file,
            )
        letter = {"mi": "m", "ho": "h", "hr": "h", "da": "d", "we": "w", "wk": "w"}[word[:2]]
        return Diagnostic(
            codes.BAD_DURATION,
            f"'{unit.group(0)}' is not a duration",
            where,
            f"write {amount}{letter}",
            file=file,
        )
    frac = _FRACTION_DURATION.match(rest)
    if frac:
        seconds = float(f"{frac.group(1)}.{frac.group(2)}") * _UNIT_SECONDS[frac.group(3)]
        better = next(
            (
                f"{int(seconds // s)}{u}"
                for u, s in sorted(_UNIT_SECONDS.items(), key=lambda kv: -kv[1])
                if seconds % s == 0
            ),
            None,
        )
        return Diagnostic(
            codes.BAD_DURATION,
            "a duration is a whole number of minutes, hours, days or weeks",
            _span(line, column, len(frac.group(0))),
            f"write {better}" if better else "use a smaller unit",
            file=file,
        )
    return None


def missing_timeout(text: str, line: int, file: str) -> Diagnostic:
    code = text.split("#")[0].rstrip()
    bare = _BARE_TIMEOUT.search(code)
    if bare:
        col = bare.start(1) + 1
        return Diagnostic(
            codes.BAD_DURATION,
            f"'{bare.group(1)}' has no unit",
            _span(line, col, len(bare.group(1))),
            f"write a duration like {bare.group(1)}d (m, h, d or w)",
            file=file,
        )
    return Diagnostic(
        codes.NO_TIMEOUT,
        "'wait until' needs a time limit after its last 'or'",
        _span(line, len(code) + 1),
        "for example: wait until clicked or 3d",
        file=file,
    )


def _bad_character(err: Any, text: str, line: int, column: int, file: str) -> Diagnostic:
    rest = text[column - 1 :]
    char = rest[:1]
    if char == '"':
        return Diagnostic(
            codes.UNCLOSED_STRING,
            "this text has no closing quote",
            _span(line, column, len(text.rstrip()) - column + 1),
            'end the text with " on the same line',
            file=file,
        )
    stuck = _STUCK.match(rest)
    if stuck:
        word = stuck.group(0)
        return Diagnostic(
            codes.BAD_NUMBER,
            f"'{word}' is not a number or a duration",
            _span(line, column, len(word)),
            "durations are a whole number and one of m, h, d, w, like 3d",
            file=file,
        )
    hint = (
        "an arm is written like: 50% -> send welcome"
        if rest.startswith("=>")
        else (_CHAR_HINTS.get(char))
    )
    allowed = set(getattr(err, "allowed", None) or _accepted(err))
    if hint is None and allowed:
        hint = f"expected {expected_words(allowed)}"
    return Diagnostic(
        codes.SYNTAX, f"unexpected character {char!r}", _span(line, column), hint, file=file
    )


def _accepted(err: Any) -> set[str]:
    """What the parser would really take here (Lark's `expected` also holds what the lexer
    state merely allows, such as the end of the line)."""
    parser = getattr(err, "interactive_parser", None)
    if parser is not None:
        try:
            return set(parser.accepts())
        except Exception:  # noqa: BLE001 (fall back to Lark's own list)
            pass
    return set(err.expected)


def _bad_token(err: Any, text: str, line: int, column: int, file: str) -> Diagnostic:
    token, expected = err.token, _accepted(err)
    value = str(token)
    width = max(1, len(value))
    if token.type == "_INDENT":
        return Diagnostic(
            codes.BAD_INDENT,
            "unexpected indentation",
            _span(line, 1, max(column - 1, 1)),
            "indent only the lines inside a block (after a line ending in ':')",
            file=file,
        )
    if token.type in ("_NL", "$END", "_DEDENT"):
        col = _line_end(text)
        return Diagnostic(
            codes.SYNTAX,
            f"this line is incomplete: expected {expected_words(expected)}",
            _span(line, col),
            None,
            file=file,
        )
    if "NAME" in expected and value in RESERVED:
        return Diagnostic(
            codes.RESERVED_WORD,
            f"'{value}' is a reserved word and cannot be used as a name",
            _span(line, column, width),
            "choose another name",
            file=file,
        )
    special = _number_mistake(token, expected, line, column, file)
    if special is not None:
        return special
    prefix = text[: column - 1]
    if token.type == "IF" and re.match(r"[ \t]*else[ \t]*$", prefix):
        return Diagnostic(
            codes.ELSE_IF,
            "there is no 'else if'",
            _span(line, column, 2),
            "write 'else:' and nest the 'if' inside it, indented",
            file=file,
        )
    if token.type in ("RPAR", "RSQB") and open_brackets(prefix) == "":
        opener = "(" if value == ")" else "["
        return Diagnostic(
            codes.SYNTAX,
            f"this '{value}' has no matching '{opener}'",
            _span(line, column),
            f"remove it, or add '{opener}' where it begins",
            file=file,
        )
    expected = in_context(expected, prefix)
    hint = "to test a list, write 'not in'" if token.type == "NOT" and "IN" in expected else None
    if token.type == "NAME":
        words = [w.strip("'") for w in map(word, expected) if w.startswith("'")]
        hint = did_you_mean(value, [w for w in words if w.isalpha()])
        if expected == {"STRING"}:
            hint = f'texts are written in double quotes: "{value}"'
    chained = re.search(r"(==|!=|<=|>=|<|>)", prefix.split(":", 1)[-1])
    if token.type == "COMP_OP" and "NAME" not in expected and chained:
        hint = "comparisons do not chain: join two with 'and', like x >= 1 and x < 3"
    return Diagnostic(
        codes.SYNTAX,
        f"unexpected {_token_word(token)}: expected {expected_words(expected)}",
        _span(line, column, width),
        hint,
        file=file,
    )


def _number_mistake(
    token: Any, expected: set[str], line: int, column: int, file: str
) -> Diagnostic | None:
    value, where = str(token), _span(line, column, len(str(token)))
    if token.type == "NUMBER" and "POINTS" in expected:
        return Diagnostic(
            codes.MISSING_SIGN,
            "score points need their sign",
            where,
            f"write +{value} to add points or -{value} to take them away",
            file=file,
        )
    if token.type == "NUMBER" and "DURATION" in expected:
        return Diagnostic(
            codes.BAD_DURATION,
            f"'{value}' has no unit",
            where,
            f"write a duration like {value}d (m, h, d or w)",
            file=file,
        )
    if token.type == "NUMBER" and "PERCENT" in expected:
        return Diagnostic(
            codes.BAD_PERCENT, f"'{value}' needs a % sign", where, f"write {value}%", file=file
        )
    if token.type == "DURATION" and "NUMBER" in expected and "DURATION" not in expected:
        return Diagnostic(
            codes.BAD_DURATION,
            "a duration cannot be used here",
            where,
            "durations go after 'wait', 'per', 'every', 'within', 'reenter after' "
            "and in count(EVENT, 30d)",
            file=file,
        )
    return None
