"""`nurture score FILE --leads L [--events E] [--at T] [--seed X] [-o OUT]`: batch scoring.

One row per lead (input order): `id`, each score block, `score`, `stage`, `segments` (file order,
joined by `;`), `mql`, `sql`, `customer`, `mql_at`, `sql_at`, `unsubscribed`, `sunset`. Scores are
rounded to 2 decimals, flags are `true`/`false`, times `YYYY-MM-DDTHH:MM:SSZ` (empty when never).
CSV, or JSON Lines (numbers, JSON booleans, null) when OUT ends in `.jsonl`; stdout without `-o`.

Rows that cannot be used are printed on stderr with their file and line and left out; the others
are still scored and written, and the exit code is then 1 (there is no dead-letter table here, so
the exit code is what tells a script that the output is missing leads). The scoring and the
table are `live.score` and `live.score_table`; this module parses, calls them and writes.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option, nonnegative_int, time_arg
from cli.loading import load_programs

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
    from engine import format_time
    from live import score, score_table

    programs = load_programs([args.file], args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    program = programs[0]
    # a file that cannot be read: InputError, printed by cli/main.py
    result = score(program, args.leads, args.events or None, at=args.at, seed=args.seed)
    jsonl = args.output is not None and args.output.lower().endswith(".jsonl")
    try:
        _write(score_table(program, result.rows, jsonl=jsonl), args.output)
    except OSError as err:
        print(f"nurture score: cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return exitcodes.USER_ERROR
    at = format_time(result.at)
    print(f"nurture score: {len(result.rows)} leads scored at {at}", file=sys.stderr)
    if result.after_at:
        print(f"  {result.after_at} events after {at} not applied", file=sys.stderr)
    if result.not_yet:
        print(f"  {result.not_yet} leads created after {at} left out", file=sys.stderr)
    return _report_rejected(result.rejected)


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


def _write(text: str, output: str | None) -> None:
    """To stdout, or to the file through a temporary one (never half a file)."""
    if output is None:
        sys.stdout.write(text)
        return
    temp = output + ".tmp"
    with open(temp, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.replace(temp, output)
