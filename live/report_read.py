"""A live database read for the report: what it needs of every lead, action and event, as numpy
columns and counts.

Read-only: the database is opened read-only (`Store(readonly=True)`) and read inside one
transaction, so a run committing meanwhile is not seen half-way; nothing is ever written.

What is read, and how (SQLite does the scanning and grouping; Python touches only the rows that
must be looked at one by one, since each costs about a microsecond there):

- leads: every lead the runner added (the journal's `add` calls, in order) and its arrival, the
  time it was added (its `created_at`, else its first event: DATA.md);
- standing (the `standing` table, written at the end of every run): each lead's stage, segments,
  MQL and SQL times and sunset under each rule file;
- actions counted by kind (an action's fields but its lead and times: `ActionKind`), grouped by
  SQLite; the sends, tasks and enrolments one by one as (lead, kind code, time), for what is
  measured per lead (cost, arms, holdouts, which send a response answers);
- events: responses, unsubscribes and conversions one by one (lead, kind code, time, value);
  the leads that visited (a `visited` or `clicked` event) as a set, found by SQLite.

`since`: only the leads that arrived at or after that time, and what concerns them.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from live.store import Store

RESPONSES = ("opened", "clicked", "replied", "bounced", "unsubscribed", "converted")
PER_LEAD_ACTIONS = ("send", "task", "enrolled")
_ACTION_KEY = '"action": '
_DUE = re.compile(r', "due": "[^"]*"')
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
    with store.reading():
        clock = store.clock()
        ids, arrival = _leads(store, since)
        index = {lead: i for i, lead in enumerate(ids)}
        where, params = _lead_filter(since)
        kinds: list[ActionKind] = []
        interned: dict[ActionKind, int] = {}
        counts = _action_counts(store, where, params, kinds, interned)
        acts = _per_lead_actions(store, index, where, params, kinds, interned)
        evs = _events(store, index, where, params)
        visited = _visited(store, index, where, params)
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
        visited=visited,
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


def _per_lead_actions(
    store: Store,
    index: dict[str, int],
    where: str,
    params: tuple[object, ...],
    kinds: list[ActionKind],
    interned: dict[ActionKind, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    leads, kind_codes, times = array("q"), array("i"), array("d")
    cache: dict[str, int] = {}
    get, cached, key = index.get, cache.get, _ACTION_KEY
    add_lead, add_code, add_time = leads.append, kind_codes.append, times.append
    marks = ",".join("?" * len(PER_LEAD_ACTIONS))
    sql = f"SELECT lead, at, line FROM outbox WHERE action IN ({marks}){where} ORDER BY seq"
    for lead, at, line in store.db.execute(sql, (*PER_LEAD_ACTIONS, *params)):
        tail = line[line.find(key) :]
        code = cached(tail)
        if code is None:
            if '"due": ' not in tail:
                code = cache[tail] = _kind_code(tail, kinds, interned)
            else:  # a task: its due time differs on every row, so the row is not cached
                code = _kind_code(_DUE.sub("", tail), kinds, interned)
        add_lead(get(lead, -1))
        add_code(code)
        add_time(at)
    lead_col = _column(leads, np.int64)
    known = lead_col >= 0  # a row of a lead the journal never added (changed by hand): left out
    return lead_col[known], _column(kind_codes, np.int32)[known], _column(times, np.float64)[known]


def _events(
    store: Store, index: dict[str, int], where: str, params: tuple[object, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[EventKind]]:
    """Responses, unsubscribes and conversions, one by one. A row's kind is looked up by its
    type and props as one string (a conversion's props, unique by their value, are read)."""
    leads, kind_codes, times = array("q"), array("i"), array("d")
    values: dict[int, float] = {}  # row -> a conversion's value
    cache: dict[str, int] = {}
    kinds: list[EventKind] = []
    get, cached = index.get, cache.get
    add_lead, add_code, add_time = leads.append, kind_codes.append, times.append
    marks = ",".join("?" * len(RESPONSES))
    sql = (
        f"SELECT lead, at, type || props FROM events WHERE type IN ({marks}){where} ORDER BY rowid"
    )
    for lead, at, key in store.db.execute(sql, (*RESPONSES, *params)):
        code = cached(key)
        if code is None:
            if key.startswith("converted"):
                value = json.loads(key[len("converted") :]).get("value")
                values[len(leads)] = float(value) if isinstance(value, (int, float)) else 0.0
                code = _event_code(EventKind("converted", None, None), kinds)
            else:
                code = cache[key] = _event_code(_event_kind(key), kinds)
        add_lead(get(lead, -1))
        add_code(code)
        add_time(at)
    value_col = np.full(len(leads), np.nan)
    if values:
        value_col[np.fromiter(values, np.int64)] = np.fromiter(values.values(), np.float64)
    lead_col = _column(leads, np.int64)
    known = lead_col >= 0
    return (
        lead_col[known],
        _column(kind_codes, np.int32)[known],
        _column(times, np.float64)[known],
        value_col[known],
        kinds,
    )


def _event_kind(key: str) -> EventKind:
    """The kind of an event from its type and props joined (`opened{"content": ...}`)."""
    brace = key.find("{")
    kind, data = key[:brace], json.loads(key[brace:])
    content, channel = data.get("content"), data.get("channel")
    return EventKind(
        kind,
        content if isinstance(content, str) else None,
        channel if isinstance(channel, str) else None,
    )


def _event_code(kind: EventKind, kinds: list[EventKind]) -> int:
    try:
        return kinds.index(kind)
    except ValueError:
        kinds.append(kind)
        return len(kinds) - 1


def _visited(
    store: Store, index: dict[str, int], where: str, params: tuple[object, ...]
) -> np.ndarray:
    sql = f"SELECT DISTINCT lead FROM events WHERE type IN ('visited', 'clicked'){where}"
    out = np.zeros(len(index), dtype=bool)
    rows = [index.get(lead, -1) for (lead,) in store.db.execute(sql, params)]
    found = np.array(rows, dtype=np.int64)
    out[found[found >= 0]] = True
    return out


def _standing(
    store: Store, index: dict[str, int], where: str, params: tuple[object, ...]
) -> Standing:
    """Stage index per file (by the file's stage order, from the stored layout), segments in any
    file, the earliest MQL and SQL times and sunset in any file."""
    n = len(index)
    layout = json.loads(store.get("layout") or "[]")
    order = {p["path"]: {s: k for k, s in enumerate(p["stages"])} for p in layout}
    out = Standing({}, {}, np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool))
    members: dict[str, array] = {}
    split: dict[str, list[str]] = {}
    sql = "SELECT lead, program, stage, segments, mql_at, sql_at, sunset FROM standing WHERE 1"
    for lead, program, stage, segments, mql_at, sql_at, sunset in store.db.execute(
        sql + where, params
    ):
        i = index.get(lead)
        if i is None:
            continue
        column = out.stage.get(program)
        if column is None:
            column = out.stage[program] = np.full(n, -1, dtype=np.int16)
        column[i] = order.get(program, {}).get(stage, -1)
        names = split.get(segments)
        if names is None:
            names = split[segments] = [s for s in segments.split(";") if s]
        for name in names:
            members.setdefault(name, array("q")).append(i)
        _earliest(out.mql_at, i, mql_at)
        _earliest(out.sql_at, i, sql_at)
        if sunset:
            out.sunset[i] = True
    for name, rows in members.items():
        mask = np.zeros(n, dtype=bool)
        mask[_column(rows, np.int64)] = True
        out.segments[name] = mask
    return out


def _earliest(column: np.ndarray, i: int, at: float | None) -> None:
    if at is not None and not at >= column[i]:  # NaN compares false: the first time wins
        column[i] = at


def _column(values: array, dtype: type) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype).copy() if values else np.zeros(0, dtype=dtype)
