"""Which semantic diagnostics only follow from lines that syntax recovery blanked or replaced.

After a syntax error the parser neutralises lines; a name declared on such a line is then unknown,
a sequence may lose its `enter` line, a split one of its arms. Those consequences are not the
strategist's mistakes and are not reported; everything else is.
"""

from __future__ import annotations

import re

from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.lines import code_of, first_word, indent_of

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_follow_on(diag: Diagnostic, lines: list[str], modified: dict[int, str]) -> bool:
    """True when `diag` is a consequence of recovery, given the original lines and the changes."""
    span = diag.span
    if span.line in modified:
        return True
    if diag.code in (codes.UNKNOWN_NAME, codes.UNKNOWN_FUNCTION):
        name = _name_at(lines, span.line, span.column)
        return name is not None and any(name in _words(text) for text in modified.values())
    if diag.code in (codes.NO_ENTER, codes.NO_STEPS, codes.SPLIT_TOTAL):
        end = _block_end(lines, span.line)
        return any(span.line < line <= end for line in modified)
    if diag.code == codes.MISSING:
        wanted = "campaign" if "'campaign'" in diag.message else "stages"
        return any(first_word(text) == wanted for text in modified.values())
    return False


def _name_at(lines: list[str], line: int, column: int) -> str | None:
    if not 1 <= line <= len(lines):
        return None
    m = _IDENT.match(lines[line - 1], max(column - 1, 0))
    return m.group(0) if m else None


def _words(text: str) -> set[str]:
    return set(_IDENT.findall(code_of(text)))


def _block_end(lines: list[str], line: int) -> int:
    """The last line of the block headed by `line` (by indentation)."""
    base = indent_of(lines[line - 1]) if 1 <= line <= len(lines) else 0
    end = line
    for i in range(line + 1, len(lines) + 1):
        text = lines[i - 1]
        if not code_of(text).strip(" \t"):
            continue
        if indent_of(text) <= base:
            break
        end = i
    return end
