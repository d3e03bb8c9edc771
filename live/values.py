"""Values in input rows: the schema the rule files give, attribute and property checks.

Each check returns the value to keep (typed: numbers as float, `one of` in its declared spelling,
channels in lower case) or the reason, in the words a person fixing the export needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dsl.ir import BUILTIN_EVENTS, CHANNELS

if TYPE_CHECKING:
    from dsl.ir import Program


# ---------------------------------------------------------------- schema


@dataclass
class Schema:
    """What a row may hold: the union of every rule file's `lead:` block and event types."""

    attrs: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    events: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_programs(cls, programs: Iterable[Program]) -> Schema:
        schema = cls(events={k: dict(v) for k, v in BUILTIN_EVENTS.items()})
        for program in programs:
            for decl in program.lead:
                schema.attrs.setdefault(decl.name, []).append((decl.type, tuple(decl.options)))
            for event in program.events:
                props = schema.events.setdefault(event.name, {})
                props.update({p.name: p.type for p in event.props})
        return schema


def check_attr(schema: Schema, name: str, value: object) -> tuple[object, str | None]:
    """(the value to keep, None) or (None, the reason it is wrong). Empty means missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if name == "timezone":
        return _check_timezone(value)
    kept: object = value
    for kind, options in schema.attrs.get(name, ()):
        if kind == "number":
            number = _as_number(value)
            if number is None:
                return None, f"column '{name}': {value!r} is not a number"
            kept = number
        elif kind == "one_of":
            text = str(value).strip().lower()
            match = next((o for o in options if o.strip().lower() == text), None)
            if match is None:
                allowed = ", ".join(repr(o) for o in options)
                return None, f"column '{name}': {value!r} is not one of {allowed}"
            kept = match
        elif isinstance(value, (dict, list, bool)):
            return None, f"column '{name}': {value!r} is not text"
        else:
            kept = value if isinstance(value, str) else plain(value)
    return kept, None


def _check_timezone(value: object) -> tuple[object, str | None]:
    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None, f"column 'timezone': unknown time zone {value!r}"
    return name, None


def plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def check_props(
    kind: str, given: object, declared: dict[str, str]
) -> tuple[dict[str, object], str | None]:
    if given is None:
        return {}, None
    if not isinstance(given, dict):
        return {}, f"field 'props' must be an object, got {given!r}"
    props: dict[str, object] = {}
    for name, value in given.items():
        if value is None:
            continue
        wanted = declared.get(name)
        if wanted == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return {}, f"property {name!r} of {kind!r} must be a number, got {value!r}"
        if wanted == "text" and not isinstance(value, str):
            return {}, f"property {name!r} of {kind!r} must be text, got {value!r}"
        if name == "channel" and wanted == "text":
            value = value.strip().lower()
            if value not in CHANNELS:
                return {}, f"unknown channel {given[name]!r} (channels: {', '.join(CHANNELS)})"
        props[name] = float(value) if wanted == "number" else value
    return props, None
