"""The report's bulk reads of a live database: rows fetched in blocks and turned into numpy
columns without a Python statement per row.

A row read into Python costs about half a microsecond however it is read, and what a loop does
with it costs as much again (docs/LIVE_REPORT.md, "Where the time goes"). So the report asks
SQLite for the few columns it needs (a row's kind as one string SQLite makes: `report_rows`),
and turns each block of rows into columns with `map` and `np.fromiter`, looking up each row's
lead, and its kind, in dicts on the way (a dict lookup costs less than SQLite's own search of a
temporary table of the leads, measured).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

BLOCK = 1 << 14  # rows fetched at a time


def reading_pragmas(db: sqlite3.Connection) -> None:
    """A read-only connection that reads the file through a memory map (no copy of every page
    through a system call)."""
    db.execute("PRAGMA mmap_size = 68719476736")  # 64 GiB: SQLite caps it at its own maximum


def lead_rows(
    db: sqlite3.Connection,
    sql: str,
    params: tuple,
    lead_of: Callable[[str], int],
    kind_of: Callable[[Any], int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows (lead, kind, time) of `sql` as columns: the lead's number by `lead_of` (-1: not
    one of the report's leads), the kind's number (by `kind_of`, when given), the time."""
    cursor = db.execute(sql, params)
    leads, kinds, times = [], [], []
    first, second, third = itemgetter(0), itemgetter(1), itemgetter(2)
    while rows := cursor.fetchmany(BLOCK):
        n = len(rows)
        leads.append(np.fromiter(map(lead_of, map(first, rows)), np.int64, n))
        kind = map(second, rows) if kind_of is None else map(kind_of, map(second, rows))
        kinds.append(np.fromiter(kind, np.int64, n))
        times.append(np.fromiter(map(third, rows), np.float64, n))
    return _join(leads, np.int64), _join(kinds, np.int64), _join(times, np.float64)


def join_columns(
    parts: Sequence[tuple[np.ndarray, ...]], dtypes: tuple[type, ...]
) -> tuple[np.ndarray, ...]:
    """Blocks of columns (each block a tuple, one array a column) as one array a column."""
    return tuple(_join([p[k] for p in parts], dtype) for k, dtype in enumerate(dtypes))


def _join(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def key_range(db: sqlite3.Connection, table: str, key: str = "rowid") -> tuple[int, int]:
    """The lowest and highest `key` (its rowid, or its INTEGER PRIMARY KEY) of `table`, 0 and 0
    when it is empty. Each asked in a subquery of its own, which SQLite answers from an end of
    the table's b-tree; `SELECT MIN(k), MAX(k) FROM t` reads the whole table (4.3 s on the
    full-size events, measured)."""
    ends = (f"IFNULL((SELECT {end}({key}) FROM {table}), 0)" for end in ("MIN", "MAX"))
    sql = "SELECT " + ", ".join(ends)
    low, high = db.execute(sql).fetchone()
    return int(low), int(high)
