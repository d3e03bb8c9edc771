"""Events already in time order, kept as read: no sort (`live.timeline`'s fast path).

An events file is usually written in time order (an export, a day's log). While the events come
in order of their effective time (the DB clock for a late one), `EventStream` appends them to a
file of its own, a chunk of `ROWS` rows at a time (`marshal`: a props dict shared by a chunk's rows
is written once and read back shared), and reads them back in that order: input order is plan
order, so there is nothing to sort. What it keeps in memory: a few numbers per chunk (to settle
`until`, the late and kept counts), a hash of each event id (8 bytes: an id given twice is found
by sorting them once; the few ids that may repeat are then checked exactly), each new lead's
`created_at` until its first event (to place a lead at its first event, as `live.plan` does) and
one chunk being written or read. The first event earlier than the one before it stops it:
`Timeline` then moves the rows to its sorter, and the rest follow them there.
"""

from __future__ import annotations

import marshal
import os
from array import array
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from sys import intern
from typing import Any

import numpy as np

from live.dberrors import StoreError
from live.inputs import EventRow
from live.plan import EVENT, Item
from live.timeline_sql import lead_item

__all__ = ["ROWS", "Chunk", "EventStream", "merged"]

ROWS = 5_000  # events per chunk of the file

Row = tuple[
    int, str, str, str, float, dict[str, object], int
]  # seq, id, lead, type, at, props, line
_NO = object()


@dataclass
class Chunk:
    """What is known of a chunk of the file without reading it."""

    count: int
    first_t: float  # the effective time of its first event
    last_t: float  # and of its last one: the chunk's events lie between, in order
    late: int
    max_at: float


class EventStream:
    """Events in input order, which is time order; `add` stops at the first one that is not."""

    def __init__(self, folder: str, clock: float | None, born: dict[str, float | None]) -> None:
        """`born`: each new lead's `created_at` (taken out at the lead's first event)."""
        self.path = os.path.join(folder, "events.marshal")
        self.file = open(self.path, "wb")  # noqa: SIM115 - closed by `close`
        self.clock = clock
        self.born = born
        self.firsts: list[tuple[str, float]] = []  # new leads whose first event comes first
        self.chunks: list[Chunk] = []
        self.hashes = array("q")  # hash of each event id, in input order
        self.rows: list[Row] = []  # the chunk being written
        self.last = -float("inf")  # the effective time of the last event added
        self.count = 0  # events in the file (and in `rows`)

    def close(self) -> None:
        self.file.close()
        if os.path.exists(self.path):
            os.remove(self.path)

    def add(self, events: Iterator[Any], seq: int) -> tuple[int, Any]:
        """Takes `events` (EventRows, input order) from place `seq` on while they are in order;
        returns the next place and the first event out of order (None: all were taken)."""
        low = self.clock
        last, rows, hashes, born, firsts = self.last, self.rows, self.hashes, self.born, self.firsts
        append, add_hash = rows.append, hashes.append
        for e in events:
            at = e.at
            t = low if low is not None and at < low else at
            if t < last:
                self.last = last
                return seq, e
            last = t
            lead = e.lead
            if born:
                b = born.pop(lead, _NO)
                if b is not _NO and (b is None or at < b):
                    firsts.append((lead, t))
            append((seq, e.id, lead, e.type, at, e.props, e.line))
            add_hash(hash(e.id))
            seq += 1
            if len(rows) >= ROWS:
                self._write()
                rows = self.rows
                append = rows.append
        self.last = last
        return seq, None

    def finish(self) -> None:
        """Writes the last chunk: the file is complete (`read` may begin)."""
        if self.rows:
            self._write()
        self._put(b"")

    def _put(self, data: bytes) -> None:
        """`data` to the file (none: flushed); a disk full says so (StoreError)."""
        try:
            if data:
                self.file.write(data)
            else:
                self.file.flush()
        except OSError as err:
            raise StoreError(
                f"{os.path.dirname(self.path)}: cannot write the events being read "
                f"({err.strerror})",
                hint="a run keeps them beside its database until it ends (about 50 bytes an "
                "event): free some space and run the same command again",
            ) from None

    def _write(self) -> None:
        rows, low = self.rows, self.clock
        late = 0 if low is None else sum(1 for r in rows if r[4] < low)
        first_t, last_t = self._t(rows[0][4]), self._t(rows[-1][4])
        self.chunks.append(Chunk(len(rows), first_t, last_t, late, max(r[4] for r in rows)))
        blob = marshal.dumps(rows)
        self._put(len(blob).to_bytes(8, "little") + blob)
        self.count += len(rows)
        self.rows = []

    def _t(self, at: float) -> float:
        low = self.clock
        return low if low is not None and at < low else at

    # ------------------------------------------------------------ reading

    def read(self) -> Iterator[Row]:
        """Every event, in input order (after `finish`)."""
        for rows in self.read_chunks():
            yield from rows

    def read_chunks(self) -> Generator[list[Row], None, None]:
        """The events a chunk at a time, in input order (after `finish`): the props dict a
        chunk's rows share is one dict (marshal writes it once)."""
        return _chunks(self.path, len(self.chunks))

    def chunk_rows(self, index: int) -> list[Row]:
        """The rows of one chunk (read from the file)."""
        for n, rows in enumerate(_chunks(self.path, index + 1)):
            if n == index:
                return rows
        raise IndexError(index)

    def repeated_hashes(self) -> set[int]:
        """Hashes of ids that may appear more than once (an id that does has one of them)."""
        if len(self.hashes) < 2:
            return set()
        values = np.frombuffer(self.hashes, dtype=np.int64).copy()
        values.sort()
        return set(values[1:][values[1:] == values[:-1]].tolist())

    def keep(self, drop: set[int], born: dict[str, float | None]) -> None:
        """Rewrites the file without the events at these places (`drop`); the counts and each
        new lead's first event (`born`: every new lead's `created_at` again) follow."""
        if not drop:
            return
        self.finish()
        old, chunks = self.path + ".old", self.chunks
        self.file.close()
        os.replace(self.path, old)
        self.file = open(self.path, "wb")  # noqa: SIM115 - closed by `close`
        self.chunks, self.count, self.born, self.firsts = [], 0, born, []
        self.hashes = array("q")  # not needed again: the ids were checked
        try:
            for row in _rows(old, len(chunks)):
                if row[0] in drop:
                    continue
                lead, at = row[2], row[4]
                if born and lead in born:
                    b = born.pop(lead)
                    if b is None or at < b:
                        self.firsts.append((lead, self._t(at)))
                self.rows.append(row)
                if len(self.rows) >= ROWS:
                    self._write()
            self.finish()
        finally:
            os.remove(old)

    def kept(self, until: float | None) -> tuple[int, int, float | None]:
        """(events to `until`, late ones among them, the earliest effective time)."""
        kept = late = 0
        for index, chunk in enumerate(self.chunks):
            if until is None or chunk.last_t <= until:
                kept, late = kept + chunk.count, late + chunk.late
                continue
            if chunk.first_t <= until:  # the chunk where `until` falls
                low = self.clock
                for row in self.chunk_rows(index):
                    t = self._t(row[4])
                    if t > until:
                        break
                    kept += 1
                    late += low is not None and row[4] < low
            break
        earliest = self.chunks[0].first_t if kept else None
        return kept, late, earliest

    @property
    def max_t(self) -> float | None:
        return self.chunks[-1].last_t if self.chunks else None

    @property
    def max_at(self) -> float | None:
        return max(chunk.max_at for chunk in self.chunks) if self.chunks else None


def merged(
    chunks: Generator[list[Row], None, None],
    leads: Iterator[Any],
    until: float | None,
    low: float | None,
) -> Iterator[tuple[int, Item]]:
    """(0, item) in plan order: the events as read (`chunks`, in time order; their effective
    time no earlier than the clock `low`; to `until`) and the new leads (`leads`: rows of
    `live.timeline_sql.lead_item`'s fields, in their order) merged, at one instant the leads
    first."""
    lead = next(leads, None)
    event_row, new = EventRow, tuple.__new__
    for rows in chunks:
        for seq, eid, lead_id, typ, at, props, line in rows:
            t = at if low is None or at >= low else low
            if until is not None and t > until:
                break
            while lead is not None and lead[0] <= t:
                yield 0, lead_item(*lead)
                lead = next(leads, None)
            e = new(event_row, (eid, intern(lead_id), intern(typ), at, props, line))
            yield 0, new(Item, (t, EVENT, seq, None, e, t != at))
        else:
            continue
        break
    chunks.close()  # the file, when `until` came first
    while lead is not None:
        yield 0, lead_item(*lead)
        lead = next(leads, None)


def _rows(path: str, chunks: int) -> Iterator[Row]:
    for rows in _chunks(path, chunks):
        yield from rows


def _chunks(path: str, count: int) -> Generator[list[Row], None, None]:
    """The first `count` chunks of the file (each its length in 8 bytes, then its marshal)."""
    with open(path, "rb") as file:
        for _ in range(count):
            size = int.from_bytes(file.read(8), "little")
            yield marshal.loads(file.read(size))
