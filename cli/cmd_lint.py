"""`nurture lint FILE...`: best-practice warnings on clean rule files (errors first, as check)."""

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
        except DiagnosticError as err:
            program, diags = None, err.diagnostics
        if program is not None:
            diags = diags + lint(program)
        failed = failed or program is None
        warned = warned or any(d.severity == "warning" for d in diags)
        if args.json:
            report.append({"file": path, "diagnostics": [d.to_dict() for d in diags]})
        elif diags:
            print(render_all(diags, source), file=sys.stderr)
            count = len(diags)
            print(f"{path}: {count} {'finding' if count == 1 else 'findings'}", file=sys.stderr)
        else:
            print(f"{path}: no warnings")
    if args.json:
        print(json.dumps(report, indent=2))
    if failed or (args.strict and warned):
        return exitcodes.USER_ERROR
    return exitcodes.OK
