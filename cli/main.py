"""The `nurture` command line: parses arguments and routes to one module per command.

Every command is registered below, by its module: `add_parser(subparsers)` adds its arguments and
`run(args) -> int` runs it and returns an exit code (cli/exitcodes.py). A command module imports
only the standard library and `cli` at its top, and its product's packages inside `run`, so that
`nurture check` never loads textual or simpy.

A command stops on an error in one of two ways, and only here are they told apart: a user's mistake
(`dsl.errors.NurtureError`, from any package) is printed with its hint, exit 1; anything else is a
failure of nurture itself, reported as a bug with what to send, exit 70.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import NoReturn

from cli import (
    cmd_backtest,
    cmd_calibrate,
    cmd_check,
    cmd_compare,
    cmd_db,
    cmd_explain,
    cmd_fmt,
    cmd_init,
    cmd_lint,
    cmd_replay,
    cmd_report,
    cmd_run,
    cmd_score,
    cmd_sensitivity,
    cmd_simulate,
    cmd_sweep,
    cmd_test,
    cmd_tui,
    exitcodes,
    version_text,
)

# command name -> the module that implements it, in the order `nurture --help` lists them
COMMANDS: dict[str, ModuleType] = {
    "init": cmd_init,
    "check": cmd_check,
    "fmt": cmd_fmt,
    "lint": cmd_lint,
    "test": cmd_test,
    "run": cmd_run,
    "score": cmd_score,
    "explain": cmd_explain,
    "report": cmd_report,
    "replay": cmd_replay,
    "db": cmd_db,
    "simulate": cmd_simulate,
    "compare": cmd_compare,
    "sweep": cmd_sweep,
    "calibrate": cmd_calibrate,
    "backtest": cmd_backtest,
    "sensitivity": cmd_sensitivity,
    "tui": cmd_tui,
}


class _Version(argparse.Action):
    """`--version`: the version from the package metadata, read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(version_text())
        parser.exit(exitcodes.OK)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # bad usage: exit 2, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(exitcodes.USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nurture", description="Plan, forecast and run lead-nurture rules.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return exitcodes.USAGE
    try:
        return int(COMMANDS[args.command].run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except BrokenPipeError:
        return exitcodes.OK
    except Exception as err:  # noqa: BLE001 (told apart here, and only here)
        from cli.reporting import report_bug, report_mistake
        from dsl.errors import NurtureError

        if isinstance(err, NurtureError):
            report_mistake(args.command, err)
            return exitcodes.USER_ERROR
        report_bug(args.command, err, argv)
        return exitcodes.INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
