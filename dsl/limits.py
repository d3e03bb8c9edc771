"""The language's limits on sizes: how deep things nest, how large numbers and durations get.

Each limit is checked where the text is read (`dsl.transformer`) or resolved (`dsl.resolve`), and
reported at its line and column with the limit and its reason, so that no file `nurture check`
accepts can overflow, recurse without end or build code Python refuses. docs/LANGUAGE.md lists them.
"""

from __future__ import annotations

# Conditions and steps nest at most this deep: each `not`, comparison, `+ - * /`, unary `-`, list,
# call and each `if`/`split` inside another opens a level; a chain `a or b or c` is one level, and
# parentheses alone open none. A condition counts the conditions of the segments it uses, since
# the engine inlines them. Far beyond anything readable, and far inside what the recursive passes
# and Python's parser (200 nested parentheses) take.
MAX_NESTING = 50

# Numbers are held as 64-bit floats, exact up to 2**53 (about 9.007e15): 15 digits before the
# point is what is always held exactly.
MAX_NUMBER_DIGITS = 15
MAX_NUMBER = 10**MAX_NUMBER_DIGITS - 1

# A wait, window, period or delay is at most 100 years: longer never ends within a campaign's
# life, and a time pushed past that could no longer be written as a date.
MAX_DURATION_DAYS = 36_500
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION_SECONDS = MAX_DURATION_DAYS * 86400


def longest(unit: str) -> int:
    """The largest amount of `unit` a duration may have."""
    return MAX_DURATION_SECONDS // UNIT_SECONDS[unit]


def duration_hint() -> str:
    forms = ", ".join(f"{longest(u)}{u}" for u in ("w", "h", "m"))
    return f"the longest duration is {MAX_DURATION_DAYS}d, 100 years (or {forms})"
