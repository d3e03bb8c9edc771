"""`nurture test [PATH...] [-k PATTERN] [--json]`: rule tests (`*.test.toml`, docs/TESTING.md).

With no path, every `*.test.toml` under the current folder. Exit 0 when every case passes, 1 when
one fails or a test file (or a rule file it names) has mistakes, 2 on bad usage (nothing to run).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "test",
        help="run rule tests (*.test.toml)",
        description="Run rule tests: a lead and its events through the rules, checked against "
        "what the test expects.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="test files or folders (default: every *.test.toml under the current folder)",
    )
    p.add_argument("-k", dest="pattern", metavar="PATTERN", help="run the cases whose name has it")
    p.add_argument("--json", action="store_true", help="results as JSON on stdout")
    add_set_option(p)


def run(args: argparse.Namespace) -> int:
    from cli.loading import given_once
    from live.ruletest import run_tests
    from live.ruletest_report import as_json, problems, text

    settings = given_once(args.settings)  # ParamError: cli/main.py prints it
    outcome = run_tests(args.paths, args.pattern, settings)  # ParamError for a --set that fits none
    if not outcome.files and not outcome.missing:
        where = ", ".join(args.paths) if args.paths else "the current folder"
        print(f"nurture test: no *.test.toml file in {where}", file=sys.stderr)
        return exitcodes.USAGE
    runnable = sum(len(f.test.cases) for f in outcome.files if not f.test.errors)
    if args.pattern and runnable and outcome.total == 0:
        print(f"nurture test: no case name matches -k {args.pattern!r}", file=sys.stderr)
        return exitcodes.USAGE
    if args.json:
        print(as_json(outcome))
    else:
        found = problems(outcome)
        if found:
            print(found, file=sys.stderr)
        if settings:
            shown = ", ".join(f"{k} = {v}" for k, v in settings.items())
            print(f"params set: {shown} (in every case that does not set them itself)\n")
        print(text(outcome))
    return exitcodes.OK if outcome.ok else exitcodes.USER_ERROR
