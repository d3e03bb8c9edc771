"""`nurture lint FILE...`: best-practice warnings on rule files that check clean.

A file `check` rejects gets its errors, as `check` prints them, and exit 1: lint reads only
programs that mean something. Allowances (`# nurture: allow CODE  reason`) silence a warning on
their line; docs/LINT.md lists every code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli import exitcodes


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="warn about known nurture mistakes",
        description="Warn about known nurture mistakes. lint reads a file as written: params "
        "have the values the file gives them (there is no --set).",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="warnings as JSON on stdout")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is any warning")


def run(args: argparse.Namespace) -> int:
    from dsl import DiagnosticError, check_source, read_source
    from dsl.diagnostics import render_all
    from dsl.lint import lint

    failed = warned = False
    report: list[dict[str, object]] = []
    for path in args.files:
        source = ""
        try:
            source = read_source(path)
            program, diags = check_source(source, path)
            if program is not None:
                diags = diags + lint(program, source)
        except DiagnosticError as err:
            program, diags = None, err.diagnostics
        errors = sum(1 for d in diags if d.severity == "error")
        warnings = len(diags) - errors
        failed = failed or program is None
        warned = warned or warnings > 0
        if args.json:
            report.append(
                {
                    "file": path,
                    "ok": program is not None,
                    "diagnostics": [d.to_dict() for d in diags],
                }
            )
        elif diags:
            print(render_all(diags, source), file=sys.stderr)
            if program is None:
                print(f"{path}: {_count(errors, 'error')}; not linted", file=sys.stderr)
            else:
                print(f"{path}: {_count(warnings, 'warning')}", file=sys.stderr)
        else:
            print(f"{path}: no warnings")
    if args.json:
        print(json.dumps(report, indent=2))
    if failed or (args.strict and warned):
        return exitcodes.USER_ERROR
    return exitcodes.OK


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
