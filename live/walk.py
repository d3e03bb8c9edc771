"""Driving the engine for the live runner: every call journaled, batches committed, states
checkpointed, and an interrupted run's journal replayed.

Each batch commits, in one transaction, the journal rows of its engine calls, the accepted events,
the lead rows, the actions (outbox) and the clock. Lead states (and their trail) are written only
at a checkpoint: every `checkpoint_every` calls and at the end of a run. A run killed between
checkpoints left a journal tail: the next run restores the checkpoint and replays that tail, which
being deterministic gives back exactly the actions already in the outbox (checked line by line);
they are not written again. So nothing accepted is lost, nothing is sent twice, and a batch costs
only the rows it adds, not a rewrite of every lead it touched. `nurture explain` replays that tail
the same way, in memory and for its one lead (`catch_up`), so it shows every committed batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dsl.errors import InternalError
from engine import Event, Lead
from live.schema import Batch, SavedLead, StoredEvent
from live.standing import standing_rows
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Action, Engine
    from live.actions import ActionsFile, EchoActions
    from live.inputs import EventRow, LeadRow


class ReplayMismatch(InternalError):
    """Replaying the journal did not give the outbox back: what was committed cannot be rebuilt
    (the database was changed by hand, or the engine is not deterministic: a bug either way)."""


class Walker:
    def __init__(
        self,
        engine: Engine,
        store: Store,
        batch_size: int,
        checkpoint_every: int,
        programs: list[Program] | None = None,
    ) -> None:
        self.engine = engine
        self.programs = programs or []
        self.store = store
        self.batch_size = batch_size
        self.checkpoint_every = checkpoint_every
        self.sink: ActionsFile | EchoActions | None = None
        self.batch = _empty_batch()
        self.touched: set[str] = set()  # leads changed since the last checkpoint
        self.since_checkpoint = 0
        self._trail_len: dict[str, int] | None = None
        self.trail_base: dict[str, int] = {}  # of those, the ones not in the engine's memory
        self.clock: float | None = store.clock()
        self.replayed: list[str] | None = None
        self.actions = 0
        self.after_commit: Callable[[bool], None] | None = None  # (checkpoint?): runner's gc
        self.calls = 0  # engine calls in this batch
        self.run_start = 0  # batch.events[run_start:]: events not yet in a journal row

    @property
    def trail_len(self) -> dict[str, int]:
        """Trail entries in the database, per lead (read when first needed: a reader that only
        replays never needs it)."""
        if self._trail_len is None:
            self._trail_len = self.store.trail_lengths()
        return self._trail_len

    # ------------------------------------------------------------ engine calls

    def add_lead(self, row: LeadRow, at: float) -> None:
        self.advance_before(at)
        attrs = dict(row.attrs)
        self.collect(self.engine.add_lead(Lead(row.id, row.created_at, attrs), at))
        self.batch.leads.append((row.id, row.created_at, attrs))
        data = json.dumps({"created_at": row.created_at, "attrs": attrs}, ensure_ascii=False)
        self._journal("add", row.id, None, at, data)

    def update_lead(
        self, lead: str, attrs: dict[str, object], created: float | None, at: float
    ) -> None:
        self.collect(self.engine.update_lead(lead, dict(attrs), at))
        self.batch.leads.append((lead, created, dict(attrs)))
        self._journal("update", lead, None, at, json.dumps(attrs, ensure_ascii=False))

    def ingest(self, e: EventRow, at: float, late: bool) -> None:
        """The hot path: one event (journaled with the run of events it is in, `_close_run`)."""
        engine = self.engine
        due = engine.next_due()
        if due is not None and due < at:
            self._advance(at, inclusive=False)
        actions = engine.ingest(Event(e.id, e.lead, e.type, e.at, e.props), at)
        if actions:
            self.collect(actions)
        self.batch.events.append(_new(StoredEvent, (e.id, e.lead, e.type, e.at, e.props, at, late)))
        self.touched.add(e.lead)
        if self.clock is None or at > self.clock:
            self.clock = at
        self.since_checkpoint += 1
        self.calls += 1

    def run_until(self, until: float) -> None:
        """Every timer due up to `until` (included)."""
        self._advance(until, inclusive=True)
        self._journal("until", "", None, until, None)

    def advance_before(self, t: float) -> None:
        self._advance(t, inclusive=False)

    def _advance(self, until: float, inclusive: bool) -> None:
        engine = self.engine
        while True:
            due = engine.next_due()
            if due is None or due > until or (due == until and not inclusive):
                return
            self.collect(engine.advance(due))
            after = engine.next_due()
            if after is not None and after <= due:
                raise InternalError(f"engine did not move past its timer at {due}")

    def _journal(self, kind: str, lead: str, ref: str | None, at: float, data: str | None) -> None:
        if lead:
            self.touched.add(lead)
        self.clock = at if self.clock is None else max(self.clock, at)
        if self.replayed is None:
            self._close_run()
            self.batch.journal.append((kind, lead, ref, at, data))
            self.since_checkpoint += 1
            self.calls += 1

    def _close_run(self) -> None:
        """The events ingested since the last journal row, as one row: kind `events`, the ids
        in order as a JSON list (their times and props are in the `events` table)."""
        events = self.batch.events
        if len(events) > self.run_start:
            ids = [event.id for event in events[self.run_start :]]
            self.batch.journal.append(("events", "", None, events[-1].applied_at, _ids(ids)))
            self.run_start = len(events)

    def collect(self, actions: Iterable[Action]) -> None:
        for action in actions:
            line = _line(action.to_dict())
            self.touched.add(action.lead)
            if self.replayed is not None:
                self.replayed.append(line)
            else:
                self.batch.actions.append((action.lead, action.at, action.action, line))

    # ------------------------------------------------------------ commits

    def maybe_commit(self) -> None:
        if self.calls >= self.batch_size:
            self.commit(checkpoint=self.since_checkpoint >= self.checkpoint_every)

    def commit(self, meta: dict[str, object] | None = None, checkpoint: bool = False) -> None:
        self._write(meta, checkpoint)
        assert self.sink is not None
        self.sink.write_new()
        if self.after_commit is not None:  # once the batch written is no longer referenced
            self.after_commit(checkpoint)

    def _write(self, meta: dict[str, object] | None, checkpoint: bool) -> None:
        self._close_run()
        batch = self.batch
        batch.clock = self.clock
        if checkpoint:
            self._checkpoint(batch)
        values = dict(meta or {})
        assert self.sink is not None
        values.update(self.sink.marker())
        self.store.commit_batch(batch, values)
        self.actions += len(batch.actions)
        self.batch = _empty_batch()
        self.calls = self.run_start = 0

    def _checkpoint(self, batch: Batch) -> None:
        """Every lead changed since the last checkpoint: its state, its standing and the trail
        entries it made since (the engine's `trail` from what is already in the database),
        made as the store writes them (`_saved`)."""
        self.touched.update(self.engine.pop_changed())
        clock = batch.clock if self.programs else None  # standing rows: at the batch's clock
        batch.saved = self._saved(sorted(self.touched), clock)
        batch.checkpoint = True
        self.touched = set()
        self.since_checkpoint = 0

    def _saved(self, leads: list[str], clock: float | None) -> Iterator[SavedLead]:
        """Per lead, what a checkpoint writes. The trail entries written are let go of in the
        engine (`release`): the database holds them, and memory keeps only those made since."""
        engine, lengths, base = self.engine, self.trail_len, self.trail_base
        for lead in leads:
            state = engine.snapshot(lead, trail=False)
            rows = standing_rows(engine, self.programs, lead, clock) if clock is not None else []
            done = lengths.get(lead, 0)
            new = engine.trail(lead, done - base.get(lead, 0), release=True)
            row = None
            if new:
                row = _trail_row(lead, new, done)
                lengths[lead] = done = done + len(new)
            base[lead] = done  # every entry so far is in the database, none in memory
            yield lead, state, rows, row

    # ------------------------------------------------------------ replay

    def journal_tail(self) -> list[tuple[Any, ...]]:
        return self.store.journal_after(int(self.store.get("checkpoint_journal") or 0))

    def replay(self, rows: list[tuple[Any, ...]], only: str | None = None) -> None:
        """Redo the engine calls after the checkpoint; their actions must be the outbox's.

        With `only` (a lead id), the engine holds that lead alone: another lead's call is not
        made, but the timers run up to it as they did then (the same `advance_before`), so the
        lead's own timers fire at the same moments; its actions must be its own outbox rows (a
        lead's course depends on nothing of another's but the time)."""
        self.replayed = []
        for kind, lead, ref, at, data, etype, eat, eprops in rows:
            if kind == "until":
                self.run_until(at)
                continue
            if only is not None and lead != only:
                if kind != "update":  # as below: an update has no timer loop of its own
                    self.advance_before(at)
                continue
            if kind == "update":  # as `update_lead` above: no timer loop of its own
                self.collect(self.engine.update_lead(lead, json.loads(data), at))
            elif kind == "add":
                self.advance_before(at)
                d = json.loads(data)
                self.collect(self.engine.add_lead(Lead(lead, d["created_at"], d["attrs"]), at))
            else:
                self.advance_before(at)
                event = Event(ref, lead, etype, eat, json.loads(eprops))
                self.collect(self.engine.ingest(event, at))
            self._journal(kind, lead, ref, at, data)
        after = int(self.store.get("checkpoint_outbox") or 0)
        expected = [line for _, line in self.store.outbox_after(after, only)]
        replayed, self.replayed = self.replayed, None
        if replayed != expected:
            raise ReplayMismatch(
                f"{self.store.path}: replaying the interrupted run gave {len(replayed)} actions "
                f"where the outbox holds {len(expected)}; the database was changed by hand"
            )
        self.since_checkpoint = len(rows)


def catch_up(
    engine: Engine, store: Store, lead: str, programs: list[Program] | None = None
) -> None:
    """Bring `lead`, restored from the last checkpoint (or not yet there), up to what the
    database has committed: the journal after the checkpoint replayed in memory for that lead
    (`Walker.replay`, as a run starting again replays it). Only reads the database; raises
    ReplayMismatch when the replay does not give back the lead's actions in the outbox."""
    walker = Walker(engine, store, batch_size=1, checkpoint_every=1, programs=programs)
    walker.replay(walker.journal_tail(), only=lead)


_line = json.JSONEncoder(ensure_ascii=False).encode
_new = tuple.__new__  # a NamedTuple without its Python-level __new__
_ids = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _empty_batch() -> Batch:
    return Batch(events=[], leads=[], states={}, actions=[], clock=None)


def _trail_row(lead: str, new: list[Any], n: int) -> tuple[str, int, list[Any]]:
    """New entries, from entry number `n` on; tuples (the engine's TraceEntry) are JSON arrays
    as they are."""
    if new and not isinstance(new[0], (list, tuple)):
        new = [[e.at, e.kind, e.message, e.rule] for e in new]
    return (lead, n, new)
