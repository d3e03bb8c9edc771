"""`matches` in the engine: RE2 (linear time in the text, whatever the pattern), compiled once.

The pattern is compiled by `dsl.regex.compile_pattern`, the same call the checker makes, so the
engine runs exactly the syntax the checker accepts. RE2 never backtracks: no pattern and no text
can hang a run, and the whole text is searched. A matcher keeps the answers for recent short
texts (titles, sources and the like repeat from lead to lead; an answer is a pure function of the
text), which makes a repeated text cost a dictionary lookup instead of a call into RE2.
"""

from __future__ import annotations

from dsl.regex import compile_pattern

CACHE_ENTRIES = 4096  # answers kept per pattern; the table is emptied when full
CACHE_TEXT = 256  # longer texts are searched every time, never kept


class Matcher:
    """`matcher(text)`: whether the pattern is found anywhere in `text` (a search)."""

    __slots__ = ("_search", "_seen")

    def __init__(self, pattern: str) -> None:
        self._search = compile_pattern(pattern).search
        self._seen: dict[str, bool] = {}

    def __call__(self, text: str) -> bool:
        found = self._seen.get(text)
        if found is None:
            # bytes, not str: the binding's str path maps every offset back to characters
            found = self._search(text.encode("utf-8", "replace")) is not None
            if len(text) <= CACHE_TEXT:
                if len(self._seen) >= CACHE_ENTRIES:
                    self._seen.clear()
                self._seen[text] = found
        return found
