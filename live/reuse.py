"""An event id given again: the same event, or another event under an id already used.

An id names one event. The same id with the same lead, type, time and properties is the same
event given again (a file re-sent, an export that overlaps the last): it is ignored and counted
as a duplicate. The same id with anything else different is another event under a used id: it
is rejected (dead-lettered by `nurture run`, listed by `nurture score`) with a reason saying where
the id was first used and what to do; the first event with the id is the one kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine import format_time
from live.inputs import EventRow, Rejected, text_lines

__all__ = ["Split", "Stored", "raw_lines", "reused_reason", "same_as_stored", "split_reused"]

Stored = tuple[str, str, float, str]  # an accepted event: lead, type, at, props JSON


@dataclass
class Split:
    fresh: list[EventRow] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def split_reused(path: str, events: list[EventRow], stored: Mapping[str, Stored]) -> Split:
    """The events new to `stored` (accepted before) and to earlier lines, the count of those
    given again unchanged, and each reuse of an id for another event, rejected."""
    out = Split()
    first: dict[str, EventRow] = {}
    reused: list[tuple[EventRow, str]] = []
    for event in events:
        before = stored.get(event.id)
        if before is not None:
            if same_as_stored(event, before):
                out.duplicates += 1
            else:
                reused.append((event, reused_reason(event.id, before)))
            continue
        earlier = first.get(event.id)
        if earlier is None:
            first[event.id] = event
            out.fresh.append(event)
        elif earlier[1:5] == event[1:5]:
            out.duplicates += 1
        else:
            reused.append(
                (
                    event,
                    f"event id {event.id!r} is used on line {earlier.line} for another event; "
                    "give this event an id of its own",
                )
            )
    raw = raw_lines(path, (event.line for event, _ in reused))
    out.rejected = [Rejected(path, e.line, "event", why, raw.get(e.line, "")) for e, why in reused]
    return out


def reused_reason(event_id: str, stored: Stored) -> str:
    """Why an event under the id of one accepted before is rejected."""
    lead, kind, at, _ = stored
    return (
        f"event id {event_id!r} was accepted before for another event ({kind} of lead "
        f"{lead!r} at {format_time(at)}); give this event an id of its own"
    )


def same_as_stored(event: EventRow, stored: Stored) -> bool:
    lead, kind, at, props = stored
    return (event.lead, event.type, event.at) == (lead, kind, at) and json.loads(props) == dict(
        event.props
    )


def raw_lines(path: str, numbers: Iterable[int]) -> dict[int, str]:
    """The text of these lines of the file (read again: only for the few rows rejected here)."""
    wanted = set(numbers)
    if not wanted:
        return {}
    found: dict[int, str] = {}
    for number, text in text_lines(path):
        if number in wanted:
            found[number] = text
            if len(found) == len(wanted):
                break
    return found
