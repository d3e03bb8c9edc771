"""Batch scoring (`nurture score`): a CRM export through the engine in memory, each lead's
standing at one instant.

The same walk as the live runner (`plan`: leads at their `created_at` or first event, events in
time order, timers run between them), with no database and no trail, up to `at`; events after
`at` are not applied. An event id seen before in the input is applied once (its first row); given
again for another event, the row is rejected (`live.reuse`), as in `nurture run`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.errors import InternalError
from live.columns import check_absent, check_columns
from live.inputs import EventRow, LeadRow, Rejected, Schema, read_events, read_leads
from live.plan import make_plan
from live.reuse import split_reused

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Engine, LeadView
    from live.mapping import Mapping


@dataclass
class ScoreResult:
    at: float  # the instant scored
    rows: list[LeadView]  # one per lead scored, in input order
    after_at: int  # events later than `at`, not applied
    not_yet: int = 0  # leads created after `at`: no row
    rejected: list[Rejected] = field(default_factory=list)  # input rows left out, with why
    notes: list[str] = field(default_factory=list)  # said once: a mapping's unused columns


def score(
    program: Program,
    leads_path: str,
    events_path: str | None = None,
    at: float | None = None,
    seed: int = 0,
    mapping: Mapping | None = None,
    absent: tuple[str, ...] = (),
) -> ScoreResult:
    """Reads the leads (CSV or JSON Lines; with `mapping`, a CRM export read through it) and
    events (JSON Lines) and scores every lead at `at` (default: the latest time in the input,
    else now). Rows that cannot be used are left out and listed in the result; a file that
    cannot be read, or a leads file without a column for an attribute of the `lead:` block not
    named in `absent` (`live.columns`), raises `live.inputs.InputError`, a mapping that cannot
    be used `live.mapping.MappingError`."""
    schema = Schema.from_programs([program])
    check_absent(schema, absent)
    mapped: list[EventRow] = []
    notes: list[str] = []
    if mapping is not None:
        from live.mapping_rows import read_export

        export = read_export(mapping, leads_path, schema)
        leads, rejected, mapped, notes = export.leads, export.rejected, export.events, export.notes
    else:
        leads, rejected = read_leads(
            leads_path, schema, lambda path, columns: check_columns(path, columns, schema, absent)
        )
    events: list[EventRow] = []
    if events_path is not None:
        created = {lead.id: lead.created_at for lead in leads}
        refused = {r.lead for r in rejected if r.lead and r.lead not in created}
        events, bad = read_events(events_path, schema, created, refused, created)
        split = split_reused(events_path, events, {})
        events = split.fresh
        rejected += sorted(bad + split.rejected, key=lambda row: row.line)
    events = unique_events(events + mapped)  # a mapping's events, after the file's
    if at is None:
        at = latest_time(leads, events)
    if at is None:
        at = float(int(time.time()))  # nothing in the input says what time it is
    result = score_leads(program, leads, events, at, seed=seed)
    result.rejected = rejected
    result.notes = notes
    return result


def unique_events(events: list[EventRow]) -> list[EventRow]:
    """The events, each id once (its first row)."""
    seen: set[str] = set()
    out = []
    for event in events:
        if event.id not in seen:
            seen.add(event.id)
            out.append(event)
    return out


def latest_time(leads: list[LeadRow], events: list[EventRow]) -> float | None:
    times = [e.at for e in events] + [lead.created_at for lead in leads if lead.created_at]
    return max(times) if times else None


def score_leads(
    program: Program, leads: list[LeadRow], events: list[EventRow], at: float, seed: int = 0
) -> ScoreResult:
    """Every lead's standing at `at`, from rows already read."""
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
    return ScoreResult(at, rows, plan.after_until, len(leads) - len(rows))


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
