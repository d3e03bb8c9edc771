"""`nurture tui FILE [FILE2] [--scenario S] [--db DB]`: the terminal UI.

Opens even when a rule file has mistakes (the rules screen shows them); a file that does not
exist, or a scenario or database that does not, is named here instead, exit 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option
from cli.loading import settings_by_file


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "tui",
        help="browse rules, forecasts, leads and comparisons in the terminal",
        description="The terminal UI: rules, forecast, sequences, leads, compare.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a rule file, and a second to compare")
    p.add_argument("--scenario", metavar="S", help="scenario TOML (default: derived from lead:)")
    p.add_argument("--db", metavar="DB", help="database of `nurture run`: its real leads")
    add_set_option(p)


def _missing(args: argparse.Namespace) -> list[str]:
    out = [f"{path}: no such file" for path in args.files if not os.path.isfile(path)]
    for flag, path in (("--scenario", args.scenario), ("--db", args.db)):
        if path is not None and not os.path.isfile(path):
            out.append(f"{flag} {path}: no such file")
    return out


def run(args: argparse.Namespace) -> int:
    if len(args.files) > 2:
        print("nurture tui: give one rule file, or two to compare", file=sys.stderr)
        return exitcodes.USAGE
    missing = _missing(args)
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return exitcodes.USER_ERROR
    values = _values(args.files, args.settings)  # ParamError: printed by cli/main.py
    from tui import Launch, NurtureApp

    NurtureApp(Launch(tuple(args.files), args.scenario, args.db, values)).run()
    return exitcodes.OK


def _values(files: list[str], settings: list[tuple[str, str]]) -> tuple[dict[str, str], ...]:
    """Each file's `--set` values, checked against the params it declares (a file that does not
    parse has none: the app shows its diagnostics)."""
    if not settings:
        return ()
    from dsl import DiagnosticError, Rules, read_source

    parsed: dict[int, Rules] = {}
    for index, path in enumerate(files):
        try:
            parsed[index] = Rules(read_source(path), path)
        except DiagnosticError:
            pass
    values = dict(zip(parsed, settings_by_file(list(parsed.values()), settings), strict=True))
    for index, rules in parsed.items():
        rules.check(values[index])  # ParamError for a value of the wrong kind or out of range
    return tuple(values.get(index, {}) for index in range(len(files)))
