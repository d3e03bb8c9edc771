"""The table `nurture score` writes: one row per lead (input order): `id`, each score block,
`score`, `stage`, `segments` (file order, joined by `;`), `mql`, `sql`, `customer`, `mql_at`,
`sql_at`, `unsubscribed`, `sunset`. Scores are rounded to 2 decimals, flags are `true`/`false`,
times `YYYY-MM-DDTHH:MM:SSZ` (empty when never). CSV, or JSON Lines (numbers, JSON booleans,
null)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, TextIO

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
    out = io.StringIO()
    write = TableWriter(program, out, jsonl)
    for view in rows:
        write(view)
    write.finish()
    return out.getvalue()


class TableWriter:
    """The table written a row at a time: call it with each row, then `finish()` (the CSV
    header comes with the first row, or at the finish: nothing is written before a row is)."""

    def __init__(self, program: Program, file: TextIO, jsonl: bool = False) -> None:
        self.program = program
        self.file = file
        self.jsonl = jsonl
        self.names = columns(program)
        self.csv = None if jsonl else csv.writer(file, lineterminator="\n")
        self.started = False

    def finish(self) -> None:
        """The header, when no row has written it."""
        if not self.started:
            self.started = True
            if self.csv is not None:
                self.csv.writerow(self.names)

    def __call__(self, view: LeadView) -> None:
        if not self.started:
            self.finish()
        row = _cells(self.program, view, self.jsonl)
        if self.csv is not None:
            self.csv.writerow(row)
        else:
            line = json.dumps(dict(zip(self.names, row, strict=True)), ensure_ascii=False)
            self.file.write(line + "\n")


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
