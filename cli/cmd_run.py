"""`nurture run FILE... --leads L --events E [--db DB] [--until T] [--actions OUT] [--seed X]
[--migrate]`: the live engine over real data, resumable and idempotent.

Rejected input rows do not stop the run: they are recorded in the database's `dead_letters` table
with their reason, counted and listed on stderr, and the rest goes on; the exit code stays 0
unless `--strict` is given (then 1 when any row was rejected). A mistake that stops the run (a bad
rule file, a missing input file, a seed or rules mismatch) prints its message and exits 1 with
nothing changed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli import exitcodes
from cli.argtypes import add_set_option, nonnegative_int, positive_int, time_arg
from cli.loading import load_programs

if TYPE_CHECKING:
    from live import RunReport

SHOWN_REJECTIONS = 10


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run rule files live over leads and events (SQLite state)",
        description="Run the rules over real leads and events: events in time order, timers up "
        "to --until, actions as JSON Lines. Resumable: run it again with more events.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="rule files (.nurture)")
    add_set_option(p)
    p.add_argument("--leads", required=True, metavar="L", help="leads, CSV or JSON Lines")
    p.add_argument("--events", metavar="E", help="events, JSON Lines")
    p.add_argument(
        "--db",
        default="nurture.db",
        metavar="DB",
        help="SQLite database holding the live state (default: nurture.db)",
    )
    p.add_argument(
        "--until",
        type=time_arg,
        metavar="T",
        help="advance timers up to this time (ISO 8601; default: the last event)",
    )
    p.add_argument(
        "--actions",
        metavar="OUT",
        help="actions file, JSON Lines (default: this run's actions on stdout)",
    )
    p.add_argument(
        "--seed",
        type=nonnegative_int,
        metavar="X",
        help="random seed for holdouts and splits, fixed at the first run (default 0)",
    )
    p.add_argument(
        "--migrate",
        action="store_true",
        help="accept changed rule files, keeping enrolments by sequence and step",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when any input row was rejected")
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=20_000,
        metavar="N",
        help="engine calls per committed transaction (default 20000)",
    )
    p.add_argument(
        "--checkpoint-every",
        type=positive_int,
        default=500_000,
        metavar="N",
        help="engine calls between two saves of every changed lead's state; a killed "
        "run replays at most this many (default 500000)",
    )


def run(args: argparse.Namespace) -> int:
    from live import RunOptions
    from live import run as run_live

    programs = load_programs(args.files, args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    options = RunOptions(
        rule_files=list(args.files),
        programs=programs,
        leads_path=args.leads,
        events_path=args.events,
        db_path=args.db,
        until=args.until,
        actions_path=args.actions,
        seed=args.seed,
        migrate=args.migrate,
        batch_size=args.batch_size,
        checkpoint_every=args.checkpoint_every,
    )
    report = run_live(options, sys.stdout)  # a mistake raises NurtureError: cli/main.py prints it
    print_report(report, args)
    if args.strict and report.rejected:
        return exitcodes.USER_ERROR
    return exitcodes.OK


def print_report(report: RunReport, args: argparse.Namespace) -> None:
    from engine import format_time

    err = sys.stderr
    if report.migrated:
        print("migrated to the changed rules: " + ", ".join(report.migrated), file=err)
    leads = f"{report.leads_new} new leads"
    if report.leads_updated:
        leads += f", {report.leads_updated} updated"
    events = f"{report.events_accepted} events accepted"
    if report.events_late:
        events += f" ({report.events_late} late, applied at the clock)"
    parts = [leads, events]
    if report.duplicates:
        parts.append(f"{report.duplicates} duplicate events ignored")
    if report.after_until:
        parts.append(f"{report.after_until} events after --until left for a later run")
    print("nurture run: " + "; ".join(parts), file=err)
    if report.rejected:
        n = len(report.rejected)
        print(
            f"{n} input row{'s' if n != 1 else ''} rejected "
            f"(kept in the dead_letters table of {args.db}):",
            file=err,
        )
        for row in report.rejected[:SHOWN_REJECTIONS]:
            print(f"  {row}", file=err)
        if n > SHOWN_REJECTIONS:
            print(f"  ... and {n - SHOWN_REJECTIONS} more", file=err)
    where = f" to {args.actions}" if args.actions else ""
    clock = format_time(report.clock) if report.clock is not None else "-"
    print(f"{report.actions} actions written{where}; clock {clock}", file=err)
