"""`nurture score FILE --leads L [--events E] [--at T] [--seed X] [-o OUT]`: batch scoring.

One row per lead (input order): `id`, each score block, `score`, `stage`, `segments` (file order,
joined by `;`), `mql`, `sql`, `customer`, `mql_at`, `sql_at`, `unsubscribed`, `sunset`. Scores are
rounded to 2 decimals, flags are `true`/`false`, times `YYYY-MM-DDTHH:MM:SSZ` (empty when never).
CSV, or JSON Lines (numbers, JSON booleans, null) when OUT ends in `.jsonl`; stdout without `-o`.

Rows that cannot be used are treated as `nurture run` treats them: counted and listed on stderr
with their file and line, left out, and the others still scored and written; the exit code stays 0
unless `--strict` is given (then 1 when any row was rejected). A leads file without a column for
an attribute of the `lead:` block is an error (exit 1) unless `--absent NAME` says it is left out on
purpose. The scoring and the table are `live.score` and `live.score_table`; this module parses,
calls them and writes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any, TextIO

from cli import exitcodes
from cli.argtypes import add_input_options, add_set_option, nonnegative_int, time_arg
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
    add_input_options(p)
    p.add_argument(
        "--map",
        metavar="M",
        help="a CRM mapping (TOML): --leads is that CRM's export (rules/mappings/*.toml)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file: CSV, or JSON Lines when it ends in .jsonl (default: stdout)",
    )


def run(args: argparse.Namespace) -> int:
    from engine import format_time
    from live import TableWriter, score

    programs = load_programs([args.file], args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    program = programs[0]
    mapping = None
    if args.map is not None:
        from live import load_mapping

        mapping = load_mapping(args.map)
    jsonl = args.output is not None and args.output.lower().endswith(".jsonl")
    # a file or a mapping that cannot be read: InputError, MappingError, printed by cli/main.py
    try:
        with _Output(args.output) as file:
            write = TableWriter(program, file, jsonl)
            result = score(
                program,
                args.leads,
                args.events or None,
                at=args.at,
                seed=args.seed,
                mapping=mapping,
                absent=tuple(args.absent),
                emit=write,
            )
            write.finish()
    except OSError as err:
        print(f"nurture score: cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return exitcodes.USER_ERROR
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    at = format_time(result.at)
    print(f"nurture score: {result.scored} leads scored at {at}", file=sys.stderr)
    if result.after_at:
        print(f"  {result.after_at} events after {at} not applied", file=sys.stderr)
    if result.not_yet:
        print(f"  {result.not_yet} leads created after {at} left out", file=sys.stderr)
    _report_rejected(result.rejected)
    if args.strict and result.rejected:
        return exitcodes.USER_ERROR
    return exitcodes.OK


def _report_rejected(rejected: list[Any]) -> None:
    if not rejected:
        return
    n = len(rejected)
    print(f"{n} input row{'s' if n != 1 else ''} rejected and left out:", file=sys.stderr)
    for row in rejected[:SHOWN_REJECTIONS]:
        print(f"  {row}", file=sys.stderr)
    if n > SHOWN_REJECTIONS:
        print(f"  ... and {n - SHOWN_REJECTIONS} more", file=sys.stderr)


class _Output:
    """Stdout, or the file through a temporary one put in its place only when every row is
    written (never half a file; an error leaves the file as it was and no temporary)."""

    def __init__(self, output: str | None) -> None:
        self.output = output
        self.temp = None if output is None else output + ".tmp"
        self.file: TextIO = sys.stdout

    def __enter__(self) -> TextIO:
        if self.temp is not None:
            self.file = open(self.temp, "w", encoding="utf-8", newline="")  # noqa: SIM115
        return self.file

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if self.temp is None or self.output is None:
            return
        self.file.close()
        if kind is None:
            os.replace(self.temp, self.output)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
