"""Event ids given again, found among the rows of a `live.timeline.Timeline` (`live.reuse`'s rules).

The rows come from the sorter (SQLite) or from the events kept as read (`live.timeline_stream`);
either way the same `ReuseCheck` decides: an id accepted before (`stored`) makes the row a
duplicate (the same event) or a rejected reuse; an id used on an earlier line of the file keeps
the first row and makes each later one a duplicate or a rejected reuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from live.inputs import EventRow, Rejected
from live.reuse import Stored, raw_lines, reused_reason, same_as_stored

__all__ = ["LOOKUP", "ReuseCheck"]

LOOKUP = 900  # ids looked up at a time in the database of accepted events

Row = tuple[int, EventRow]  # the event's input place (seq) and the event


class ReuseCheck:
    """The rows to drop, the duplicates counted and the rejected rows with why."""

    def __init__(self) -> None:
        self.duplicates = 0
        self.reused: list[tuple[int, str]] = []  # (line, why)
        self.drop: list[int] = []  # seq of each row taken out
        self.done: set[str] = set()  # ids found accepted before (few: those rows are left out)
        self.firsts: dict[str, EventRow] = {}  # the first row of each id used again

    def against_stored(
        self, rows: Iterable[Row], stored: Callable[[Sequence[str]], Mapping[str, Stored]]
    ) -> None:
        """`rows` in input order; `stored` looks up ids accepted before."""
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= LOOKUP:
                self._stored_batch(batch, stored)
                batch = []
        self._stored_batch(batch, stored)

    def _stored_batch(
        self, rows: list[Row], stored: Callable[[Sequence[str]], Mapping[str, Stored]]
    ) -> None:
        found = stored([e.id for _, e in rows]) if rows else {}
        for seq, e in rows if found else ():
            before = found.get(e.id)
            if before is None:
                continue
            self.done.add(e.id)
            if same_as_stored(e, before):
                self.duplicates += 1
            else:
                self.reused.append((e.line, reused_reason(e.id, before)))
            self.drop.append(seq)

    def repeats(self, rows: Iterable[Row], grouped: bool) -> None:
        """Rows whose id may be used on more than one line, each id's in input order (`grouped`:
        one id's rows together, so only one first row is held at a time)."""
        firsts = self.firsts
        for seq, e in rows:
            if e.id in self.done:
                continue
            first = firsts.get(e.id)
            if first is None:
                if grouped:
                    firsts.clear()
                firsts[e.id] = e
            elif first[1:5] == e[1:5]:
                self.duplicates += 1
                self.drop.append(seq)
            else:
                why = (
                    f"event id {e.id!r} is used on line {first.line} for another event; "
                    "give this event an id of its own"
                )
                self.reused.append((e.line, why))
                self.drop.append(seq)

    def rejected(self, path: str) -> list[Rejected]:
        """The rows rejected, in line order, with the text of their line."""
        reused = sorted(self.reused)
        raw = raw_lines(path, (line for line, _ in reused))
        return [Rejected(path, n, "event", why, raw.get(n, "")) for n, why in reused]
