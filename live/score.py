"""Batch scoring (`nurture score`): a CRM export through the engine in memory, each lead's
standing at one instant.

The same walk as the live runner (`plan`: leads at their `created_at` or first event, events in
time order, timers run between them), with no database and no trail, up to `at`; events after
`at` are not applied. The input is never held: rows are ordered on disk (`live.timeline`), and
since a lead's course depends on nothing of another's but the time (DSL.md: limits, holdouts and
split arms are per lead), leads are walked in groups of `GROUP` (input order), each on an engine
of its own that is dropped once its rows are written: the engine's memory does not grow with the
leads. An event id seen before in the input is applied once (its first row); given again for
another event, the row is rejected (`live.reuse`), as in `nurture run`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.errors import InternalError
from live.columns import check_absent, check_columns
from live.inputs import EventFile, EventRow, LeadFile, LeadRow, Rejected, Schema
from live.plan import make_plan
from live.timeline import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from dsl.ir import Program
    from engine import Engine, LeadView
    from live.mapping import Mapping

GROUP = 20_000  # leads walked on one engine (leads do not act on one another: DSL.md)


@dataclass
class ScoreResult:
    at: float  # the instant scored
    rows: list[LeadView]  # one per lead scored, in input order (empty when given to `emit`)
    after_at: int  # events later than `at`, not applied
    not_yet: int = 0  # leads created after `at`: no row
    rejected: list[Rejected] = field(default_factory=list)  # input rows left out, with why
    notes: list[str] = field(default_factory=list)  # said once: a mapping's unused columns
    scored: int = 0  # rows made


def score(
    program: Program,
    leads_path: str,
    events_path: str | None = None,
    at: float | None = None,
    seed: int = 0,
    mapping: Mapping | None = None,
    absent: tuple[str, ...] = (),
    emit: Callable[[LeadView], None] | None = None,
    group: int = GROUP,
) -> ScoreResult:
    """Reads the leads (CSV or JSON Lines; with `mapping`, a CRM export read through it) and
    events (JSON Lines) and scores every lead at `at` (default: the latest time in the input,
    else now). Rows that cannot be used are left out and listed in the result; a file that
    cannot be read, or a leads file without a column for an attribute of the `lead:` block not
    named in `absent` (`live.columns`), raises `live.inputs.InputError`, a mapping that cannot
    be used `live.mapping.MappingError`. With `emit`, each lead's row is given to it as soon as
    it is known (input order) instead of kept in `rows`."""
    schema = Schema.from_programs([program])
    check_absent(schema, absent)
    with Timeline(None, stream=False) as timeline:  # read back a group at a time: sorted
        rejected, notes = _read(timeline, schema, leads_path, events_path, mapping, absent)
        if at is None:
            at = timeline.latest()
        if at is None:
            at = float(int(time.time()))  # nothing in the input says what time it is
        result = _walk(program, timeline, at, seed, emit, group)
    result.rejected = rejected
    result.notes = notes
    return result


def _read(
    timeline: Timeline,
    schema: Schema,
    leads_path: str,
    events_path: str | None,
    mapping: Mapping | None,
    absent: tuple[str, ...],
) -> tuple[list[Rejected], list[str]]:
    """Every lead into `timeline`, then the file's events, each id once, then a mapping's
    events whose id no earlier event has; the rows left out and the notes."""
    mapped: list[EventRow] = []
    notes: list[str] = []
    rejected: list[Rejected] = []
    created: dict[str, float | None] = {}
    if mapping is not None:
        from live.mapping_rows import read_export

        export = read_export(mapping, leads_path, schema)
        rows: Iterable[LeadRow | Rejected] = [*export.rejected, *export.leads]
        mapped, notes = export.events, export.notes
    else:
        rows = LeadFile(
            leads_path, schema, lambda path, columns: check_columns(path, columns, schema, absent)
        )
    timeline.add_leads(_leads(rows, rejected, created))
    if events_path is not None:
        refused = {r.lead for r in rejected if r.lead and r.lead not in created}
        bad: list[Rejected] = []
        timeline.add_events(_events(EventFile(events_path, schema, created, refused, created), bad))
        del created, refused
        _, reused = timeline.drop_reused(events_path)
        rejected += sorted(bad + reused, key=lambda row: row.line)
    if mapped:
        timeline.add_events(mapped, mapped=True)  # a mapping's events, after the file's
        timeline.drop_mapped_repeats()
    return rejected, notes


def _leads(
    rows: Iterable[LeadRow | Rejected], rejected: list[Rejected], created: dict[str, float | None]
) -> Iterator[LeadRow]:
    for row in rows:
        if isinstance(row, Rejected):
            rejected.append(row)
        else:
            created[row.id] = row.created_at
            yield row


def _events(rows: Iterable[EventRow | Rejected], bad: list[Rejected]) -> Iterator[EventRow]:
    for row in rows:
        if isinstance(row, Rejected):
            bad.append(row)
        else:
            yield row


def _walk(
    program: Program,
    timeline: Timeline,
    at: float,
    seed: int,
    emit: Callable[[LeadView], None] | None,
    group: int,
) -> ScoreResult:
    """The plan to `at`, a group of leads at a time, each group on an engine of its own."""
    from engine import Engine, Event, Lead

    plan = timeline.plan(at)
    result = ScoreResult(at, [], plan.after_until)
    out = result.rows.append if emit is None else emit
    engine: Engine | None = None
    current = -1
    added: list[tuple[int, str]] = []  # (input place, id) of the group's leads walked
    for g, item in timeline.items(group):
        if g != current:
            if engine is not None:
                result.scored += _views(engine, added, at, out)
            engine, current, added = Engine([program], seed=seed, trace=False), g, []
        assert engine is not None
        advance(engine, item.time, inclusive=False)
        if item.lead is not None:
            row = item.lead
            engine.add_lead(Lead(row.id, row.created_at, dict(row.attrs)), item.time)
            added.append((item.index, row.id))
        elif item.event is not None:
            e = item.event
            engine.ingest(Event(e.id, e.lead, e.type, e.at, dict(e.props)), item.time)
    if engine is not None:
        result.scored += _views(engine, added, at, out)
    result.not_yet = timeline.leads - result.scored
    return result


def _views(
    engine: Engine, added: list[tuple[int, str]], at: float, out: Callable[[LeadView], None]
) -> int:
    """The group's leads at `at` (its timers run to `at` first), in input order."""
    advance(engine, at, inclusive=True)
    added.sort()
    for _, lead_id in added:
        out(engine.view(lead_id, at))
    return len(added)


def score_leads(
    program: Program, leads: list[LeadRow], events: list[EventRow], at: float, seed: int = 0
) -> ScoreResult:
    """Every lead's standing at `at`, from rows already read, all in memory on one engine: the
    reference the streamed walk of `score` is tested against."""
    from engine import Engine, Event, Lead

    engine = Engine([program], seed=seed, trace=False)
    plan = make_plan(leads, events, None, at)
    for item in plan.items:
        advance(engine, item.time, inclusive=False)
        if item.lead is not None:
            row = item.lead
            engine.add_lead(Lead(row.id, row.created_at, dict(row.attrs)), item.time)
        elif item.event is not None:
            e = item.event
            engine.ingest(Event(e.id, e.lead, e.type, e.at, dict(e.props)), item.time)
    advance(engine, at, inclusive=True)
    added = {item.lead.id for item in plan.items if item.lead is not None}
    rows = [engine.view(lead.id, at) for lead in leads if lead.id in added]
    return ScoreResult(at, rows, plan.after_until, len(leads) - len(rows), scored=len(rows))


def advance(engine: Engine, until: float, inclusive: bool) -> None:
    """Every timer due before `until` (and at it, when `inclusive`)."""
    while True:
        due = engine.next_due()
        if due is None or due > until or (due == until and not inclusive):
            return
        engine.advance(due)
        after = engine.next_due()
        if after is not None and after <= due:
            raise InternalError(f"engine did not move past its timer at {due}")
