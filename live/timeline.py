"""The plan of `live.plan`, streamed: new leads and events ordered on disk, never all in memory.

Rows are written as they are read to a temporary directory (removed on `close`) and come back out
in exactly `make_plan`'s order (effective time; at one instant a new lead before events; input
order at ties; late events at the clock; events after `until` left out and counted; a lead at its
`created_at`, else its first event, else the run's start). New leads are sorted by SQLite (a
temporary database; `live.timeline_sql`). Events are too when they come out of time order; while
they come in order (the usual case: an export, a log), they are kept as read in a file of their own
and read back as they are, with no sort (`live.timeline_stream`), and the first one out of order
moves them all to the sorter. Memory is SQLite's page cache (`CACHE_KB`) and its sorter's, a chunk
of events and 8 bytes an event id (`live.timeline_stream`), whatever the number of rows. An event
id given again is checked here too (`drop_reused`: the rules of `live.reuse`, `ReuseCheck`), one
id at a time, so no set of every id is held either.
"""

from __future__ import annotations

import marshal
import os
import shutil
import sqlite3
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from sys import intern
from typing import Any

from live.inputs import EventRow, LeadRow, Rejected
from live.plan import EVENT, LEAD, Item
from live.reuse import Stored
from live.timeline_reuse import ReuseCheck
from live.timeline_sql import DDL, ITEMS, LEAD_TIME, lead_item, sorted_reuse
from live.timeline_stream import EventStream, Row, merged

__all__ = ["CACHE_KB", "StreamPlan", "Timeline"]

CACHE_KB = 16_384  # SQLite's page cache for the sorter database (16 MB; the sort spills to disk)
CHUNK = 5_000  # rows written per statement
PROPS_SHARED = 50_000  # decoded props dicts shared by the rows that have the same bytes
STREAM = True  # `Timeline`'s default: events in time order kept as read (False: always sorted)
REPEATS_HELD = 100_000  # ids that may be used again, checked in memory; more: on disk


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

    def __init__(
        self, clock: float | None, near: str | None = None, stream: bool | None = None
    ) -> None:
        """`near`: a database whose folder holds the temporary one, named after it (a run's:
        where there is room for its data; the run holds its lock, so a folder of that name left
        by a run killed before is removed here); else the system's temporary folder (`TMPDIR`).
        `stream`: events in time order are kept as read, not sorted (`live.timeline_stream`),
        until one is out of order; without it (`nurture score`, which reads them back a group of
        leads at a time) they go to the sorter from the start."""
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
        self._born: dict[str, float | None] = {}  # new leads' created_at (for `_stream`)
        if stream is None:
            stream = STREAM
        self._stream = EventStream(self.folder, clock, self._born) if stream else None

    @property
    def sorted_on_disk(self) -> bool:
        """Whether the events went to the sorter (not in time order, or `stream=False`)."""
        return self._stream is None

    def close(self) -> None:
        """Remove the database (and its folder)."""
        if self._stream is not None:
            self._stream.close()
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
        born = self._born if self._stream is not None else None
        for row in rows:
            chunk.append((self.leads, row.id, row.created_at, marshal.dumps(row.attrs), row.line))
            self.leads += 1
            if born is not None:
                born[row.id] = row.created_at
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
        the event is late are settled here. While they come in time order they are kept as read
        (`EventStream`); the first one that is not moves them all to the sorter, and a
        mapping's events (`mapped`) go there too."""
        events = iter(rows)
        stream = self._stream
        if stream is not None and not mapped:
            self.seq, out = stream.add(events, self.seq)
            self.n_events = stream.count + len(stream.rows)
            if out is None:
                return
            events = chain((out,), events)
        elif stream is not None:
            first = next(events, None)
            if first is None:
                return
            events = chain((first,), events)
        if stream is not None:
            self._to_sorter()
        self.seq = self._sort(((self.seq + n, *e) for n, e in enumerate(events)), int(mapped))

    def _to_sorter(self) -> None:
        """The events kept as read, to the sorter (the next ones follow them there)."""
        stream = self._stream
        if stream is None:
            return
        stream.finish()
        self._stream = None
        self._born.clear()
        self.n_events = 0
        self._sort(stream.read(), 0)
        stream.close()

    def _sort(self, rows: Iterable[Row], flag: int) -> int:
        """Rows (seq, id, lead, type, at, props, line) to the sorter; returns the next seq."""
        low = self.clock
        dumps, blobs = marshal.dumps, self._blobs
        chunk: list[tuple[Any, ...]] = []
        append = chunk.append
        seq = self.seq
        for seq, eid, lead, kind, at, props, line in rows:
            late = low is not None and at < low
            t = low if late else at
            found = blobs.get(id(props))  # rows of one shape share one props dict (the reader's)
            if found is None or found[0] is not props:
                found = (props, dumps(props))
                if len(blobs) < PROPS_SHARED:
                    blobs[id(props)] = found  # the dict is kept: its id names no other
            append((seq, eid, lead, kind, at, found[1], line, t, late, flag))
            if len(chunk) >= CHUNK:
                self._put_events(chunk)
                append = chunk.append
            seq += 1
        self._put_events(chunk)
        return max(seq, self.seq)

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
        stream, candidates = self._stream, set[int]()
        if stream is not None:
            stream.finish()
            candidates = stream.repeated_hashes()
            if len(candidates) > REPEATS_HELD:
                self._to_sorter()  # many ids used again: checked a group at a time, on disk
        check = ReuseCheck()
        stream = self._stream
        if stream is not None:
            if stored is not None:
                check.against_stored(_seq_rows(stream.read()), stored)
            if candidates:
                rows = (row for row in stream.read() if hash(row[1]) in candidates)
                check.repeats(_seq_rows(rows), grouped=False)
            if check.drop:
                stream.keep(set(check.drop), self._births())
            stream.hashes = array("q")  # checked: 8 bytes an event let go of
            self.n_events = stream.count
            return check.duplicates, check.rejected(path)
        self._index()
        sorted_reuse(self.db, check, stored, bool(self.n_events))
        self.n_events -= len(check.drop)
        return check.duplicates, check.rejected(path)

    def _births(self) -> dict[str, float | None]:
        """Every new lead's created_at."""
        return dict(self.db.execute("SELECT id, created FROM lead"))

    def drop_mapped_repeats(self) -> None:
        """A mapping's event whose id an earlier event has is left out (the first one kept)."""
        self._to_sorter()
        self._index()
        cur = self.db.execute(
            "DELETE FROM event WHERE mapped = 1 AND EXISTS (SELECT 1 FROM event AS e "
            "WHERE e.id = event.id AND e.seq < event.seq)"
        )
        self.n_events -= max(cur.rowcount, 0)

    # ------------------------------------------------------------ reading

    def has_created(self) -> bool:
        """Whether a new lead has a `created_at`."""
        sql = "SELECT 1 FROM lead WHERE created IS NOT NULL LIMIT 1"
        return self.db.execute(sql).fetchone() is not None

    def latest(self) -> float | None:
        """The latest event time or (non-zero) `created_at`: `nurture score`'s default `at`."""
        if self._stream is not None:
            self._stream.finish()
            events = self._stream.max_at
        else:
            (events,) = self.db.execute("SELECT MAX(at) FROM event").fetchone()
        (leads,) = self.db.execute(
            "SELECT MAX(created) FROM lead WHERE created IS NOT NULL AND created != 0"
        ).fetchone()
        times = [t for t in (events, leads) if t is not None]
        return max(times) if times else None

    def plan(self, until: float | None) -> StreamPlan:
        """Settle `until` (default: the latest effective time), the start and every new lead's
        time, as `live.plan.make_plan` does."""
        db, clock, stream = self.db, self.clock, self._stream
        if stream is not None:
            stream.finish()
        if until is None:
            if stream is not None:
                e_max = stream.max_t
            else:
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
        if stream is not None:
            kept, late, earliest = stream.kept(until)
        else:
            kept, late, earliest = db.execute(
                f"SELECT COUNT(*), COALESCE(SUM(late), 0), MIN(t) FROM event WHERE {keep}", args
            ).fetchone()
        start = clock
        if start is None:
            (created,) = db.execute("SELECT MIN(created) FROM lead").fetchone()
            candidates = [t for t in (created, earliest) if t is not None]
            start = min(candidates) if candidates else until
        db.execute("CREATE TABLE first(lead TEXT PRIMARY KEY, t REAL) WITHOUT ROWID")
        if stream is not None:  # in time order: a lead's first event is its earliest
            firsts = (x for x in stream.firsts if until is None or x[1] <= until)
            db.executemany("INSERT INTO first VALUES (?, ?)", firsts)
            self._born.clear()  # its table, as large as the new leads were many, let go of
        else:
            db.execute(
                f"INSERT INTO first SELECT lead, MIN(t) FROM event WHERE {keep} GROUP BY lead",
                args,
            )
        db.execute(LEAD_TIME, {"clock": clock, "start": start})
        if db.execute("SELECT 1 FROM lead WHERE time IS NULL LIMIT 1").fetchone():
            raise ValueError("no time for the lead")
        self._plan = StreamPlan(until, start, self.n_events - kept, late, kept)
        return self._plan

    def items(self, group: int | None = None) -> Iterator[tuple[int, Item]]:
        """(group, item) in plan order; with `group`, leads in groups of that many (input order)
        and each group's items together: group 0's in plan order, then group 1's, ... (leads
        do not act on one another: `nurture score` walks each group on an engine of its own)."""
        assert self._plan is not None, "plan() first"
        if group is not None:
            self._to_sorter()
        elif self._stream is not None:
            leads = self.db.execute(
                "SELECT time, n, id, created, attrs, line FROM lead "
                "WHERE :until IS NULL OR time <= :until ORDER BY time, n",
                {"until": self._plan.until},
            )
            return merged(self._stream.read_chunks(), leads, self._plan.until, self.clock)
        return self._sorted(group)

    def _sorted(self, group: int | None) -> Iterator[tuple[int, Item]]:
        """`items` from the sorter."""
        assert self._plan is not None
        db = self.db
        if group is None:
            sql = ITEMS.format(lead_group="0", event_group="0", order="1, 2, 3")
        else:
            size = int(group)
            db.execute("CREATE INDEX lead_id ON lead(id)")
            sql = ITEMS.format(
                lead_group=f"n / {size}",
                event_group=f"(SELECT lead.n FROM lead WHERE lead.id = event.lead) / {size}",
                order="11, 1, 2, 3",
            )
        event_row, new, props_of = EventRow, tuple.__new__, self._props_of
        for time, kind, n, rid, lead, typ, at, blob, line, late, g in db.execute(
            sql, {"until": self._plan.until}
        ):
            if kind == LEAD:
                yield g, lead_item(time, n, rid, at, blob, line)
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


def _seq_rows(rows: Iterable[Row]) -> Iterator[tuple[int, EventRow]]:
    """(seq, EventRow) of rows kept as read."""
    for seq, eid, lead, kind, at, props, line in rows:
        yield seq, EventRow(eid, lead, kind, at, props, line)
