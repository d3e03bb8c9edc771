"""Small helpers that read a source line as text: its indentation, code, first word, brackets."""

from __future__ import annotations

import re

_FIRST_WORD = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)")


def indent_of(text: str) -> int:
    stripped = text.lstrip(" \t")
    return len(text[: len(text) - len(stripped)].expandtabs(8))


def code_of(text: str) -> str:
    """The line without its comment and trailing spaces (a `#` inside a string is text)."""
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string and ch == "\\":
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        elif ch == "#" and not in_string:
            return text[:i].rstrip(" \t")
        i += 1
    return text.rstrip(" \t")


def first_word(text: str) -> str:
    m = _FIRST_WORD.match(text)
    return m.group(1) if m else ""


_BRACKET_SCAN = re.compile(r'"(?:\\.|[^"\\])*"?|#.*|[()\[\]]')


def brackets(text: str) -> list[tuple[int, str]]:
    """(0-based column, character) of every bracket outside strings and comments."""
    if "(" not in text and ")" not in text and "[" not in text and "]" not in text:
        return []
    out = []
    for m in _BRACKET_SCAN.finditer(text):
        token = m.group(0)
        if token[0] == "#":
            break
        if len(token) == 1 and token in "()[]":
            out.append((m.start(), token))
    return out
