"""A live database read for the report: what it needs of every lead, action and event, as numpy
columns and counts.

Read-only: the database is opened read-only (`Store(readonly=True)`) and read inside one
transaction, so a run committing meanwhile is not seen half-way; nothing is ever written.

What is read, and how (SQLite does the scanning and grouping; the rows that must be looked at one
by one come back in blocks, turned into numpy columns: `report_scan`, `report_rows`):

- leads: every lead the runner added (the journal's `add` calls, in order) and its arrival, the
  time it was added (its `created_at`, else its first event: DATA.md);
- standing (the `standing` table, written at the end of every run): each lead's stage, segments,
  MQL and SQL times and sunset under each rule file;
- actions counted by kind (an action's fields but its lead and times: `ActionKind`), grouped by
  SQLite; the sends, tasks and enrolments as (lead, kind code, time) columns, for what is
  measured per lead (cost, arms, holdouts, which send a response answers);
- events: responses, unsubscribes and conversions as (lead, kind code, time, value) columns;
  the leads that visited: those of a `visited` event (a set) and those that clicked.

`since`: only the leads that arrived at or after that time, and what concerns them.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from live.report_rows import PER_LEAD_ACTIONS, LeadIndex, events, per_lead_actions, visited
from live.report_scan import BLOCK, reading_pragmas

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
class Standing:
    """Each lead as of the last checkpoint (-1 / NaN where a lead has no row)."""

    stage: dict[str, np.ndarray]  # rule file -> stage index a lead (by that file's order)
    segments: dict[str, np.ndarray]  # segment -> bool a lead (in any file)
    mql_at: np.ndarray  # float64, NaN: never (the earliest over the files)
    sql_at: np.ndarray
    sunset: np.ndarray  # bool


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


def read_history(store: Store, since: float | None = None) -> History:
    """Everything the report needs of `store` (opened read-only), read in one transaction."""
    reading_pragmas(store.db)
    with store.reading():
        clock = store.clock()
        ids, arrival = _leads(store, since)
        index = LeadIndex((lead, i) for i, lead in enumerate(ids))
        where, params = _lead_filter(since)
        kinds: list[ActionKind] = []
        interned: dict[ActionKind, int] = {}
        counts = _action_counts(store, where, params, kinds, interned)

        def kind_code(tail: str) -> int:
            return _kind_code(tail, kinds, interned)

        acts = per_lead_actions(store.db, index, where, params, kind_code)
        evs = events(store.db, index, where, params)
        clicks = np.array([k.type == "clicked" for k in evs[4]] or [False])[evs[1]]
        seen = visited(store.db, index, where, params, evs[0][clicks])
        standing = _standing(store, index, where, params)
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


def _lead_filter(since: float | None) -> tuple[str, tuple[object, ...]]:
    if since is None:
        return "", ()
    return " AND lead IN (SELECT lead FROM journal WHERE kind = 'add' AND at >= ?)", (since,)


def _leads(store: Store, since: float | None) -> tuple[list[str], np.ndarray]:
    ids: list[str] = []
    times = array("d")
    seen: set[str] = set()
    sql = "SELECT lead, at FROM journal WHERE kind = 'add' ORDER BY seq"
    for lead, at in store.db.execute(sql):
        if lead not in seen:  # added once; a second `add` would be an update
            seen.add(lead)
            if since is None or at >= since:
                ids.append(lead)
                times.append(at)
    return ids, _column(times, np.float64)


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
    store: Store,
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
    for tail, n in store.db.execute(sql, (*PER_LEAD_ACTIONS, *params)):
        kind = kinds[_kind_code(tail, kinds, interned)]
        counts[kind] = counts.get(kind, 0) + n
    return counts


_STANDING = (
    "SELECT lead, program || char(31) || stage || char(31) || segments, "
    "IFNULL(mql_at, -9e999), IFNULL(sql_at, -9e999), sunset != 0 FROM standing WHERE 1"
)


def _standing(store: Store, index: LeadIndex, where: str, params: tuple[object, ...]) -> Standing:
    """Stage index per file (by the file's stage order, from the stored layout), segments in any
    file, the earliest MQL and SQL times and sunset in any file. Read in blocks: each row's
    program, stage and segments as one key (`\\x1f` between them), numbered as first seen."""
    n = len(index)
    layout = json.loads(store.get("layout") or "[]")
    order = {p["path"]: {s: k for k, s in enumerate(p["stages"])} for p in layout}
    out = Standing({}, {}, np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool))
    keys: dict[str, int] = {}

    def key_code(key: str) -> int:
        return keys.setdefault(key, len(keys))

    cursor = store.db.execute(_STANDING + where, params)
    blocks = []
    while rows := cursor.fetchmany(BLOCK):
        columns = list(zip(*rows, strict=True))
        blocks.append(
            (
                np.fromiter(map(index.__getitem__, columns[0]), np.int64, len(rows)),
                np.fromiter(map(key_code, columns[1]), np.int64, len(rows)),
                np.array(columns[2:], dtype=np.float64),
            )
        )
    if not blocks:
        return out
    lead = np.concatenate([b[0] for b in blocks])
    code = np.concatenate([b[1] for b in blocks])
    values = np.concatenate([b[2] for b in blocks], axis=1)
    known = lead >= 0  # a row of a lead the report does not have: left out
    lead, code, values = lead[known], code[known], values[:, known]
    for column, times in ((out.mql_at, values[0]), (out.sql_at, values[1])):
        has = times > -np.inf  # -inf: none (NULL)
        np.fmin.at(column, lead[has], times[has])
    out.sunset[lead[values[2] != 0]] = True
    _stages_and_segments(list(keys), lead, code, order, out)
    return out


def _stages_and_segments(
    keys: list[str],
    lead: np.ndarray,
    code: np.ndarray,
    order: dict[str, dict[str, int]],
    out: Standing,
) -> None:
    """Each file's stage column and each segment's members, in the order the rows first name
    them."""
    n = len(out.sunset)
    found, first = np.unique(code, return_index=True)
    members: dict[str, list[np.ndarray]] = {}
    for k in found[np.argsort(first, kind="stable")].tolist():
        program, stage, segments = keys[k].split("\x1f")
        rows = lead[code == k]
        column = out.stage.get(program)
        if column is None:
            column = out.stage[program] = np.full(n, -1, dtype=np.int16)
        column[rows] = order.get(program, {}).get(stage, -1)
        for name in (s for s in segments.split(";") if s):
            members.setdefault(name, []).append(rows)
    for name, parts in members.items():
        mask = np.zeros(n, dtype=bool)
        mask[np.concatenate(parts)] = True
        out.segments[name] = mask


def _column(values: array, dtype: type) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype).copy() if values else np.zeros(0, dtype=dtype)
