"""`nurture sensitivity FILE [--scenario S] [--spread 0.2] [--top N] [--leads N] [--days D]
[--runs R] [--seed X] [--workers W | --cluster C] [--json OUT]`: which assumption drives each
headline KPI, as tornado tables (`simulator/sensitivity.py`): each knob at the low and high end
of its uncertainty (a fitted scenario's 90% intervals) or ±20%, on common random numbers;
on at most 1,000 leads unless --leads is given (`simulator.sensitivity.sized`).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from cli import exitcodes
from cli.argtypes import positive_int
from cli.cmd_simulate import ProgressBar, backend_of, overrides, write_json
from cli.interrupt import ctrl_c_sets, report_cancelled
from cli.loading import load_rules


def spread_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.2, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


def add_parser(sub: Any) -> None:
    from cli.cmd_simulate import add_common

    p = sub.add_parser(
        "sensitivity",
        help="which assumption drives each KPI (tornado tables)",
        description="Each knob of the scenario at the low and high end of its uncertainty "
        "(a fitted knob's 90% interval, else ±20%), the KPIs' paired changes, largest first.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--spread",
        type=spread_arg,
        default=0.2,
        metavar="S",
        help="the range of a knob that was not fitted: its value ±S (default 0.2)",
    )
    p.add_argument("--top", type=positive_int, default=10, metavar="N", help="knobs shown a KPI")
    add_common(p)


def run(args: argparse.Namespace) -> int:
    from simulator import Cancelled, prepare
    from simulator.sensitivity import sensitivity, sized

    program = load_rules(args.file, args.settings)
    if program is None:
        return exitcodes.USER_ERROR
    scenario = prepare(program, args.scenario, overrides(args))  # ScenarioError
    scenario, size_note = sized(scenario, args.leads is not None)
    if args.html:
        print("nurture sensitivity: --html is not available for a sensitivity", file=sys.stderr)
        return exitcodes.USAGE
    workers, cluster = backend_of(args, 2**20)
    try:
        with ctrl_c_sets(threading.Event(), "sensitivity") as stop:
            result = sensitivity(
                program,
                scenario,
                args.scenario,
                spread=args.spread,
                workers=workers,
                progress=ProgressBar("varying"),
                cancel=stop,
                cluster=cluster,
                size_note=size_note,
            )
    except Cancelled as err:
        return report_cancelled("sensitivity", err)
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    sys.stdout.write(result.render(args.top))
    return exitcodes.OK
