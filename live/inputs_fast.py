"""The fast path for event lines: a well-formed line checked with a few C calls.

Most lines of a real export are alike: one JSON object, the four fields as text, a known event
type, an ISO timestamp, and props drawn from a few shapes. `fast_event_parser` accepts exactly
those lines and returns the same row the careful path (`live.inputs._event_from`) would; anything
else (blank, padded, malformed, unusual) returns None and goes the careful way, which finds the
reason. The JSON scanner is the one `json.loads` uses, called without its Python wrappers; props
of all-text values are checked once per distinct shape and event type and the checked dict is
shared by the rows that have it (rows are read-only).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from live.values import Schema, check_props

PROPS_SHAPES = 50_000  # distinct all-text props remembered; past this, each row is checked alone

_EMPTY: dict[str, object] = {}


def fast_event_parser(schema: Schema, row: type) -> Callable[[str, int], Any]:
    """A function (raw line, line number) -> `row` (a NamedTuple of id, lead, type, at, props,
    line) for a well-formed event line, or None."""
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__, not in typeshed
    events = schema.events
    iso = datetime.fromisoformat  # engine.times.parse_time, inlined (a call less per event)
    new = tuple.__new__
    shapes: dict[tuple[Any, ...], dict[str, object]] = {}

    def props_of(kind: str, given: object) -> dict[str, object] | None:
        if given is None:
            return _EMPTY
        if type(given) is not dict:
            return None
        key = (kind, *given.items())
        try:
            found = shapes.get(key)
        except TypeError:  # a list or object among the values
            found = None
        if found is not None:
            return found
        props, reason = check_props(kind, given, events[kind])
        if reason:
            return None
        if len(shapes) < PROPS_SHAPES and all(type(v) is str for v in given.values()):
            shapes[key] = props  # only text: 1, 1.0 and True would be equal keys
        return props

    def parse(raw: str, number: int) -> Any:
        if raw[:1] != "{":
            return None
        try:
            obj, end = scan(raw, 0)
        except (StopIteration, ValueError):
            return None
        if end != len(raw) or type(obj) is not dict:
            return None
        eid, lead, kind, at = obj.get("id"), obj.get("lead"), obj.get("type"), obj.get("at")
        if not (
            type(eid) is str
            and type(lead) is str
            and type(at) is str
            and type(kind) is str
            and kind in events
            and kind != "created"
        ):
            return None
        eid, lead = eid.strip(), lead.strip()
        if not eid or not lead:
            return None
        try:
            when = iso(at)
        except ValueError:
            return None
        props = props_of(kind, obj.get("props"))
        if props is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return new(row, (eid, lead, kind, when.timestamp(), props, number))

    return parse
