"""`nurture compare A B [...] [--scenario S] [...]`: forecast several rule files on the same
synthetic leads and random streams, and print their differences with 90% intervals.

The scenario (given, or derived from each file's `lead:` block) is checked against every
file. stdout holds only the report; the progress bar goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import exitcodes
from cli.cmd_simulate import ProgressBar, add_common, overrides, params_set, write_json
from cli.loading import load_programs


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="forecast several rule files on common random numbers")
    p.add_argument("files", nargs="+", metavar="FILE")
    add_common(p)


def run(args: argparse.Namespace) -> int:
    from simulator import compare, default_workers, prepare, render_comparison

    if len(args.files) < 2:
        print("nurture compare: give at least two rule files", file=sys.stderr)
        return exitcodes.USAGE
    programs = load_programs(args.files, args.settings, distinct=False)
    if programs is None:
        return exitcodes.USER_ERROR
    scenarios = [prepare(p, args.scenario, overrides(args)) for p in programs]  # ScenarioError
    workers = args.workers or default_workers(scenarios[0].run.runs)
    result = compare(programs, scenarios, args.scenario, workers, ProgressBar("comparing"))
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    sys.stdout.write(params_set(programs) + render_comparison(result))
    return exitcodes.OK
