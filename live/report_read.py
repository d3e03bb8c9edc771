"""A live database read for the report: what it needs of every lead, action and event, as numpy
columns and counts.

Read-only: the database is opened read-only (`Store(readonly=True)`) and read inside one
transaction, so a run committing meanwhile is not seen half-way; nothing is ever written. With
`workers=2`, the reads below (the actions, the standing, the events in two ranges of rows)
run in two worker processes side by side (`report_parallel`), each in a read
transaction of its own that must see the same state as the parent's (else all is read again in
one); the columns they give back are the same, to the last bit.

What is read, and how (SQLite does the scanning and grouping; the rows that must be looked at one
by one come back packed, a block of rows as one string each column, cut apart and numbered by
numpy: `report_bulk`, `report_events`, `report_standing_packed`, `report_actions_packed`;
where they cannot be packed, as rows in blocks: `report_scan`, `report_rows`; the same columns
either way, to the last bit):

- leads: every lead the runner added (the journal's `add` calls, in order) and its arrival, the
  time it was added (its `created_at`, else its first event: DATA.md);
- standing (the `standing` table, written at the end of every run): each lead's stage, segments,
  MQL and SQL times and sunset under each rule file (`report_standing`);
- actions counted by kind (an action's fields but its lead and times: `ActionKind`), grouped by
  SQLite; the sends, tasks and enrolments as (lead, kind code, time) columns, for what is
  measured per lead (cost, arms, holdouts, which send a response answers);
- events, in one scan: responses, unsubscribes and conversions as (lead, kind code, time,
  value) columns; the leads that visited: those of a `visited` event and those that clicked.

`since`: only the leads that arrived at or after that time, and what concerns them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from live.report_actions_packed import actions_packed
from live.report_bulk import ValueIndex
from live.report_events import packed_times, read_events, scaled
from live.report_parallel import Moved, Task, fingerprint, run_parallel, workers_for
from live.report_rows import PER_LEAD_ACTIONS, LeadIndex, by_key, per_lead_actions
from live.report_scan import key_range, reading_pragmas
from live.report_standing import Standing, read_standing

if TYPE_CHECKING:
    from live.store import Store

_TAIL = "substr(line, instr(line, '\"action\": '))"


class ActionKind(NamedTuple):
    action: str
    content: str | None
    channel: str | None
    sequence: str | None
    step: int | None
    arm: int | None
    reason: str | None
    rule: str | None
    program: str | None


class EventKind(NamedTuple):
    type: str
    content: str | None
    channel: str | None


@dataclass
class History:
    """What the report reads of a database; columns of one row a lead are indexed by lead."""

    path: str
    clock: float
    ids: list[str]
    arrival: np.ndarray  # float64 seconds, one a lead
    counts: dict[ActionKind, int]  # every action of the leads, by kind (due times left out)
    act_lead: np.ndarray  # int64: sends, tasks and enrolments, in outbox order
    act_code: np.ndarray  # int32: index into kinds
    act_at: np.ndarray  # float64
    kinds: list[ActionKind]
    ev_lead: np.ndarray  # int64: responses, unsubscribes, conversions, in the order accepted
    ev_code: np.ndarray  # int32: index into ev_kinds
    ev_at: np.ndarray  # float64: the event's own time
    ev_value: np.ndarray  # a conversion's value (0 without one); NaN for other events
    ev_kinds: list[EventKind]
    visited: np.ndarray  # bool a lead: visited the site (a visit, or a click)
    standing: Standing = field(repr=False, default=None)  # type: ignore[assignment]  # set by read_history before use

    @property
    def n(self) -> int:
        return len(self.ids)


def read_history(store: Store, since: float | None = None, workers: int | None = None) -> History:
    """Everything the report needs of `store` (opened read-only), read in one transaction, or,
    on a database large enough (`report_parallel.workers_for`; `workers` forces a number), in
    worker processes side by side, each in a transaction that sees the same state."""
    reading_pragmas(store.db)
    with store.reading():
        clock = store.clock()
        ids, arrival = _leads(store, since)
        index = LeadIndex(ids)
        index.bulk = ValueIndex(ids)
        where, params = _lead_filter(since)
        layout = store.get("layout") or "[]"
        parts = None
        count = workers_for(store.db, workers)
        if count > 1:
            tasks = _tasks(store.db, where, params, layout, count)
            # the longest first (the workers take them in this order): the events' ranges,
            # the actions, the standing
            order = [*range(2, 2 + count), 0, 1]
            try:
                parts = run_parallel(store.path, fingerprint(store.db), index, tasks, count, order)
            except Moved:  # a run committed meanwhile: read again, in this transaction
                parts = None
        if parts is None:
            count = 1
            tasks = _tasks(store.db, where, params, layout, count)
            parts = [task(store.db, index, *args) for task, args in tasks]
    (counts, kinds, acts), standing = parts[:2]
    seen = np.logical_or.reduce([part[1] for part in parts[2:]])
    evs = _join_events([part[0] for part in parts[2:]])
    clicks = np.array([k.type == "clicked" for k in evs[4]] or [False])[evs[1]]
    seen[evs[0][clicks]] = True
    for code, n in enumerate(np.bincount(acts[1], minlength=len(kinds)).tolist()):
        if n:
            counts[kinds[code]] = counts.get(kinds[code], 0) + n
    return History(
        path=store.path,
        clock=clock if clock is not None else (float(arrival.max()) if ids else 0.0),
        ids=ids,
        arrival=arrival,
        counts=counts,
        act_lead=acts[0],
        act_code=acts[1],
        act_at=acts[2],
        kinds=kinds,
        ev_lead=evs[0],
        ev_code=evs[1],
        ev_at=evs[2],
        ev_value=evs[3],
        ev_kinds=evs[4],
        visited=seen,
        standing=standing,
    )


def _tasks(
    db: sqlite3.Connection,
    where: str,
    params: tuple[object, ...],
    layout: str,
    count: int,
) -> list[Task]:
    """The reads, each `task(db, index, *args)`: the actions, the standing, then the events
    (responses and visits) in `count` ranges of rowids."""
    low, high = key_range(db, "events")
    cuts = [low + (high - low + 1) * k // count for k in range(count)] + [high + 1]
    return [
        (_actions, (where, params)),
        (read_standing, (where, params, layout)),
        *((read_events, (where, params, cuts[k], cuts[k + 1] - 1)) for k in range(count)),
    ]


def _actions(
    db: sqlite3.Connection, index: LeadIndex, where: str, params: tuple[object, ...]
) -> tuple[dict[ActionKind, int], list[ActionKind], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The actions counted by kind, their kinds, and the per-lead ones as columns: read packed
    in one scan (`report_actions_packed`), else as rows in two."""
    kinds: list[ActionKind] = []
    interned: dict[ActionKind, int] = {}

    def kind_code(tail: str) -> int:
        return _kind_code(tail, kinds, interned)

    packed = actions_packed(db, index, where, params, kind_code, by_key(kind_code))
    if packed is not None:
        counted, acts = packed
        return {kinds[code]: n for code, n in counted.items()}, kinds, acts
    counts = _action_counts(db, where, params, kinds, interned)
    return counts, kinds, per_lead_actions(db, index, where, params, kind_code)


def _join_events(
    ranges: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[EventKind]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[EventKind]]:
    """The responses of consecutive ranges of rows as one: each range's kinds numbered anew in
    the order they first occur in all of them, as one read would have."""
    if len(ranges) == 1:
        return ranges[0]
    kinds: list[EventKind] = []
    renumbered = []
    for part in ranges:
        renumber = np.array([_intern(kind, kinds) for kind in part[4]] or [0], dtype=np.int32)
        renumbered.append(renumber[part[1]])
    columns = [np.concatenate([part[k] for part in ranges]) for k in (0, 2, 3)]
    return columns[0], np.concatenate(renumbered), columns[1], columns[2], kinds


def _intern(kind: EventKind, kinds: list[EventKind]) -> int:
    if kind in kinds:
        return kinds.index(kind)
    kinds.append(kind)
    return len(kinds) - 1


def _lead_filter(since: float | None) -> tuple[str, tuple[object, ...]]:
    if since is None:
        return "", ()
    return " AND lead IN (SELECT lead FROM journal WHERE kind = 'add' AND at >= ?)", (since,)


def _leads(store: Store, since: float | None) -> tuple[list[str], np.ndarray]:
    """Every lead added, in the order of its first `add` (a second would be an update), and the
    time of that first `add`; `since`: those added at or after it."""
    ids, times = _adds(store.db)
    if len(set(ids)) != len(ids):  # a lead added twice: its first time kept
        first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
        keep = np.array(sorted(first.values()), dtype=np.int64)
        ids, times = [ids[k] for k in keep.tolist()], times[keep]
    if since is not None:
        late = times >= since
        ids, times = [lead for lead, k in zip(ids, late.tolist(), strict=True) if k], times[late]
    return ids, times


_ADDS = (
    f"SELECT COUNT(*), group_concat(lead, char(31)), group_concat({scaled('at')}, ',') "
    "FROM journal NOT INDEXED WHERE seq >= ? AND seq < ? AND kind = 'add'"
)


def _adds(db: sqlite3.Connection) -> tuple[list[str], np.ndarray]:
    """The journal's `add` calls, in order: (lead, time), read packed by blocks of rows (as
    `report_events` reads the events), else as rows."""
    low, high = key_range(db, "journal", "seq")
    ids: list[str] = []
    times = []
    for start in range(low, high + 1, 1 << 16):
        count, leads, at = db.execute(_ADDS, (start, start + (1 << 16))).fetchone()
        if not count:
            continue
        block = leads.split("\x1f")
        if len(block) != count or "x" in at:  # a separator in an id, or a time not written
            break
        ids += block
        times.append(packed_times(at, count))
    else:
        return ids, np.concatenate(times) if times else np.zeros(0)
    rows = db.execute("SELECT lead, at FROM journal WHERE kind = 'add' ORDER BY seq").fetchall()
    return list(map(itemgetter(0), rows)), np.fromiter(map(itemgetter(1), rows), np.float64)


def _kind_code(tail: str, kinds: list[ActionKind], interned: dict[ActionKind, int]) -> int:
    """The code of an action from its JSON from the `action` key on (a task's due left out)."""
    data = json.loads("{" + tail)
    kind = ActionKind(
        action=str(data.get("action")),
        content=data.get("content"),
        channel=data.get("channel"),
        sequence=data.get("sequence"),
        step=data.get("step"),
        arm=data.get("arm"),
        reason=data.get("reason"),
        rule=data.get("rule"),
        program=data.get("program"),
    )
    code = interned.get(kind)
    if code is None:
        code = interned[kind] = len(kinds)
        kinds.append(kind)
    return code


def _action_counts(
    db: sqlite3.Connection,
    where: str,
    params: tuple[object, ...],
    kinds: list[ActionKind],
    interned: dict[ActionKind, int],
) -> dict[ActionKind, int]:
    """The actions not read one by one, counted by kind: grouped by SQLite on their JSON tail
    (`read_history` adds the others' counts)."""
    marks = ",".join("?" * len(PER_LEAD_ACTIONS))
    sql = f"SELECT {_TAIL}, COUNT(*) FROM outbox WHERE action NOT IN ({marks}){where} GROUP BY 1"
    counts: dict[ActionKind, int] = {}
    for tail, n in db.execute(sql, (*PER_LEAD_ACTIONS, *params)):
        kind = kinds[_kind_code(tail, kinds, interned)]
        counts[kind] = counts.get(kind, 0) + n
    return counts
