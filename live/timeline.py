"""The plan of `live.plan`, streamed: new leads and events ordered on disk, never all in memory.

Rows are written as they are read to a temporary SQLite database (in a temporary directory,
removed on `close`), and SQLite sorts them: the items come out in exactly `make_plan`'s order
(effective time; at one instant a new lead before events; input order at ties; late events at the
clock; events after `until` left out and counted; a lead at its `created_at`, else its first
event, else the run's start). Memory is SQLite's page cache (`CACHE_KB`) and its sorter's, whatever
the number of rows. An event id given again is checked here too (`drop_reused`: the rules of
`live.reuse`), one id at a time, so no set of every id is held either.
"""

from __future__ import annotations

import marshal
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from sys import intern
from typing import Any

from live.inputs import EventRow, LeadRow, Rejected
from live.plan import EVENT, LEAD, Item
from live.reuse import Stored, raw_lines, reused_reason, same_as_stored

__all__ = ["CACHE_KB", "StreamPlan", "Timeline"]

CACHE_KB = 16_384  # SQLite's page cache for the sorter database (16 MB; the sort spills to disk)
CHUNK = 5_000  # rows written per statement
PROPS_SHARED = 50_000  # decoded props dicts shared by the rows that have the same bytes

DDL = """
CREATE TABLE lead(n INTEGER PRIMARY KEY, id TEXT, created REAL, attrs BLOB, line INTEGER,
                  time REAL);
CREATE TABLE event(seq INTEGER PRIMARY KEY, id TEXT, lead TEXT, type TEXT, at REAL, props BLOB,
                   line INTEGER, t REAL, late INTEGER, mapped INTEGER);
"""

# Lead time (`plan._lead_time`): the earlier of created_at and the first event, else the start;
# then no earlier than the clock.
_LEAD_AT = """CASE WHEN created IS NULL THEN f WHEN f IS NULL THEN created
                   WHEN created < f THEN created ELSE f END"""
_LEAD_TIME = f"""
UPDATE lead SET time = (
  SELECT CASE WHEN :clock IS NULL OR a >= :clock THEN a ELSE :clock END
  FROM (SELECT COALESCE({_LEAD_AT}, :start) AS a
        FROM (SELECT (SELECT t FROM first WHERE first.lead = lead.id) AS f)))
"""

_ITEMS = """
SELECT time, 0, n, id, NULL, NULL, created, attrs, line, 0, {lead_group} FROM lead
 WHERE :until IS NULL OR time <= :until
UNION ALL
SELECT t, 1, seq, id, lead, type, at, props, line, late, {event_group} FROM event
 WHERE :until IS NULL OR t <= :until
ORDER BY {order}
"""


@dataclass
class StreamPlan:
    """`live.plan.Plan` with its items to be read once, in order (`Timeline.items`)."""

    until: float | None
    start: float | None
    after_until: int  # accepted events later than `until`, left for a later run
    late: int
    events: int  # events kept (to `until`)


class Timeline:
    """New leads and events of one run, written as read, then read back in plan order.

    Add every new lead (`add_leads`, input order) before the events (`add_events`, input order:
    the file's, then a mapping's), then `drop_reused`, then `plan` and `items`."""

    def __init__(self, clock: float | None, near: str | None = None) -> None:
        """`near`: a database whose folder holds the temporary one, named after it (a run's:
        where there is room for its data; the run holds its lock, so a folder of that name left
        by a run killed before is removed here); else the system's temporary folder (`TMPDIR`)."""
        self.clock = clock
        where, prefix = None, "nurture-timeline-"
        if near is not None:
            where = os.path.dirname(os.path.abspath(near))
            prefix = f".{os.path.basename(near)}.timeline-"
            for name in os.listdir(where):
                if name.startswith(prefix):
                    shutil.rmtree(os.path.join(where, name), ignore_errors=True)
        self.folder = tempfile.mkdtemp(prefix=prefix, dir=where)
        self.db = sqlite3.connect(os.path.join(self.folder, "timeline.db"), isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        self.db.executescript(DDL)
        self.db.execute("BEGIN")
        self.leads = 0
        self.n_events = 0  # events in the table
        self.seq = 0  # events written (their input place: the next one's `seq`)
        self._indexed = False
        self._props: dict[bytes, dict[str, object]] = {}
        self._blobs: dict[int, tuple[dict[str, object], bytes]] = {}  # id(props) -> bytes
        self._plan: StreamPlan | None = None

    def close(self) -> None:
        """Remove the database (and its folder)."""
        if self.db is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]  # closed: later use fails loudly
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ writing

    def add_leads(self, rows: Iterable[LeadRow]) -> None:
        """New leads, in input order (their `n` is their place)."""
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append((self.leads, row.id, row.created_at, marshal.dumps(row.attrs), row.line))
            self.leads += 1
            if len(chunk) >= CHUNK:
                self._put_leads(chunk)
        self._put_leads(chunk)

    def _put_leads(self, chunk: list[tuple[Any, ...]]) -> None:
        self.db.executemany(
            "INSERT INTO lead(n, id, created, attrs, line) VALUES (?,?,?,?,?)", chunk
        )
        chunk.clear()

    def add_events(self, rows: Iterable[EventRow], mapped: bool = False) -> None:
        """Events in input order: the effective time (no earlier than the clock) and whether
        the event is late are settled here."""
        low = self.clock
        flag = int(mapped)
        dumps, blobs = marshal.dumps, self._blobs
        chunk: list[tuple[Any, ...]] = []
        append = chunk.append
        seq = self.seq
        for e in rows:
            at = e.at
            late = low is not None and at < low
            t = low if late else at
            props = e.props
            found = blobs.get(id(props))  # rows of one shape share one props dict (the reader's)
            if found is None or found[0] is not props:
                found = (props, dumps(props))
                if len(blobs) < PROPS_SHARED:
                    blobs[id(props)] = found  # the dict is kept: its id names no other
            append((seq, e.id, e.lead, e.type, at, found[1], e.line, t, late, flag))
            seq += 1
            if len(chunk) >= CHUNK:
                self._put_events(chunk)
                append = chunk.append
        self._put_events(chunk)
        self.seq = seq

    def _put_events(self, chunk: list[tuple[Any, ...]]) -> None:
        self.db.executemany(
            "INSERT INTO event(seq, id, lead, type, at, props, line, t, late, mapped) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            chunk,
        )
        self.n_events += len(chunk)
        chunk.clear()

    def _index(self) -> None:
        if not self._indexed:
            self.db.execute("CREATE INDEX event_id ON event(id, seq)")
            self._indexed = True

    # ------------------------------------------------------------ ids given again

    def drop_reused(
        self, path: str, stored: Callable[[Sequence[str]], Mapping[str, Stored]] | None = None
    ) -> tuple[int, list[Rejected]]:
        """The file's events whose id was accepted before (`stored` looks ids up) or used on an
        earlier line are taken out: the same event given again is counted (the first number),
        another event under a used id is rejected (`live.reuse`; the first one with it kept)."""
        self._index()
        duplicates = 0
        reused: list[tuple[int, str]] = []  # (line, why)
        drop: list[tuple[int]] = []
        done: set[str] = set()  # ids found accepted before (few: those rows are left out)
        if stored is not None:
            cur = self.db.execute(
                "SELECT seq, id, lead, type, at, props, line FROM event WHERE mapped = 0 "
                "ORDER BY seq"
            )
            while rows := cur.fetchmany(900):
                found = stored([row[1] for row in rows])
                for seq, *fields in rows if found else ():
                    before = found.get(fields[0])
                    if before is None:
                        continue
                    done.add(fields[0])
                    e = self._row(fields)
                    if same_as_stored(e, before):
                        duplicates += 1
                    else:
                        reused.append((e.line, reused_reason(e.id, before)))
                    drop.append((seq,))
        sql = (
            "SELECT seq FROM event WHERE mapped = 0 AND id IN (SELECT id FROM event "
            "WHERE mapped = 0 GROUP BY id HAVING COUNT(*) > 1) ORDER BY id, seq"
        )
        first: EventRow | None = None
        for (seq,) in self.db.execute(sql).fetchall() if self.n_events else ():
            e = self._event(seq)
            if e.id in done:
                continue
            if first is None or first.id != e.id:
                first = e
            elif first[1:5] == e[1:5]:
                duplicates += 1
                drop.append((seq,))
            else:
                why = (
                    f"event id {e.id!r} is used on line {first.line} for another event; "
                    "give this event an id of its own"
                )
                reused.append((e.line, why))
                drop.append((seq,))
        self.db.executemany("DELETE FROM event WHERE seq = ?", drop)
        self.n_events -= len(drop)
        reused.sort()
        raw = raw_lines(path, (line for line, _ in reused))
        return duplicates, [Rejected(path, n, "event", why, raw.get(n, "")) for n, why in reused]

    def drop_mapped_repeats(self) -> None:
        """A mapping's event whose id an earlier event has is left out (the first one kept)."""
        self._index()
        cur = self.db.execute(
            "DELETE FROM event WHERE mapped = 1 AND EXISTS (SELECT 1 FROM event AS e "
            "WHERE e.id = event.id AND e.seq < event.seq)"
        )
        self.n_events -= max(cur.rowcount, 0)

    def _event(self, seq: int) -> EventRow:
        sql = "SELECT id, lead, type, at, props, line FROM event WHERE seq = ?"
        return self._row(self.db.execute(sql, (seq,)).fetchone())

    @staticmethod
    def _row(row: Sequence[Any]) -> EventRow:
        return EventRow(row[0], row[1], row[2], row[3], marshal.loads(row[4]), row[5])

    # ------------------------------------------------------------ reading

    def has_created(self) -> bool:
        """Whether a new lead has a `created_at`."""
        sql = "SELECT 1 FROM lead WHERE created IS NOT NULL LIMIT 1"
        return self.db.execute(sql).fetchone() is not None

    def latest(self) -> float | None:
        """The latest event time or (non-zero) `created_at`: `nurture score`'s default `at`."""
        (events,) = self.db.execute("SELECT MAX(at) FROM event").fetchone()
        (leads,) = self.db.execute(
            "SELECT MAX(created) FROM lead WHERE created IS NOT NULL AND created != 0"
        ).fetchone()
        times = [t for t in (events, leads) if t is not None]
        return max(times) if times else None

    def plan(self, until: float | None) -> StreamPlan:
        """Settle `until` (default: the latest effective time), the start and every new lead's
        time, as `live.plan.make_plan` does."""
        db, clock = self.db, self.clock
        if until is None:
            (e_max,) = db.execute("SELECT MAX(t) FROM event").fetchone()
            (l_max,) = db.execute(
                "SELECT MAX(CASE WHEN :c IS NULL OR created >= :c THEN created ELSE :c END) "
                "FROM lead WHERE created IS NOT NULL",
                {"c": clock},
            ).fetchone()
            known = [t for t in (e_max, l_max) if t is not None]
            until = max(known) if known else clock
        keep = "(:until IS NULL OR t <= :until)"
        args = {"until": until}
        kept, late, earliest = db.execute(
            f"SELECT COUNT(*), COALESCE(SUM(late), 0), MIN(t) FROM event WHERE {keep}", args
        ).fetchone()
        start = clock
        if start is None:
            (created,) = db.execute("SELECT MIN(created) FROM lead").fetchone()
            candidates = [t for t in (created, earliest) if t is not None]
            start = min(candidates) if candidates else until
        db.execute("CREATE TABLE first(lead TEXT PRIMARY KEY, t REAL) WITHOUT ROWID")
        db.execute(
            f"INSERT INTO first SELECT lead, MIN(t) FROM event WHERE {keep} GROUP BY lead", args
        )
        db.execute(_LEAD_TIME, {"clock": clock, "start": start})
        if db.execute("SELECT 1 FROM lead WHERE time IS NULL LIMIT 1").fetchone():
            raise ValueError("no time for the lead")
        self._plan = StreamPlan(until, start, self.n_events - kept, late, kept)
        return self._plan

    def items(self, group: int | None = None) -> Iterator[tuple[int, Item]]:
        """(group, item) in plan order; with `group`, leads in groups of that many (input order)
        and each group's items together: group 0's in plan order, then group 1's, ... (leads
        do not act on one another: `nurture score` walks each group on an engine of its own)."""
        assert self._plan is not None, "plan() first"
        db = self.db
        if group is None:
            sql = _ITEMS.format(lead_group="0", event_group="0", order="1, 2, 3")
        else:
            size = int(group)
            db.execute("CREATE INDEX lead_id ON lead(id)")
            sql = _ITEMS.format(
                lead_group=f"n / {size}",
                event_group=f"(SELECT lead.n FROM lead WHERE lead.id = event.lead) / {size}",
                order="11, 1, 2, 3",
            )
        lead_row, event_row = LeadRow, EventRow
        new, props_of = tuple.__new__, self._props_of
        for time, kind, n, rid, lead, typ, at, blob, line, late, g in db.execute(
            sql, {"until": self._plan.until}
        ):
            if kind == LEAD:
                row = lead_row(intern(rid), at, _interned(marshal.loads(blob)), line)
                yield g, new(Item, (time, LEAD, n, row, None, False))
            else:
                e = new(event_row, (rid, intern(lead), intern(typ), at, props_of(blob), line))
                yield g, new(Item, (time, EVENT, n, None, e, bool(late)))

    def _props_of(self, blob: bytes) -> dict[str, object]:
        """Decoded props, one dict shared by the rows of the same bytes (rows are read-only)."""
        found = self._props.get(blob)
        if found is None:
            found = marshal.loads(blob)
            if len(self._props) < PROPS_SHARED:
                self._props[blob] = found
        return found


def _interned(attrs: dict[str, object]) -> dict[str, object]:
    """Attribute names and text values as one string each however many leads have them (the
    engine keeps a lead's values for its life: an industry or a source is one string, not one
    per lead)."""
    return {intern(k): intern(v) if type(v) is str else v for k, v in attrs.items()}
