"""`nurture backtest FILE (--history LEADS EVENTS | --db DB) [--split 0.7 | --before DATE]
[--scenario PRIOR] [--by ATTR] [--outcomes-only] [--untimed] [--map FILE]
[--event-type TYPE=THEIRS] [--runs R] [--seed X] [--workers W] [--json OUT]`: calibrate on one
part of a history, forecast the other, and report forecast against actual for each figure the
history has (`simulator/backtest.py`). The history is read as `nurture calibrate` reads it
(`cli/history_input.py`: `--map FILE` a CRM mapping, LEADS that CRM's export).

Exit 0 whatever the verdicts (a backtest reports, it does not judge the input); 1 for a mistake
in the input, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from cli import exitcodes
from cli.argtypes import nonnegative_int, positive_int, time_arg
from cli.cmd_calibrate import add_fit_options, check_output, write_text
from cli.history_input import add_history, read_history, usage_problem
from cli.interrupt import ctrl_c_sets, report_cancelled
from cli.loading import load_rules


def share_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.7, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "backtest",
        help="calibrate on part of a history, forecast the rest, compare with what happened",
        description="Hold out part of a history (a random share of leads, or everything from "
        "a date), calibrate on the rest, forecast the held-out part and report forecast "
        "against actual.",
    )
    p.add_argument("file", metavar="FILE", help="rule file (.nurture)")
    add_history(p)
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--split",
        type=share_arg,
        metavar="SHARE",
        help="fit on a random SHARE of the leads, judge on the rest (default 0.7)",
    )
    how.add_argument(
        "--before",
        type=time_arg,
        metavar="DATE",
        help="fit on the history before DATE, judge on the leads created from it on",
    )
    add_fit_options(p)
    p.add_argument(
        "--untimed",
        action="store_true",
        help="the history's times only order its events (made up from a count or a sequence, "
        "not when things happened): the days to convert are not judged",
    )
    p.add_argument("--runs", type=positive_int, default=20, metavar="R", help="replications (20)")
    p.add_argument("--seed", type=nonnegative_int, default=0, metavar="X", help="seed (0)")
    p.add_argument("--workers", type=positive_int, metavar="W", help="processes (default: cores)")
    p.add_argument("--json", metavar="OUT", help="also write the backtest as JSON")


def run(args: argparse.Namespace) -> int:
    from cli.cmd_simulate import ProgressBar
    from simulator import Cancelled, Overrides, default_workers, prepare
    from simulator.backtest import Before, Split, backtest
    from simulator.calibrate import CalibrateOptions

    problem = usage_problem(args)
    if problem is not None:
        print(f"nurture backtest: {problem}", file=sys.stderr)
        return exitcodes.USAGE
    program = load_rules(args.file, args.settings)
    if program is None:
        return exitcodes.USER_ERROR
    if args.json:
        check_output(args.json, "--json")
    prior = prepare(program, args.scenario, Overrides())  # ScenarioError
    history = read_history(args, program)
    how = Before(args.before) if args.before is not None else Split(args.split or 0.7, args.seed)
    options = CalibrateOptions(args.by, args.outcomes_only)
    workers = args.workers or default_workers(args.runs)
    try:
        with ctrl_c_sets(threading.Event(), "backtest") as stop:
            result = backtest(
                program,
                prior,
                history,
                how,
                options,
                args.runs,
                args.seed,
                workers,
                ProgressBar("forecasting"),
                stop,
                timed=not args.untimed,
            )
    except Cancelled as err:
        return report_cancelled("backtest", err)
    if args.json:
        import json

        write_text(args.json, json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n")
    sys.stdout.write(result.render())
    return exitcodes.OK
