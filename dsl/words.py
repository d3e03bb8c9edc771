"""The language's words, each set defined once.

RESERVED   never a name (DSL.md, "Reserved words"): the checker refuses one as a name, and a syntax
           error on one says it is reserved.
keywords() every word the grammar spells out (dsl/grammar.lark is where they are defined): the
           reserved words and those that only mean something in their place (`campaign`, `limit`,
           `per`, ...), which stay free as names. A misspelt keyword is suggested from these.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

RESERVED = frozenset(
    "and or not in true false contains startswith endswith matches where when on score stage "
    "stages send wait until if else split for enter exit within".split()
)


@cache
def keywords() -> frozenset[str]:
    """Every word written in quotes in the grammar."""
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return frozenset(re.findall(r'"([a-z]+)"', grammar))
