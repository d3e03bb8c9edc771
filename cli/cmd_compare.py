"""`nurture compare A B [...] [--scenario S] [...]`: forecast several rule files on the same
synthetic leads and random streams, and print their differences with 90% intervals.

The scenario (given, or derived from each file's `lead:` block) is checked against every
file. stdout holds only the report; the progress bar goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from cli import exitcodes
from cli.cmd_simulate import (
    ProgressBar,
    add_common,
    backend_of,
    footer,
    overrides,
    write_json,
)
from cli.interrupt import ctrl_c_sets, report_cancelled
from cli.loading import load_programs


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="forecast several rule files on common random numbers")
    p.add_argument("files", nargs="+", metavar="FILE")
    add_common(p)


def run(args: argparse.Namespace) -> int:
    from simulator import Cancelled, compare, prepare_compare, render_comparison

    if len(args.files) < 2:
        print("nurture compare: give at least two rule files", file=sys.stderr)
        return exitcodes.USAGE
    programs = load_programs(args.files, args.settings, distinct=False)
    if programs is None:
        return exitcodes.USER_ERROR
    # one population for every file (the first file's lead: block where they differ)
    scenarios, population = prepare_compare(programs, args.scenario, overrides(args))
    if args.html:
        from htmlreport import check_writable

        check_writable(args.html)  # before the runs, not after
    workers, cluster = backend_of(args, scenarios[0].run.runs)
    progress = ProgressBar("comparing")
    try:
        with ctrl_c_sets(threading.Event(), "compare") as stop:
            result = compare(
                programs,
                scenarios,
                args.scenario,
                workers,
                progress,
                stop,
                population,
                cluster=cluster,
            )
    except Cancelled as err:  # Ctrl-C: say what had finished
        return report_cancelled("compare", err)
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    if args.html:
        from htmlreport import comparison_page, write_page

        write_page(args.html, comparison_page(result, scenarios[0], footer()))
    sys.stdout.write(render_comparison(result))
    return exitcodes.OK
