"""`nurture calibrate FILE (--history LEADS EVENTS | --db DB) -o OUT [--scenario PRIOR] [--by ATTR]
[--outcomes-only] [--map FILE] [--event-type TYPE=THEIRS] [--until T] [--json OUT]`: fit the
behaviour model to a campaign's history and write the fitted scenario. With `--map FILE` (a CRM
mapping, as `nurture run` takes), LEADS is a CRM's export read through it
(`cli/history_input.py`).

stdout: what was fitted, each knob's estimate and 90% interval, what the history could not
identify, observed against fitted figures. stderr: what was read, rejected rows. OUT is a
scenario like any other (`nurture simulate FILE --scenario OUT`), with a `[fit]` section that
makes every forecast draw the fitted parameters from their uncertainty.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option
from cli.history_input import add_history, read_history, usage_problem
from cli.loading import load_rules


def add_fit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scenario",
        metavar="PRIOR",
        help="the prior scenario: the model's shape and the knobs the history cannot identify "
        "(default: derived from the lead: block)",
    )
    p.add_argument(
        "--by",
        metavar="ATTR",
        help="a lead attribute whose values are the personas (each fitted on its own leads)",
    )
    p.add_argument(
        "--outcomes-only",
        action="store_true",
        help="the history holds each lead's outcome over the window (visited, bought), not "
        "every visit and click (an experiment's summary)",
    )
    add_set_option(p)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit the behaviour model to a history, with its uncertainty",
        description="Fit the behaviour model's parameters to a campaign's history by maximum "
        "likelihood and write them, with their uncertainty, as a scenario.",
    )
    p.add_argument("file", metavar="FILE", help="rule file (.nurture)")
    add_history(p)
    add_fit_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the fitted scenario")
    p.add_argument("--json", metavar="OUT", help="also write the fit as JSON")


def check_output(path: str, option: str) -> None:
    from simulator.calibrate import CalibrationError

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CalibrationError(f"{option} {path}: is a folder, not a file")
    if not os.path.isdir(folder):
        raise CalibrationError(f"{option} {path}: no folder {folder}")


def write_text(path: str, text: str) -> None:
    """Whole or not at all: through a temporary file beside it."""
    temp = f"{path}.partial"
    with open(temp, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temp, path)


def run(args: argparse.Namespace) -> int:
    from simulator import prepare
    from simulator.calibrate import CalibrateOptions, calibrate
    from simulator.calibrate_output import scenario_text

    problem = usage_problem(args)
    if problem is not None:
        print(f"nurture calibrate: {problem}", file=sys.stderr)
        return exitcodes.USAGE
    program = load_rules(args.file, args.settings)
    if program is None:
        return exitcodes.USER_ERROR
    check_output(args.output, "-o")
    if args.json:
        check_output(args.json, "--json")
    from simulator import Overrides

    prior = prepare(program, args.scenario, Overrides())  # ScenarioError
    # InputError, StoreError, MappingError, CalibrationError; the summary opens the report
    history = read_history(args, program, summary=False)
    result = calibrate(program, prior, history, CalibrateOptions(args.by, args.outcomes_only))
    made = f"nurture calibrate {args.file}"
    write_text(args.output, scenario_text(result, program, args.scenario, args.output, made))
    if args.json:
        import json

        write_text(args.json, json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n")
    sys.stdout.write(result.render())
    print(f"wrote the fitted scenario to {args.output}", file=sys.stderr)
    return exitcodes.OK
