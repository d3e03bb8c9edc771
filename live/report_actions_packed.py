"""The actions read packed, in one scan of the outbox (as `report_events` reads the events):
each block of rows as one row of strings SQLite makes (`group_concat`), the leads numbered by
`report_bulk` (checked byte for byte), the kinds by a dict lookup a row, the times exact
(`report_events.scaled`). What is read: every action counted by kind, and the sends, tasks and
enrolments of the report's leads as columns; the kinds numbered in the very order the row
reads number them (`report_read._action_counts`, then `report_rows.per_lead_actions`). None
when the rows cannot be packed (they are then read as rows: the same result)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

from live.report_events import AT, Unpackable, lead_numbers, packed_times
from live.report_rows import ACTION_KEY, PER_LEAD_ACTIONS, TAIL, LeadIndex, Numbered
from live.report_scan import join_columns, key_range

BLOCK_ROWS = 1 << 16  # outbox rows (by seq) a block

_PER_LEAD = ", ".join(f"'{action}'" for action in PER_LEAD_ACTIONS)  # constants: send, ...
# a per-lead action's key (`report_rows.ACTION_KEY`); another's JSON tail after a `#`
_KEY = f"CASE WHEN action IN ({_PER_LEAD}) THEN {ACTION_KEY} ELSE '#' || {TAIL} END"
_AT = f"CASE WHEN action IN ({_PER_LEAD}) THEN {AT} ELSE 0 END"  # the others' times not used
_ROWS = "FROM outbox NOT INDEXED WHERE seq >= ? AND seq < ?"
_BLOCK = (
    f"SELECT COUNT(*), group_concat(lead, char(31)), group_concat({_KEY}, char(31)), "
    f"group_concat({_AT}, ',') "
)

Actions = tuple[np.ndarray, np.ndarray, np.ndarray]


def actions_packed(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    kind_code: Callable[[str], int],
    by_key: Callable[[str], int],
) -> tuple[dict[int, int], Actions] | None:
    """(count of the other actions by kind code, (lead, kind code, time) of the sends, tasks and
    enrolments of the report's leads, in outbox order); `kind_code` numbers a kind from an
    action's JSON tail, `by_key` from a per-lead action's key."""
    if index.bulk is None or not index.bulk.usable:
        return None
    seen: dict[str, int] = {}  # every key, numbered as first seen
    low, high = key_range(db, "outbox", "seq")
    parts: list[Actions] = []
    try:
        for start in range(low, high + 1, BLOCK_ROWS):
            part = _block(db, index, (start, start + BLOCK_ROWS, *params), where, seen)
            if part is not None:
                parts.append(part)
    except Unpackable:
        return None
    lead, key, at = join_columns(parts, (np.int64, np.int64, np.float64))
    keys = list(seen)
    tallies = np.bincount(key, minlength=len(keys)).tolist()
    counts: dict[int, int] = {}
    for tail, k in sorted((text, k) for k, text in enumerate(keys) if text.startswith("#")):
        code = kind_code(tail[1:])  # in the order SQLite's GROUP BY gives the tails
        counts[code] = counts.get(code, 0) + tallies[k]
    codes = np.array([-1 if text.startswith("#") else by_key(text) for text in keys] or [-1])
    code = codes[key]
    mine = (code >= 0) & (lead >= 0)  # per-lead, of a lead the journal added
    return counts, (lead[mine], code[mine].astype(np.int32), at[mine])


def _block(
    db: sqlite3.Connection,
    index: LeadIndex,
    limits: tuple[object, ...],
    where: str,
    seen: dict[str, int],
) -> Actions | None:
    count, leads, kinds, times = db.execute(_BLOCK + _ROWS + where, limits).fetchone()
    if not count:
        return None
    lead = lead_numbers(index, leads, count)
    keys = kinds.split("\x1f")
    if len(keys) != count:
        raise Unpackable
    key = np.fromiter(map(Numbered(seen).__getitem__, keys), np.int64, count)
    if "x" in times:  # a time `scaled` cannot write: the block's read again as REAL
        again = f"SELECT {_AT.replace(AT, 'at')} {_ROWS}{where} ORDER BY seq"
        at = np.fromiter((t for (t,) in db.execute(again, limits)), np.float64)
    else:
        at = packed_times(times, count)
    return lead, key, at
