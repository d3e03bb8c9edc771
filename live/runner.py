"""The live runner: real leads and events through the engine, state and outbox in SQLite.

One run: check the seed and the rule files against the database, restore every lead's engine
state from the last checkpoint and replay what an interrupted run did after it (`walk`),
read and check the input a row at a time (bad rows go to the dead-letter table; new leads and
events to the timeline, `timeline`: sorted on disk, or events in time order kept as read), drop
events already accepted, apply changed lead rows at
the clock, then walk the timeline (in `plan`'s order): before each item,
every timer due strictly earlier runs; at the end, every timer due up to `--until`. Work is
committed in batches (journal, accepted events, lead rows, actions, clock in one transaction) and
lead states at checkpoints. After each commit the actions file catches up with the outbox
(`actions`). A run killed at any point and started again loses no accepted event and
writes no action twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from dsl.collector import collector_paused, settle_collector
from live.actions import ActionsFile, EchoActions
from live.columns import check_absent, check_columns
from live.dberrors import restore_state, translate
from live.inputs import EventFile, EventRow, LeadFile, LeadRow, Rejected, Schema, format_time
from live.meta import RunError, refuse_changes, rule_hashes, rules_changes, settle_seed
from live.store import Store
from live.timeline import Timeline
from live.walk import Walker

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from dsl.ir import Program
    from engine import Engine
    from live.mapping import Mapping

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
    mapping: Mapping | None = None  # leads_path is a CRM export read through it (`--map`)
    actions_csv: str | None = None  # also this run's actions as CSV for a CRM import
    wait: bool = False  # another run holds the database: wait for it (else refuse at once)
    on_wait: Callable[[], None] | None = None  # called once when the run starts waiting
    absent: tuple[str, ...] = ()  # lead: attributes the leads file leaves out on purpose


@dataclass
class RunReport:
    leads_new: int = 0
    leads_updated: int = 0
    events_accepted: int = 0
    events_late: int = 0
    duplicates: int = 0
    after_until: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rejected_new: int = 0  # of those, the rows new to the dead-letter table (others: seen before)
    actions: int = 0  # new this run
    outbox: int = 0  # every action of the database (what an actions file holds)
    clock: float | None = None
    migrated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once: a mapping's unused columns


def run_live(options: RunOptions, stdout: TextIO) -> RunReport:
    """Run once. A mistake in the input raises a NurtureError (RunError, InputError, StoreError:
    a database locked, damaged or not writable); a journal whose replay does not give back the
    outbox, ReplayMismatch (an InternalError). Actions go to `options.actions_path`, else this
    run's are written to `stdout`. A run that fails before it commits anything of its walk
    leaves no database behind when it made a new one; no run leaves the lock file."""
    store = Store(options.db_path, wait=options.wait, on_wait=options.on_wait)
    run = None
    try:
        first = store.last_seq()
        # The collector is paused for the run (dsl/collector.py), and what is alive is moved out
        # of its sight after reading the input and after each commit (`settle_collector`),
        # collecting first at a checkpoint (and after the input) so cycles made since are freed.
        # The engine makes no cycles (a 400k-event run collects 0 objects), so one made in a
        # batch without a checkpoint only waits for the end of the run.
        with collector_paused():
            run = _Run(options, store, stdout)
            try:
                report = run.execute()
            finally:
                run.close()
        if options.actions_csv is not None:
            from live.actions_csv import write_actions_csv

            write_actions_csv(store, options.actions_csv, first, options.mapping)
        return report
    except BaseException as err:
        if run is None or not run.walked:
            store.remove_created()
        mapped = translate(err, options.db_path) if isinstance(err, Exception) else None
        if mapped is not None and mapped is not err:
            raise mapped from None
        raise
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
        self.walked = False  # whether a batch of the walk was committed
        self.timeline = Timeline(self.clock, near=options.db_path)  # new leads and events
        # stored leads given again with other attributes: (id, attrs, stored and given created_at)
        self.updates: list[tuple[str, dict[str, object], float | None, float | None]] = []

    def close(self) -> None:
        self.timeline.close()

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
        self._read_input(stored_leads)
        del stored_leads
        settle_collector()
        self._check_until()
        self.walker.sink = self._open_sink()
        meta: dict[str, object] = {
            "seed": str(seed),
            "rules": hashes,
            "layout": self.engine.layout(),
        }
        self._update_leads()
        self._walk(meta, checkpoint=bool(changes))
        self.walker.sink.close()
        self.report.clock = self.walker.clock
        self.report.actions = self.walker.actions
        self.report.outbox = self.store.count("outbox")
        return self.report

    # ------------------------------------------------------------ setup

    def _restore(self, changes: list[str]) -> None:
        """Every lead from the last checkpoint; under changed rules, migrated to them (the
        engine's `migrate`: enrolments kept by sequence name and step position, else an exit
        with reason `rules changed`; then each lead evaluated at the clock under the new rules)."""
        if not changes:  # the trail stays in the database: the run only appends to it
            for state in self.store.states(trail=False):
                restore_state(self.engine, state, self.store.path)
            self.walker.trail_base = dict(self.walker.trail_len)
            return
        self.report.migrated = changes
        old = json.loads(self.store.get("layout") or "[]")
        clock = self.clock if self.clock is not None else 0.0
        walker = self.walker
        for state in self.store.states():
            walker.collect(self.engine.migrate(state, old, clock))
            walker.touched.add(str(state["id"]))

    def _read_input(self, stored: dict[str, tuple[float | None, dict[str, object]]]) -> None:
        """The input, read and checked a row at a time: new leads and events to the timeline
        (sorted on disk), changed attributes of stored leads to `updates`, rejected rows to the
        dead-letter table."""
        schema = Schema.from_programs(self.options.programs)
        absent = self.options.absent
        check_absent(schema, absent)
        rows: Iterable[LeadRow | Rejected] = ()
        rejected: list[Rejected] = []
        mapped: list[EventRow] = []
        if self.options.leads_path is not None and self.options.mapping is not None:
            from live.mapping_rows import read_export

            export = read_export(self.options.mapping, self.options.leads_path, schema)
            rows, mapped = [*export.rejected, *export.leads], export.events
            self.report.notes += export.notes
        elif self.options.leads_path is not None:
            rows = LeadFile(
                self.options.leads_path,
                schema,
                lambda path, columns: check_columns(path, columns, schema, absent),
            )
        created = {lead_id: row[0] for lead_id, row in stored.items()}
        self.timeline.add_leads(self._new_leads(rows, stored, created, rejected))
        refused = {r_id for r_id in _rejected_ids(rejected) if r_id not in created}
        path = self.options.events_path
        if path is not None:
            bad: list[Rejected] = []
            events = EventFile(path, schema, created, refused, created)
            self.timeline.add_events(_accepted(events, bad))
            has = self.store.has_events()
            duplicates, reused = self.timeline.drop_reused(
                path, self.store.events_by_id if has else None
            )
            self.report.duplicates += duplicates
            rejected += sorted(bad + reused, key=lambda row: row.line)
        del created, refused
        # the events a mapping reads from the lead rows, after the file's
        self.timeline.add_events(mapped, mapped=True)
        self.report.rejected = rejected
        dead = [(r.source, r.line, r.kind, r.reason, r.raw) for r in rejected]
        if dead:
            self.report.rejected_new = self.store.add_dead_letters(dead, time.time())

    def _new_leads(
        self,
        rows: Iterable[LeadRow | Rejected],
        stored: dict[str, tuple[float | None, dict[str, object]]],
        created: dict[str, float | None],
        rejected: list[Rejected],
    ) -> Iterator[LeadRow]:
        """The new leads of `rows`; a stored lead's row supplied again becomes an update when it
        changes an attribute: a column the row has replaces the stored value (an empty cell
        clears it); an attribute the file has no column for keeps its stored value, so a file of
        a few columns updates just those."""
        for lead in rows:
            if isinstance(lead, Rejected):
                rejected.append(lead)
                continue
            created[lead.id] = lead.created_at
            if lead.id not in stored:
                yield lead
                continue
            born, old = stored[lead.id]
            attrs = {k: v for k, v in old.items() if k not in lead.columns}
            attrs.update(lead.attrs)
            if attrs != old:
                self.updates.append((lead.id, attrs, born, lead.created_at))

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

    def _update_leads(self) -> None:
        """Lead rows supplied again with changed attributes: applied at the run's start (the DB
        clock), in input order."""
        for lead_id, attrs, born, given in self.updates:
            now = self.clock if self.clock is not None else (given or 0.0)
            self.walker.update_lead(lead_id, attrs, born, now)
            self.report.leads_updated += 1
        self.updates = []

    # ------------------------------------------------------------ the walk

    def _walk(self, meta: dict[str, object], checkpoint: bool) -> None:
        until = self.options.until
        timeline = self.timeline
        if (
            until is None
            and self.clock is None
            and timeline.leads
            and not timeline.n_events
            and not timeline.has_created()
        ):  # new leads, and nothing in the input says what time it is: now
            until = float(int(time.time()))
        plan = timeline.plan(until)
        self.report.after_until = plan.after_until
        self.report.events_late = plan.late
        walker = self.walker
        walker.commit(meta, checkpoint=checkpoint)  # with the seed and the rules' hashes
        self.walked = True
        batch_size, report = walker.batch_size, self.report
        for _, item in timeline.items():
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


def _accepted(rows: Iterable[EventRow | Rejected], bad: list[Rejected]) -> Iterator[EventRow]:
    """The event rows; the rejected ones to `bad`."""
    for row in rows:
        if isinstance(row, Rejected):
            bad.append(row)
        else:
            yield row
