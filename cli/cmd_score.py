"""`nurture score FILE --leads L [--events E] [--at T] [--seed X] [-o OUT]`: batch scoring.

One row per lead (input order): `id`, each score block, `score`, `stage`, `segments` (file order,
joined by `;`), `mql`, `sql`, `customer`, `mql_at`, `sql_at`, `unsubscribed`, `sunset`. Scores are
rounded to 2 decimals, flags are `true`/`false`, times `YYYY-MM-DDTHH:MM:SSZ` (empty when never).
CSV, or JSON Lines (numbers, JSON booleans, null) when OUT ends in `.jsonl`; stdout without `-o`.

Rows that cannot be used are printed on stderr with their file and line and left out; the others
are still scored and written, and the exit code is then 1 (there is no dead-letter table here, so
the exit code is what tells a script that the output is missing leads).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from cli import exitcodes
from cli.argtypes import add_set_option, nonnegative_int, time_arg
from cli.loading import load_programs

if TYPE_CHECKING:
    from dsl.ir import Program

SHOWN_REJECTIONS = 20


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        help="score a CRM export in one pass (no database)",
        description="Batch scoring: one row per lead with its scores, stage, "
        "segments and lifecycle flags at one instant.",
    )
    p.add_argument("file", metavar="FILE", help="rule file (.nurture)")
    add_set_option(p)
    p.add_argument("--leads", required=True, metavar="L", help="leads, CSV or JSON Lines")
    p.add_argument("--events", metavar="E", help="events, JSON Lines")
    p.add_argument(
        "--at",
        type=time_arg,
        metavar="T",
        help="score as of this time (default: the latest time in the input)",
    )
    p.add_argument(
        "--seed", type=nonnegative_int, default=0, metavar="X", help="random seed (default 0)"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file: CSV, or JSON Lines when it ends in .jsonl (default: stdout)",
    )


def run(args: argparse.Namespace) -> int:
    from live.inputs import Schema, format_time, read_events, read_leads
    from live.score import latest_time, score_leads

    programs = load_programs([args.file], args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    program = programs[0]
    schema = Schema.from_programs(programs)
    leads, rejected = read_leads(args.leads, schema)  # InputError: cli/main.py prints it
    events = []
    if args.events:
        known = {lead.id for lead in leads}
        refused = {r.lead for r in rejected if r.lead and r.lead not in known}
        events, bad = read_events(args.events, schema, known, refused)
        rejected += bad
    events = _unique(events)
    at = args.at if args.at is not None else latest_time(leads, events)
    if at is None:
        at = float(int(time.time()))  # nothing in the input says what time it is
    result = score_leads(program, leads, events, at, seed=args.seed)
    try:
        _write(program, result.rows, args.output)
    except OSError as err:
        print(f"nurture score: cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return exitcodes.USER_ERROR
    print(f"nurture score: {len(result.rows)} leads scored at {format_time(at)}", file=sys.stderr)
    if result.after_at:
        print(f"  {result.after_at} events after {format_time(at)} not applied", file=sys.stderr)
    if result.not_yet:
        print(f"  {result.not_yet} leads created after {format_time(at)} left out", file=sys.stderr)
    return _report_rejected(rejected)


def _unique(events: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for event in events:
        if event.id not in seen:
            seen.add(event.id)
            out.append(event)
    return out


def _report_rejected(rejected: list[Any]) -> int:
    if not rejected:
        return exitcodes.OK
    n = len(rejected)
    print(f"{n} input row{'s' if n != 1 else ''} rejected and left out:", file=sys.stderr)
    for row in rejected[:SHOWN_REJECTIONS]:
        print(f"  {row}", file=sys.stderr)
    if n > SHOWN_REJECTIONS:
        print(f"  ... and {n - SHOWN_REJECTIONS} more", file=sys.stderr)
    return exitcodes.USER_ERROR


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


def _write(program: Program, rows: list[dict[str, object]], output: str | None) -> None:
    names = columns(program)
    jsonl = output is not None and output.lower().endswith(".jsonl")
    text = _as_jsonl(names, rows) if jsonl else _as_csv(names, rows)
    if output is None:
        sys.stdout.write(text)
        return
    temp = output + ".tmp"
    with open(temp, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.replace(temp, output)


def _cell(value: object, jsonl: bool) -> object:
    if isinstance(value, bool):
        return value if jsonl else ("true" if value else "false")
    if isinstance(value, float):
        rounded = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
        return rounded if jsonl else f"{rounded:.2f}"
    return value


def _as_csv(names: list[str], rows: list[dict[str, object]]) -> str:
    from live.inputs import format_time

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = row[name]
            if name in ("mql_at", "sql_at"):
                cells.append("" if value is None else format_time(float(value)))  # type: ignore[arg-type]
            elif name == "segments":
                cells.append(";".join(value))  # type: ignore[arg-type]
            else:
                cells.append(_cell(value, False))
        writer.writerow(cells)
    return out.getvalue()


def _as_jsonl(names: list[str], rows: list[dict[str, object]]) -> str:
    from live.inputs import format_time

    lines = []
    for row in rows:
        record: dict[str, object] = {}
        for name in names:
            value = row[name]
            if name in ("mql_at", "sql_at"):
                record[name] = None if value is None else format_time(float(value))  # type: ignore[arg-type]
            elif name == "segments":
                record[name] = ";".join(value)  # type: ignore[arg-type]
            else:
                record[name] = _cell(value, True)
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)
