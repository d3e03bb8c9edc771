"""`nurture explain FILE... --db DB LEAD [--json]`: why a lead has its score, stage and touches.

Reads the lead's engine state from the database of `nurture run` and prints its trail as a
timeline: every point, stage move, lifecycle change, enrolment, step, postponement and suppression
with the rule's file:line. `--json` prints the same for machines. The rule files must be the ones
the database last ran.

The lead is read by `live.explain` (restored from the last checkpoint and caught up with the
journal after it, read-only); this module parses, calls it and prints.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from cli import exitcodes
from cli.argtypes import add_set_option
from cli.loading import load_programs

if TYPE_CHECKING:
    from live import LeadExplanation


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="a lead's timeline: every point, move and step",
        description="Explain one lead of a live database.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="the rule files the database runs")
    p.add_argument("--db", required=True, metavar="DB", help="database of `nurture run`")
    p.add_argument("lead", metavar="LEAD", help="the lead's id")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    add_set_option(p)


def run(args: argparse.Namespace) -> int:
    from live import explain

    programs = load_programs(args.files, args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    # no such lead, rules differ, no database: a NurtureError, printed by cli/main.py; a replay
    # that does not give back the outbox: ReplayMismatch, a bug, reported by cli/main.py
    found = explain(list(args.files), programs, args.db, args.lead)
    if args.json:
        print(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(as_text(found))
    return exitcodes.OK


def as_text(found: LeadExplanation) -> str:
    """The standing under each file with what is due next, then the trail (`live.explain_text`)."""
    from live import explain_text

    return explain_text(found)
