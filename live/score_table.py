"""The table `nurture score` writes: one row per lead (input order): `id`, each score block,
`score`, `stage`, `segments` (file order, joined by `;`), `mql`, `sql`, `customer`, `mql_at`,
`sql_at`, `unsubscribed`, `sunset`. Scores are rounded to 2 decimals, flags are `true`/`false`,
times `YYYY-MM-DDTHH:MM:SSZ` (empty when never). CSV, or JSON Lines (numbers, JSON booleans,
null)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from engine import format_time

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import LeadView


def columns(program: Program) -> list[str]:
    return [
        "id",
        *(b.name for b in program.scores),
        "score",
        "stage",
        "segments",
        "mql",
        "sql",
        "customer",
        "mql_at",
        "sql_at",
        "unsubscribed",
        "sunset",
    ]


def score_table(program: Program, rows: list[LeadView], jsonl: bool = False) -> str:
    """The rows as CSV (with a header line), or as JSON Lines."""
    names = columns(program)
    cells = [_cells(program, view, jsonl) for view in rows]
    if jsonl:
        return "".join(
            json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n"
            for row in cells
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(cells)
    return out.getvalue()


def _cells(program: Program, view: LeadView, jsonl: bool) -> list[object]:
    """One row's values in column order."""
    blank = None if jsonl else ""
    values: list[object] = [view.lead]
    values += [_cell(view.scores.get(b.name, 0.0), jsonl) for b in program.scores]
    values += [_cell(view.score, jsonl), view.stage, ";".join(view.segments)]
    values += [_cell(view.mql, jsonl), _cell(view.sql, jsonl), _cell(view.customer, jsonl)]
    values += [blank if t is None else format_time(t) for t in (view.mql_at, view.sql_at)]
    values += [_cell(view.unsubscribed, jsonl), _cell(view.sunset, jsonl)]
    return values


def _cell(value: object, jsonl: bool) -> object:
    if isinstance(value, bool):
        return value if jsonl else ("true" if value else "false")
    if isinstance(value, float):
        rounded = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
        return rounded if jsonl else f"{rounded:.2f}"
    return value
