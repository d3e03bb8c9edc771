"""The sends, tasks and enrolments read packed (as `report_events` reads the events): each block
of outbox rows as one row of strings SQLite makes (`group_concat`), the leads numbered by
`report_bulk` (checked byte for byte), the kinds by a dict lookup a row, the times exact
(`report_events.scaled`). None when the rows cannot be
packed (`report_rows.per_lead_actions` then reads them row by row: the same columns)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

from live.report_bulk import Pieces
from live.report_events import AT, Unpackable, packed_times
from live.report_rows import ACTION_KEY, PER_LEAD_ACTIONS, LeadIndex

BLOCK_ROWS = 1 << 16  # outbox rows (by seq) a block

_ROWS = "FROM outbox NOT INDEXED WHERE seq >= ? AND seq < ? AND action IN ({marks}){where}"
_COLUMNS = (
    f"SELECT COUNT(*), group_concat(lead, char(31)), group_concat({ACTION_KEY}, char(31)), "
    f"group_concat({AT}, ',') "
)


def per_lead_actions_packed(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    code_of: Callable[[str], int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(lead, kind code, time) of the sends, tasks and enrolments of the report's leads, in
    outbox order; `code_of` numbers a kind from its key (`report_rows.ACTION_KEY`)."""
    if index.bulk is None or not index.bulk.usable:
        return None
    marks = ",".join("?" * len(PER_LEAD_ACTIONS))
    rows = _ROWS.format(marks=marks, where=where)
    sql = _COLUMNS + rows
    low, high = db.execute("SELECT IFNULL(MIN(seq), 0), IFNULL(MAX(seq), 0) FROM outbox").fetchone()
    codes = _Codes(code_of)
    parts = []
    try:
        for start in range(low, high + 1, BLOCK_ROWS):
            limits = (start, start + BLOCK_ROWS, *PER_LEAD_ACTIONS, *params)
            count, leads, kinds, times = db.execute(sql, limits).fetchone()
            if not count:
                continue
            pieces = Pieces.from_string(leads, count)
            keys = kinds.split("\x1f")
            if pieces is None or len(keys) != count:
                raise Unpackable
            lead = index.bulk.numbers(pieces)
            code = np.fromiter(map(codes.__getitem__, keys), np.int64, count)
            if "x" in times:  # a time `scaled` cannot write: the block's read again as REAL
                again = f"SELECT at {rows} ORDER BY seq"
                at = np.fromiter((t for (t,) in db.execute(again, limits)), np.float64)
            else:
                at = packed_times(times, count)
            parts.append((lead, code, at))
    except Unpackable:
        return None
    lead, code, at = (
        np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, dtype)
        for k, dtype in enumerate((np.int64, np.int64, np.float64))
    )
    known = lead >= 0  # a row of a lead the journal never added (changed by hand): left out
    return lead[known], code[known].astype(np.int32), at[known]


class _Codes(dict):
    """key -> the code `code_of(key)` gives it, asked once a key."""

    def __init__(self, code_of: Callable[[str], int]) -> None:
        super().__init__()
        self.code_of = code_of

    def __missing__(self, key: str) -> int:
        code = self[key] = self.code_of(key)
        return code
