"""Recorded lead attributes read under new rules: a value the new `lead:` block cannot take (a
`one of` without that option, text where a number is declared) is read as missing, and counted,
so the replay says how many leads lost which attribute instead of failing or guessing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from live.values import Schema, check_attr

if TYPE_CHECKING:
    from dsl.ir import Program


class AttrCheck:
    def __init__(self, programs: list[Program]) -> None:
        self.schema = Schema.from_programs(programs)
        self.refused: dict[str, dict[str, int]] = {}  # attribute -> reason -> leads
        self.seen: set[str] = set()  # attribute names some lead has
        self._ok: dict[tuple[str, object], tuple[object, str | None]] = {}

    def fit(self, attrs: dict[str, object]) -> dict[str, object]:
        """The attributes as the new rules read them (a value they cannot take left out)."""
        out: dict[str, object] = {}
        for name, value in attrs.items():
            self.seen.add(name)
            if name not in self.schema.attrs:
                out[name] = value  # kept, never read (as an unknown column is)
                continue
            try:
                key = (name, value)
                found = self._ok.get(key)
            except TypeError:  # an unhashable value
                key, found = None, None
            if found is None:
                found = check_attr(self.schema, name, value)
                if key is not None and len(self._ok) < 100_000:
                    self._ok[key] = found
            kept, reason = found
            if reason is not None:
                counts = self.refused.setdefault(name, {})
                counts[reason] = counts.get(reason, 0) + 1
            elif kept is not None:
                out[name] = kept
        return out

    def never_given(self) -> list[str]:
        """Attributes the new rules declare that no recorded lead has (every lead: missing)."""
        return sorted(name for name in self.schema.attrs if name not in self.seen)
