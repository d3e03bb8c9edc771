"""`nurture db check DB`: whether a live database can be read back whole, and what is damaged.

Prints `DB: ok` with what it holds, or each problem found and what to do; exit 0 when it is
whole, 1 when it is damaged (or is no nurture database). The checking is `live.dbcheck`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import exitcodes


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "db",
        help="look after a live database (db check)",
        description="Look after a live database of `nurture run`.",
    )
    actions = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="check that a database can be read back whole",
        description="Check a live database (read-only): SQLite's integrity check, its tables, "
        "and every stored value the runner reads back. Exit 0 when whole, 1 when damaged.",
    )
    check.add_argument("db", metavar="DB", help="database of `nurture run`")


def run(args: argparse.Namespace) -> int:
    from engine import format_time
    from live.dbcheck import check_database

    found = check_database(args.db)  # not a database at all: StoreError, see cli/main.py
    counts = found.counts
    if found.ok:
        clock = format_time(found.clock) if found.clock is not None else "never run"
        print(
            f"{args.db}: ok — {counts.get('leads', 0):,} leads, {counts.get('events', 0):,} "
            f"events, {counts.get('outbox', 0):,} actions, {counts.get('dead_letters', 0):,} "
            f"dead letters; clock {clock}"
        )
        return exitcodes.OK
    n = len(found.problems)
    print(f"{args.db}: damaged ({n} problem{'s' if n != 1 else ''}):", file=sys.stderr)
    for problem in found.problems:
        print(f"  {problem}", file=sys.stderr)
    print(
        f"  hint: restore {args.db} from a copy taken between two runs, or rebuild it by running "
        "the same leads and events into a new database (nurture run ... --db NEW.db)",
        file=sys.stderr,
    )
    return exitcodes.USER_ERROR
