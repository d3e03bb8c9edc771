"""The report's read of the `standing` table: each lead's stage under each rule file, its
segments, its MQL and SQL times and whether it was sunset, as of the last checkpoint; read in
blocks of rows turned into numpy columns (`report_scan`)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import numpy as np

from live.report_rows import LeadIndex
from live.report_scan import BLOCK
from live.report_standing_packed import join_blocks, standing_packed


@dataclass
class Standing:
    """Each lead as of the last checkpoint (-1 / NaN where a lead has no row)."""

    stage: dict[str, np.ndarray]  # rule file -> stage index a lead (by that file's order)
    segments: dict[str, np.ndarray]  # segment -> bool a lead (in any file)
    mql_at: np.ndarray  # float64, NaN: never (the earliest over the files)
    sql_at: np.ndarray
    sunset: np.ndarray  # bool


_STANDING = (
    "SELECT lead, program || char(31) || stage || char(31) || segments, "
    "IFNULL(mql_at, -9e999), IFNULL(sql_at, -9e999), sunset != 0 FROM standing WHERE 1"
)


def read_standing(
    db: sqlite3.Connection, index: LeadIndex, where: str, params: tuple[object, ...], layout: str
) -> Standing:
    """Stage index per file (by the file's stage order, from the stored layout), segments in any
    file, the earliest MQL and SQL times and sunset in any file. Each row's program, stage and
    segments are one key (`\\x1f` between them), numbered as first seen; the rows are read
    packed (`standing_packed`), else in blocks of rows."""
    n = len(index)
    stored = json.loads(layout)
    order = {p["path"]: {s: k for k, s in enumerate(p["stages"])} for p in stored}
    out = Standing({}, {}, np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool))
    keys: dict[str, int] = {}
    read = standing_packed(db, index, where, params, keys)
    if read is None:
        keys.clear()
        read = _standing_rows(db, index, where, params, keys)
    lead, code, values = read
    known = lead >= 0  # a row of a lead the report does not have: left out
    lead, code, values = lead[known], code[known], values[:, known]
    for column, times in ((out.mql_at, values[0]), (out.sql_at, values[1])):
        has = times > -np.inf  # -inf: none (NULL)
        np.fmin.at(column, lead[has], times[has])
    out.sunset[lead[values[2] != 0]] = True
    _stages_and_segments(list(keys), lead, code, order, out)
    return out


def _standing_rows(
    db: sqlite3.Connection,
    index: LeadIndex,
    where: str,
    params: tuple[object, ...],
    keys: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lead, key code, [MQL time, SQL time, sunset]) of every row, read in blocks of rows."""

    def key_code(key: str) -> int:
        return keys.setdefault(key, len(keys))

    cursor = db.execute(_STANDING + where, params)
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
    return join_blocks(blocks)


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
