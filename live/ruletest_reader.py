"""The value readers of a rule test file: each reads one key of the parsed TOML, checks its kind,
and records a mistake at the key's line and column (`live.tomlspan`) instead of raising, so that
every mistake of a file is found in one pass."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dsl import codes
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.ir import Span
from live.ruletest_time import HINT, TimeError, resolve
from live.tomlspan import Place, Spans

Path_ = tuple[str | int, ...]


def span_of(place: Place) -> Span:
    return Span(
        line=place.line,
        column=place.column,
        end_line=place.end_line,
        end_column=place.end_column,
    )


def kind(value: object) -> str:
    """What a TOML value is, in the words of the format."""
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (datetime, date)):
        return "a date"
    if isinstance(value, dict):
        return "a table"
    return "a list"


class Reader:
    """Reads values out of the parsed TOML, collecting every mistake."""

    def __init__(self, file: str, places: Spans) -> None:
        self.file = file
        self.places = places
        self.diags: list[Diagnostic] = []
        self.seen: set[Diagnostic] = set()

    def mistake(
        self, path: Path_, message: str, hint: str | None = None, key: bool = False
    ) -> None:
        place = self.places.key(path) if key else self.places.of(path)
        diag = Diagnostic(codes.TEST_SCHEMA, message, span_of(place), hint, file=self.file)
        if diag not in self.seen:  # a file-wide default is read once per case
            self.seen.add(diag)
            self.diags.append(diag)

    def table(self, value: object, path: Path_, allowed: tuple[str, ...], what: str) -> dict:
        """The table, with each unknown key named (and the nearest known one)."""
        if not isinstance(value, dict):
            self.mistake(path, f"{what} must be a table, not {kind(value)}")
            return {}
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "known keys: " + ", ".join(allowed)
                self.mistake(path + (key,), f"unknown key '{key}' in {what}", hint, key=True)
        return {k: v for k, v in value.items() if k in allowed}

    def text(self, table: dict, path: Path_, key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.mistake(path + (key,), f"'{key}' must be a non-empty text, not {kind(value)}")
            return None
        return value.strip()

    def integer(self, table: dict, path: Path_, key: str, low: int = 0) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.mistake(
                path + (key,), f"'{key}' must be a whole number >= {low}, not {kind(value)}"
            )
            return None
        return value

    def names(self, table: dict, path: Path_, key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.mistake(path + (key,), f'\'{key}\' must be a list of names, like ["a", "b"]')
            return None
        return [v.strip() for v in value]

    def time(
        self, table: dict, path: Path_, key: str, start: float, tz: ZoneInfo | None
    ) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        try:
            return resolve(value, start, tz)
        except TimeError as err:
            self.mistake(path + (key,), str(err), HINT)
            return None
