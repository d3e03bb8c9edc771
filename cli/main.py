"""The `nurture` command line: parses arguments and routes to one module per command.

Each command module exposes `add_parser(subparsers)` and `run(args) -> int`. Modules are imported
only when their command runs, so `nurture check` never loads textual or simpy.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cli import exitcodes

# command name -> module that implements it
COMMANDS: dict[str, str] = {
    "check": "cli.cmd_check",
    "fmt": "cli.cmd_fmt",
    "lint": "cli.cmd_lint",
    "test": "cli.cmd_test",
    "run": "cli.cmd_run",
    "score": "cli.cmd_score",
    "explain": "cli.cmd_explain",
    "simulate": "cli.cmd_simulate",
    "compare": "cli.cmd_compare",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad usage: exit 2, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(exitcodes.USAGE)


def build_parser(argv: list[str]) -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = _Parser(prog="nurture", description="Plan, forecast and run lead-nurture rules.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: dict[str, object] = {}
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, module_name in COMMANDS.items():
        if wanted in COMMANDS and name != wanted:
            sub.add_parser(name)
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            continue  # command not built yet
        module.add_parser(sub)  # type: ignore[attr-defined]
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, modules = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return exitcodes.USAGE
    if args.command not in modules:
        print(f"nurture: '{args.command}' is not available in this build", file=sys.stderr)
        return exitcodes.USAGE
    try:
        return int(modules[args.command].run(args))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return exitcodes.OK


if __name__ == "__main__":
    raise SystemExit(main())
