"""The live runner: real leads and events through the engine, state and outbox in SQLite.

One run: check the seed and the rule files against the database, restore every lead's engine
state from the last checkpoint and replay what an interrupted run did after it (`walk`),
read and check the input (bad rows go to the dead-letter table), drop events already accepted,
apply changed lead rows at the clock, then walk the timeline (`plan`): before each item,
every timer due strictly earlier runs; at the end, every timer due up to `--until`. Work is
committed in batches (journal, accepted events, lead rows, actions, clock in one transaction) and
lead states at checkpoints. After each commit the actions file catches up with the outbox
(`actions`). A run killed at any point and started again loses no accepted event and
writes no action twice.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from dsl.collector import collector_paused, settle_collector
from live.actions import ActionsFile, EchoActions
from live.inputs import (
    EventRow,
    LeadRow,
    Rejected,
    Schema,
    format_time,
    read_events,
    read_leads,
)
from live.meta import RunError, refuse_changes, rule_hashes, rules_changes, settle_seed
from live.plan import make_plan
from live.store import Store
from live.walk import Walker

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Engine

__all__ = ["RunError", "RunOptions", "RunReport", "migrate", "run_live"]


@dataclass
class RunOptions:
    rule_files: list[str]
    programs: list[Program]
    leads_path: str | None  # None: no lead rows this run
    events_path: str | None
    db_path: str
    until: float | None = None
    actions_path: str | None = None
    seed: int | None = None
    migrate: bool = False
    batch_size: int = 20_000
    checkpoint_every: int = 500_000  # engine calls between two checkpoints of the lead states


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
    """Run once. A mistake in the input raises a NurtureError (RunError, InputError, StoreError);
    a journal whose replay does not give back the outbox, ReplayMismatch (an InternalError).
    Actions go to `options.actions_path`, else this run's are written to `stdout`."""
    store = Store(options.db_path)
    try:
        # The collector is paused for the run (dsl/collector.py), and what is alive is moved out
        # of its sight after reading the input and after each commit (`settle_collector`),
        # collecting first at a checkpoint (and after the input) so cycles made since are freed.
        # The engine makes no cycles (a 400k-event run collects 0 objects), so one made in a
        # batch without a checkpoint only waits for the end of the run.
        with collector_paused():
            return _Run(options, store, stdout).execute()
    finally:
        store.close()


def migrate(
    rule_files: list[str],
    programs: list[Program],
    db_path: str,
    stdout: TextIO,
    actions_path: str | None = None,
) -> RunReport:
    """Carries a live database over to changed rule files with no new input: a run of no lead
    rows and no events with `migrate` (enrolments kept by sequence name and step position, else
    an exit with reason `rules changed`; every lead evaluated at the clock under the new rules).
    `report.migrated` lists what changed (empty: nothing to migrate)."""
    options = RunOptions(
        rule_files=rule_files,
        programs=programs,
        leads_path=None,
        events_path=None,
        db_path=db_path,
        actions_path=actions_path,
        migrate=True,
    )
    return run_live(options, stdout)


class _Run:
    def __init__(self, options: RunOptions, store: Store, stdout: TextIO) -> None:
        self.options = options
        self.store = store
        self.stdout = stdout
        self.report = RunReport()
        self.engine: Engine
        self.walker: Walker
        self.clock: float | None = store.clock()

    def execute(self) -> RunReport:
        from engine import Engine

        seed = settle_seed(self.store, self.options.seed)
        hashes = rule_hashes(self.options.rule_files, self.options.programs)
        changes = rules_changes(self.store, hashes)
        if changes and not self.options.migrate:
            refuse_changes(self.store, changes)
        self.engine = Engine(self.options.programs, seed=seed, trace=True, track_changes=True)
        self.walker = Walker(
            self.engine,
            self.store,
            self.options.batch_size,
            self.options.checkpoint_every,
            self.options.programs,
        )
        self.walker.after_commit = settle_collector
        tail = self.walker.journal_tail()
        if tail and changes:
            raise RunError(
                f"the last run on {self.store.path} was interrupted: finish it first with the "
                "rule files it ran (run the same command again), then change the rules"
            )
        stored_leads = self.store.leads()
        self._restore(changes)
        self.walker.replay(tail)
        leads, events = self._read_input(stored_leads)
        settle_collector()
        self._check_until()
        self.walker.sink = self._open_sink()
        meta: dict[str, object] = {
            "seed": str(seed),
            "rules": hashes,
            "layout": self.engine.layout(),
        }
        self._update_leads(leads, stored_leads)
        new_leads = [lead for lead in leads if lead.id not in stored_leads]
        self._walk(new_leads, events, meta, checkpoint=bool(changes))
        self.walker.sink.close()
        self.report.clock = self.walker.clock
        self.report.actions = self.walker.actions
        return self.report

    # ------------------------------------------------------------ setup

    def _restore(self, changes: list[str]) -> None:
        """Every lead from the last checkpoint; under changed rules, migrated to them (the
        engine's `migrate`: enrolments kept by sequence name and step position, else an exit
        with reason `rules changed`; then each lead evaluated at the clock under the new rules)."""
        if not changes:  # the trail stays in the database: the run only appends to it
            for state in self.store.states(trail=False):
                self.engine.restore(state)
            self.walker.trail_base = dict(self.walker.trail_len)
            return
        self.report.migrated = changes
        old = json.loads(self.store.get("layout") or "[]")
        clock = self.clock if self.clock is not None else 0.0
        walker = self.walker
        for state in self.store.states():
            walker.collect(self.engine.migrate(state, old, clock))
            walker.touched.add(str(state["id"]))

    def _read_input(
        self, stored: dict[str, tuple[float | None, dict[str, object]]]
    ) -> tuple[list[LeadRow], list[EventRow]]:
        schema = Schema.from_programs(self.options.programs)
        leads: list[LeadRow] = []
        rejected: list[Rejected] = []
        if self.options.leads_path is not None:
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
        ids = [e.id for e in events]
        seen = self.store.known_event_ids(ids) if self.store.has_events() else set()
        if not seen and len(set(ids)) == len(ids):
            return events  # the usual case: all new, none repeated
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
        """Lead rows supplied again: new attributes apply at the run's start (the DB clock).

        A column the row has replaces the stored value (an empty cell clears it); an attribute
        the file has no column for keeps its stored value, so a file of a few columns updates
        just those."""
        for lead in leads:
            if lead.id not in stored:
                continue
            old = stored[lead.id][1]
            attrs = {k: v for k, v in old.items() if k not in lead.columns}
            attrs.update(lead.attrs)
            if attrs == old:
                continue
            now = self.clock if self.clock is not None else (lead.created_at or 0.0)
            self.walker.update_lead(lead.id, attrs, stored[lead.id][0], now)
            self.report.leads_updated += 1

    # ------------------------------------------------------------ the walk

    def _walk(
        self,
        new_leads: list[LeadRow],
        events: list[EventRow],
        meta: dict[str, object],
        checkpoint: bool,
    ) -> None:
        until = self.options.until
        if (
            until is None
            and self.clock is None
            and new_leads
            and not events
            and not any(lead.created_at is not None for lead in new_leads)
        ):  # new leads, and nothing in the input says what time it is: now
            until = float(int(time.time()))
        plan = make_plan(new_leads, events, self.clock, until)
        self.report.after_until = plan.after_until
        self.report.events_late = plan.late
        walker = self.walker
        walker.commit(meta, checkpoint=checkpoint)  # with the seed and the rules' hashes
        batch_size, report = walker.batch_size, self.report
        for item in plan.items:
            if item.event is not None:
                walker.ingest(item.event, item.time, item.late)
                report.events_accepted += 1
            elif item.lead is not None:
                walker.add_lead(item.lead, item.time)
                report.leads_new += 1
            if walker.calls >= batch_size:
                walker.maybe_commit()
        if plan.until is not None:
            walker.run_until(plan.until)
        walker.commit(checkpoint=True)


def _rejected_ids(rejected: list[Rejected]) -> set[str]:
    """Lead ids whose row was refused (so their events can say so)."""
    return {r.lead for r in rejected if r.kind == "lead" and r.lead is not None}
