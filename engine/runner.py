"""The live runner: real leads and events through the engine, state and outbox in SQLite.

One run: check the seed and the rule files against the database, restore every lead's engine
state, read and check the input (bad rows go to the dead-letter table), drop events already
accepted, then walk the timeline (`runner_plan`): before each item, every timer due strictly
earlier runs; at the end, every timer due up to `--until`. Work is committed in batches: the
accepted events, the lead rows, the state of every lead the batch touched, the actions (outbox) and
the clock in one transaction. After each commit the actions file catches up with the outbox
(`runner_actions`). A run killed at any point and started again with the same input redoes only
the uncommitted batch: no accepted event is lost and no action is written twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from engine.io import EventRow, LeadRow, Rejected, Schema, read_events, read_leads
from engine.runner_actions import ActionsFile, EchoActions
from engine.runner_meta import RunError, refuse_changes, rule_hashes, rules_changes, settle_seed
from engine.runner_plan import Item, make_plan
from engine.store import Batch, Store, StoredEvent

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Action, Engine

__all__ = ["RunError", "RunOptions", "RunReport", "run_live"]


@dataclass
class RunOptions:
    rule_files: list[str]
    programs: list[Program]
    leads_path: str
    events_path: str | None
    db_path: str
    until: float | None = None
    actions_path: str | None = None
    seed: int | None = None
    migrate: bool = False
    batch_size: int = 5000


@dataclass
class RunReport:
    leads_new: int = 0
    leads_updated: int = 0
    events_accepted: int = 0
    events_late: int = 0
    duplicates: int = 0
    after_until: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    actions: int = 0
    clock: float | None = None
    migrated: list[str] = field(default_factory=list)


def run_live(options: RunOptions, stdout: TextIO) -> RunReport:
    """Run once; raises RunError (user-facing) or engine.io.InputError / store.StoreError."""
    store = Store(options.db_path)
    try:
        return _Run(options, store, stdout).execute()
    finally:
        store.close()


class _Run:
    def __init__(self, options: RunOptions, store: Store, stdout: TextIO) -> None:
        self.options = options
        self.store = store
        self.stdout = stdout
        self.report = RunReport()
        self.engine: Engine
        self.batch = _empty_batch()
        self.touched: set[str] = set()
        self.clock: float | None = store.clock()
        self.trail_len: dict[str, int] = store.trail_lengths()

    def execute(self) -> RunReport:
        from engine import Engine

        seed = settle_seed(self.store, self.options.seed)
        hashes = rule_hashes(self.options.rule_files)
        changes = rules_changes(self.store, hashes)
        if changes and not self.options.migrate:
            refuse_changes(self.store, changes)
        self.engine = Engine(self.options.programs, seed=seed, trace=True)
        stored_leads = self.store.leads()
        self._restore(changes)
        leads, events = self._read_input(stored_leads)
        self._check_until()
        sink = self._open_sink()
        self.sink = sink
        from engine.runner_migrate import layout

        meta = {"seed": str(seed), "rules": hashes, "layout": layout(self.engine)}
        self._update_leads(leads, stored_leads)
        new_leads = [lead for lead in leads if lead.id not in stored_leads]
        self._walk(new_leads, events, meta)
        sink.close()
        self.report.clock = self.clock
        return self.report

    # ------------------------------------------------------------ setup

    def _restore(self, changes: list[str]) -> None:
        if not changes:
            for state in self.store.states():
                self.engine.restore_lead(state)
            return
        from engine.runner_migrate import migrate_snapshot

        self.report.migrated = changes
        old = json.loads(self.store.get("layout") or "[]")
        clock = self.clock if self.clock is not None else 0.0
        for state in self.store.states():
            new_state, actions = migrate_snapshot(state, old, self.engine, clock)
            self.engine.restore_lead(new_state)
            self._collect(actions)
            lead = str(new_state["id"])
            self._collect(self.engine.update_lead(lead, dict(new_state["attrs"]), clock))
            self.touched.add(lead)

    def _read_input(
        self, stored: dict[str, tuple[float | None, dict[str, object]]]
    ) -> tuple[list[LeadRow], list[EventRow]]:
        schema = Schema.from_programs(self.options.programs)
        leads, rejected = read_leads(self.options.leads_path, schema)
        known = set(stored) | {lead.id for lead in leads}
        refused = {r_id for r_id in _rejected_ids(rejected) if r_id not in known}
        events: list[EventRow] = []
        if self.options.events_path is not None:
            events, bad_events = read_events(self.options.events_path, schema, known, refused)
            rejected += bad_events
        self.report.rejected = rejected
        rows = [(r.source, r.line, r.kind, r.reason, r.raw) for r in rejected]
        if rows:
            self.store.add_dead_letters(rows, time.time())
        return leads, self._fresh(events)

    def _fresh(self, events: list[EventRow]) -> list[EventRow]:
        """Drop events whose id was seen before (in the database or earlier in the input)."""
        seen = self.store.known_event_ids([e.id for e in events])
        fresh = []
        for event in events:
            if event.id in seen:
                self.report.duplicates += 1
                continue
            seen.add(event.id)
            fresh.append(event)
        return fresh

    def _check_until(self) -> None:
        until, clock = self.options.until, self.clock
        if until is not None and clock is not None and until < clock:
            from engine.io import format_time

            raise RunError(
                f"--until {format_time(until)} is before the database clock {format_time(clock)}: "
                "time only moves forward"
            )

    def _open_sink(self) -> ActionsFile | EchoActions:
        if self.options.actions_path is None:
            return EchoActions(self.store, self.stdout)
        sink = ActionsFile(self.store, self.options.actions_path)
        try:
            sink.open()
        except OSError as err:
            raise RunError(f"cannot write the actions file: {err}") from None
        return sink

    def _update_leads(
        self, leads: list[LeadRow], stored: dict[str, tuple[float | None, dict[str, object]]]
    ) -> None:
        """Lead rows supplied again: new attributes apply at the run's start (the DB clock)."""
        for lead in leads:
            if lead.id not in stored or stored[lead.id][1] == lead.attrs:
                continue
            now = self.clock if self.clock is not None else (lead.created_at or 0.0)
            self._collect(self.engine.update_lead(lead.id, dict(lead.attrs), now))
            self.batch.leads.append((lead.id, stored[lead.id][0], dict(lead.attrs)))
            self.touched.add(lead.id)
            self.report.leads_updated += 1

    # ------------------------------------------------------------ the walk

    def _walk(
        self, new_leads: list[LeadRow], events: list[EventRow], meta: dict[str, object]
    ) -> None:
        until = self.options.until
        if until is None and self.clock is None and not events and not any(
            lead.created_at is not None for lead in new_leads
        ):
            until = float(int(time.time()))  # nothing in the input says what time it is
        plan = make_plan(new_leads, events, self.clock, until)
        self.report.after_until = plan.after_until
        self.report.events_late = plan.late
        self._commit(meta)  # lead updates and migrations, with the seed and the rules' hashes
        size = self.options.batch_size
        for item in plan.items:
            self._advance(item.time, inclusive=False)
            self._apply(item)
            if len(self.batch.events) + len(self.batch.leads) >= size:
                self._commit()
        if plan.until is not None:
            self._advance(plan.until, inclusive=True)
            self.clock = plan.until if self.clock is None else max(self.clock, plan.until)
        self._commit()

    def _apply(self, item: Item) -> None:
        from engine import Event, Lead

        if item.lead is not None:
            lead = item.lead
            new = Lead(lead.id, lead.created_at, dict(lead.attrs))
            actions = self.engine.add_lead(new, item.time)
            self.batch.leads.append((lead.id, lead.created_at, dict(lead.attrs)))
            self.touched.add(lead.id)
            self.report.leads_new += 1
        else:
            e = item.event
            assert e is not None
            event = Event(e.id, e.lead, e.type, e.at, dict(e.props))
            actions = self.engine.ingest(event, item.time)
            self.batch.events.append(
                StoredEvent(e.id, e.lead, e.type, e.at, e.props, item.time, item.late)
            )
            self.touched.add(e.lead)
            self.report.events_accepted += 1
        self._collect(actions)
        self.clock = item.time if self.clock is None else max(self.clock, item.time)

    def _advance(self, until: float, inclusive: bool) -> None:
        """Run every timer due before `until` (or at it, when inclusive), one instant at a time."""
        engine = self.engine
        while True:
            due = engine.next_due()
            if due is None or due > until or (due == until and not inclusive):
                return
            self.touched.update(_due_leads(engine, due))
            self._collect(engine.advance(due))
            after = engine.next_due()
            if after is not None and after <= due:
                raise RuntimeError(f"engine did not move past its timer at {due}")

    def _collect(self, actions: Iterable[Action]) -> None:
        for action in actions:
            self.batch.actions.append((action.lead, action.at, action.action, action_line(action)))
            self.touched.add(action.lead)

    def _commit(self, meta: dict[str, object] | None = None) -> None:
        changed = getattr(self.engine, "pop_changed", None)
        if changed is not None:
            self.touched.update(changed())
        batch = self.batch
        for lead in sorted(self.touched):
            state, trace = snapshot_parts(self.engine, lead)
            batch.states[lead] = state
            done = self.trail_len.get(lead, 0)
            if len(trace) > done:
                batch.trail.extend(
                    (lead, n, *_entry(e)) for n, e in enumerate(trace[done:], done))
                self.trail_len[lead] = len(trace)
        batch.clock = self.clock
        values = dict(meta or {})
        values.update(self.sink.marker())
        self.store.commit_batch(batch, values)
        self.report.actions += len(batch.actions)
        self.batch = _empty_batch()
        self.touched = set()
        self.sink.write_new()


def _empty_batch() -> Batch:
    return Batch(events=[], leads=[], states={}, actions=[], clock=None)


def snapshot_parts(engine: Engine, lead: str) -> tuple[dict[str, Any], list[Any]]:
    """The lead's saved state without its trail, and the trail (entries as (at, kind, message,
    rule)). Equal to `engine.snapshot_lead` split in two (a test holds it to that); reads the
    engine's lead record directly when it can, so a batch does not copy every lead's whole trail."""
    record = getattr(engine, "leads", {}).get(lead)
    if record is not None and hasattr(record, "to_dict"):
        return record.to_dict(), record.trace or []
    data = engine.snapshot_lead(lead)
    trace = data.pop("trace", None) or []
    return data, [tuple(e) for e in trace]


def _entry(entry: Any) -> tuple[float, str, str, str | None]:
    if isinstance(entry, (list, tuple)):
        return entry[0], entry[1], entry[2], entry[3]
    return entry.at, entry.kind, entry.message, entry.rule


def _due_leads(engine: Engine, until: float) -> list[str]:
    """The leads whose timers fire by `until`, so their changed state is saved even when the
    timer produced no action. Uses the engine's `pop_changed()` when it has one; else reads its
    timer heap (entries `(due, ..., lead id at [4], ...)`), visiting only entries due by `until`."""
    if hasattr(engine, "pop_changed"):
        return []
    heap = getattr(engine, "heap", None)
    if not heap:
        return []
    found, stack = [], [0]
    while stack:
        i = stack.pop()
        if i < len(heap) and heap[i][0] <= until:
            found.append(heap[i][4])
            stack += (2 * i + 1, 2 * i + 2)
    return found


def _rejected_ids(rejected: list[Rejected]) -> set[str]:
    """Lead ids whose row was refused (so their events can say so)."""
    return {r.lead for r in rejected if r.kind == "lead" and r.lead is not None}


def action_line(action: Action) -> str:
    """The JSON line of an action, as written to the outbox and the actions file."""
    return json.dumps(action.to_dict(), ensure_ascii=False)
