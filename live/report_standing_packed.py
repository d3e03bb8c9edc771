"""The `standing` table read packed (as `report_events` reads the events): each block of rowids
as one row of strings that SQLite makes (`group_concat`), cut apart by numpy and `str.split`,
the leads numbered by `report_bulk`, checked byte for byte.

A row's MQL and SQL times come back exact: each written as `report_events.scaled` writes a
time (0 for none), with a flag a row (`n`: none, `i`: a time); a block holding a time `scaled`
cannot write reads its times again as REAL. None is returned when the rows cannot be packed (a
lead id or a segment name holding a separator): `report_standing` then reads them in blocks of
rows.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from live.report_events import Unpackable, lead_numbers, packed_times, scaled
from live.report_rows import LeadIndex, Numbered
from live.report_scan import key_range

BLOCK_ROWS = 1 << 16


def _time(column: str) -> tuple[str, str]:
    """A time column as (its `scaled` integer, 0 for none; its flag)."""
    integer = f"group_concat(CASE WHEN {column} IS NULL THEN 0 ELSE {scaled(column)} END, ',')"
    flag = f"group_concat(CASE WHEN {column} IS NULL THEN 'n' ELSE 'i' END, '')"
    return integer, flag


_ROWS = "FROM standing WHERE rowid >= ? AND rowid < ?"
_BLOCK = (
    "SELECT COUNT(*), group_concat(lead, char(31)), "
    "group_concat(program || char(31) || stage || char(31) || segments, char(30)), "
    f"{', '.join(_time('mql_at'))}, {', '.join(_time('sql_at'))}, "
    f"group_concat(sunset != 0, '') {_ROWS}"
)
_REAL = "SELECT IFNULL(mql_at, -9e999), IFNULL(sql_at, -9e999) "


def standing_packed(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    keys: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(lead, key code, [MQL time, SQL time, sunset]) of every row in rowid order (a time
    -inf where there is none), keys numbered in `keys` as first seen; None: not packable."""
    if index.bulk is None or not index.bulk.usable:
        return None
    low, high = key_range(db, "standing")
    blocks = []
    try:
        for start in range(low, high + 1, BLOCK_ROWS):
            limits = (start, start + BLOCK_ROWS, *params)
            row = db.execute(_BLOCK + where, limits).fetchone()
            if row[0]:
                blocks.append(_block(db, index, where, limits, row, keys))
    except Unpackable:
        return None
    return join_blocks(blocks)


def _block(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    limits: tuple[object, ...],
    row: tuple,
    keys: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    count, leads, programs, mql, mql_flags, sql, sql_flags, sunset = row
    lead = lead_numbers(index, leads, count)
    texts = programs.split("\x1e")
    if len(texts) != count or len(sunset) != count:
        raise Unpackable
    code = np.fromiter(map(Numbered(keys).__getitem__, texts), np.int64, count)
    values = np.empty((3, count))
    if "x" in mql or "x" in sql:  # a time not written: the block's times read as REAL
        values[:2] = np.array(
            db.execute(_REAL + _ROWS + where + " ORDER BY rowid", limits).fetchall()
        ).T
    else:
        for k, (text, flags) in enumerate(((mql, mql_flags), (sql, sql_flags))):
            values[k] = packed_times(text, count)
            values[k][np.frombuffer(flags.encode(), np.uint8) == ord("n")] = -np.inf
    values[2] = np.frombuffer(sunset.encode(), np.uint8) == ord("1")
    return lead, code, values


def join_blocks(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The standing's blocks of (lead, key code, values) as one (values: 3 rows a block)."""
    if not blocks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((3, 0))
    lead = np.concatenate([b[0] for b in blocks])
    code = np.concatenate([b[1] for b in blocks])
    values = np.concatenate([b[2] for b in blocks], axis=1)
    return lead, code, values
