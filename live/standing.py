"""A lead's standing under each rule file: the engine's `view` per program, and the rows of the
database's `standing` table (for people and CRMs reading it with SQL)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Engine, LeadView


def program_views(
    engine: Engine, programs: list[Program], lead_id: str, at: float
) -> list[LeadView]:
    """The lead's `LeadView` under each program, in the order the programs were given."""
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
