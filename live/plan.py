"""What a run will do, in order: new leads and accepted events on one timeline.

An event's *effective* time is its own time, or the DB clock when it is older (a late event: it is
applied at the clock and keeps its own time for windows and counts). Items are ordered by effective
time; at one instant a new lead comes before events, and events keep their input order. A new lead
is added at its `created_at`, or at its first event when it has no `created_at` (an event dated
before a `created_at` is rejected as the file is read: `live.inputs.EventFile`), or at the run's
start when it has neither.

`make_plan` orders rows held in memory; `nurture run` and `nurture score` take the same order
from `live.timeline`, which sorts the rows on disk as they are read (tested against this one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from live.inputs import EventRow, LeadRow

LEAD, EVENT = 0, 1


class Item(NamedTuple):
    """Sorted as a tuple: (time, order, index) always differ, so rows are never compared."""

    time: float
    order: int  # LEAD before EVENT at one instant
    index: int  # type: ignore[assignment]  # input order (a field: it hides tuple.index)
    lead: LeadRow | None
    event: EventRow | None
    late: bool


@dataclass
class Plan:
    items: list[Item]
    until: float | None
    start: float | None
    after_until: int  # accepted events later than --until, left for a later run
    late: int


def effective(at: float, clock: float | None) -> float:
    return at if clock is None or at >= clock else clock


def make_plan(
    new_leads: list[LeadRow], events: list[EventRow], clock: float | None, until: float | None
) -> Plan:
    """Order this run's work; events after `until` are left out (and counted)."""
    if until is None:
        known = [effective(e.at, clock) for e in events] + [
            effective(lead.created_at, clock) for lead in new_leads if lead.created_at is not None
        ]
        until = max(known) if known else clock
    items, first_event, earliest = _event_items(events, clock, until, {x.id for x in new_leads})
    late = sum(1 for item in items if item.late)
    after = len(events) - len(items)
    start = clock
    if start is None:
        candidates = [lead.created_at for lead in new_leads if lead.created_at is not None]
        if earliest is not None:
            candidates.append(earliest)
        start = min(candidates) if candidates else until
    for index, lead in enumerate(new_leads):
        at = _lead_time(lead, first_event.get(lead.id), clock, start)
        if until is not None and at > until:
            continue  # created after --until: it comes in with a later run
        items.append(Item(at, LEAD, index, lead, None, False))
    items.sort()
    return Plan(items, until, start, after, late)


def _event_items(
    events: list[EventRow], clock: float | None, until: float | None, new: set[str]
) -> tuple[list[Item], dict[str, float], float | None]:
    """The events kept (to `until`), each new lead's first event time, the earliest time."""
    items: list[Item] = []
    first: dict[str, float] = {}
    low = clock if clock is not None else -math.inf
    high = until if until is not None else math.inf
    make, append = tuple.__new__, items.append  # an Item without NamedTuple's Python __new__
    for index, e in enumerate(events):
        t = e.at
        late = t < low
        if late:
            t = low
        if t > high:
            continue
        append(make(Item, (t, EVENT, index, None, e, late)))
        if e.lead in new:
            seen = first.get(e.lead)
            if seen is None or t < seen:
                first[e.lead] = t
    earliest = min(item.time for item in items) if items else None
    return items, first, earliest


def _lead_time(
    lead: LeadRow, first_event: float | None, clock: float | None, start: float | None
) -> float:
    options = [t for t in (lead.created_at, first_event) if t is not None]
    at = min(options) if options else start
    if at is None:
        raise ValueError("no time for the lead")
    return effective(at, clock)
