"""`nurture report FILE... --db DB [--forecast F.json] [--since D] [--json] [--html OUT]
[--actions-csv OUT [--map M]]`: the actual KPIs of a live database, laid out like the forecast,
with the forecast beside them.

Read-only on the database. The rule files must be the ones the database runs. `--forecast`
reads the JSON `nurture simulate --json` wrote; `--since` keeps the leads that arrived at or
after that time; `--json` prints the report as JSON on stdout instead of text; `--html OUT` also
writes it as one self-contained HTML file; `--actions-csv OUT` writes every action (of those
leads) as CSV for a CRM import, its columns named by the mapping `--map` gives. The figures are
`live.report`'s; this module parses, calls it and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option, time_arg
from cli.loading import load_programs


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="actual KPIs of a live database, beside the forecast",
        description="The actual KPIs of a live database (read-only), laid out like the forecast; "
        "with --forecast, the forecast and its interval beside each figure.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="the rule files the database runs")
    p.add_argument("--db", required=True, metavar="DB", help="database of `nurture run`")
    add_set_option(p)
    p.add_argument(
        "--forecast", metavar="F", help="a forecast: the JSON `nurture simulate --json` wrote"
    )
    p.add_argument(
        "--since",
        type=time_arg,
        metavar="D",
        help="only leads that arrived at or after this time (ISO 8601, e.g. 2026-03-01)",
    )
    p.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    p.add_argument("--html", metavar="OUT", help="also write the report as an HTML file")
    p.add_argument(
        "--actions-csv",
        metavar="OUT",
        help="also write every action (of the leads reported) as CSV for a CRM import",
    )
    p.add_argument(
        "--map", metavar="M", help="a CRM mapping naming the --actions-csv columns (TOML)"
    )


def run(args: argparse.Namespace) -> int:
    from live import render_report, report

    if args.map is not None and args.actions_csv is None:
        print(
            "nurture report: --map names the columns of --actions-csv: give --actions-csv OUT "
            "too (to read a CRM export, use it with nurture run --map)",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    programs = load_programs(args.files, args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    mapping = None
    if args.map is not None:
        from live import load_mapping

        mapping = load_mapping(args.map)
    if args.html is not None:
        from htmlreport import check_writable

        check_writable(args.html)
    # no database, other rules, an unreadable forecast: a NurtureError, printed by cli/main.py
    result = report(list(args.files), programs, args.db, args.since, args.forecast)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_report(result))
    if args.actions_csv is not None:
        from live import export_actions

        rows = export_actions(args.db, args.actions_csv, mapping, args.since)
        print(f"nurture report: {rows} actions written to {args.actions_csv}", file=sys.stderr)
    if args.html is not None:
        from htmlreport import live_page, write_page

        write_page(args.html, live_page(result))
        print(f"nurture report: wrote {args.html}", file=sys.stderr)
    return exitcodes.OK
