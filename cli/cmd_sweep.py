"""`nurture sweep FILE --vary NAME=SPEC [--vary ...] [--samples N] [--objective EXPR] [--scenario S]
[--leads N] [--days D] [--runs R] [--seed X] [--workers W | --cluster C] [--json OUT] [--csv OUT]
[--html OUT]`: what-if over the scenario's assumptions (and the file's params), on common random
numbers; the best point for the objective and how sure the runs are that it beats the current
values. NAME is a scenario field by its TOML path or a param of FILE by its name; `--set` gives
the current values of params (the file's otherwise). The file is read once: each distinct set
of param values is checked once, and compiled once per process.

stdout holds only the report; the progress bar (with points finished and an ETA) goes to stderr
when it is a terminal. Ctrl-C stops within a second: the points finished are reported (and
written to --json/--csv/--html), exit 130; a second Ctrl-C quits at once. Mistakes in --vary
and --objective: exit 1.
"""

from __future__ import annotations

import argparse
import csv
import sys
import threading
from typing import Any

from cli import exitcodes
from cli.argtypes import positive_int
from cli.cmd_simulate import ProgressBar, add_common, backend_of, footer, overrides, write_json
from cli.interrupt import ctrl_c_sets
from cli.loading import load_one


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "sweep",
        help="what-if over assumptions and params, on common random numbers",
        description="Forecast FILE at every point of a grid (or --samples N points) of the "
        "values given with --vary, all on the same simulated leads.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--vary",
        action="append",
        nargs="+",
        required=True,
        metavar="NAME=SPEC",
        help="a scenario field by its TOML path (behaviour.click.email) or a param, and its "
        "values: 50,60,70 | 40..80 step 10 | range [N]; repeat for a grid",
    )
    p.add_argument(
        "--samples", type=positive_int, metavar="N", help="N points at random (Latin hypercube)"
    )
    p.add_argument(
        "--objective",
        default="customers",
        metavar="EXPR",
        help="what to maximise: a KPI or an expression (roi, sql - 0.1*unsubscribes); "
        "default customers",
    )
    p.add_argument("--csv", metavar="OUT", help="also write one row per point as CSV to OUT")
    add_common(p)


def write_csv(path: str, rows: list[list[object]]) -> None:
    from io import StringIO

    from htmlreport.write import write_page

    text = StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    write_page(path, text.getvalue())


def run(args: argparse.Namespace) -> int:
    from simulator import prepare
    from simulator.objective import parse_objective
    from simulator.sweep import plan_axes, sweep
    from simulator.sweep_report import render

    loaded = load_one(args.file, args.settings)  # ParamError: cli/main.py prints it
    if loaded is None:
        return exitcodes.USER_ERROR
    rules, settings, program = loaded
    scenario = prepare(program, args.scenario, overrides(args))  # ScenarioError
    axes = plan_axes(program, scenario, [" ".join(words) for words in args.vary])  # SweepError
    objective = parse_objective(args.objective)  # SweepError
    from htmlreport import check_writable

    for option, out in (("--html", args.html), ("--csv", args.csv), ("--json", args.json)):
        if out:
            check_writable(out, option)  # before the runs, not after
    workers, cluster = backend_of(args, 2**20)  # many tasks: by default one process per core
    runs = scenario.run.runs
    bar = ProgressBar(
        "sweeping", unit="runs", extra=lambda done, total: f"(≈{int(done) // runs} points)"
    )
    with ctrl_c_sets(threading.Event(), "sweep") as stop:  # Ctrl-C: keep what finished
        result = sweep(
            program,
            scenario,
            args.scenario,
            axes,
            objective,
            workers,
            args.samples,
            bar,
            stop,
            cluster,
            rules,
            settings,
        )
    if not result.complete and bar.enabled:
        sys.stderr.write("\n")
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    if args.csv:
        write_csv(args.csv, result.csv_rows())
    if args.html:
        from htmlreport import sweep_page, write_page

        write_page(args.html, sweep_page(result, scenario, footer()))
    sys.stdout.write(render(result))
    if not result.complete:
        print(
            f"interrupted: {len(result.points)} of {result.planned} points finished",
            file=sys.stderr,
        )
        return exitcodes.INTERRUPTED
    return exitcodes.OK
