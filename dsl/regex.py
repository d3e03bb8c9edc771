"""The patterns of `matches`: RE2 syntax, searched in time linear in the text, whatever the pattern.

DSL.md: `matches` "must not be able to hang the engine". Python's `re` backtracks, and no guard
on the pattern's shape catches every slow case (`(a|aa)*c`, `a*a*a*a*a*a*c` on a long text);
RE2 (google-re2) never backtracks. The checker and the engine compile patterns here, so the syntax
the checker accepts is exactly the one the engine runs (docs/LANGUAGE.md, "matches").
"""

from __future__ import annotations

import re
from typing import Any

from dsl.errors import NurtureError

_UNSUPPORTED = (  # RE2's complaint -> what it means in a strategist's words
    ("invalid perl operator: (?=", "a lookahead '(?=...)'"),
    ("invalid perl operator: (?!", "a negative lookahead '(?!...)'"),
    ("invalid perl operator: (?<=", "a lookbehind '(?<=...)'"),
    ("invalid perl operator: (?<!", "a negative lookbehind '(?<!...)'"),
    ("invalid perl operator: (?P=", "a backreference '(?P=name)'"),
)
_BACKREFERENCE = re.compile(r"invalid escape sequence: \\[1-9]")
RE2_HINT = (
    "'matches' runs RE2 syntax, which always answers in time linear in the text: no "
    "lookarounds, no backreferences (see docs/LANGUAGE.md)"
)
_REPEAT = re.compile(r"invalid repetition size: (.*)")


class PatternError(NurtureError, ValueError):
    """A pattern `matches` cannot run: `message` says why, `hint` what to do."""


def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 pattern (search semantics, `(?i)` for case-insensitive), or PatternError."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.never_capture = True  # only "is there a match" is asked
    try:
        return re2.compile(pattern, options)
    except re2.error as err:
        raise _explain(pattern, err) from None


def _explain(pattern: str, err: Exception) -> PatternError:
    reason = err.args[0] if err.args else ""
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    try:
        re.compile(pattern)
    except re.error as python_err:  # not a pattern in any syntax: Python's words are clearer
        return PatternError(f"this pattern is not a valid regular expression: {python_err.msg}")
    except (RecursionError, OverflowError, MemoryError):
        pass
    for prefix, what in _UNSUPPORTED:
        if reason.startswith(prefix):
            return PatternError(f"'matches' cannot use {what}", RE2_HINT)
    if _BACKREFERENCE.match(reason):
        return PatternError("'matches' cannot use a backreference like '\\1'", RE2_HINT)
    if reason == "invalid escape sequence: \\Z":
        return PatternError(
            "'matches' writes the end of the text as \\z, not \\Z", "write \\z (or $)"
        )
    if m := _REPEAT.match(reason):
        return PatternError(
            f"'matches' repeats at most 1000 times, not {m.group(1)}",
            "write the repetition with 1000 or less, like a{1,1000}",
        )
    return PatternError(
        f"'matches' cannot use this pattern: {reason}",
        "'matches' runs RE2 syntax (see docs/LANGUAGE.md)",
    )
