"""The report's read of the events in bulk: the responses, unsubscribes and conversions as
columns, and the leads that visited, in one scan of the table, without a Python object a row.

The events are read in blocks of rowids; SQLite packs each block into four values
(`group_concat`): the rows' lead ids, their kinds (type and props, as `report_rows` keys them),
and their times as integers (`AT`). `report_bulk` cuts the packed ids and kinds apart and
numbers them in numpy, every number checked byte for byte. Times come back to the same bits: a
time is written as the integer it is times 2**22 (a multiple of 2**-22 s: every time from 2004
to 2106 is, to its last bit, however fine its fraction), read back and divided by 2**22, both
exact; a block holding another time (before 2004 with a fraction finer than that) reads its
times again as REAL, row by row.

Where packing cannot be used (a lead id holding the separator `\\x1f`, or two values sharing a
key), the events are read row by row as before (`report_rows.events` and `visited`): the same
columns, to the last bit (`tests/live/test_report_events.py`).
"""

from __future__ import annotations

import sqlite3
import warnings
from typing import TYPE_CHECKING

import numpy as np

from live.report_bulk import Pieces
from live.report_rows import (
    RESPONSES,
    EventCodes,
    LeadIndex,
    conversion_value,
    events,
    visited,
)
from live.report_scan import join_columns

if TYPE_CHECKING:
    from live.report_read import EventKind

BLOCK_ROWS = 1 << 16  # event rowids a block
VISIT = -2  # the code of a `visited` event (not a response: only its lead is kept)

_TYPES = (*RESPONSES, "visited")
# a row's kind as `report_rows` keys it (type and props), a visit's empty (only its lead is kept); a
# conversion's props (its value) are kept: its value is read from them
_KIND = "CASE type WHEN 'visited' THEN '' ELSE type || props END"
SCALE = 4194304.0  # 2**22


def scaled(column: str) -> str:
    """SQL: the time `column` times 2**22 as an integer, `x` when that is not exact."""
    times = f"{column} * {SCALE}"
    return (
        f"CASE WHEN {times} = CAST({times} AS INTEGER) THEN CAST({times} AS INTEGER) ELSE 'x' END"
    )


AT = scaled("at")
_EVENT_AT = f"CASE type WHEN 'visited' THEN 0 ELSE {AT} END"  # a visit's time is not used
# NOT INDEXED: the table itself is scanned, in rowid order, which is the order
# `group_concat` packs the rows in (the order the runner accepted them)
_ROWS = "FROM events NOT INDEXED WHERE rowid >= ? AND rowid < ? AND type IN ({marks}){where}"
_BLOCK = (
    f"SELECT COUNT(*), group_concat(lead, char(31)), group_concat({_KIND}, char(31)), "
    f"group_concat({_EVENT_AT}, ',') {_ROWS}"
)

Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list["EventKind"]]


class Unpackable(Exception):
    """A block cannot be read packed (a separator inside a value)."""


def read_events(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    low: int,
    high: int,
) -> tuple[Columns, np.ndarray]:
    """The responses, unsubscribes and conversions of the report's leads among the events of
    rowids `low` to `high` (inclusive), in the order accepted, as (lead, kind code, time,
    a conversion's value (0 without one; NaN for other events), kinds); and whether each lead
    had a `visited` event there."""
    bulk = index.bulk
    if bulk is not None and bulk.usable:
        try:
            return _packed(db, index, where, params, low, high)
        except Unpackable:
            pass
    rows = f"{where} AND rowid >= ? AND rowid <= ?"
    limits = (*params, low, high)
    seen = visited(db, index, rows, limits, np.zeros(0, dtype=np.int64))
    return events(db, index, rows, limits), seen


def _packed(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    low: int,
    high: int,
) -> tuple[Columns, np.ndarray]:
    marks = ",".join("?" * len(_TYPES))
    sql = _BLOCK.format(marks=marks, where=where)
    numbered = EventCodes()
    lookup = _Codes(numbered)
    seen = np.zeros(len(index), dtype=bool)
    parts: list[tuple[np.ndarray, ...]] = []
    for start in range(low, high + 1, BLOCK_ROWS):
        limits = (start, min(start + BLOCK_ROWS, high + 1), *_TYPES, *params)
        count, leads, kinds, times = db.execute(sql, limits).fetchone()
        if not count:
            continue
        lead = lead_numbers(index, leads, count)
        code, value = _kinds(kinds, count, lookup)
        if "x" in times:  # a time not a multiple of 2**-22: the block's read again as REAL
            at = _times(db, _ROWS.format(marks=marks, where=where), limits)
        else:
            at = packed_times(times, count)
        visit = code == VISIT
        seen[lead[visit & (lead >= 0)]] = True
        parts.append((lead[~visit], code[~visit], at[~visit], value[~visit]))
    lead, code, at, value = join_columns(parts, (np.int64, np.int64, np.float64, np.float64))
    known = lead >= 0  # an event of a lead the journal never added (changed by hand): left out
    columns = (lead[known], code[known].astype(np.int32), at[known], value[known], numbered.kinds)
    return columns, seen


class _Codes(dict):
    """A packed kind -> its code in `numbered` (`report_rows.EventCodes`): a visit `VISIT`, a
    conversion (its props, its value, follow its type) that of `converted`."""

    def __init__(self, numbered: EventCodes) -> None:
        super().__init__({"": VISIT})
        self.numbered = numbered

    def __missing__(self, key: str) -> int:
        bought = key.startswith("converted")
        code = self.numbered["converted" if bought else key]
        if not bought:  # a conversion's key is its own: not kept
            self[key] = code
        return code


def lead_numbers(index: LeadIndex, leads: str, count: int) -> np.ndarray:
    """The report's number of each of the `count` lead ids packed in `leads` (-1: not one of
    its leads); `Unpackable` when they cannot be cut apart."""
    pieces = Pieces.from_string(leads, count)
    if pieces is None or index.bulk is None:
        raise Unpackable
    return index.bulk.numbers(pieces)


def _kinds(kinds: str, count: int, lookup: _Codes) -> tuple[np.ndarray, np.ndarray]:
    """Each row's kind code (`VISIT` for a visit), kinds numbered as they first occur (a dict
    lookup a row: there are few kinds, and measured, faster than packing them), and a
    conversion's value (NaN for the other rows)."""
    keys = kinds.split("\x1f")
    if len(keys) != count:
        raise Unpackable
    code = np.fromiter(map(lookup.__getitem__, keys), np.int64, count)
    value = np.full(count, np.nan)
    if "converted" in lookup.numbered:
        bought = np.flatnonzero(code == lookup.numbered["converted"]).tolist()
        start = len("converted")
        value[bought] = [conversion_value(keys[k][start:]) for k in bought]
    return code, value


def packed_times(text: str, count: int) -> np.ndarray:
    """The times written by `scaled`, `,` between them, as float64: each integer (the time
    times 2**22, exactly) divided by 2**22 (exact: a power of two), the time's own bits."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a text numpy cannot read to its end: an error
        out = np.fromstring(text, dtype=np.int64, sep=",")
    if len(out) != count:
        raise Unpackable
    return out.astype(np.float64) / SCALE


def _times(db: sqlite3.Connection, rows: str, limits: tuple[object, ...]) -> np.ndarray:
    """A block's times read as REAL, row by row (some are not multiples of 2**-22)."""
    cursor = db.execute(f"SELECT at {rows} ORDER BY rowid", limits)
    return np.fromiter((at for (at,) in cursor), np.float64)
