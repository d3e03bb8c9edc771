"""`nurture replay NEW.nurture... --db DB [--json]`: what new rules would have done on the
history a live database recorded, against what was done.

The database is read, never changed (the new rules run in memory). Give as many files as the
database runs, in its order, each the new version of its file. The replay is
`live.replay`'s; this module parses, calls it and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option
from cli.loading import load_programs


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "replay",
        help="what new rules would have done on a live database's history",
        description="Replay the recorded leads and events under new rules (the database is "
        "not changed) and say what would differ: in total, and lead by lead.",
    )
    p.add_argument("files", nargs="+", metavar="NEW", help="the new rule files (.nurture)")
    p.add_argument("--db", required=True, metavar="DB", help="database of `nurture run`")
    add_set_option(p)
    p.add_argument("--json", action="store_true", help="the result as JSON on stdout")


def run(args: argparse.Namespace) -> int:
    from live import render_replay, replay

    programs = load_programs(args.files, args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    # no database, another number of files, an interrupted run: a NurtureError (cli/main.py)
    result = replay(list(args.files), programs, args.db)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_replay(result))
    return exitcodes.OK
