"""Regular expressions for `matches`, compiled once and unable to hang the engine.

Two guards: a pattern that repeats a repetition (`(a+)+`, `(a*)*`, `(a|ab)+` with a nested
quantifier) is refused when the rules are compiled (the checker refuses it too, with a diagnostic),
and the searched text is cut to `MAX_TEXT` characters, which bounds the work of every other
pattern (Python's `re` backtracks at worst polynomially without nested quantifiers).
"""

from __future__ import annotations

import re

from dsl.errors import NurtureError

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

MAX_TEXT = 4096
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class UnsafePattern(NurtureError, ValueError):
    """A `matches` pattern that could backtrack catastrophically."""


def _has_repeat(items: object, inside: bool) -> bool:
    for op, arg in items:  # type: ignore[attr-defined]
        name = str(op)
        if name in _REPEATS:
            low, high, sub = arg
            unbounded = high is sre_parse.MAXREPEAT or high > 1
            if inside and unbounded:
                return True
            if _has_repeat(sub, inside or unbounded):
                return True
        elif name == "SUBPATTERN":
            if _has_repeat(arg[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_has_repeat(b, inside) for b in arg[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _has_repeat(arg[1], inside):
                return True
    return False


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern, or UnsafePattern when a repetition is repeated."""
    compiled = re.compile(pattern)
    if _has_repeat(sre_parse.parse(pattern), False):
        raise UnsafePattern(f"pattern {pattern!r} repeats a repetition and could hang the engine")
    return compiled
