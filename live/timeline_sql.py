"""The sorter's SQL (`live.timeline`): its tables, the plan's lead times and order, ids given again.

Rows are sorted by SQLite: new leads in `lead` (their place `n`, then their `time` once the plan
is settled), events in `event` (their input place `seq`, effective time `t`, whether `late`, and
whether a mapping gave them). `ITEMS` reads both back in `live.plan.make_plan`'s order.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from sys import intern
from typing import Any

from live.inputs import EventRow, LeadRow
from live.plan import LEAD, Item
from live.reuse import Stored
from live.timeline_reuse import ReuseCheck

__all__ = ["DDL", "ITEMS", "LEAD_TIME", "event_row", "interned", "lead_item", "sorted_reuse"]

DDL = """
CREATE TABLE lead(n INTEGER PRIMARY KEY, id TEXT, created REAL, attrs BLOB, line INTEGER,
                  time REAL);
CREATE TABLE event(seq INTEGER PRIMARY KEY, id TEXT, lead TEXT, type TEXT, at REAL, props BLOB,
                   line INTEGER, t REAL, late INTEGER, mapped INTEGER);
"""

# Lead time (`plan._lead_time`): the earlier of created_at and the first event, else the start;
# then no earlier than the clock.
LEAD_AT = """CASE WHEN created IS NULL THEN f WHEN f IS NULL THEN created
                   WHEN created < f THEN created ELSE f END"""
LEAD_TIME = f"""
UPDATE lead SET time = (
  SELECT CASE WHEN :clock IS NULL OR a >= :clock THEN a ELSE :clock END
  FROM (SELECT COALESCE({LEAD_AT}, :start) AS a
        FROM (SELECT (SELECT t FROM first WHERE first.lead = lead.id) AS f)))
"""

ITEMS = """
SELECT time, 0, n, id, NULL, NULL, created, attrs, line, 0, {lead_group} FROM lead
 WHERE :until IS NULL OR time <= :until
UNION ALL
SELECT t, 1, seq, id, lead, type, at, props, line, late, {event_group} FROM event
 WHERE :until IS NULL OR t <= :until
ORDER BY {order}
"""


def sorted_reuse(
    db: sqlite3.Connection,
    check: ReuseCheck,
    stored: Callable[[Sequence[str]], Mapping[str, Stored]] | None,
    any_events: bool,
) -> None:
    """`check` over the sorter's events (of the file, not a mapping's): each against the events
    accepted before (`stored`), then each id used on more than one line, one id's rows at a time
    (by the index on id); the rows it drops are deleted."""
    if stored is not None:
        cur = db.execute(
            "SELECT seq, id, lead, type, at, props, line FROM event WHERE mapped = 0 ORDER BY seq"
        )
        check.against_stored(((row[0], event_row(row[1:])) for row in cur), stored)
    sql = (
        "SELECT seq FROM event WHERE mapped = 0 AND id IN (SELECT id FROM event "
        "WHERE mapped = 0 GROUP BY id HAVING COUNT(*) > 1) ORDER BY id, seq"
    )
    seqs = db.execute(sql).fetchall() if any_events else []
    one = "SELECT id, lead, type, at, props, line FROM event WHERE seq = ?"
    rows = ((seq, event_row(db.execute(one, (seq,)).fetchone())) for (seq,) in seqs)
    check.repeats(rows, grouped=True)
    db.executemany("DELETE FROM event WHERE seq = ?", ((seq,) for seq in check.drop))


def event_row(row: Sequence[Any]) -> EventRow:
    """(id, lead, type, at, props blob, line) as an EventRow."""
    return EventRow(row[0], row[1], row[2], row[3], marshal.loads(row[4]), row[5])


def lead_item(
    time: float, n: int, lead_id: str, created: float | None, blob: bytes, line: int
) -> Item:
    row = LeadRow(intern(lead_id), created, interned(marshal.loads(blob)), line)
    return tuple.__new__(Item, (time, LEAD, n, row, None, False))


def interned(attrs: dict[str, object]) -> dict[str, object]:
    """Attribute names and text values as one string each however many leads have them (the
    engine keeps a lead's values for its life: an industry or a source is one string, not one
    per lead)."""
    return {intern(k): intern(v) if type(v) is str else v for k, v in attrs.items()}
