"""Batch scoring: a CRM export through the engine in memory, each lead's standing at one instant.

The same walk as the live runner (`runner_plan`: leads at their `created_at` or first event, events
in time order, timers run between them), with no database and no trail, up to `at`; events after
`at` are not applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dsl.errors import InternalError
from live.inputs import EventRow, LeadRow
from live.plan import make_plan

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Engine


@dataclass
class ScoreResult:
    at: float
    rows: list[dict[str, object]]
    after_at: int  # events later than `at`, not applied
    not_yet: int = 0  # leads created after `at`: no row


def latest_time(leads: list[LeadRow], events: list[EventRow]) -> float | None:
    times = [e.at for e in events] + [lead.created_at for lead in leads if lead.created_at]
    return max(times) if times else None


def score_leads(
    program: Program, leads: list[LeadRow], events: list[EventRow], at: float, seed: int = 0
) -> ScoreResult:
    from engine import Engine, Event, Lead

    engine = Engine([program], seed=seed, trace=False)
    plan = make_plan(leads, events, None, at)
    for item in plan.items:
        _advance(engine, item.time, inclusive=False)
        if item.lead is not None:
            row = item.lead
            engine.add_lead(Lead(row.id, row.created_at, dict(row.attrs)), item.time)
        elif item.event is not None:
            e = item.event
            engine.ingest(Event(e.id, e.lead, e.type, e.at, dict(e.props)), item.time)
    _advance(engine, at, inclusive=True)
    added = {item.lead.id for item in plan.items if item.lead is not None}
    rows = [standing(program, engine, lead.id, at) for lead in leads if lead.id in added]
    return ScoreResult(at, rows, plan.after_until, len(leads) - len(rows))


def _advance(engine: Engine, until: float, inclusive: bool) -> None:
    while True:
        due = engine.next_due()
        if due is None or due > until or (due == until and not inclusive):
            return
        engine.advance(due)
        after = engine.next_due()
        if after is not None and after <= due:
            raise InternalError(f"engine did not move past its timer at {due}")


def standing(program: Program, engine: Engine, lead_id: str, at: float) -> dict[str, object]:
    """One output row: id, each score block, score, stage, segments, flags, times (raw values)."""
    view = program_views(engine, [program], lead_id, at)[0]
    row: dict[str, object] = {"id": lead_id}
    for block in program.scores:
        row[block.name] = view.scores.get(block.name, 0.0)
    row.update(
        score=view.score,
        stage=view.stage,
        segments=list(view.segments),
        mql=view.mql,
        sql=view.sql,
        customer=view.customer,
        mql_at=view.mql_at,
        sql_at=view.sql_at,
        unsubscribed=view.unsubscribed,
        sunset=view.sunset,
    )
    return row


def program_views(engine: Engine, programs: list[Program], lead_id: str, at: float) -> list[Any]:
    """The lead's `LeadView` under each program, in the order the programs were given."""
    if len(programs) == 1:
        view = engine.view(lead_id, at)
        return list(view) if isinstance(view, (list, tuple)) else [view]
    return [engine.view(lead_id, at, program=index) for index in range(len(programs))]


def standing_rows(
    engine: Engine, programs: list[Program], lead_id: str, at: float
) -> list[tuple[Any, ...]]:
    """Rows of the `standing` table: the lead under each program at `at` (scores to 4 places)."""
    rows = []
    for program, view in zip(programs, program_views(engine, programs, lead_id, at), strict=True):
        scores = {name: round(value, 4) for name, value in view.scores.items()}
        rows.append(
            (
                lead_id,
                program.path,
                at,
                round(view.score, 4),
                view.stage,
                json.dumps(scores, ensure_ascii=False),
                ";".join(view.segments),
                int(view.mql),
                int(view.sql),
                int(view.customer),
                int(view.unsubscribed),
                int(view.sunset),
                view.mql_at,
                view.sql_at,
            )
        )
    return rows
