"""`nurture init NAME`: a starter campaign (rules, scenario, rule tests, a leads and events sample)
that checks, lints, tests, simulates and runs clean; then the commands to try next. Refuses to
overwrite: when a file exists, nothing is written (`cli/scaffold.py`)."""

from __future__ import annotations

import argparse
from typing import Any

from cli import exitcodes


def _name(text: str) -> str:
    from cli.scaffold import check_name

    try:
        return check_name(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="a starter campaign: rules, scenario, tests and sample data",
        description="Write a starter campaign NAME.nurture, with its scenario, rule tests and a "
        "small leads and events sample, then say what to run next. Nothing is overwritten.",
    )
    p.add_argument(
        "name", type=_name, metavar="NAME", help="the files' stem and the campaign's name"
    )


def run(args: argparse.Namespace) -> int:
    from cli.scaffold import init

    made = init(args.name)  # files that exist: an InitError, printed by cli/main.py
    print(f'Created the campaign "{made.campaign}":')
    width = max(len(path) for path, _ in made.files)
    for path, what in made.files:
        print(f"  {path:<{width}}  {what}")
    print("\nNext steps:")
    for command, what in made.next_steps:
        print(f"  {command}\n      {what}")
    return exitcodes.OK
