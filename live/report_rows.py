"""The rows a report reads one by one: the per-lead actions (sends, tasks, enrolments), the
responses, unsubscribes and conversions, and the leads that visited; as numpy columns (see
`report_scan` for how).

Kinds are numbered as they first occur in the rows the filter keeps (`where`): the figures that
sum over kinds sum in that order. A task's kind is its JSON without its due time, taken out by
SQLite (`json_remove`) so that its rows share one kind string like the others.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from live.report_scan import BLOCK, lead_rows

if TYPE_CHECKING:
    from live.report_bulk import ValueIndex
    from live.report_read import EventKind

RESPONSES = ("opened", "clicked", "replied", "bounced", "unsubscribed", "converted")
PER_LEAD_ACTIONS = ("send", "task", "enrolled")

TAIL = "substr(line, instr(line, '\"action\": '))"
# a per-lead action's kind: its JSON from the `action` key on, a task's due time (different on
# every row) taken out
ACTION_KEY = (
    f"CASE WHEN instr(line, '\"due\": ') THEN json_remove('{{' || {TAIL}, '$.due') ELSE {TAIL} END"
)
# an event's kind: its type and props (a conversion's props, unique by their value, left out)
_EVENT_KEY = "CASE WHEN type = 'converted' THEN 'converted' ELSE type || props END"


class LeadIndex(dict):
    """lead id -> the lead's number in the report (its place in `ids`); -1 for a lead it does
    not have. Filled at its first lookup: the packed reads look leads up in `bulk`
    (`report_bulk.ValueIndex`, when made), so the dict of every id is made only for the row
    reads."""

    bulk: ValueIndex | None = None

    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self.ids = ids
        self.filled = False

    def __len__(self) -> int:
        return len(self.ids)

    def __missing__(self, key: str) -> int:
        if not self.filled:
            self.filled = True
            self.update(zip(self.ids, range(len(self.ids)), strict=True))
            return self.get(key, -1)
        return -1


def per_lead_actions(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    kind_code: Callable[[str], int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sends, tasks and enrolments of the report's leads as (lead, kind code, time) columns
    in outbox order; `kind_code` numbers a kind from its JSON (from the `action` key on)."""
    marks = ",".join("?" * len(PER_LEAD_ACTIONS))
    sql = f"SELECT lead, {ACTION_KEY}, at FROM outbox WHERE action IN ({marks}){where} ORDER BY seq"
    numbered = _Codes(by_key(kind_code))
    lead, code, at = lead_rows(
        db, sql, (*PER_LEAD_ACTIONS, *params), index.__getitem__, numbered.__getitem__
    )
    known = lead >= 0  # a row of a lead the journal never added (changed by hand): left out
    return lead[known], code[known].astype(np.int32), at[known]


def by_key(kind_code: Callable[[str], int]) -> Callable[[str], int]:
    """A per-lead action's code from its key (`ACTION_KEY`: a task's JSON, made whole again by
    `json_remove`, starts with its `{`), by `kind_code` (which takes the JSON from `action` on)."""
    return lambda key: kind_code(key[1:] if key.startswith("{") else key)


class Numbered(dict):
    """key -> its number in `known` (keys numbered as first seen, across the blocks of a
    packed read), asked of `known` once a key."""

    def __init__(self, known: dict[str, int]) -> None:
        super().__init__(known)
        self.known = known

    def __missing__(self, key: str) -> int:
        code = self[key] = self.known.setdefault(key, len(self.known))
        return code


class _Codes(dict):
    """key -> the code `code_of(key)` gives it, asked once a key."""

    def __init__(self, code_of: Callable[[str], int]) -> None:
        super().__init__()
        self.code_of = code_of

    def __missing__(self, key: str) -> int:
        code = self[key] = self.code_of(key)
        return code


def events(
    db: sqlite3.Connection, index: LeadIndex, where: str, params: tuple[object, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[EventKind]]:
    """Responses, unsubscribes and conversions of the report's leads, in the order accepted:
    (lead, kind code, time, a conversion's value (0 without one; NaN for other events), kinds).

    A row's kind is looked up by its type and props as one string (a conversion's props, unique
    by their value, left out: its value is read apart, conversions being few)."""
    marks = ",".join("?" * len(RESPONSES))
    sql = f"SELECT lead, {_EVENT_KEY}, at FROM events WHERE type IN ({marks}){where} ORDER BY rowid"
    numbered = EventCodes()
    lead, code, at = lead_rows(
        db, sql, (*RESPONSES, *params), index.__getitem__, numbered.__getitem__
    )
    values = conversion_values(db, numbered, code, where, params)
    known = lead >= 0  # an event of a lead the journal never added (changed by hand): left out
    return lead[known], code[known].astype(np.int32), at[known], values[known], numbered.kinds


def conversion_values(
    db: sqlite3.Connection,
    numbered: EventCodes,
    code: np.ndarray,
    where: str,
    params: tuple[object, ...],
) -> np.ndarray:
    """A column beside the events' codes: each conversion's value (0 without one, read apart,
    in rowid order), NaN for the other events."""
    values = np.full(len(code), np.nan)
    if "converted" in numbered:
        bought = np.flatnonzero(code == numbered["converted"])
        sql = f"SELECT props FROM events WHERE type = 'converted'{where} ORDER BY rowid"
        values[bought] = [conversion_value(props) for (props,) in db.execute(sql, params)]
    return values


class EventCodes(dict):
    """type and props -> the code of the event's kind, numbered as they first occur."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[EventKind] = []

    def __missing__(self, key: str) -> int:
        kind = _event_kind(key)
        try:
            code = self.kinds.index(kind)
        except ValueError:
            code = len(self.kinds)
            self.kinds.append(kind)
        self[key] = code
        return code


def conversion_value(props: str) -> float:
    """A conversion's value from its props (0 without a number)."""
    value = json.loads(props).get("value")
    return float(value) if isinstance(value, (int, float)) else 0.0


def _event_kind(key: str) -> EventKind:
    """The kind of an event from its type and props joined (`opened{"content": ...}`)."""
    from live.report_read import EventKind

    if key == "converted":
        return EventKind("converted", None, None)
    brace = key.find("{")
    kind, data = key[:brace], json.loads(key[brace:])
    content, channel = data.get("content"), data.get("channel")
    return EventKind(
        kind,
        content if isinstance(content, str) else None,
        channel if isinstance(channel, str) else None,
    )


def visited(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    clicked: np.ndarray,
) -> np.ndarray:
    """Whether each lead visited the site: a `visited` event, or a click (`clicked`: the leads
    of the `clicked` events, already read)."""
    out = np.zeros(len(index), dtype=bool)
    out[clicked] = True
    seen: set[str] = set()
    cursor = db.execute(f"SELECT lead FROM events WHERE type = 'visited'{where}", params)
    first = itemgetter(0)
    while rows := cursor.fetchmany(BLOCK):
        seen.update(map(first, rows))
    found = np.fromiter(map(index.__getitem__, seen), np.int64, len(seen))
    out[found[found >= 0]] = True
    return out
